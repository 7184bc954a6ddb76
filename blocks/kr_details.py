"""*Details* of one key-result line: a small modal pushed over the objective modal with the
fields a sentence cannot always say (kind, start, target, unit, owner, baseline, weight,
due date), prefilled from how the sentence reads. What it sets is kept in the objective
modal's private_metadata and wins over the sentence.

Its own private_metadata carries the objective modal's id and, because a submission of
this modal does not carry the objective modal's state, a snapshot of that modal as it was
when Details was pressed: the objective modal is redrawn from it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ExternalDataMultiSelectElement,
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
from blocks.kr_row import RowFields, kind_labels, unit_labels
from blocks.mrkdwn import escape
from blocks.view_state import element, json_object
from okr.dependencies import MAX_UPSTREAM, NEED_MAX
from okr.i18n import _

VALUE = "value"
METADATA_MAX = 3000


def details_block(name: str) -> str:
    """Block id of one field of the Details modal, e.g. `d_target`."""
    return f"d_{name}"


#: The "Depends on" select's action id: its options come from handlers/dependencies.py.
DEPENDS_ON = "kr_depends_on"


def details_modal(
    row: int,
    title: str,
    shown: RowFields,
    owner_id: str,
    snapshot: Mapping[str, Any],
    *,
    depends: Sequence[tuple[int, str]] = (),
    need: str = "",
) -> dict[str, Any]:
    """The Details modal of line `row` (`title`: what its sentence measures), showing
    `shown` and the KRs it depends on (`depends`: id and label, and what it needs of
    them); `snapshot` is what the objective modal is redrawn from afterwards."""
    blocks: list[Block] = [
        _select("kind", _("Kind"), kind_labels(), shown.kind),
        _text(
            "start",
            _("Start value"),
            shown.start,
            _("e.g. $1.0M (a quota or milestone has none)"),
        ),
        _text("target", _("Target"), shown.target, _("e.g. $1.2M, or +20% of the start")),
        _select("unit", _("Unit"), unit_labels(), shown.unit),
        _text("currency", _("Currency code"), shown.currency, _("e.g. EUR"), max_length=3),
        InputBlock(
            block_id=details_block("owner"),
            label=_("Owner"),
            element=UserSelectElement(action_id=VALUE, initial_user=shown.owner or owner_id),
        ),
        _text(
            "baseline",
            _("Baseline"),
            shown.baseline,
            _("e.g. last quarter's $950k"),
            hint=_("Last cycle's result, to check the target is a stretch."),
        ),
        _text("weight", _("Weight"), shown.weight, _("e.g. 2 (counts double)")),
        _text(
            "due",
            _("Due date"),
            shown.due,
            _("e.g. 15 Nov (a milestone; else the cycle's end)"),
        ),
        _depends_block(depends),
        _text(
            "need",
            _("What we need"),
            need,
            _("e.g. 200 MQLs a month from campaigns"),
            max_length=NEED_MAX,
        ),
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
    number = _("Key result {n}").format(n=row + 1)
    name = " ".join(title.split()) or number
    return View(
        type="modal",
        callback_id=ids.KR_DETAILS_VIEW,
        title=PlainTextObject(text=number),
        submit=PlainTextObject(text=_("Apply")),
        close=PlainTextObject(text=_("Back")),
        private_metadata=text,
        blocks=[_heading(name), *blocks],
    ).to_dict()


def _metadata(row: int, shown: RowFields, form: Mapping[str, Any]) -> str:
    meta = {"row": row, "shown": asdict(shown), "form": dict(form)}
    return json.dumps(meta, separators=(",", ":"))


def _heading(name: str) -> Block:
    text = _("*{name}* · what you set here wins over the sentence.").format(name=escape(name[:150]))
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _depends_block(depends: Sequence[tuple[int, str]]) -> InputBlock:
    """Other KRs this one depends on: searched as typed (min_query_length 0 lists the
    cycle's KRs at once, other teams first)."""
    chosen = [Option(value=str(kr_id), label=label[:75]) for kr_id, label in depends]
    return InputBlock(
        block_id=details_block("depends"),
        label=_("Depends on"),
        optional=True,
        hint=_("Other teams' key results this one needs; their leads are told."),
        element=ExternalDataMultiSelectElement(
            action_id=DEPENDS_ON,
            placeholder=_("Search this cycle's key results"),
            min_query_length=0,
            max_selected_items=MAX_UPSTREAM,
            initial_options=chosen or None,
        ),
    )


def read_links(view: Mapping[str, Any]) -> tuple[list[int], str]:
    """The KRs a Details submission depends on (ids as chosen, at most MAX_UPSTREAM kept
    for the rules to check) and what it needs of them."""
    values = view.get("state", {}).get("values", {})
    chosen = element(values, details_block("depends")).get("selected_options")
    ids_: list[int] = []
    for option in chosen if isinstance(chosen, list) else []:
        value = option.get("value") if isinstance(option, Mapping) else None
        if isinstance(value, str) and value.isdigit() and int(value) not in ids_:
            ids_.append(int(value))
    need = element(values, details_block("need")).get("value")
    return ids_[: MAX_UPSTREAM + 1], " ".join(need.split()) if isinstance(need, str) else ""


def links_text(kr_ids: Sequence[int]) -> str:
    """How a line's dependencies are kept in the objective modal's metadata: "12,34"."""
    return ",".join(str(kr_id) for kr_id in kr_ids)


def links_of(details: Mapping[str, str]) -> list[int]:
    """The KR ids a line's Details said it depends on (malformed parts ignored)."""
    text = details.get("depends", "")
    return [int(part) for part in text.split(",") if part.isdigit()][:MAX_UPSTREAM]


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
