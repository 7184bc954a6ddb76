"""The check-in modal: all of a person's key results in one form, four blocks each (the KR
and where it stands; its value, labelled with what it measures and its target; the owner's
confidence; a one-line note), a quota five (the period its count is for).

Reading it back is pure: `read_checkin` returns the entries to store, or field errors
keyed by block id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks import ids
from blocks.kr_format import MAX_VIEW_BLOCKS, clip, standing, status_label
from blocks.labels import field_label
from blocks.objective_form import plain_number
from blocks.quota_lines import corrected_count_input, period_block, quota_inputs, read_period
from blocks.view_state import element as _element
from okr.dates import day_month
from okr.display import editable_text, target_text
from okr.i18n import N_, _
from okr.outline import CheckInNote, KRLine
from okr.progress import KRKind
from okr.quota import QuotaBasis
from okr.values import Unit, ValueParseError, parse_value

BLOCKS_PER_KR = 4
MAX_KRS = (MAX_VIEW_BLOCKS - 1) // BLOCKS_PER_KR
"""KRs one modal asks for: four blocks each, plus the note naming the rest (a quota's period
menu takes one more block: `_within_budget` keeps the modal within 100)."""
NOTE_MAX = 280
CONFIDENCE = {
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "off_track": N_("Off track"),
}
CONFIDENCE_LABEL = N_("Your confidence")
NOTE_LABEL = N_("Note")
SENT = "sent"
"""The key under which a check-in's answers travel to the after-check-in hooks."""
DONE, NOT_DONE = "done", "not_done"


def value_block(kr_id: int) -> str:
    return f"ci_value_{kr_id}"


def confidence_block(kr_id: int) -> str:
    return f"ci_conf_{kr_id}"


def note_block(kr_id: int) -> str:
    return f"ci_note_{kr_id}"


@dataclass(frozen=True)
class CheckInItem:
    """A KR offered for check-in, with the objective it serves."""

    kr: KRLine
    objective_title: str


def checkin_modal(
    items: Sequence[CheckInItem], *, source: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The modal for `items` (as many as fit; the rest are named in a note). `source` (e.g.
    the prompt message to update afterwards) travels in private_metadata."""
    groups = [
        (item, _kr_blocks(item, _reading(item.kr), item.kr.confidence, ""))
        for item in list(items)[:MAX_KRS]
    ]
    shown, blocks = _within_budget(len(items), groups)
    view = View(
        type="modal",
        callback_id=ids.CHECK_IN_VIEW,
        title=PlainTextObject(text=_("Weekly check-in")),
        submit=PlainTextObject(text=_("Check in")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=json.dumps(
            {"kr_ids": [item.kr.id for item in shown], "source": dict(source or {})},
            separators=(",", ":"),
        ),
        blocks=blocks,
    )
    return view.to_dict()


def _reading(kr: KRLine) -> float | None:
    """The value the field starts from: the latest reading; None (an empty field) before the
    first one, so nothing is prefilled that nobody reported."""
    return kr.current if kr.reported else None


def _within_budget(
    total: int, groups: Sequence[tuple[CheckInItem, list[Any]]]
) -> tuple[list[CheckInItem], list[Any]]:
    """The KRs whose blocks fit in Slack's 100 (a quota takes a fifth block, its period
    menu), in order; when some are left out, a note first says how many and where to
    check in on them. `total` is the number of KRs asked for."""
    if total == len(groups) and sum(len(blocks) for _item, blocks in groups) <= MAX_VIEW_BLOCKS:
        return [item for item, _blocks in groups], [b for _item, blocks in groups for b in blocks]
    kept: list[CheckInItem] = []
    kept_blocks: list[Any] = []
    for item, blocks in groups:
        if len(kept_blocks) + len(blocks) + 1 > MAX_VIEW_BLOCKS:
            break
        kept.append(item)
        kept_blocks.extend(blocks)
    note = ContextBlock(
        elements=[
            MarkdownTextObject(
                text=_(
                    "Showing {shown} of {total} key results: save, "
                    "then check in on the rest with `/okr log`."
                ).format(shown=len(kept), total=total)
            )
        ]
    )
    return kept, [note, *kept_blocks]


def edit_checkin_modal(item: CheckInItem, checkin: CheckInNote) -> dict[str, Any]:
    """The same blocks for one KR, prefilled from the check-in being corrected."""
    blocks = _kr_blocks(item, checkin.value, checkin.confidence, checkin.note, checkin)
    return View(
        type="modal",
        callback_id=ids.EDIT_CHECK_IN_VIEW,
        title=PlainTextObject(text=_("Edit check-in")),
        submit=PlainTextObject(text=_("Save")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=json.dumps({"checkin_id": checkin.id, "kr_ids": [item.kr.id]}),
        blocks=blocks,
    ).to_dict()


def value_label(kr: KRLine) -> str:
    """What the value field asks for, named after the KR and its target (plain text):
    `Revenue this quarter — target $1.2M`, `Churn — holds ≤ 3%`, `Partner program live —
    due 15 Dec`; the target at the precision that tells it from the latest reading."""
    if kr.kind is KRKind.MILESTONE:
        due = kr.due_date
        detail = _("due {day}").format(day=day_month(due)) if due else _("done or not")
        return field_label(kr.title, detail)
    target = target_text(kr.target, kr.measure, _reading(kr))
    if kr.kind.holds:
        sign = "≥" if kr.kind is KRKind.STAY_ABOVE else "≤"
        return field_label(kr.title, _("holds {sign} {target}").format(sign=sign, target=target))
    return field_label(kr.title, _("target {target}").format(target=target))


def _value_input(kr: KRLine, value: float | None, edited: CheckInNote | None) -> list[InputBlock]:
    """The value field (a quota: its count and period menu). `value` None (no reading yet)
    leaves it empty; `edited` is the quota count being corrected, if any."""
    if kr.kind is KRKind.QUOTA:
        if edited is not None:  # a quota count corrected: same period, its value prefilled
            count = plain_number(edited.value)
            return [corrected_count_input(kr, edited, value_block(kr.id), count)]
        return quota_inputs(kr, value_block(kr.id))
    element: StaticSelectElement | PlainTextInputElement
    if kr.kind is KRKind.MILESTONE:
        done_options = [
            Option(value=DONE, label=_("Done")),
            Option(value=NOT_DONE, label=_("Not done")),
        ]
        element = StaticSelectElement(
            action_id="value",
            options=done_options,
            initial_option=done_options[0 if value is not None and value >= 1 else 1],
        )
    else:
        element = PlainTextInputElement(
            action_id="value",
            initial_value=editable_text(value, kr.measure) if value is not None else None,
        )
    return [InputBlock(block_id=value_block(kr.id), label=value_label(kr), element=element)]


def _kr_blocks(
    item: CheckInItem,
    value: float | None,
    confidence: str | None,
    note: str,
    edited: CheckInNote | None = None,
) -> list[Any]:
    """One KR's blocks: where it stands, its value, the owner's confidence (preselected to
    `confidence`, their last call) and a note. Slack marks optional fields "(optional)"
    itself, so no label says it."""
    kr = item.kr
    summary = f"*{clip(kr.title, 150)}*  ·  {clip(item.objective_title, 100)}\n" + _(
        "{standing}  ·  suggested: {status}"
    ).format(standing=standing(kr, score_bar=True), status=status_label(kr.status))
    confidence_options = [Option(value=k, label=_(v)) for k, v in CONFIDENCE.items()]
    initial = next((o for o in confidence_options if o.value == confidence), None)
    return [
        SectionBlock(text=MarkdownTextObject(text=summary)),
        *_value_input(kr, value, edited),
        InputBlock(
            block_id=confidence_block(kr.id),
            label=_(CONFIDENCE_LABEL),
            optional=True,
            element=StaticSelectElement(
                action_id=ids.CHECK_IN_CONFIDENCE,
                placeholder=_("On track, at risk or off track?"),
                options=confidence_options,
                initial_option=initial,
            ),
        ),
        InputBlock(
            block_id=note_block(kr.id),
            label=_(NOTE_LABEL),
            optional=True,
            element=PlainTextInputElement(
                action_id="value",
                max_length=NOTE_MAX,
                placeholder=_("One line of context"),
                initial_value=note or None,
            ),
        ),
    ]


@dataclass(frozen=True)
class Answer:
    """What was submitted for one KR, and whether it differs from what the modal showed."""

    kr_id: int
    value: float
    confidence: str | None
    note: str
    changed: bool = True
    period_key: str | None = None
    """The period a quota count is for (None: other kinds, or an edit keeping its period)."""


def with_sent(source: Mapping[str, Any], answers: Sequence[Answer]) -> dict[str, Any]:
    """`source` (where the check-in came from) with what was sent, for the hooks after it:
    the prompt's done state echoes the values."""
    return {**source, SENT: tuple(answers)}


def sent_in(source: Mapping[str, Any]) -> list[Answer]:
    """The answers `with_sent` put into `source`; none when it holds none."""
    sent = source.get(SENT)
    return [a for a in sent if isinstance(a, Answer)] if isinstance(sent, tuple) else []


def _shown(blocks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What each block showed when the modal was drawn (initial value or option)."""
    shown: dict[str, Any] = {}
    for block in blocks:
        element = block.get("element") or block.get("accessory") or {}
        initial = element.get("initial_value")
        if initial is None:
            initial = (element.get("initial_option") or {}).get("value")
        shown[str(block.get("block_id", ""))] = initial
    return shown


class Measured(Protocol):
    """What reading a KR's answer needs to know of it."""

    @property
    def kind(self) -> KRKind: ...
    @property
    def unit(self) -> Unit: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def unit_word(self) -> str | None: ...
    @property
    def quota_basis(self) -> QuotaBasis | None: ...


def _quota_reading(
    values: Mapping[str, Any], kr_id: int, kr: Measured, count: float
) -> tuple[str | None, dict[str, str]]:
    """A quota count's period, or field errors: a count is 0 or more, for a period of the
    cycle."""
    if count < 0:
        return None, {
            value_block(kr_id): _(
                "A count cannot be negative: enter how many in the period (0 or more)."
            )
        }
    if kr.quota_basis is None:
        return None, {}
    period_key, problem = read_period(values, kr_id, kr.quota_basis)
    return period_key, {period_block(kr_id): problem} if problem else {}


def read_checkin(
    values: Mapping[str, Any],
    krs: Mapping[int, Measured],
    blocks: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[Answer], dict[str, str]]:
    """Parse every KR's answer; values in the KR's unit (`$1.3M`, `35%`, `done`).

    "Changed" compares with what the modal showed (its `blocks`), not with the database:
    a submission Slack sends twice must be read the same way both times. A KR whose field was
    shown empty (no reading yet) and is left empty, without a note or a new confidence, is
    skipped: nothing is stored that nobody reported. Skipping every KR is an error."""
    shown = _shown(blocks)
    answers: list[Answer] = []
    errors: dict[str, str] = {}
    skipped: list[int] = []
    for kr_id, kr in krs.items():
        element = _element(values, value_block(kr_id))
        period_key = None
        if kr.kind is KRKind.MILESTONE:
            chosen = (element.get("selected_option") or {}).get("value")
            if chosen not in (DONE, NOT_DONE):
                errors[value_block(kr_id)] = _("Pick done or not done.")
                continue
            value = 1.0 if chosen == DONE else 0.0
            typed = chosen
        else:
            text = typed = element.get("value")
            if not isinstance(text, str) or not text.strip():
                # A count not given, or a field shown empty and left so, is not reported.
                if kr.kind is KRKind.QUOTA or _left_unread(values, shown, kr_id):
                    skipped.append(kr_id)
                else:
                    errors[value_block(kr_id)] = _("Enter the value as of today.")
                continue
            try:
                value = parse_value(text, kr.unit, currency=kr.currency, word=kr.unit_word).value
            except ValueParseError as exc:
                errors[value_block(kr_id)] = exc.message
                continue
            if kr.kind is KRKind.QUOTA:
                period_key, problems = _quota_reading(values, kr_id, kr, value)
                if problems:
                    errors.update(problems)
                    continue
        confidence = (_element(values, confidence_block(kr_id)).get("selected_option") or {}).get(
            "value"
        )
        if confidence is not None and confidence not in CONFIDENCE:
            errors[confidence_block(kr_id)] = _("Pick on track, at risk or off track.")
            continue
        note = (_element(values, note_block(kr_id)).get("value") or "").strip()
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            errors[note_block(kr_id)] = _("Keep the note to {n} characters.").format(n=NOTE_MAX)
            continue
        note = " ".join(note.split())
        moved = (
            str(typed).strip() != str(shown.get(value_block(kr_id))).strip()
            or confidence != shown.get(confidence_block(kr_id))
            or bool(note)
        )
        changed = moved or not blocks
        answers.append(Answer(kr_id, value, confidence, note, changed, period_key))
    if skipped and not answers and not errors:
        first = skipped[0]
        errors[value_block(first)] = (
            _("Enter a count, or press Cancel.")
            if krs[first].kind is KRKind.QUOTA
            else _("Enter at least one value: none was given.")
        )
    return answers, errors


def _left_unread(values: Mapping[str, Any], shown: Mapping[str, Any], kr_id: int) -> bool:
    """An empty field the modal showed empty (no reading yet), with no note and the
    confidence as shown: the person has nothing to report on this KR this time."""
    if value_block(kr_id) not in shown or shown[value_block(kr_id)] is not None:
        return False
    note = _element(values, note_block(kr_id)).get("value")
    if isinstance(note, str) and note.strip():
        return False
    chosen = (_element(values, confidence_block(kr_id)).get("selected_option") or {}).get("value")
    return chosen == shown.get(confidence_block(kr_id))
