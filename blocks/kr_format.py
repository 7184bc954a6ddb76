"""Small text pieces every OKR surface shares: bars, percents, statuses, values, mentions.

Everything here returns mrkdwn-safe text: user text goes through `escape` (and `clip`, which
escapes and cuts without splitting an `&amp;`-style entity), user ids become `<@U…>` only when
they look like Slack ids. The builders compose these pieces and keep each under Block Kit's
limits by construction (every user-supplied piece has a fixed cap).
"""

from __future__ import annotations

import math
import re

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from blocks.mrkdwn import escape
from blocks.quota_lines import quota_value
from okr.outline import KRLine, Level
from okr.progress import KRKind, Status, clamp01
from okr.values import format_value

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
_PERCENT_CAP = 9_999

STATUS_LABELS: dict[Status, str] = {
    Status.ON_TRACK: ":large_green_circle: on track",
    Status.AT_RISK: ":large_yellow_circle: at risk",
    Status.OFF_TRACK: ":red_circle: off track",
}
TOO_EARLY = "too early to tell"

_CONFIDENCE_LABELS: dict[str, str] = {
    **{status.value: label for status, label in STATUS_LABELS.items()},
    "high": ":large_green_circle: high",
    "medium": ":large_yellow_circle: medium",
    "low": ":red_circle: low",
}

LEVEL_LABELS = {
    Level.COMPANY: "Company objective",
    Level.TEAM: "Team objective",
    Level.PERSONAL: "Personal objective",
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


def user_text(text: str | None, limit: int, placeholder: str = "(untitled)") -> str:
    """One line of user text, escaped and capped; `placeholder` when it is blank."""
    line = one_line(text or "")
    return clip(line, limit) if line else placeholder


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
    return user_text(user_id if isinstance(user_id, str) else None, 40, "unknown user")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 key result`, `3 key results`."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


# --- numbers ----------------------------------------------------------------------------------


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▓▓▓▓▓▓░░░░` for 0.6: the fraction clamped to [0, 1] (NaN is empty); show the raw
    value next to it with `percent`, so 120 % reads as a full bar and "120%"."""
    width = max(1, int(width))
    value = clamp01(fraction) if isinstance(fraction, int | float) else 0.0
    filled = min(width, max(0, round(value * width)))
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


def percent(fraction: float) -> str:
    """The raw fraction as a whole percent: `120%`, `-5%`, `0%`; `n/a` when not finite and
    capped at ±9,999 % so a degenerate target cannot produce a 300-digit number."""
    if not isinstance(fraction, int | float) or not math.isfinite(fraction):
        return "n/a"
    value = round(fraction * 100)
    if value > _PERCENT_CAP:
        return f">{_PERCENT_CAP:,}%"
    if value < -_PERCENT_CAP:
        return f"<-{_PERCENT_CAP:,}%"
    return f"{value}%"


def status_label(status: Status | None) -> str:
    """The bot's suggested status with its emoji; None is "too early to tell"."""
    try:
        return STATUS_LABELS[Status(status)] if status is not None else TOO_EARLY
    except ValueError:
        return TOO_EARLY


def confidence_label(confidence: str | None) -> str:
    """The owner's own call: on_track / at_risk / off_track (or high / medium / low) get the
    status emoji; blank is "not given"; anything else is shown as escaped text."""
    if confidence is None or not str(confidence).strip():
        return "not given"
    key = str(confidence).strip().lower().replace(" ", "_").replace("-", "_")
    if key in _CONFIDENCE_LABELS:
        return _CONFIDENCE_LABELS[key]
    return user_text(str(confidence), 40)


def value_text(kr: KRLine, value: float) -> str:
    """`value` in the KR's unit (`$1.2M`, `35%`, `1,250`)."""
    return escape(format_value(value, kr.unit, kr.currency))


def kr_value(kr: KRLine) -> str:
    """Where the KR stands: `$1.2M of $2M`; `done` / `not done` for a milestone;
    `now 2.5% · holds ≤ 3%` for a threshold to hold; a quota's periods (blocks.quota_lines)."""
    if kr.kind is KRKind.MILESTONE:
        return "done" if kr.done else "not done"
    if kr.kind is KRKind.QUOTA:
        return quota_value(kr)
    if kr.kind.holds:
        sign = "≥" if kr.kind is KRKind.STAY_ABOVE else "≤"
        return f"now {value_text(kr, kr.current)} · holds {sign} {value_text(kr, kr.target)}"
    return f"{value_text(kr, kr.current)} of {value_text(kr, kr.target)}"


def trend_label(kr: KRLine) -> str:
    """Change since the previous check-in: `▲ $50k since last check-in`, `▼ …`, `no change`;
    empty when there is no previous check-in."""
    change = kr.trend
    if change is None or not math.isfinite(change):
        return ""
    if change == 0:
        return "no change"
    if kr.kind is KRKind.MILESTONE:
        return "▲ done since last check-in" if change > 0 else "▼ reopened since last check-in"
    arrow = "▲" if change > 0 else "▼"
    return f"{arrow} {value_text(kr, abs(change))} since last check-in"


def pace_label(kr: KRLine) -> str:
    """Actual vs expected progress: `72% · expected 60%` (increase / decrease only; holds and
    milestones have no linear pace, so just their percent)."""
    if kr.kind.moves:
        return f"{percent(kr.progress)} · expected {percent(kr.expected)}"
    if kr.kind.holds:
        return f"held in {percent(kr.progress)} of check-ins"
    return percent(kr.progress)


def status_pair(kr: KRLine, owner_word: str = "owner") -> str:
    """`suggested: :large_yellow_circle: at risk · owner: :large_green_circle: on track`."""
    return f"suggested: {status_label(kr.status)} · {owner_word}: {confidence_label(kr.confidence)}"


def level_label(level: str) -> str:
    """`Team objective` for `team`; unknown levels are shown escaped."""
    return LEVEL_LABELS.get(level, user_text(level, 30, "Objective"))


def nav_block(action_id: str, direction: str, page: int, value: str) -> ActionsBlock:
    """A "Previous" or "Next" page button alone in its actions block. The block id holds
    the page shown, so every redrawn message gets fresh ids; the listener matches
    `action_id` exactly and reads the target page from `value`."""
    text = "◀ Previous" if direction == "prev" else "Next ▶"
    return ActionsBlock(
        block_id=f"{action_id}_{direction}_{page}",
        elements=[ButtonElement(text=text, action_id=action_id, value=value)],
    )
