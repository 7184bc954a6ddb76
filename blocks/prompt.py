"""The Monday check-in prompt (a DM per KR owner), its later states, and the Wednesday nudge.

Prompt layout (at most 9 blocks, whatever the number of KRs):

- a section greeting with the cycle, the week and the number of KRs;
- an optional context with `due_note`;
- the KRs, one compact two-line entry each (bold title · objective; value vs target, bar,
  percent, suggested status), packed `KRS_PER_SECTION` per section, at most `MAX_LISTED`,
  then "and N more key results";
- an actions block (block_id `ACTIONS_BLOCK`): "Check in" (`ids.CHECK_IN`, primary),
  "No change" (`ids.NO_CHANGE`), an overflow (`ids.SNOOZE`: `later`, `tomorrow`, `skip`)
  and "I'm away…" (`ids.AWAY`). Buttons carry no value: the listeners know who clicked.

The states after a click replace the whole message (chat.update): done (no buttons),
snoozed and skipped (a "Check in" button stays), away (no buttons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    Option,
    OverflowMenuElement,
)

from blocks import ids
from blocks.checkin_modal import CheckInItem
from blocks.digest import context, pack_sections, section
from blocks.kr_format import (
    guard,
    standing,
    status_label,
    user_text,
)
from blocks.kr_history import slack_date
from blocks.mrkdwn import escape
from okr.dates import weekday_day_month_year
from okr.display import Measure, editable_text
from okr.i18n import N_, _, ngettext
from okr.progress import KRKind

ACTIONS_BLOCK = "prompt_actions"
NUDGE_ACTIONS_BLOCK = "nudge_actions"
MAX_LISTED = 40
KRS_PER_SECTION = 8
KR_CHARS = 120
OBJECTIVE_CHARS = 80
CYCLE_CHARS = 60
WEEK_CHARS = 60
DUE_CHARS = 300

MAX_ECHOED = 24
"""Answers the done state repeats (each under 90 characters: within a section's 3,000)."""
CONFIDENCE_WORDS = {
    "on_track": N_("on track"),
    "at_risk": N_("at risk"),
    "off_track": N_("off track"),
}

SNOOZE_LATER = "later"
SNOOZE_TOMORROW = "tomorrow"
SNOOZE_SKIP = "skip"
SNOOZE_OPTIONS = (
    (SNOOZE_LATER, N_("Remind me in 3 hours")),
    (SNOOZE_TOMORROW, N_("Remind me tomorrow")),
    (SNOOZE_SKIP, N_("Skip this week")),
)


def _when(cycle_name: str, week_label: str) -> str:
    """`*Q2 2024* · week 8 of 13`, escaped."""
    cycle = user_text(cycle_name, CYCLE_CHARS, _("this cycle"))
    week = user_text(week_label, WEEK_CHARS, "")
    return f"*{cycle}* · {week}" if week else f"*{cycle}*"


def _plain_when(cycle_name: str, week_label: str) -> str:
    return _when(cycle_name, week_label).replace("*", "")


def check_in_button() -> ButtonElement:
    return ButtonElement(text=_("Check in"), action_id=ids.CHECK_IN, style="primary")


def no_change_button() -> ButtonElement:
    return ButtonElement(text=_("No change"), action_id=ids.NO_CHANGE)


def snooze_menu() -> OverflowMenuElement:
    return OverflowMenuElement(
        action_id=ids.SNOOZE,
        options=[Option(value=value, text=_(label)) for value, label in SNOOZE_OPTIONS],
    )


def away_button() -> ButtonElement:
    return ButtonElement(text=_("I'm away…"), action_id=ids.AWAY)


def kr_entry(item: CheckInItem) -> str:
    """`• *Close $2M* · _Win EMEA_` then `$700k of $2M  ▓▓▓▓░░░░░░ 35% · <status>`."""
    kr = item.kr
    title = user_text(kr.title, KR_CHARS)
    objective = user_text(item.objective_title, OBJECTIVE_CHARS, "")
    head = f"• *{title}*" + (f" · _{objective}_" if objective else "")
    return f"{head}\n      {standing(kr)} · {status_label(kr.status)}"


def prompt_message(
    *,
    cycle_name: str,
    week_label: str,
    items: Sequence[CheckInItem],
    due_note: str | None = None,
) -> dict[str, Any]:
    """The Monday DM listing the owner's KRs, with Check in / No change / Snooze / Away."""
    when = _when(cycle_name, week_label)
    n = len(items)
    blocks: list[dict[str, Any]] = [
        section(
            ngettext(
                ":wave: Time for your weekly check-in · {when}\n"
                "How did your {n} key result move this week? One modal for all of them, "
                "or *No change* if nothing moved.",
                ":wave: Time for your weekly check-in · {when}\n"
                "How did your {n} key results move this week? One modal for all of them, "
                "or *No change* if nothing moved.",
                n,
            ).format(when=when, n=f"{n:,}")
            if items
            else _(
                ":wave: Weekly check-in · {when}\nYou have no key results to check in on."
            ).format(when=when)
        )
    ]
    if due_note and due_note.strip():
        blocks.append(context(user_text(due_note, DUE_CHARS)))
    plain_when = _plain_when(cycle_name, week_label)
    if not items:
        fallback = _("Weekly check-in · {when}").format(when=plain_when)
        return {"text": guard(fallback, 1000), "blocks": blocks}
    entries = [kr_entry(item) for item in items[:MAX_LISTED]]
    texts, placed = pack_sections(
        entries, max_blocks=-(-MAX_LISTED // KRS_PER_SECTION), per_block=KRS_PER_SECTION
    )
    blocks.extend(section(t) for t in texts)
    if len(items) > placed:
        rest = len(items) - placed
        blocks.append(
            context(
                ngettext(
                    "and {n} more key result: the check-in modal and `/okr log` have them all",
                    "and {n} more key results: the check-in modal and `/okr log` have them all",
                    rest,
                ).format(n=f"{rest:,}")
            )
        )
    blocks.append(
        ActionsBlock(
            block_id=ACTIONS_BLOCK,
            elements=[check_in_button(), no_change_button(), snooze_menu(), away_button()],
        ).to_dict()
    )
    fallback = ngettext(
        "Weekly check-in: {n} key result · {when}", "Weekly check-in: {n} key results · {when}", n
    ).format(n=f"{n:,}", when=plain_when)
    return {"text": guard(fallback, 1000), "blocks": blocks}


def _state(
    text: str, fallback: str, *, with_check_in: bool, block_id: str = ACTIONS_BLOCK
) -> dict[str, Any]:
    blocks = [section(text)]
    if with_check_in:
        blocks.append(ActionsBlock(block_id=block_id, elements=[check_in_button()]).to_dict())
    return {"text": guard(fallback, 1000), "blocks": blocks}


@dataclass(frozen=True)
class Sent:
    """One KR's answer as just checked in, with how its numbers read: what the done state
    echoes, so a typo is seen at once."""

    kind: KRKind
    measure: Measure
    value: float
    confidence: str | None = None


def sent_text(sent: Sent) -> str:
    """`38 prospects · at risk`: the value in the KR's own format, exactly as stored
    (okr.display.editable_text), and the confidence given; escaped."""
    if sent.kind is KRKind.MILESTONE:
        value = _("done") if sent.value >= 1 else _("not done")
    else:
        value = escape(editable_text(sent.value, sent.measure))
    confidence = CONFIDENCE_WORDS.get(sent.confidence or "")
    return f"{value} · {_(confidence)}" if confidence else value


def echo_line(sent: Sequence[Sent]) -> str:
    """`38 prospects · at risk — $1.03M · on track`, at most `MAX_ECHOED` answers, then
    "and N more"."""
    line = " — ".join(sent_text(s) for s in sent[:MAX_ECHOED])
    if len(sent) > MAX_ECHOED:
        line += " — " + _("and {n} more").format(n=f"{len(sent) - MAX_ECHOED:,}")
    return line


def prompt_done(
    *,
    cycle_name: str,
    week_label: str,
    count: int,
    when: datetime,
    sent: Sequence[Sent] = (),
) -> dict[str, Any]:
    """The prompt after checking in: "✅ Checked in N key results · <date>", then what was
    sent (`sent`, when the check-in came from the modal), no buttons."""
    done = ngettext("✅ Checked in {n} key result", "✅ Checked in {n} key results", count).format(
        n=f"{count:,}"
    )
    echo = f"{echo_line(sent)}\n" if sent else ""
    return _state(
        _("{done} · {date}\n{echo}{when} · thanks!").format(
            done=done, date=slack_date(when), echo=echo, when=_when(cycle_name, week_label)
        ),
        f"{done} · {_plain_when(cycle_name, week_label)}",
        with_check_in=False,
    )


def prompt_snoozed(*, cycle_name: str, week_label: str, until: datetime) -> dict[str, Any]:
    """After "Remind me in 3 hours" / "tomorrow": when the reminder comes; Check in stays."""
    return _state(
        _(":zzz: Snoozed: I'll remind you {date}.\n{when} · you can still check in now.").format(
            date=slack_date(until), when=_when(cycle_name, week_label)
        ),
        _("Check-in snoozed · {when}").format(when=_plain_when(cycle_name, week_label)),
        with_check_in=True,
    )


def prompt_skipped(*, cycle_name: str, week_label: str) -> dict[str, Any]:
    """After "Skip this week": no nudge this week; Check in stays."""
    return _state(
        _(
            ":fast_forward: Skipped this week: no reminder until next week's check-in.\n"
            "{when} · changed your mind? You can still check in."
        ).format(when=_when(cycle_name, week_label)),
        _("Check-in skipped this week · {when}").format(when=_plain_when(cycle_name, week_label)),
        with_check_in=True,
    )


def day_text(day: date) -> str:
    """`Mon 10 Jun 2024` / `2024年6月10日 周一`."""
    return weekday_day_month_year(day)


def prompt_away(*, cycle_name: str, week_label: str, until: date) -> dict[str, Any]:
    """After setting "away until": no prompts or nudges until then, not counted as missing."""
    return _state(
        _(
            ":palm_tree: You're away until *{day}*: no prompts or nudges until then, "
            "and you won't count as missing.\n"
            "{when} · back early? `/okr log` checks in anytime."
        ).format(day=day_text(until), when=_when(cycle_name, week_label)),
        _("Away until {day}").format(day=day_text(until)),
        with_check_in=False,
    )


def nudge_message(*, cycle_name: str, week_label: str, count: int) -> dict[str, Any]:
    """The single mid-week follow-up to owners who have not checked in yet."""
    blocks = [
        section(
            ngettext(
                ":hourglass_flowing_sand: Friendly reminder: your check-in for {when} is still "
                "open ({n} key result).\nIt takes a minute, or one click if nothing moved.",
                ":hourglass_flowing_sand: Friendly reminder: your check-in for {when} is still "
                "open ({n} key results).\nIt takes a minute, or one click if nothing moved.",
                count,
            ).format(when=_when(cycle_name, week_label), n=f"{count:,}")
        ),
        ActionsBlock(
            block_id=NUDGE_ACTIONS_BLOCK, elements=[check_in_button(), no_change_button()]
        ).to_dict(),
    ]
    fallback = ngettext(
        "Reminder: check in on {n} key result · {when}",
        "Reminder: check in on {n} key results · {when}",
        count,
    ).format(n=f"{count:,}", when=_plain_when(cycle_name, week_label))
    return {"text": guard(fallback, 1000), "blocks": blocks}
