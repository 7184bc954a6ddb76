"""The team digest (channel post); the team leads' private DM is blocks/participation.py.

Digest layout (at most 45 blocks, whatever the team's size):

- header "{team} · {cycle} · week N of M";
- a section: overall progress against pace, percent vs expected, the suggested status;
- a context: participation as counts only ("4 of 5 updated this week · 1 no change · 1
  away"), never who;
- up to two native charts (blocks.charts): the team's progress by week against expected
  (line), and each rep's quota attainment this week (bar) where weekly quotas exist; then a
  context saying the same in words, kept when the charts are left out;
- a divider, then the objectives, one line each (bold title, bar, percent, change since the
  last digest in percentage points, suggested status), packed up to `OBJECTIVES_PER_SECTION`
  lines per section, at most `MAX_OBJECTIVES` objectives, then "and N more objectives";
- a divider, "At risk" (by the suggestion or the owner's own call): one section per KR with
  its story and a *Discuss* button (a thread under the digest mentioning the owner), worst
  first, at most `MAX_AT_RISK`, then "and N more";
- "Moved or noted": every other KR that moved or has a new note, with its story, packed;
- "Wins" (targets reached, quotas met, moves well ahead of pace), one section each with a
  *Give kudos* button; then the week's kudos;
- a context legend.

A KR's story: owner, value in its unit, the change since last week in its unit (points for
a percent) saying whether it is better or worse, from three readings on where its trend
lands at cycle end, the suggestion beside the owner's confidence, the latest note quoted on
one line.

The names of people who have not checked in never appear in the digest: the leads' DM
(`blocks.participation.lead_message`) names them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import charts, ids
from blocks.kr_format import (
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    TEAM_CHARS,
    guard,
    kr_value,
    measured,
    mention,
    one_line,
    percent,
    progress_bar,
    status_label,
    status_pair,
    user_text,
)
from blocks.mrkdwn import escape
from okr.dates import day_month
from okr.digest import (
    QUOTA_MET,
    REACHED,
    DigestData,
    DigestKudos,
    KRStory,
    ObjectiveDigest,
    WeekPoint,
    Win,
    objective_status,
)
from okr.display import change_text, pair_text
from okr.i18n import N_, _, ngettext
from okr.outline import KRLine, ObjectiveCard
from okr.progress import KRKind
from okr.values import with_word

SECTION_BUDGET = MAX_SECTION_TEXT - 100
"""Characters a packed section may use (a margin under Slack's 3,000)."""

CYCLE_CHARS = 60
OBJECTIVE_CHARS = 100
KR_CHARS = 100
CONTEXT_OBJECTIVE_CHARS = 60
NOTE_CHARS = 140
SINCE_WEEK = N_("since last week")
SINCE_PERIOD = {
    "week": N_("on last week"),
    "month": N_("on last month"),
}
"""A note is quoted on one line: cut at a word near this many characters."""

MAX_OBJECTIVES = 40
OBJECTIVES_PER_SECTION = 10
MAX_AT_RISK = 8
MAX_UPDATES = 12
UPDATES_PER_SECTION = 4
MAX_WINS = 6
MAX_KUDOS = 10
CHART_TEXT_WEEKS = 4
CHART_TEXT_REPS = 8

LEGEND = N_(
    "Bars show progress against pace: a threshold to hold or a quota counts for the weeks "
    "so far. ▲▼ beside an objective is its change since the last digest in percentage "
    "points. Statuses are the bot's suggestion from pace, shown beside the owner's own "
    "confidence."
)


# --- shared helpers (the other rhythm builders use them too) -------------------------------


def pack_sections(
    lines: Sequence[str],
    *,
    max_blocks: int,
    per_block: int = 1_000,
    heading: str | None = None,
    budget: int = SECTION_BUDGET,
) -> tuple[list[str], int]:
    """Pack mrkdwn `lines` in order into at most `max_blocks` section texts of at most
    `budget` characters and `per_block` lines each; `heading` opens the first one.

    Returns the texts and how many lines they hold (the caller says "and N more" for the rest).
    Every line is `guard`ed to the budget, so one overlong line cannot break a payload."""
    reserve = len(heading) + 1 if heading else 0
    texts: list[str] = []
    current: list[str] = [heading] if heading else []
    size = len(heading) if heading else 0
    in_block = placed = 0
    for raw in lines:
        line = guard(raw, budget - reserve)
        if in_block and (size + 1 + len(line) > budget or in_block >= per_block):
            texts.append("\n".join(current))
            if len(texts) >= max_blocks:
                return texts, placed
            current, size, in_block = [], 0, 0
        if current:
            size += 1
        current.append(line)
        size += len(line)
        in_block += 1
        placed += 1
    if current:
        texts.append("\n".join(current))
    return texts, placed


def section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=guard(text))).to_dict()


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=guard(text, 2000))]).to_dict()


def header(text: str) -> dict[str, Any]:
    return HeaderBlock(text=guard(text, MAX_HEADER_TEXT)).to_dict()


def divider() -> dict[str, Any]:
    return DividerBlock().to_dict()


def change_label(change: float | None) -> str:
    """`▲ 5 pts`, `▼ 3 pts`, `no change` (under half a point); empty when unknown."""
    if change is None or not math.isfinite(change):
        return ""
    points = round(change * 100)
    if points == 0:
        return _("no change")
    arrow = "▲" if points > 0 else "▼"
    return _("{arrow} {points:,} pts").format(arrow=arrow, points=min(abs(points), 9_999))


def team_cycle(team_name: str, cycle_name: str) -> str:
    """`Sales EMEA · Q2 2024`, both escaped and capped."""
    team = user_text(team_name, TEAM_CHARS, _("Team"))
    return f"{team} · {user_text(cycle_name, CYCLE_CHARS, _('cycle'))}"


def week_text(data: DigestData) -> str:
    return _("week {week} of {weeks}").format(week=data.week, weeks=data.weeks)


def rate_text(data: DigestData) -> str:
    """`12 of 14 checked in this week` (no closing period: callers add their own)."""
    if data.owners == 0:
        return _("No key-result owners were due to check in this week")
    return _("{done:,} of {owners:,} checked in this week").format(
        done=data.checked_in, owners=data.owners
    )


def updated_count(data: DigestData) -> int:
    """Owners due this week with a real update (checked in, and not only *No change*)."""
    return data.updated if data.updated is not None else data.checked_in - data.no_change


def participation_text(data: DigestData) -> str:
    """`4 of 5 updated this week · 1 no change · 1 away`: counts only, never names."""
    if data.owners == 0:
        text = _("No key-result owners were due to check in this week")
    else:
        text = _("{updated:,} of {owners:,} updated this week").format(
            updated=updated_count(data), owners=data.owners
        )
        if data.no_change:
            text += " · " + _("{n:,} no change").format(n=data.no_change)
    if data.away:
        text += " · " + _("{n:,} away").format(n=data.away)
    return text


# --- one key result's story -----------------------------------------------------------------


def note_text(note: str, limit: int = NOTE_CHARS) -> str:
    """The note on one line, cut at a word where it can be (`…` marks a cut), escaped."""
    line = one_line(note)
    if len(line) > limit:
        cut = line[:limit]
        space = cut.rfind(" ")
        if space >= limit * 0.6:
            cut = cut[:space]
        line = cut.rstrip(" ,;:.-") + "…"
    return escape(line)


def _story_change(story: KRStory) -> str:
    kr = story.kr
    if story.first_reading and story.change is None:
        return _("first reading")
    if story.change is None or not math.isfinite(story.change):
        return ""
    if kr.kind is KRKind.MILESTONE:
        if story.change == 0:
            return ""
        return _("done since last week") if story.change > 0 else _("reopened since last week")
    since = _(SINCE_PERIOD.get(kr.period.value, SINCE_WEEK) if kr.period else SINCE_WEEK)
    return escape(change_text(story.change, kr.measure, kr.kind, since=since))


def forecast_text(kr: KRLine, value: float | None, last_day: date | None) -> str:
    """`on pace for $1.15M by 31 Dec`: the trend's value at cycle end, never rounded onto a
    target it misses (okr.display.pair_text)."""
    if value is None or not math.isfinite(value):
        return ""
    shown, _unused = pair_text(value, kr.target, kr.measure.bare)
    if kr.unit_word:
        shown = with_word(shown, kr.unit_word)
    if last_day is None:
        return _("on pace for {value} by cycle end").format(value=escape(shown))
    return _("on pace for {value} by {day}").format(value=escape(shown), day=day_month(last_day))


def story_text(story: KRStory, last_day: date | None) -> str:
    """The KR, its owner and objective; its value, change and forecast; the suggestion
    beside the owner's confidence; the latest note quoted on one line."""
    kr = story.kr
    objective = user_text(story.card.title, CONTEXT_OBJECTIVE_CHARS)
    facts = [kr_value(kr)]
    if measured(kr) and kr.kind.moves:
        facts.append(percent(kr.progress))
    for extra in (_story_change(story), forecast_text(kr, story.forecast, last_day)):
        if extra:
            facts.append(extra)
    lines = [
        f"• *{user_text(kr.title, KR_CHARS)}* · {mention(kr.owner_id)} · _{objective}_",
        f"      {' · '.join(facts)}",
        f"      {status_pair(kr)}",
    ]
    if story.note:
        lines.append(f"      _“{note_text(story.note)}”_")
    return "\n".join(lines)


def _button(text: str, action_id: str, value: str) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value)


def at_risk_line(card: ObjectiveCard, kr: KRLine) -> str:
    """Two lines: the KR, its owner and objective; value, percent and the status pair."""
    objective = user_text(card.title, CONTEXT_OBJECTIVE_CHARS)
    return (
        f"• *{user_text(kr.title, KR_CHARS)}* · {mention(kr.owner_id)} · _{objective}_\n"
        f"      {kr_value(kr)}{_percent_of(kr)} · {status_pair(kr)}"
    )


def _percent_of(kr: KRLine) -> str:
    """` · 35%`, or nothing for a KR without a reading (no percent to report yet)."""
    return f" · {percent(kr.progress)}" if measured(kr) else ""


def win_line(win: Win) -> str:
    """`:dart: <@U1> reached the target of *Close $2M*: $2.1M of $2M`, a quota met, or a
    move well ahead of pace (`$1.5M of $2M · 75% · expected 50%`)."""
    title = user_text(win.kr.title, KR_CHARS)
    who = mention(win.kr.owner_id)
    value = kr_value(win.kr)
    if win.kind == REACHED:
        return _(":dart: {who} reached the target of *{title}*: {value}").format(
            who=who, title=title, value=value
        )
    if win.kind == QUOTA_MET:
        return _(":white_check_mark: {who} met the quota of *{title}*: {value}").format(
            who=who, title=title, value=value
        )
    return _(
        ":rocket: {who} is well ahead of pace on *{title}*: {value}"
        " · {progress} · expected {expected}"
    ).format(
        who=who,
        title=title,
        value=value,
        progress=percent(win.kr.progress),
        expected=percent(win.kr.expected),
    )


def kudos_line(kudos: DigestKudos) -> str:
    """`• <@U1> to <@U2>: “for the Acme deal”`."""
    return _("• {giver} to {receiver}: “{text}”").format(
        giver=mention(kudos.giver), receiver=mention(kudos.receiver), text=note_text(kudos.text)
    )


def _more(hidden: int, sentence: str) -> dict[str, Any]:
    """`and 3 more objectives`: `sentence` is the translated form for `hidden`, with `{n}`."""
    return context(sentence.format(n=hidden))


# --- the charts -----------------------------------------------------------------------------


def _pct(fraction: float) -> float:
    return fraction * 100 if math.isfinite(fraction) else 0.0


def trend_chart(points: Sequence[WeekPoint]) -> dict[str, Any] | None:
    """Line chart: the team's progress against pace by cycle week, beside expected."""
    if len(points) < 2:
        return None
    return charts.series_chart(
        "line",
        _("Team progress vs expected, by week"),
        [week_tick(point.week) for point in points],
        [
            (_("Progress %"), [_pct(point.progress) for point in points]),
            (_("Expected %"), [_pct(point.expected) for point in points]),
        ],
        x_label=_("Week of the cycle"),
        y_label=_("% of the cycle's goals"),
    )


def week_tick(week: int) -> str:
    """`W3` / `第3周`: a cycle week on a chart axis or in its text."""
    return _("W{week}").format(week=week)


def trend_text(points: Sequence[WeekPoint], weeks: int = CHART_TEXT_WEEKS) -> str:
    """The trend chart in words: the last `weeks` weeks; empty without a trend."""
    if len(points) < 2:
        return ""
    shown = " · ".join(
        f"{week_tick(p.week)} {percent(p.progress)} ({percent(p.expected)})"
        for p in points[-weeks:]
    )
    return _(":chart_with_upwards_trend: Progress by week (expected): {weeks}").format(weeks=shown)


def _rep_name(data: DigestData, owner_id: str) -> str:
    return one_line(data.names.get(owner_id) or "") or owner_id


def quota_chart(data: DigestData) -> dict[str, Any] | None:
    """Bar chart: each rep's quota attainment this week (highest first)."""
    if not data.quota_reps:
        return None
    return charts.series_chart(
        "bar",
        _("Weekly quota attained, latest week"),
        [_rep_name(data, rep.owner_id) for rep in data.quota_reps],
        [(_("Quota met %"), [_pct(rep.attainment) for rep in data.quota_reps])],
        x_label=_("Rep"),
        y_label=_("% of weekly quota"),
        keep="first",
    )


def charts_text(data: DigestData) -> list[str]:
    """What the charts show, in words (kept when the charts are not drawn)."""
    lines = [trend_text(data.trend)] if len(data.trend) >= 2 else []
    if data.quota_reps:
        shown = data.quota_reps[:CHART_TEXT_REPS]
        reps = " · ".join(
            f"{charts.cut(_rep_name(data, r.owner_id), 30)} {percent(r.attainment)}" for r in shown
        )
        rest = len(data.quota_reps) - len(shown)
        if rest:
            reps += " · " + _("and {n:,} more").format(n=rest)
        lines.append(_(":bar_chart: Weekly quota, latest week: {reps}").format(reps=reps))
    return lines


# --- the digest -----------------------------------------------------------------------------


def objective_line(item: ObjectiveDigest) -> str:
    """`*Win EMEA*  ▓▓▓▓░░░░░░ 42% · ▲ 5 pts · :large_green_circle: on track`."""
    parts = [f"{progress_bar(item.progress)} {percent(item.progress)}"]
    change = change_label(item.change)
    if change:
        parts.append(change)
    if item.card.krs:
        parts.append(status_label(item.status))
    else:
        parts.append(_("no key results yet"))
    return f"*{user_text(item.card.title, OBJECTIVE_CHARS)}*  " + " · ".join(parts)


def _story_sections(
    stories: Sequence[KRStory], heading: str, last_day: date | None, button: str | None
) -> list[dict[str, Any]]:
    """One section per story, the heading on the first, a *Discuss* button beside each when
    `button` (its action id) is given."""
    blocks = []
    for index, story in enumerate(stories):
        text = story_text(story, last_day)
        if index == 0:
            text = f"{heading}\n{text}"
        block = SectionBlock(text=MarkdownTextObject(text=guard(text)))
        if button is not None:
            block.accessory = _button(_("Discuss"), button, str(story.kr.id))
        blocks.append(block.to_dict())
    return blocks


def digest_message(data: DigestData, *, with_charts: bool = True) -> dict[str, Any]:
    """The public digest (see the module docstring); never names who is missing.
    `with_charts` False leaves the charts out (a workspace that refused them)."""
    heading = f"{team_cycle(data.team_name, data.cycle_name)} · {week_text(data)}"
    status = objective_status(data.overall, data.expected) if data.objectives else None
    overall = _("*Overall*  {bar} *{progress}* · expected {expected} · {status}").format(
        bar=progress_bar(data.overall),
        progress=percent(data.overall),
        expected=percent(data.expected),
        status=status_label(status),
    )
    blocks: list[dict[str, Any]] = [
        header(heading),
        section(overall),
        context(f":memo: {participation_text(data)}"),
    ]
    if with_charts:
        blocks += [c for c in (trend_chart(data.trend), quota_chart(data)) if c is not None]
    described = charts_text(data)
    if described:
        blocks.append(context("\n".join(described)))
    blocks.append(divider())

    items = data.objectives
    if items:
        lines = [objective_line(o) for o in items[:MAX_OBJECTIVES]]
        texts, placed = pack_sections(
            lines,
            max_blocks=math.ceil(MAX_OBJECTIVES / OBJECTIVES_PER_SECTION),
            per_block=OBJECTIVES_PER_SECTION,
            heading=_("*Objectives* ({n:,})").format(n=len(items)),
        )
        blocks.extend(section(t) for t in texts)
        if len(items) > placed:
            blocks.append(
                _more(
                    len(items) - placed,
                    ngettext(
                        "and {n:,} more objective · `/okr list` shows them all",
                        "and {n:,} more objectives · `/okr list` shows them all",
                        len(items) - placed,
                    ),
                )
            )
    else:
        blocks.append(section(_("*Objectives*\nNo objectives for this team in this cycle yet.")))

    blocks.append(divider())
    risky = [story for story in data.stories if story.at_risk]
    if data.at_risk and not risky:  # built without stories: the plain lines
        lines = [at_risk_line(card, kr) for card, kr in data.at_risk[:MAX_AT_RISK]]
        texts, _placed = pack_sections(lines, max_blocks=MAX_AT_RISK, heading=_risk_heading(data))
        blocks.extend(section(t) for t in texts)
        shown = min(len(data.at_risk), MAX_AT_RISK)
    elif risky:
        blocks += _story_sections(
            risky[:MAX_AT_RISK], _risk_heading(data), data.cycle_last_day, ids.DIGEST_DISCUSS
        )
        shown = min(len(risky), MAX_AT_RISK)
    else:
        blocks.append(
            section(_("*At risk*\nNo key result is at risk or off track. :raised_hands:"))
        )
        shown = 0
    if len(data.at_risk) > shown:
        blocks.append(
            _more(
                len(data.at_risk) - shown,
                ngettext(
                    "and {n:,} more key result at risk",
                    "and {n:,} more key results at risk",
                    len(data.at_risk) - shown,
                ),
            )
        )

    others = [story for story in data.stories if not story.at_risk]
    if others:
        blocks.append(divider())
        lines = [story_text(story, data.cycle_last_day) for story in others[:MAX_UPDATES]]
        texts, placed = pack_sections(
            lines,
            max_blocks=math.ceil(MAX_UPDATES / UPDATES_PER_SECTION),
            per_block=UPDATES_PER_SECTION,
            heading=_("*Moved or noted* ({n:,})").format(n=len(others)),
        )
        blocks.extend(section(t) for t in texts)
        if len(others) > placed:
            blocks.append(
                _more(
                    len(others) - placed,
                    ngettext(
                        "and {n:,} more key result moved or noted",
                        "and {n:,} more key results moved or noted",
                        len(others) - placed,
                    ),
                )
            )

    if data.wins:
        blocks.append(divider())
        for index, win in enumerate(data.wins[:MAX_WINS]):
            text = win_line(win) if index else _("*Wins* :tada:") + "\n" + win_line(win)
            block = SectionBlock(text=MarkdownTextObject(text=guard(text)))
            block.accessory = _button(_("Give kudos"), ids.KUDOS_GIVE, str(win.kr.id))
            blocks.append(block.to_dict())
        if len(data.wins) > MAX_WINS:
            blocks.append(
                _more(
                    len(data.wins) - MAX_WINS,
                    ngettext(
                        "and {n:,} more win", "and {n:,} more wins", len(data.wins) - MAX_WINS
                    ),
                )
            )

    if data.kudos:
        lines = [kudos_line(k) for k in data.kudos[:MAX_KUDOS]]
        texts, placed = pack_sections(lines, max_blocks=1, heading=_("*Kudos this week* :clap:"))
        blocks.extend(section(t) for t in texts)
        if len(data.kudos) > placed:
            more = len(data.kudos) - placed
            blocks.append(context(_("and {n:,} more kudos").format(n=more)))

    blocks.append(context(_(LEGEND)))
    fallback = _(
        "{heading}: {progress} overall (expected {expected}), {risky:,} at risk, {participation}"
    ).format(
        heading=heading,
        progress=percent(data.overall),
        expected=percent(data.expected),
        risky=len(data.at_risk),
        participation=participation_text(data),
    )
    return {"text": guard(fallback, 1000), "blocks": charts.at_most_two(blocks)}


def _risk_heading(data: DigestData) -> str:
    return _("*At risk* ({n:,})").format(n=len(data.at_risk))


# --- a thread under the digest ---------------------------------------------------------------


def discuss_message(title: str, owner_id: str, asked_by: str) -> dict[str, Any]:
    """The first message of the thread a *Discuss* button opens under the digest: it
    mentions the KR's owner so they see the question."""
    kr = user_text(title, KR_CHARS)
    owner, asker = mention(owner_id), mention(asked_by)
    if owner_id == asked_by:
        text = _(":speech_balloon: {owner} opened a thread on *{kr}*: what would help?").format(
            owner=owner, kr=kr
        )
    else:
        text = _(
            ":speech_balloon: {owner}, {asker} would like to talk about *{kr}*: "
            "where it stands and what would help."
        ).format(owner=owner, asker=asker, kr=kr)
    return {"text": guard(text, 1000), "blocks": [section(text)]}
