"""*Details* of one key-result line: a small modal pushed over the objective modal with the
fields a sentence cannot always say (kind, start, target, unit, owner, baseline, weight,
due date), prefilled from how the sentence reads. What it sets is kept in the objective
modal's private_metadata and wins over the sentence.

Its own private_metadata carries the objective modal's id and, because a submission of
this modal does not carry the objective modal's state, a snapshot of that modal as it was
when Details was pressed: the objective modal is redrawn from it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks import ids
from blocks.kr_row import KIND_LABELS, UNIT_LABELS, RowFields
from blocks.mrkdwn import escape
from blocks.view_state import element, json_object

VALUE = "value"
METADATA_MAX = 3000


def details_block(name: str) -> str:
    """Block id of one field of the Details modal, e.g. `d_target`."""
    return f"d_{name}"


def details_modal(
    row: int, title: str, shown: RowFields, owner_id: str, snapshot: Mapping[str, Any]
) -> dict[str, Any]:
    """The Details modal of line `row` (`title`: what its sentence measures), showing
    `shown`; `snapshot` is what the objective modal is redrawn from afterwards."""
    blocks: list[Block] = [
        _select("kind", "Kind", KIND_LABELS, shown.kind),
        _text("start", "Start value", shown.start, "e.g. $1.0M (a quota or milestone has none)"),
        _text("target", "Target", shown.target, "e.g. $1.2M, or +20% of the start"),
        _select("unit", "Unit", UNIT_LABELS, shown.unit),
        _text("currency", "Currency code", shown.currency, "e.g. EUR", max_length=3),
        InputBlock(
            block_id=details_block("owner"),
            label="Owner",
            element=UserSelectElement(action_id=VALUE, initial_user=shown.owner or owner_id),
        ),
        _text(
            "baseline",
            "Baseline",
            shown.baseline,
            "e.g. last quarter's $950k",
            hint="Last cycle's result, to check the target is a stretch.",
        ),
        _text("weight", "Weight", shown.weight, "e.g. 2 (counts double)"),
        _text("due", "Due date", shown.due, "e.g. 15 Nov (a milestone; else the cycle's end)"),
    ]
    form = dict(snapshot)
    text = _metadata(row, shown, form)
    for long in ("description", "title"):  # Slack keeps these as typed anyway
        if len(text) > METADATA_MAX:
            form[long] = ""
            text = _metadata(row, shown, form)
    if len(text) > METADATA_MAX:  # crafted: no Details for a modal that cannot be redrawn
        form = {}
        text = _metadata(row, shown, form)
    name = " ".join(title.split()) or f"Key result {row + 1}"
    return View(
        type="modal",
        callback_id=ids.KR_DETAILS_VIEW,
        title=PlainTextObject(text=f"Key result {row + 1}"),
        submit=PlainTextObject(text="Apply"),
        close=PlainTextObject(text="Back"),
        private_metadata=text,
        blocks=[_heading(name), *blocks],
    ).to_dict()


def _metadata(row: int, shown: RowFields, form: Mapping[str, Any]) -> str:
    meta = {"row": row, "shown": asdict(shown), "form": dict(form)}
    return json.dumps(meta, separators=(",", ":"))


def _heading(name: str) -> Block:
    return ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"*{escape(name[:150])}* · what you set here wins over the sentence."
            )
        ]
    )


def read_details(view: Mapping[str, Any]) -> tuple[int | None, RowFields, RowFields, dict]:
    """(row, fields as shown, fields as submitted, objective-modal snapshot) of a Details
    submission; row None when its metadata is not ours."""
    meta = json_object(view.get("private_metadata"))
    row = meta.get("row")
    shown_raw = meta.get("shown") if isinstance(meta.get("shown"), dict) else {}
    shown = RowFields().overlaid(shown_raw)
    values = view.get("state", {}).get("values", {})
    typed: dict[str, str] = {}
    for name in ("start", "target", "currency", "baseline", "weight", "due"):
        value = element(values, details_block(name)).get("value")
        typed[name] = value.strip() if isinstance(value, str) else ""
    for name in ("kind", "unit"):
        option = element(values, details_block(name)).get("selected_option")
        value = option.get("value") if isinstance(option, Mapping) else None
        typed[name] = value if isinstance(value, str) else ""
    owner = element(values, details_block("owner")).get("selected_user")
    typed["owner"] = owner if isinstance(owner, str) else ""
    form = meta.get("form") if isinstance(meta.get("form"), dict) else {}
    valid_row = isinstance(row, int) and not isinstance(row, bool) and 0 <= row < 10
    return (row if valid_row else None), shown, RowFields().overlaid(typed), form


def _text(
    name: str,
    label: str,
    value: str,
    placeholder: str,
    *,
    hint: str | None = None,
    max_length: int | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=details_block(name),
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(
            action_id=VALUE,
            initial_value=value or None,
            placeholder=placeholder,
            max_length=max_length,
        ),
    )


def _select(name: str, label: str, choices: Mapping[str, str], selected: str) -> InputBlock:
    options = [Option(value=str(k), label=v) for k, v in choices.items()]
    initial = next((o for o in options if o.value == selected), None)
    return InputBlock(
        block_id=details_block(name),
        label=label,
        element=StaticSelectElement(action_id=VALUE, options=options, initial_option=initial),
    )
