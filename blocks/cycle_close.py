"""Cycle close: the channel summary with scores and grades, the retrospective modal and its
thread post, and the planning reminder sent to team leads before the next cycle.

Summary layout (at most 18 blocks and ~36,000 characters, whatever the team's size):

- header "{team} · {cycle} · final scores";
- a section: the calibration verdict (`Calibration.message`) and the average KR score;
- a divider, then one entry per objective: grade colour, bold title and score, then one line
  per KR (title, owner, its final value against its final and original target in units —
  `$1,196,500 of $1.2M`, `27 contracts · target 26, originally 30` — then score and colour,
  "vs original target: X" where it was revised; at most `MAX_KRS_PER_OBJECTIVE`, then "and N
  more"). Entries are packed into sections by
  characters (within 3,000 each), at most `MAX_OBJECTIVE_SECTIONS` sections, then "and N more
  objectives";
- an actions block (block_id `ACTIONS_BLOCK`): "Write retrospective" (`ids.RETRO_OPEN`, value
  compact JSON `{"team": team_id, "cycle": cycle_id}`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
)
from slack_sdk.models.blocks.block_elements import PlainTextInputElement
from slack_sdk.models.views import View

from blocks import ids
from blocks.digest import (
    context,
    divider,
    header,
    pack_sections,
    section,
    team_cycle,
    trend_chart,
    trend_text,
)
from blocks.kr_format import clip, final_numbers, guard, mention, user_text
from blocks.prompt import day_text
from blocks.quota_lines import quota_close
from blocks.view_state import element
from okr.digest import CloseData, KRScore, ObjectiveScore, WeekPoint
from okr.display import score_text as display_score
from okr.i18n import N_, _, ngettext
from okr.progress import Grade, KRKind

ACTIONS_BLOCK = "close_actions"
PLANNING_ACTIONS_BLOCK = "planning_actions"
MAX_OBJECTIVE_SECTIONS = 12
MAX_KRS_PER_OBJECTIVE = 8
CLOSE_TREND_WEEKS = 20
"""The summary says every week of the trend in words (a chart draws at most 20 too)."""
OBJECTIVE_CHARS = 120
KR_CHARS = 90

GRADE_COLOURS = {Grade.GREEN: "🟢", Grade.YELLOW: "🟡", Grade.RED: "🔴"}
LEGEND = N_("🟢 0.7 or more · 🟡 0.4 to under 0.7 · 🔴 under 0.4")

WENT_WELL = "went_well"
TO_IMPROVE = "to_improve"
CARRY_OVER = "carry_over"
RETRO_QUESTIONS = {
    WENT_WELL: N_("What went well?"),
    TO_IMPROVE: N_("What should we improve?"),
    CARRY_OVER: N_("What do we carry into the next cycle?"),
}
RETRO_HEADINGS = {
    WENT_WELL: N_("Went well"),
    TO_IMPROVE: N_("To improve"),
    CARRY_OVER: N_("Carry into next cycle"),
}
RETRO_ACTION = "value"
RETRO_MAX = 1000


def score_text(score: float) -> str:
    """`0.72`; a miss never reads `1.00` (okr.display.score_text)."""
    return display_score(score)


def retro_value(team_id: int, cycle_id: int) -> str:
    """The "Write retrospective" button's value: `{"team":1,"cycle":2}`."""
    return json.dumps({"team": team_id, "cycle": cycle_id}, separators=(",", ":"))


def kr_score_line(item: KRScore) -> str:
    """`• Revenue · @owner · $1,196,500 of $1.2M · 🟢 0.98` (· vs original target: X)."""
    kr = item.kr
    if kr.kind is KRKind.QUOTA:
        numbers = quota_close(kr)
    else:
        numbers = final_numbers(kr, item.original_target)
    line = (
        f"      • {user_text(kr.title, KR_CHARS)} · {mention(kr.owner_id)} · "
        f"{numbers} · {GRADE_COLOURS[item.grade]} {score_text(item.score)}"
    )
    if item.original_score is not None:
        line += " · " + _("vs original target: {score}").format(
            score=score_text(item.original_score)
        )
    return line


def objective_entry(item: ObjectiveScore) -> str:
    """The objective's line and its KRs' lines, one text (kept together in one section)."""
    head = (
        f"{GRADE_COLOURS[item.grade]} *{user_text(item.card.title, OBJECTIVE_CHARS)}* · "
        f"*{score_text(item.score)}*"
    )
    lines = [head]
    lines.extend(kr_score_line(k) for k in item.krs[:MAX_KRS_PER_OBJECTIVE])
    if len(item.krs) > MAX_KRS_PER_OBJECTIVE:
        hidden = len(item.krs) - MAX_KRS_PER_OBJECTIVE
        lines.append(
            "      • " + ngettext("and {n:,} more", "and {n:,} more", hidden).format(n=hidden)
        )
    if not item.krs:
        lines.append("      " + _("_no key results_"))
    return "\n".join(lines)


def close_summary(
    data: CloseData,
    *,
    team_id: int,
    cycle_id: int,
    trend: Sequence[WeekPoint] = (),
    with_charts: bool = True,
) -> dict[str, Any]:
    """The cycle-end channel summary (see the module docstring). `trend` is the cycle's
    progress against pace week by week: a line chart (unless `with_charts` is False, for a
    workspace that refused charts) and, always, the same in words."""
    title = _("{team_cycle} · final scores").format(
        team_cycle=team_cycle(data.team_name, data.cycle_name)
    )
    if data.average is not None:
        average = ngettext(
            "Average score *{score}* across {n:,} key result.",
            "Average score *{score}* across {n:,} key results.",
            data.kr_count,
        ).format(score=score_text(data.average), n=data.kr_count)
    else:
        average = _("No key results were scored this cycle.")
    blocks: list[dict[str, Any]] = [
        header(title),
        section(f"*{data.calibration.message}*\n{average}"),
        context(_(LEGEND)),
    ]
    chart = trend_chart(trend) if with_charts else None
    if chart is not None:
        blocks.append(chart)
    if trend:
        blocks.append(context(trend_text(trend, weeks=CLOSE_TREND_WEEKS)))
    blocks.append(divider())
    if data.objectives:
        entries = [objective_entry(o) for o in data.objectives]
        texts, placed = pack_sections(entries, max_blocks=MAX_OBJECTIVE_SECTIONS)
        blocks.extend(section(t) for t in texts)
        if len(entries) > placed:
            hidden = len(entries) - placed
            blocks.append(
                context(
                    ngettext(
                        "and {n:,} more objective · `/okr list` shows them all",
                        "and {n:,} more objectives · `/okr list` shows them all",
                        hidden,
                    ).format(n=hidden)
                )
            )
    else:
        blocks.append(section(_("No objectives were set for this cycle.")))
    blocks.append(
        ActionsBlock(
            block_id=ACTIONS_BLOCK,
            elements=[
                ButtonElement(
                    text=_("Write retrospective"),
                    action_id=ids.RETRO_OPEN,
                    value=retro_value(team_id, cycle_id),
                    style="primary",
                )
            ],
        ).to_dict()
    )
    fallback = f"{title}: {data.calibration.message}"
    return {"text": guard(fallback, 1000), "blocks": blocks}


# --- retrospective --------------------------------------------------------------------------


def retro_modal(
    *,
    team_name: str,
    cycle_name: str,
    team_id: int,
    cycle_id: int,
    channel: str,
    thread_ts: str,
) -> dict[str, Any]:
    """The modal (callback `ids.RETRO_VIEW`): three optional multiline answers (at least one
    is required: `read_retro` says so); private_metadata is compact JSON with team, cycle,
    channel and thread_ts (where the answers are posted)."""
    metadata = json.dumps(
        {"team": team_id, "cycle": cycle_id, "channel": channel, "thread_ts": thread_ts},
        separators=(",", ":"),
    )
    blocks: list[Any] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=_(
                        "*{team_cycle}* · answer at least one; "
                        "they are posted in the summary's thread."
                    ).format(team_cycle=team_cycle(team_name, cycle_name))
                )
            ]
        )
    ]
    for block_id, question in RETRO_QUESTIONS.items():
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=_(question),
                optional=True,
                element=PlainTextInputElement(
                    action_id=RETRO_ACTION, multiline=True, max_length=RETRO_MAX
                ),
            )
        )
    return View(
        type="modal",
        callback_id=ids.RETRO_VIEW,
        title=PlainTextObject(text=_("Retrospective")),
        submit=PlainTextObject(text=_("Post")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def read_retro(values: Mapping[str, Any]) -> tuple[dict[str, str] | None, dict[str, str]]:
    """The non-blank answers keyed by block id, or field errors (all blank: one error on
    `went_well`; too long: an error on that answer)."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for block_id in RETRO_QUESTIONS:
        text = element(values, block_id).get("value")
        if not isinstance(text, str) or not text.strip():
            continue
        text = text.strip()
        if len(text) > RETRO_MAX:
            errors[block_id] = _("Keep it to {limit:,} characters.").format(limit=RETRO_MAX)
            continue
        answers[block_id] = text
    if errors:
        return None, errors
    if not answers:
        return None, {WENT_WELL: _("Answer at least one of the three questions.")}
    return answers, {}


def _quote(text: str) -> str:
    escaped = clip(text.strip(), 2_500)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in escaped.splitlines())


def retro_post(answers: Mapping[str, str], author_id: str) -> dict[str, Any]:
    """The retrospective as a thread reply: who wrote it, then each answered question."""
    blocks = [section(_(":memo: *Retrospective* from {author}").format(author=mention(author_id)))]
    for block_id, heading in RETRO_HEADINGS.items():
        text = answers.get(block_id)
        if isinstance(text, str) and text.strip():
            blocks.append(section(f"*{_(heading)}*\n{_quote(text)}"))
    if len(blocks) == 1:
        blocks.append(section(_("_No answers._")))
    return {"text": _("Retrospective"), "blocks": blocks}


# --- planning -------------------------------------------------------------------------------


def planning_reminder(*, team_name: str, next_cycle_name: str, starts: date) -> dict[str, Any]:
    """To team leads one week before a cycle starts: set next cycle's OKRs ("New OKR")."""
    team = user_text(team_name, 80, _("your team"))
    cycle = user_text(next_cycle_name, 60, _("The next cycle"))
    blocks = [
        section(
            _(
                ":calendar: *{cycle}* starts on *{day}*. Time to set *{team}*'s "
                "objectives and key results, so everyone can check in from the first week.\n"
                "Look back at this cycle's scores: targets scored 0.9+ were likely too low, "
                "0.3 or less too high."
            ).format(cycle=cycle, day=day_text(starts), team=team)
        ),
        ActionsBlock(
            block_id=PLANNING_ACTIONS_BLOCK,
            elements=[ButtonElement(text=_("New OKR"), action_id=ids.NEW_OKR, style="primary")],
        ).to_dict(),
    ]
    text = _("Plan {cycle} for {team}: it starts {day}").format(
        cycle=cycle, team=team, day=day_text(starts)
    )
    return {
        "text": guard(text, 1000),
        "blocks": blocks,
    }
