"""The objective modal of `/okr set` and of Edit: building it, and reading it back.

Reading is pure too: `read_form` turns `view.state.values` into a typed form plus field
errors keyed by block id, ready for `response_action: errors`. Checks that need the
database (the alignment target's cycle, permissions, target revisions) live in handlers.

Ten key-result rows of nine inputs each plus the objective's own fields stay under
Slack's 100-block limit for a modal (99 blocks when editing ten rows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ExternalDataSelectElement,
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
from blocks.view_state import element as _element
from blocks.view_state import metadata, row_id
from okr.drafts import KRDraft, ObjectiveDraft
from okr.due_dates import DueDay, parse_due
from okr.kr_units import VALUE_FIELDS, settle_unit
from okr.outline import Level
from okr.periods import Period
from okr.progress import KRKind, validate_kr
from okr.relative_target import relative_target, resolve, still_relative
from okr.values import (
    ParsedValue,
    Unit,
    ValueParseError,
    is_currency_code,
    parse_value,
    with_word,
)

INITIAL_KR_ROWS = 3
MAX_KR_ROWS = 10
TITLE_MAX = 150
DESCRIPTION_MAX = 3000
REASON_MAX = 500
MAX_WEIGHT = 100.0
TEAM_PICK = "team_pick"
VALUE = "value"  # the action id of every plain input in this modal

KIND_LABELS: dict[str, str] = {
    KRKind.INCREASE: "Increase to a target",
    KRKind.DECREASE: "Decrease to a target",
    KRKind.STAY_ABOVE: "Stay above a threshold",
    KRKind.STAY_BELOW: "Stay below a threshold",
    KRKind.MILESTONE: "Milestone (done or not)",
    "quota_week": "Quota per week (N every week)",
    "quota_month": "Quota per month (N every month)",
}
#: The kind menu's quota choices: a quota KR with its period, in one menu (a separate period
#: menu would take ten more blocks than a modal's 100 allow).
QUOTA_CHOICES: dict[str, Period] = {"quota_week": Period.WEEK, "quota_month": Period.MONTH}
UNIT_LABELS: dict[str, str] = {
    Unit.NUMBER: "Number",
    Unit.PERCENT: "Percent (%)",
    Unit.CURRENCY: "Currency (give its code)",
}
LEVEL_LABELS: dict[str, str] = {
    Level.COMPANY: "Company",
    Level.TEAM: "Team",
    Level.PERSONAL: "Personal",
}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")


def kr_block(row: int, name: str) -> str:
    """Block id of one input of one key-result row, e.g. `kr2_target`."""
    return f"kr{row}_{name}"


@dataclass(frozen=True)
class Choice:
    """An option of a select: what is stored and what is shown."""

    value: str
    label: str


@dataclass(frozen=True)
class KRRow:
    """One key-result row as typed (text, as the person sees it)."""

    title: str = ""
    kind: str = KRKind.INCREASE
    start: str = ""
    target: str = ""
    unit: str = Unit.NUMBER
    currency: str = ""
    owner_id: str | None = None
    baseline: str = ""
    weight: str = ""
    kr_id: int | None = None


@dataclass(frozen=True)
class FormState:
    """Everything needed to draw the modal, fresh or redrawn with what was typed."""

    author_id: str
    cycles: Sequence[Choice]
    cycle_id: int | None
    level: str = Level.TEAM
    team: Choice | None = None
    parent: Choice | None = None
    title: str = ""
    description: str = ""
    rows: Sequence[KRRow] = field(default_factory=lambda: [KRRow()] * INITIAL_KR_ROWS)
    objective_id: int | None = None
    channel_id: str = ""
    reason: str = ""
    #: The objective's version the edit was drawn from: a save from an older one is refused.
    version: int | None = None

    @property
    def editing(self) -> bool:
        return self.objective_id is not None


# --- building ------------------------------------------------------------------------


def objective_modal(state: FormState) -> dict[str, Any]:
    """The modal for a new objective, or for editing one (`state.objective_id` set)."""
    rows = list(state.rows)[:MAX_KR_ROWS]
    blocks: list[Block] = [
        _text_input(
            "title",
            "Objective",
            state.title,
            max_length=TITLE_MAX,
            placeholder="e.g. Win the mid-market in the Nordics",
        ),
        _text_input(
            "description",
            "Why it matters",
            state.description,
            optional=True,
            multiline=True,
            max_length=DESCRIPTION_MAX,
        ),
        _static_select(
            "level", "Level", [Choice(k, v) for k, v in LEVEL_LABELS.items()], state.level
        ),
        InputBlock(
            block_id="team",
            label="Team",
            optional=True,
            element=ExternalDataSelectElement(
                action_id=TEAM_PICK,
                placeholder="Pick a team",
                min_query_length=0,
                initial_option=_option(state.team) if state.team else None,
            ),
        ),
        _static_select(
            "cycle",
            "Cycle",
            state.cycles,
            str(state.cycle_id) if state.cycle_id is not None else None,
        ),
        InputBlock(
            block_id="align",
            label="Aligns to",
            optional=True,
            hint="The company or team objective this one moves forward.",
            element=ExternalDataSelectElement(
                action_id=ids.ALIGN_TO,
                placeholder="Search this cycle's objectives",
                min_query_length=0,
                initial_option=_option(state.parent) if state.parent else None,
            ),
        ),
    ]
    if state.editing:
        blocks.append(
            _text_input(
                "reason",
                "Why the targets changed",
                state.reason,
                optional=True,
                max_length=REASON_MAX,
                hint="Required when you change a target; kept in the KR's history.",
            )
        )
    for row, kr in enumerate(rows):
        blocks.extend(_kr_inputs(row, kr, state.author_id))
    if state.editing:
        blocks.append(_archive_block(state.objective_id))
    if len(rows) < MAX_KR_ROWS:
        blocks.append(
            ActionsBlock(
                block_id="kr_actions",
                elements=[
                    ButtonElement(
                        text="Add key result", action_id=ids.ADD_KR_ROW, value=str(len(rows))
                    )
                ],
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Type values as you say them: `1.2M`, `$1,200,000`, `35%`, `3.5k`, "
                    "`120万`. Leave a row empty to skip it."
                )
            ]
        )
    )
    view = View(
        type="modal",
        callback_id=ids.EDIT_OBJECTIVE_VIEW if state.editing else ids.SET_OBJECTIVE_VIEW,
        title=PlainTextObject(text="Edit objective" if state.editing else "New objective"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(
            {
                "objective_id": state.objective_id,
                "version": state.version,
                "kr_ids": [kr.kr_id for kr in rows],
                "channel_id": state.channel_id,
            },
            separators=(",", ":"),
        ),
        blocks=blocks,
    )
    return view.to_dict()


def _archive_block(objective_id: int | None) -> ActionsBlock:
    return ActionsBlock(
        block_id="archive",
        elements=[
            ButtonElement(
                text="Archive objective",
                action_id=ids.ARCHIVE_OBJECTIVE,
                value=str(objective_id),
                style="danger",
                confirm=ConfirmObject(
                    title="Archive this objective?",
                    text="It leaves lists, the tree and digests. Its history is kept.",
                    confirm="Archive",
                    deny="Keep it",
                ),
            )
        ],
    )


def plain_number(value: float) -> str:
    """A stored value as an editable text that parses back to exactly the same number."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _kr_inputs(row: int, kr: KRRow, author_id: str) -> list[Block]:
    n = row + 1
    owner = kr.owner_id or author_id
    return [
        _text_input(
            kr_block(row, "title"),
            f"Key result {n}",
            kr.title,
            optional=True,
            max_length=TITLE_MAX,
            placeholder="e.g. New ARR from mid-market",
        ),
        _static_select(
            kr_block(row, "kind"),
            f"KR {n}: kind",
            [Choice(k, v) for k, v in KIND_LABELS.items()],
            kr.kind,
        ),
        _text_input(
            kr_block(row, "start"),
            f"KR {n}: start value",
            kr.start,
            optional=True,
            placeholder="e.g. 1.2M (not needed for a milestone or a quota)",
        ),
        _text_input(
            kr_block(row, "target"),
            f"KR {n}: target, quota or due date",
            kr.target,
            optional=True,
            placeholder="e.g. 2M; for a milestone, its due date: 15 Dec",
        ),
        _static_select(
            kr_block(row, "unit"),
            f"KR {n}: unit",
            [Choice(k, v) for k, v in UNIT_LABELS.items()],
            kr.unit,
        ),
        _text_input(
            kr_block(row, "currency"),
            f"KR {n}: currency code",
            kr.currency,
            optional=True,
            max_length=3,
            placeholder="USD",
        ),
        InputBlock(
            block_id=kr_block(row, "owner"),
            label=f"KR {n}: owner",
            element=UserSelectElement(action_id=VALUE, initial_user=owner),
        ),
        _text_input(
            kr_block(row, "baseline"),
            f"KR {n}: baseline",
            kr.baseline,
            optional=True,
            hint="Last cycle's result, to check the target is a stretch.",
        ),
        _text_input(
            kr_block(row, "weight"),
            f"KR {n}: weight",
            kr.weight,
            optional=True,
            placeholder="1",
        ),
    ]


def _text_input(
    block_id: str,
    label: str,
    value: str,
    *,
    optional: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=VALUE,
            initial_value=value or None,
            multiline=multiline,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def _static_select(
    block_id: str, label: str, choices: Sequence[Choice], selected: str | None
) -> InputBlock:
    options = [_option(c) for c in choices]
    initial = next((o for o in options if o.value == selected), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        element=StaticSelectElement(action_id=VALUE, options=options, initial_option=initial),
    )


def _option(choice: Choice) -> Option:
    return Option(value=choice.value, label=choice.label[:75])


# --- reading -------------------------------------------------------------------------


def state_of(view: Mapping[str, Any], author_id: str, cycles: Sequence[Choice]) -> FormState:
    """The form as currently typed, to redraw it (e.g. with one more KR row)."""
    values = view.get("state", {}).get("values", {})
    meta = metadata(view)
    kr_ids = meta.get("kr_ids") or []
    rows = []
    for row in range(min(_row_count(values), MAX_KR_ROWS)):
        kr_id = kr_ids[row] if row < len(kr_ids) else None
        rows.append(
            KRRow(
                title=_text(values, kr_block(row, "title")),
                kind=_selected(values, kr_block(row, "kind")) or KRKind.INCREASE,
                start=_text(values, kr_block(row, "start")),
                target=_text(values, kr_block(row, "target")),
                unit=_selected(values, kr_block(row, "unit")) or Unit.NUMBER,
                currency=_text(values, kr_block(row, "currency")),
                owner_id=_user(values, kr_block(row, "owner")),
                baseline=_text(values, kr_block(row, "baseline")),
                weight=_text(values, kr_block(row, "weight")),
                kr_id=kr_id if isinstance(kr_id, int) else None,
            )
        )
    cycle = _selected(values, "cycle")
    return FormState(
        author_id=author_id,
        cycles=cycles,
        cycle_id=int(cycle) if cycle and cycle.isdigit() else None,
        level=_selected(values, "level") or Level.TEAM,
        team=_selected_choice(values, "team"),
        parent=_selected_choice(values, "align"),
        title=_text(values, "title"),
        description=_text(values, "description"),
        rows=rows,
        objective_id=meta.get("objective_id")
        if isinstance(meta.get("objective_id"), int)
        else None,
        channel_id=str(meta.get("channel_id") or ""),
        reason=_text(values, "reason"),
        version=version_of(meta),
    )


def version_of(meta: Mapping[str, Any]) -> int | None:
    """The objective version an edit modal's metadata carries (None: not a valid one)."""
    version = meta.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def with_extra_row(state: FormState) -> FormState:
    """The same form with one more empty KR row (up to the maximum)."""
    if len(state.rows) >= MAX_KR_ROWS:
        return state
    return replace(state, rows=[*state.rows, KRRow()])


def read_form(
    values: Mapping[str, Any], *, author_id: str, kr_ids: Sequence[Any] = ()
) -> tuple[ObjectiveDraft | None, dict[str, str]]:
    """Validate the submitted modal: a draft when everything is right, else field errors."""
    errors: dict[str, str] = {}
    title = _clean(_text(values, "title"))
    if not title:
        errors["title"] = "Give the objective a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    description = _text(values, "description").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep this to {DESCRIPTION_MAX} characters."
    level = _selected(values, "level") or ""
    if level not in LEVEL_LABELS:
        errors["level"] = "Pick company, team or personal."
    team_id = row_id(_selected(values, "team"))
    if _selected(values, "team") and team_id is None:
        errors["team"] = "Pick a team from the list."
    elif level == Level.TEAM and team_id is None:
        errors["team"] = "A team objective needs its team."
    cycle_id = row_id(_selected(values, "cycle"))
    if cycle_id is None:
        errors["cycle"] = "Pick the cycle."
    parent_id = row_id(_selected(values, "align"))
    if _selected(values, "align") and parent_id is None:
        errors["align"] = "Pick an objective from the list."
    reason = _clean(_text(values, "reason"))
    if len(reason) > REASON_MAX:
        errors["reason"] = f"Keep the reason to {REASON_MAX} characters."

    krs: list[KRDraft] = []
    removed: list[int] = []
    for row in range(min(_row_count(values), MAX_KR_ROWS)):
        raw_id = kr_ids[row] if row < len(kr_ids) else None
        kr_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
        draft = _read_kr(values, row, author_id, kr_id, errors)
        if draft is not None:
            krs.append(draft)
        elif kr_id is not None and not _row_used(values, row):
            removed.append(kr_id)
    if not krs and not any(key.startswith("kr") for key in errors):
        errors[kr_block(0, "title")] = (
            "Add at least one key result: how will you know the objective is met?"
        )
    if errors or cycle_id is None:
        return None, errors
    return (
        ObjectiveDraft(
            title=title,
            description=description,
            level=level,
            team_id=team_id if level != Level.COMPANY else None,
            cycle_id=cycle_id,
            parent_id=parent_id,
            krs=tuple(krs),
            removed_kr_ids=tuple(removed),
            reason=reason,
        ),
        {},
    )


def _read_kr(
    values: Mapping[str, Any],
    row: int,
    author_id: str,
    kr_id: int | None,
    errors: dict[str, str],
) -> KRDraft | None:
    """One row: None when the row is empty (or wrong, with its errors added)."""
    if not _row_used(values, row):
        return None
    block = lambda name: kr_block(row, name)  # noqa: E731
    problems: dict[str, str] = {}
    title = _clean(_text(values, block("title")))
    if not title:
        problems[block("title")] = "Give this key result a title, or clear the row."
    elif len(title) > TITLE_MAX:
        problems[block("title")] = f"Keep the title to {TITLE_MAX} characters."
    kind_text = _selected(values, block("kind")) or KRKind.INCREASE
    unit_text = _selected(values, block("unit")) or Unit.NUMBER
    period = QUOTA_CHOICES.get(kind_text)
    try:
        kind = KRKind.QUOTA if period is not None else KRKind(kind_text)
        if kind is KRKind.QUOTA and period is None:
            raise ValueError(kind_text)  # a quota is picked with its period
    except ValueError:
        problems[block("kind")] = "Pick how this number should move."
        kind = KRKind.INCREASE
    try:
        unit = Unit(unit_text)
    except ValueError:
        problems[block("unit")] = "Pick number, percent or currency."
        unit = Unit.NUMBER
    currency = _text(values, block("currency")).strip().upper() or None
    if unit is Unit.CURRENCY and currency is None:
        problems[block("currency")] = "Give the currency's code, e.g. USD or EUR."
    elif currency is not None and not is_currency_code(currency):
        problems[block("currency")] = f"{currency} is not a currency code (e.g. USD, EUR, JPY)."
    elif currency is not None and unit is not Unit.CURRENCY:
        problems[block("currency")] = "Set the unit to Currency to use a code, or clear it."
        currency = None
    code = currency if unit is Unit.CURRENCY else None

    measured = kind is not KRKind.MILESTONE
    texts = {name: _text(values, block(name)) for name in VALUE_FIELDS}
    relative = relative_target(texts["target"])
    typed: dict[str, ParsedValue] = {}
    for name, text in texts.items():
        skipped = (
            (name != "baseline" and not measured)
            or (name == "target" and relative)
            or (name == "start" and kind is KRKind.QUOTA)
        )
        if skipped or not text.strip():
            continue
        try:
            typed[name] = parse_value(text, currency=code)
        except ValueParseError as exc:
            problems[block(name)] = exc.message
    settled, clashes = settle_unit(unit, code, typed)
    problems.update({block(name): message for name, message in clashes.items()})
    start = typed["start"].value if "start" in typed else None if measured else 0.0
    target = typed["target"].value if "target" in typed else None if measured else 1.0
    baseline = typed["baseline"].value if "baseline" in typed else None
    due = None
    if kind is KRKind.QUOTA:
        start = 0.0
        if texts["start"].strip():
            problems[block("start")] = QUOTA_START_ERROR
    if relative is not None and not {block("start"), block("baseline")} & problems.keys():
        try:
            target = resolve(relative, kind, start, baseline)
        except ValueParseError as exc:
            problems[block("target")] = exc.message
    elif kind is KRKind.MILESTONE:
        due = _due(texts["target"], problems, block("target"))
    if block("start") not in problems and block("target") not in problems:
        for problem in validate_kr(kind, start, target):
            problems.setdefault(block(problem.field), problem.message)
    weight_text = _text(values, block("weight")).strip()
    weight = 1.0
    if weight_text:
        try:
            parsed_weight = parse_value(weight_text, Unit.NUMBER)
            weight = -1.0 if parsed_weight.word else parsed_weight.value
        except ValueParseError:
            weight = -1.0
        if not 0 < weight <= MAX_WEIGHT:
            problems[block("weight")] = f"A weight is a number above 0 and up to {MAX_WEIGHT:g}."
    owner = _user(values, block("owner")) or author_id
    if not _USER_ID.match(owner):
        problems[block("owner")] = "Pick the person who owns this key result."
    if problems:
        errors.update(problems)
        return None
    assert start is not None or kind.holds
    assert target is not None
    return KRDraft(
        row=row,
        title=title,
        kind=kind,
        unit=settled.unit,
        currency=settled.currency,
        start=start if start is not None else target,
        target=target,
        owner_id=owner,
        baseline=baseline,
        weight=weight,
        kr_id=kr_id,
        unit_word=settled.word,
        relative_target=relative.text if relative is not None else None,
        period=period if kind is KRKind.QUOTA else None,
        due=due,
    )


QUOTA_START_ERROR = "A quota starts from zero every period: clear the start value."


def _due(text: str, problems: dict[str, str], block_id: str) -> DueDay | None:
    """A milestone's typed due date (its target field); empty is the cycle's last day."""
    if not text.strip():
        return None
    try:
        return parse_due(text)
    except ValueParseError as exc:
        problems[block_id] = exc.message
        return None


def due_errors(draft: ObjectiveDraft, first: date, last: date, cycle: str) -> dict[str, str]:
    """Field errors for milestone due dates that fall outside the cycle (`first`..`last`),
    which only the database knows."""
    return {
        kr_block(kr.row, "target"): (
            f"The due date must fall within {cycle} ({_day(first)} to {_day(last)})."
        )
        for kr in draft.krs
        if kr.due is not None and kr.due.within(first, last) is None
    }


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year}"


def kind_choice(kind: str, period: str | None) -> str:
    """The kind menu's value for a stored KR: a quota's carries its period."""
    if kind == KRKind.QUOTA:
        return f"quota_{period or Period.WEEK.value}"
    return kind


def row_values(
    kind: str,
    period: str | None,
    start: float,
    target: float,
    due_date: date | None,
    *,
    word: str | None = None,
    relative: str | None = None,
    baseline: float | None = None,
) -> tuple[str, str, str]:
    """(kind choice, start text, target text) of a stored KR, as its edit row shows them: a
    milestone's target field holds its due date, a quota has no start; a count's values
    carry its unit `word` (`38 prospects`), and a target typed `relative` (`+20%`) shows so
    while reading the row again makes the same target of its start (or `baseline`)."""
    if kind == KRKind.MILESTONE:
        return kind, "", due_date.isoformat() if due_date else ""
    quota = kind == KRKind.QUOTA
    start_text = "" if quota else with_word(plain_number(start), word)
    target_text = with_word(plain_number(target), word)
    if still_relative(relative, kind, target, None if quota else start, baseline) is not None:
        target_text = relative or target_text
    return kind_choice(kind, period), start_text, target_text


def _row_used(values: Mapping[str, Any], row: int) -> bool:
    """A row counts when anything was typed into it; selects always have a value."""
    typed = ("title", "start", "target", "currency", "baseline", "weight")
    return any(_clean(_text(values, kr_block(row, name))) for name in typed)


def _row_count(values: Mapping[str, Any]) -> int:
    rows = 0
    while kr_block(rows, "title") in values and rows < 100:
        rows += 1
    return rows


def _clean(text: str) -> str:
    """Trim and drop invisible characters, so a title of zero-width spaces counts as empty."""
    return _INVISIBLE.sub("", text).strip()


def _text(values: Mapping[str, Any], block_id: str) -> str:
    value = _element(values, block_id).get("value")
    return value if isinstance(value, str) else ""


def _selected(values: Mapping[str, Any], block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option")
    if isinstance(option, Mapping) and isinstance(option.get("value"), str):
        return option["value"]
    return None


def _selected_choice(values: Mapping[str, Any], block_id: str) -> Choice | None:
    option = _element(values, block_id).get("selected_option")
    if not isinstance(option, Mapping) or not isinstance(option.get("value"), str):
        return None
    label = option.get("text", {}).get("text", option["value"])
    return Choice(option["value"], str(label))


def _user(values: Mapping[str, Any], block_id: str) -> str | None:
    user = _element(values, block_id).get("selected_user")
    return user if isinstance(user, str) else None
