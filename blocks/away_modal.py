"""The "I'm away…" modal: one date picker, and reading it back.

The view's private_metadata is compact JSON `{"source": source}`: `source` is what the
caller needs afterwards (e.g. the prompt message's channel and ts, to update it in place).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, PlainTextObject
from slack_sdk.models.blocks.block_elements import DatePickerElement
from slack_sdk.models.views import View

from blocks import ids
from blocks.view_state import element
from okr.i18n import N_, _

UNTIL_BLOCK = "away_until"
UNTIL_ACTION = "date"
DEFAULT_DAYS = 7
MAX_DAYS = 365
MAX_METADATA = 3000
NOTE = N_("No prompts or nudges until then; you won't count as missing.")


def away_modal(*, today: date, source: Mapping[str, Any]) -> dict[str, Any]:
    """The modal (callback `ids.AWAY_VIEW`), the date picker starting at today + 7 days."""
    metadata = json.dumps({"source": dict(source)}, separators=(",", ":"), default=str)
    if len(metadata) > MAX_METADATA:
        metadata = json.dumps({"source": {}}, separators=(",", ":"))
    return View(
        type="modal",
        callback_id=ids.AWAY_VIEW,
        title=PlainTextObject(text=_("I'm away")),
        submit=PlainTextObject(text=_("Save")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=metadata,
        blocks=[
            InputBlock(
                block_id=UNTIL_BLOCK,
                label=_("Away until"),
                element=DatePickerElement(
                    action_id=UNTIL_ACTION,
                    initial_date=(today + timedelta(days=DEFAULT_DAYS)).isoformat(),
                    placeholder=_("Pick a date"),
                ),
            ),
            ContextBlock(elements=[MarkdownTextObject(text=_(NOTE))]),
        ],
    ).to_dict()


def read_away(values: Mapping[str, Any], today: date) -> tuple[date | None, dict[str, str]]:
    """The picked date, or field errors keyed `away_until`: it must be after `today` and at
    most 365 days ahead."""
    picked = element(values, UNTIL_BLOCK).get("selected_date")
    if not isinstance(picked, str) or not picked.strip():
        return None, {UNTIL_BLOCK: _("Pick the date you are away until.")}
    try:
        until = date.fromisoformat(picked.strip())
    except ValueError:
        return None, {UNTIL_BLOCK: _("Pick a date from the calendar.")}
    if until <= today:
        return None, {UNTIL_BLOCK: _("Pick a date after today.")}
    if until > today + timedelta(days=MAX_DAYS):
        return None, {UNTIL_BLOCK: _("Pick a date within a year from today.")}
    return until, {}
