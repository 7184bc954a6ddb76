"""Small text pieces every OKR surface shares: bars, percents, statuses, values, mentions.

Everything here returns mrkdwn-safe text: user text goes through `escape` (and `clip`, which
escapes and cuts without splitting an `&amp;`-style entity), user ids become `<@U…>` only when
they look like Slack ids. The builders compose these pieces and keep each under Block Kit's
limits by construction (every user-supplied piece has a fixed cap).
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from blocks.mrkdwn import escape
from blocks.quota_lines import quota_value
from okr import dates, display
from okr.display import bar_fill, change_text, pair_text, percent_text
from okr.i18n import N_, _
from okr.outline import KRLine, Level
from okr.progress import KRKind, Status
from okr.values import with_word

# Block Kit limits (api.slack.com/reference/block-kit), shared by the builders.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_MODAL_TITLE = 24

# Caps on user text inside one block (escaped characters), so no assembled text can overflow.
TITLE_CHARS = 200
KR_TITLE_CHARS = 200
TEAM_CHARS = 80
DESCRIPTION_CHARS = 300
PARENT_CHARS = 150

ELLIPSIS = "…"
BAR_FULL = "▓"
BAR_EMPTY = "░"

_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")

#: Marked for the catalog; shown as `_(STATUS_LABELS[status])` (status_label does).
STATUS_LABELS: dict[Status, str] = {
    Status.ON_TRACK: N_(":large_green_circle: on track"),
    Status.AT_RISK: N_(":large_yellow_circle: at risk"),
    Status.OFF_TRACK: N_(":red_circle: off track"),
}
TOO_EARLY = N_("too early to tell")

_CONFIDENCE_LABELS: dict[str, str] = {
    **{status.value: label for status, label in STATUS_LABELS.items()},
    "high": N_(":large_green_circle: high"),
    "medium": N_(":large_yellow_circle: medium"),
    "low": N_(":red_circle: low"),
}

#: Marked for the catalog; shown as `_(LEVEL_LABELS[level])` (level_label does).
LEVEL_LABELS = {
    Level.COMPANY: N_("Company objective"),
    Level.TEAM: N_("Team objective"),
    Level.PERSONAL: N_("Personal objective"),
}


# --- user text --------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) collapsed to one space, ends stripped."""
    return " ".join(str(text).split())


def clip(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn and cut to at most `limit` characters (an ellipsis marks the
    cut); never splits an entity such as `&amp;`, so a cut cannot leave a stray `&`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - len(ELLIPSIS))]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def user_text(text: str | None, limit: int, placeholder: str | None = None) -> str:
    """One line of user text, escaped and capped; `placeholder` (else "(untitled)") when it
    is blank."""
    line = one_line(text or "")
    if line:
        return clip(line, limit)
    return _("(untitled)") if placeholder is None else placeholder


def guard(text: str, limit: int = MAX_SECTION_TEXT) -> str:
    """Last-resort cut of already-escaped mrkdwn to `limit` characters (entity-safe).

    The builders cap every piece so this should never cut; it keeps a payload valid if a cap
    is ever loosened."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    lt = cut.rfind("<")
    if lt != -1 and ">" not in cut[lt:]:
        cut = cut[:lt]
    return cut + ELLIPSIS


def mention(user_id: str | None) -> str:
    """`<@U123>` for a Slack user id; anything else is shown as escaped text, never a link."""
    if isinstance(user_id, str) and _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return user_text(user_id if isinstance(user_id, str) else None, 40, _("unknown user"))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 key result`, `3 key results`."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


# --- numbers ----------------------------------------------------------------------------------


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▓▓▓▓▓▓░░░░` for 0.6: the fraction clamped to [0, 1] (NaN is empty), never full for a
    miss; show the raw value next to it with `percent`, so 120 % reads as a full bar and
    "120%"."""
    width = max(1, int(width))
    value = float(fraction) if isinstance(fraction, int | float) else 0.0
    filled = bar_fill(value, width)
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


def percent(fraction: float) -> str:
    """The raw fraction as a percent: `120%`, `-5%`, `0%`, a miss just short of the whole as
    `99.6%` (never 100 %); `n/a` when not finite and capped at ±9,999 % so a degenerate
    target cannot produce a 300-digit number (okr.display.percent_text)."""
    return percent_text(fraction)


def status_label(status: Status | None) -> str:
    """The bot's suggested status with its emoji; None is "too early to tell"."""
    try:
        return _(STATUS_LABELS[Status(status)] if status is not None else TOO_EARLY)
    except ValueError:
        return _(TOO_EARLY)


def confidence_label(confidence: str | None) -> str:
    """The owner's own call: on_track / at_risk / off_track (or high / medium / low) get the
    status emoji; blank is "not given"; anything else is shown as escaped text."""
    if confidence is None or not str(confidence).strip():
        return _("not given")
    key = str(confidence).strip().lower().replace(" ", "_").replace("-", "_")
    if key in _CONFIDENCE_LABELS:
        return _(_CONFIDENCE_LABELS[key])
    return user_text(str(confidence), 40)


def value_text(kr: KRLine, value: float) -> str:
    """`value` in the KR's unit (`$1.2M`, `35%`, `1,250`, `38 prospects`)."""
    return escape(kr.measure.text(value))


def pair(kr: KRLine, value: float, other: float) -> tuple[str, str]:
    """`value` and `other` in the KR's unit, never reading alike unless equal (`$1.197M`,
    `$1.2M`); escaped."""
    first, second = pair_text(value, other, kr.measure)
    return escape(first), escape(second)


def _threshold(kr: KRLine) -> str:
    return "≥" if kr.kind is KRKind.STAY_ABOVE else "≤"


def full_target(kr: KRLine, target: str) -> str:
    """`target` (already escaped) after the relative form it was typed as: `+20% → $1.2M`;
    just `target` when it was typed absolute."""
    relative = kr.relative_target
    return f"{escape(relative)} → {target}" if relative else target


def kr_value(kr: KRLine, *, full: bool = False) -> str:
    """Where the KR stands: `$1.2M of $2M`, `38 of 50 prospects`; `done` / `not done` for a
    milestone; `now 2.5% · holds ≤ 3%` for a threshold to hold; a quota's periods
    (blocks.quota_lines); `no reading yet · target $2M` before the first check-in (never a
    value nobody reported). `full` shows a relative target as typed: `of +20% → $1.2M`."""
    if kr.kind is KRKind.MILESTONE:
        return _("done") if kr.done else _("not done")
    if kr.kind is KRKind.QUOTA:
        return quota_value(kr)
    bare = kr.measure.bare
    if not kr.reported:
        target = escape(with_word(bare.text(kr.target), kr.unit_word))
        target = full_target(kr, target) if full else target
        if kr.kind.holds:
            return _("no reading yet · holds {sign} {target}").format(
                sign=_threshold(kr), target=target
            )
        return _("no reading yet · target {target}").format(target=target)
    now, target = pair_text(kr.current, kr.target, bare)
    now, target = escape(now), escape(with_word(target, kr.unit_word))
    target = full_target(kr, target) if full else target
    if kr.kind.holds:
        return _("now {now} · holds {sign} {target}").format(
            now=now, sign=_threshold(kr), target=target
        )
    return _("{now} of {target}").format(now=now, target=target)


def measured(kr: KRLine) -> bool:
    """Whether the KR has progress to show: a reading, or a milestone (not done until it is)."""
    return kr.reported or kr.kind is KRKind.MILESTONE


def standing(
    kr: KRLine, shown: str | None = None, *, score_bar: bool = False, full: bool = False
) -> str:
    """`kr_value` (`full`: a relative target as typed), then the bar and `shown` (the percent
    unless given): `$700k of $2M ▓▓▓▓░░░░░░ 35%`. A KR without a reading has neither bar nor
    percent to show."""
    value = kr_value(kr, full=full)
    if not measured(kr):
        return value
    bar = progress_bar(kr.score if score_bar else kr.progress)
    return f"{value}  {bar} {percent(kr.progress) if shown is None else shown}"


def day_month(moment: datetime) -> str:
    """`9 Nov` / `11月9日` (the day in UTC, where storage keeps every time)."""
    return dates.day_month(moment.date())


def revised_from(kr: KRLine, original: float | None = None) -> str:
    """`target revised from 30 on 9 Nov` when the target differs from the original one
    (`original` overrides the KR's), else empty."""
    was = kr.original_target if original is None else original
    if kr.kind is KRKind.MILESTONE or was == kr.target:
        return ""
    bare = kr.measure.bare
    was_text = escape(pair_text(was, kr.target, bare)[0])
    change = kr.last_revised
    if change is None:
        return _("target revised from {was}").format(was=was_text)
    return _("target revised from {was} on {day}").format(
        was=was_text, day=day_month(change.changed_at)
    )


def final_numbers(kr: KRLine, original: float | None = None) -> str:
    """A KR's final value against its final and original target, in units, the value exact
    (okr.display.final_text): `$1,196,500 of $1.2M`, `27 contracts · target 26, originally 30`,
    `last 2.5% · holds ≤ 3%`, `done`; `no reading` when nobody ever reported one."""
    if kr.kind is KRKind.MILESTONE:
        return _("done") if kr.done else _("not done")
    if not kr.reported:
        return _("no reading")
    bare = kr.measure.bare
    target = escape(bare.text(kr.target))
    was = kr.original_target if original is None else original
    if was == kr.target and not kr.kind.holds:
        value = escape(display.final_text(kr.current, bare))
        return _("{now} of {target}").format(
            now=value, target=escape(with_word(target, kr.unit_word))
        )
    value = escape(display.final_text(kr.current, kr.measure))
    if was != kr.target:
        target, was_text = (escape(text) for text in pair_text(kr.target, was, bare))
        target = _("{target}, originally {was}").format(target=target, was=was_text)
    if kr.kind.holds:
        return _("last {value} · holds {sign} {target}").format(
            value=value, sign=_threshold(kr), target=target
        )
    return _("{value} · target {target}").format(value=value, target=target)


def trend_label(kr: KRLine) -> str:
    """Change since the previous check-in and whether it is good for the KR:
    `▲ $50k since last check-in (better)`, `▲ 0.24 pts since last check-in (worse)`,
    `no change`; empty when there is no previous check-in."""
    if kr.kind is KRKind.MILESTONE:
        change = kr.trend
        if change is None or not math.isfinite(change):
            return ""
        if change == 0:
            return _("no change")
        if change > 0:
            return _("▲ done since last check-in")
        return _("▼ reopened since last check-in")
    return escape(change_text(kr.trend, kr.measure, kr.kind, since=_("since last check-in")))


def pace_label(kr: KRLine) -> str:
    """Actual vs expected progress: `72% · expected 60%` (increase / decrease only; holds and
    milestones have no linear pace, so just their percent)."""
    if kr.kind.moves:
        return _("{progress} · expected {expected}").format(
            progress=percent(kr.progress), expected=percent(kr.expected)
        )
    if kr.kind.holds:
        return _("held in {share} of check-ins").format(share=percent(kr.progress))
    return percent(kr.progress)


def status_pair(kr: KRLine, owner_word: str | None = None) -> str:
    """`suggested: :large_yellow_circle: at risk · owner: :large_green_circle: on track`
    (`owner_word`, already translated, replaces "owner")."""
    return _("suggested: {status} · {owner}: {confidence}").format(
        status=status_label(kr.status),
        owner=_("owner") if owner_word is None else owner_word,
        confidence=confidence_label(kr.confidence),
    )


def level_label(level: str) -> str:
    """`Team objective` for `team`; unknown levels are shown escaped."""
    if level in LEVEL_LABELS:
        return _(LEVEL_LABELS[level])
    return user_text(level, 30, _("Objective"))


def nav_block(action_id: str, direction: str, page: int, value: str) -> ActionsBlock:
    """A "Previous" or "Next" page button alone in its actions block. The block id holds
    the page shown, so every redrawn message gets fresh ids; the listener matches
    `action_id` exactly and reads the target page from `value`."""
    text = _("◀ Previous") if direction == "prev" else _("Next ▶")
    return ActionsBlock(
        block_id=f"{action_id}_{direction}_{page}",
        elements=[ButtonElement(text=text, action_id=action_id, value=value)],
    )
