"""The cycle modal (`/okr cycle`, workspace admins): fiscal-year start and custom cycles.

Pure: data in, payloads out. `read_cycle_form` reads a submitted `view.state.values`;
`custom_cycle_errors` checks the custom cycle against stored ones (okr.cycle_rules) and
keys the errors by this modal's block ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.mrkdwn import escape, truncate
from okr import cycle_rules
from okr.cycle_rules import ExistingCycle, validate_custom_cycle
from okr.cycles import CycleSpan
from okr.dates import day_month_year
from okr.i18n import N_, _

CALLBACK_ID = "cycle_settings"

FISCAL_BLOCK = "fiscal_start"
NAME_BLOCK = "cycle_name"
START_BLOCK = "cycle_start"
END_BLOCK = "cycle_end"
COMPANY_BLOCK = "company_channel"

FISCAL_ACTION = "month"
NAME_ACTION = "name"
START_ACTION = "date"
END_ACTION = "date"
COMPANY_ACTION = "channel"

MAX_LISTED = 10
#: Marked for the catalog: show one with `month_name(n)`.
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

_FIELD_BLOCKS = {
    cycle_rules.NAME: NAME_BLOCK,
    cycle_rules.START: START_BLOCK,
    cycle_rules.END: END_BLOCK,
}

NOT_ADMIN_TEXT = N_(
    "Only workspace admins can change the fiscal year and cycles. Ask a Slack workspace "
    "admin or owner, or whoever runs OKR Bot (they can add you to ADMIN_USER_IDS)."
)
NOT_ADMIN_ERROR = N_("Only workspace admins can change the fiscal year and cycles.")


def month_name(month: int) -> str:
    """`April` / `4月`: a month's full name in the reader's language."""
    return _(MONTHS[month - 1])


def day_text(d: date) -> str:
    """`1 Apr 2027` / `2027年4月1日`."""
    return day_month_year(d)


def span_text(span: CycleSpan) -> str:
    """`*FY2027 Q1* (1 Jan 2027 – 31 Mar 2027)`, the name escaped."""
    return _("{name} ({first} – {last})").format(
        name=f"*{escape(span.name)}*", first=day_text(span.start), last=day_text(span.end)
    )


@dataclass(frozen=True)
class CycleForm:
    """A submitted cycle modal. `wants_custom` when any custom-cycle field was filled."""

    fiscal_start_month: int | None
    name: str
    start: date | None
    end: date | None
    #: Where the company objectives' cycle-close summary goes (None: the admins, by DM).
    company_channel: str | None = None

    @property
    def wants_custom(self) -> bool:
        return bool(self.name) or self.start is not None or self.end is not None


def _month_option(month: int) -> Option:
    return Option(value=str(month), text=PlainTextObject(text=month_name(month)))


def cycle_modal(
    *,
    fiscal_start_month: int,
    current: CycleSpan,
    custom: Sequence[CycleSpan] = (),
    company_channel: str | None = None,
) -> dict[str, Any]:
    """The modal: `current` is today's cycle, `custom` the custom cycles not ended yet,
    `company_channel` where the company objectives' summary goes."""
    blocks: list[Any] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=_(
                    "OKR cycles are fiscal quarters, unless a custom cycle covers the day. "
                    "Current cycle: {cycle}."
                ).format(cycle=span_text(current))
            )
        ),
        InputBlock(
            block_id=FISCAL_BLOCK,
            label=_("Fiscal year starts in"),
            element=StaticSelectElement(
                action_id=FISCAL_ACTION,
                options=[_month_option(m) for m in range(1, 13)],
                initial_option=_month_option(fiscal_start_month),
            ),
            hint=_("Quarters count from this month. Quarters already in use keep their dates."),
        ),
        InputBlock(
            block_id=COMPANY_BLOCK,
            label=_("Channel for the company objectives' results"),
            optional=True,
            element=ConversationSelectElement(
                action_id=COMPANY_ACTION,
                initial_conversation=company_channel,
                placeholder=_("Pick a channel, e.g. #general"),
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_bot_users=True,
                    exclude_external_shared_channels=True,
                ),
            ),
            hint=_(
                "At each cycle's close I post there the company objectives' scores with the "
                "team objectives aligned to them (invite me first: /invite @okr-bot). Empty: "
                "I send it to the workspace admins by DM."
            ),
        ),
        DividerBlock(),
        SectionBlock(
            text=MarkdownTextObject(
                text=_(
                    "*Add a custom cycle* (optional), for a period that is not a quarter, "
                    "e.g. a half-year push. While it runs it replaces the quarter."
                )
            )
        ),
        InputBlock(
            block_id=NAME_BLOCK,
            label=_("Cycle name"),
            optional=True,
            element=PlainTextInputElement(
                action_id=NAME_ACTION,
                max_length=cycle_rules.MAX_NAME,
                placeholder=_("e.g. H1 2027 sales push"),
            ),
        ),
        InputBlock(
            block_id=START_BLOCK,
            label=_("First day"),
            optional=True,
            element=DatePickerElement(action_id=START_ACTION, placeholder=_("Pick a date")),
        ),
        InputBlock(
            block_id=END_BLOCK,
            label=_("Last day"),
            optional=True,
            element=DatePickerElement(action_id=END_ACTION, placeholder=_("Pick a date")),
            hint=_("At most {limit} days; custom cycles may not overlap.").format(
                limit=cycle_rules.MAX_DAYS
            ),
        ),
    ]
    if custom:
        listed = "\n".join(f"• {span_text(c)}" for c in custom[:MAX_LISTED])
        if len(custom) > MAX_LISTED:
            listed += "\n" + _("…and {count} more").format(count=len(custom) - MAX_LISTED)
        text = _("Custom cycles:\n{cycles}").format(cycles=listed)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))]))
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=_("OKR cycles"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def _entry(values: Mapping[str, Any], block: str, action: str) -> Mapping[str, Any]:
    entry = (values.get(block) or {}).get(action)
    return entry if isinstance(entry, Mapping) else {}


def _date(values: Mapping[str, Any], block: str, action: str) -> tuple[date | None, bool]:
    """(the picked date, whether what was sent was unreadable)."""
    raw = _entry(values, block, action).get("selected_date")
    if not raw:
        return None, False
    try:
        return date.fromisoformat(str(raw)), False
    except ValueError:
        return None, True


def read_cycle_form(values: Mapping[str, Any]) -> tuple[CycleForm, dict[str, str]]:
    """The submitted form and field errors by block id for what cannot be read at all."""
    errors: dict[str, str] = {}
    option = _entry(values, FISCAL_BLOCK, FISCAL_ACTION).get("selected_option")
    raw_month = option.get("value") if isinstance(option, Mapping) else None
    month = int(raw_month) if isinstance(raw_month, str) and raw_month.isdigit() else None
    if month is None or not 1 <= month <= 12:
        errors[FISCAL_BLOCK] = _("Pick the month your fiscal year starts in.")
        month = None
    name = str(_entry(values, NAME_BLOCK, NAME_ACTION).get("value") or "").strip()
    start, bad_start = _date(values, START_BLOCK, START_ACTION)
    end, bad_end = _date(values, END_BLOCK, END_ACTION)
    if bad_start:
        errors[START_BLOCK] = _("Pick the first day with the date picker.")
    if bad_end:
        errors[END_BLOCK] = _("Pick the last day with the date picker.")
    channel = _entry(values, COMPANY_BLOCK, COMPANY_ACTION).get("selected_conversation")
    company = channel if isinstance(channel, str) and channel else None
    return CycleForm(month, name, start, end, company), errors


def custom_cycle_errors(form: CycleForm, existing: Iterable[ExistingCycle]) -> dict[str, str]:
    """okr.cycle_rules' errors for the custom cycle, by block id; none if none was asked."""
    if not form.wants_custom:
        return {}
    errors = validate_custom_cycle(form.name, form.start, form.end, existing)
    return {_FIELD_BLOCKS[field]: message for field, message in errors.items()}


def cycle_saved_message(
    *,
    fiscal_start_month: int,
    month_changed: bool,
    custom: CycleSpan | None,
    current: CycleSpan,
    company_channel: str | None = None,
) -> dict[str, Any]:
    """The confirmation to the admin who saved the modal."""
    month = month_name(fiscal_start_month)
    lines = [
        _(":white_check_mark: The fiscal year now starts in {month}.").format(month=month)
        if month_changed
        else _(":white_check_mark: The fiscal year still starts in {month}.").format(month=month)
    ]
    if custom is not None:
        lines.append(_("Custom cycle {cycle} created.").format(cycle=span_text(custom)))
    lines.append(_("Current cycle: {cycle}.").format(cycle=span_text(current)))
    lines.append(
        _("The company objectives' results go to {channel} at each cycle's close.").format(
            channel=f"<#{company_channel}>"
        )
        if company_channel
        else _(
            "The company objectives' results go to the workspace admins by DM at each "
            "cycle's close."
        )
    )
    text = truncate("\n".join(lines), 3000)
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}
