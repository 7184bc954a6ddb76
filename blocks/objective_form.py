"""The objective modal of `/okr set` and of Edit: building it, and reading it back.

One screen: the objective (title, why it matters, level, team, cycle, aligns-to) and one
line per key result, a sentence ("Contact 50 new prospects every week") with its owner
and a *Details* button. Five rows show at first, up to ten. For one objective with five
KRs that is 11 input blocks (the owner pickers and Details buttons sit in actions blocks),
and the person types at most 7 fields (title, why, five sentences); the rest is prefilled.

Reading is pure too: `read_form` turns `view.state.values` (and what Details stored in the
view's private_metadata) into a draft plus field errors keyed by block id. Checks that need
the database (the alignment target's cycle, permissions, owners who left) live in handlers.
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
from blocks.kr_row import RowRead, read_row, reading_line, write_it_like
from blocks.mrkdwn import escape
from blocks.view_state import element as _element
from blocks.view_state import json_object, metadata, row_id
from okr.dates import day_month_year
from okr.drafts import KRDraft, ObjectiveDraft
from okr.i18n import N_, _
from okr.outline import Level

INITIAL_KR_ROWS = 5
MAX_KR_ROWS = 10
TITLE_MAX = 150
DESCRIPTION_MAX = 3000
REASON_MAX = 500
TEAM_PICK = "team_pick"
LEVEL_PICK = "level_pick"  # the level select redraws the modal: the team field follows it
VALUE = "value"  # the action id of every plain input in this modal
#: The owner picker's action id is this plus the owner it was drawn with, so a redraw that
#: changes the owner (Details set one) shows it instead of the picker's kept state.
OWNER_PREFIX = "kr_owner."
TEMPLATE_BLOCK = "template"
#: Due dates far apart, for a modal whose cycle is unknown (a crafted one): the database
#: check then places the date in the real cycle.
_ANY_CYCLE = (date(1970, 1, 1), date(2999, 12, 31))

#: Marked for the catalog; shown through `_()`.
LEVEL_LABELS: dict[str, str] = {
    Level.COMPANY: N_("Company"),
    Level.TEAM: N_("Team"),
    Level.PERSONAL: N_("Personal"),
}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
WHY_MISSING = N_("Say why the target changed: it is kept in the key result's history.")


def kr_block(row: int, name: str = "sentence") -> str:
    """Block id of one part of one key-result row, e.g. `kr2_sentence`, `kr2_why`."""
    return f"kr{row}_{name}"


@dataclass(frozen=True)
class Choice:
    """An option of a select: what is stored and what is shown."""

    value: str
    label: str


@dataclass(frozen=True)
class KRRow:
    """One key-result row as typed: its sentence, owner, and what Details set."""

    sentence: str = ""
    owner_id: str | None = None
    kr_id: int | None = None
    #: What the Details modal set (field name -> text); it wins over the sentence.
    details: Mapping[str, str] = field(default_factory=dict)
    #: Editing: the stored target, to see whether the row changes it.
    stored_target: float | None = None
    why: str = ""
    #: The owner is picked from the whole workspace ("Someone else…"), not the team's list.
    anyone: bool = False


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
    #: The objective's version the edit was drawn from: a save from an older one is refused.
    version: int | None = None
    #: Each offered cycle's first and last day (ISO), to read due dates in sentences.
    bounds: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: The templates offered at the top of a new objective's modal.
    templates: Sequence[Choice] = ()
    template: str | None = None
    focus_template: bool = False
    lang: str = "en"
    #: The team's people, offered first as owners when a lead sets its objective: (team id,
    #: people). Used only while the form's team is that team.
    members: tuple[str, Sequence[Choice]] | None = None
    #: Bumped when the bot refills typed fields (a template): their action ids change with
    #: it, since Slack keeps what was typed in a field whose ids stay the same.
    gen: int = 0

    @property
    def editing(self) -> bool:
        return self.objective_id is not None

    def cycle_span(self) -> tuple[date, date]:
        """The chosen cycle's first and last day (a wide span when unknown)."""
        span = self.bounds.get(str(self.cycle_id))
        try:
            first, last = (date.fromisoformat(str(d)) for d in span or ())
        except ValueError:
            return _ANY_CYCLE
        return first, last


# --- building ------------------------------------------------------------------------


def objective_modal(state: FormState) -> dict[str, Any]:
    """The modal for a new objective, or for editing one (`state.objective_id` set)."""
    rows = list(state.rows)[:MAX_KR_ROWS]
    state, metadata_text = _kept(state, rows)
    blocks: list[Block] = []
    if state.templates and not state.editing:
        blocks.append(_template_block(state))
    blocks += [
        _text_input(
            "title",
            _("Objective"),
            state.title,
            max_length=TITLE_MAX,
            placeholder=_("e.g. Grow East region revenue"),
            action_id=_aid(VALUE, state.gen),
        ),
        _text_input(
            "description",
            _("Why it matters"),
            state.description,
            optional=True,
            multiline=True,
            max_length=DESCRIPTION_MAX,
            placeholder=_("e.g. The East is our fastest-growing market"),
            action_id=_aid(VALUE, state.gen),
        ),
        _level_block(state.level),
    ]
    if state.level != Level.COMPANY:
        blocks.append(_team_block(state))
    blocks += [
        _static_select(
            "cycle",
            _("Cycle"),
            state.cycles,
            str(state.cycle_id) if state.cycle_id is not None else None,
        ),
        InputBlock(
            block_id="align",
            label=_("Aligns to"),
            optional=True,
            hint=_("The company or team objective this one moves forward."),
            element=ExternalDataSelectElement(
                action_id=ids.ALIGN_TO,
                placeholder=_("Search this cycle's objectives"),
                min_query_length=0,
                initial_option=_option(state.parent) if state.parent else None,
            ),
        ),
    ]
    first, last = state.cycle_span()
    people = _team_people(state)
    for row, kr in enumerate(rows):
        blocks.extend(_kr_blocks(row, kr, state.author_id, first, last, state.gen, people))
    if len(rows) < MAX_KR_ROWS:
        blocks.append(
            ActionsBlock(
                block_id="kr_actions",
                elements=[
                    ButtonElement(
                        text=_("Add key result"), action_id=ids.ADD_KR_ROW, value=str(len(rows))
                    )
                ],
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=_(
                        "One key result per line, as you would say it. Press Enter in a line "
                        "to see how it reads; *Details* sets what a sentence cannot "
                        "(baseline, weight). Leave a line empty to skip it."
                    )
                )
            ]
        )
    )
    if state.editing:
        blocks.append(_archive_block(state.objective_id))
    view = View(
        type="modal",
        callback_id=ids.EDIT_OBJECTIVE_VIEW if state.editing else ids.SET_OBJECTIVE_VIEW,
        title=PlainTextObject(text=_("Edit objective") if state.editing else _("New objective")),
        submit=PlainTextObject(text=_("Save")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=metadata_text,
        blocks=blocks,
    )
    return view.to_dict()


METADATA_MAX = 3000


def _kept(state: FormState, rows: Sequence[KRRow]) -> tuple[FormState, str]:
    """The modal's metadata within Slack's 3,000 characters: past them, the team's owner
    menu goes first (its people stay pickable in the people picker), then the spans of the
    cycles not chosen."""
    text = json.dumps(form_metadata(state, rows), separators=(",", ":"))
    if len(text) > METADATA_MAX and state.members is not None:
        state = replace(state, members=None)
        text = json.dumps(form_metadata(state, rows), separators=(",", ":"))
    if len(text) > METADATA_MAX:
        chosen = {k: v for k, v in state.bounds.items() if k == str(state.cycle_id)}
        state = replace(state, bounds=chosen)
        text = json.dumps(form_metadata(state, rows), separators=(",", ":"))
    return state, text


def form_metadata(state: FormState, rows: Sequence[KRRow]) -> dict[str, Any]:
    """What the modal keeps between redraws: ids, the version, Details' values per row, the
    stored targets (editing), the cycles' spans."""
    meta: dict[str, Any] = {
        "objective_id": state.objective_id,
        "version": state.version,
        "kr_ids": [kr.kr_id for kr in rows],
        "channel_id": state.channel_id,
        "bounds": {k: list(v) for k, v in state.bounds.items()},
        "lang": state.lang,
    }
    if state.gen:
        meta["gen"] = state.gen
    if state.members is not None:
        team, people = state.members
        meta["members"] = [team, [[p.value, p.label] for p in people]]
    anyone = [n for n, kr in enumerate(rows) if kr.anyone]
    if anyone:
        meta["anyone"] = anyone
    details = {str(n): dict(kr.details) for n, kr in enumerate(rows) if kr.details}
    if details:
        meta["details"] = details
    if state.editing:
        meta["targets"] = [kr.stored_target for kr in rows]
    return meta


def _template_block(state: FormState) -> ActionsBlock:
    options = [_option(c) for c in state.templates][:100]
    initial = next((o for o in options if o.value == state.template), None)
    return ActionsBlock(
        block_id=TEMPLATE_BLOCK,
        elements=[
            StaticSelectElement(
                action_id=ids.PICK_TEMPLATE,
                placeholder=_("Start from a template"),
                options=options,
                initial_option=initial,
                focus_on_load=state.focus_template,
            )
        ],
    )


def _level_block(level: str) -> InputBlock:
    block = _static_select(
        "level",
        _("Level"),
        [Choice(k, _(v)) for k, v in LEVEL_LABELS.items()],
        level,
        action_id=LEVEL_PICK,
    )
    block.dispatch_action = True  # the team field follows the level
    return block


def _team_block(state: FormState) -> InputBlock:
    """Required for a team objective; a personal one may name its team or not."""
    return InputBlock(
        block_id="team",
        label=_("Team"),
        optional=state.level != Level.TEAM,
        element=ExternalDataSelectElement(
            action_id=TEAM_PICK,
            placeholder=_("Pick a team"),
            min_query_length=0,
            initial_option=_option(state.team) if state.team else None,
        ),
    )


def _aid(action_id: str, gen: int) -> str:
    """An action id of a field the bot may refill: new with each refill."""
    return action_id if gen == 0 else f"{action_id}.{gen}"


def _team_people(state: FormState) -> Sequence[Choice]:
    """The team's people to offer first as owners, while the form is for that team."""
    if state.members is None or state.level != Level.TEAM or state.team is None:
        return ()
    team, people = state.members
    return people if state.team.value == team else ()


SOMEONE_ELSE = Choice("anyone", N_("Someone else…"))


def _owner_picker(
    owner: str, kr: KRRow, people: Sequence[Choice]
) -> UserSelectElement | StaticSelectElement:
    """The team's people first (a lead assigning their reps), with "Someone else…" for the
    whole workspace; else, or once "Someone else…" was picked, any person. Slack's people
    picker cannot put a team first, so the team's list is a menu of its own."""
    if people and not kr.anyone and owner in {p.value for p in people}:
        someone = Choice(SOMEONE_ELSE.value, _(SOMEONE_ELSE.label))
        options = [_option(p) for p in [*people, someone]]
        return StaticSelectElement(
            action_id=f"{OWNER_PREFIX}{owner}",
            placeholder=_("Owner"),
            options=options,
            initial_option=next(o for o in options if o.value == owner),
        )
    return UserSelectElement(
        action_id=f"{OWNER_PREFIX}{owner}.any" if people else f"{OWNER_PREFIX}{owner}",
        placeholder=_("Owner"),
        initial_user=owner,
    )


def _kr_blocks(
    row: int,
    kr: KRRow,
    author_id: str,
    first: date,
    last: date,
    gen: int,
    people: Sequence[Choice] = (),
) -> list[Block]:
    """A row: the sentence, how it reads, its owner and Details, and (editing, target
    changed) why."""
    owner = kr.owner_id or author_id
    blocks: list[Block] = [
        InputBlock(
            block_id=kr_block(row),
            label=_("Key result {n}").format(n=row + 1),
            optional=row > 0,
            dispatch_action=True,
            element=PlainTextInputElement(
                action_id=_aid(ids.KR_SENTENCE, gen),
                initial_value=kr.sentence or None,
                placeholder=_(_EXAMPLE_LINES[row % len(_EXAMPLE_LINES)]),
                dispatch_action_config={"trigger_actions_on": ["on_enter_pressed"]},
            ),
        )
    ]
    read = _read(row, kr, owner, first, last) if kr.sentence.strip() else None
    if read is not None:
        blocks.append(
            ContextBlock(
                block_id=kr_block(row, "reading"),
                elements=[MarkdownTextObject(text=_reading_text(read))],
            )
        )
    blocks.append(
        ActionsBlock(
            block_id=kr_block(row, "owner"),
            elements=[
                _owner_picker(owner, kr, people),
                ButtonElement(text=_("Details"), action_id=ids.KR_DETAILS, value=str(row)),
            ],
        )
    )
    if read is not None and target_changed(kr, read.draft):
        blocks.append(
            InputBlock(
                block_id=kr_block(row, "why"),
                label=_("Why did the target change?"),
                hint=_("Kept in the key result's history."),
                element=PlainTextInputElement(
                    action_id=VALUE,
                    initial_value=kr.why or None,
                    max_length=REASON_MAX,
                    placeholder=_("e.g. The Acme deal moved to next quarter"),
                ),
            )
        )
    return blocks


#: Placeholders of the KR lines; the Chinese ones read as Chinese sentences.
_EXAMPLE_LINES = (
    N_("e.g. Increase quarterly revenue from $1.0M to $1.2M"),
    N_("e.g. Contact 50 new prospects every week"),
    N_("e.g. Sign 10 contracts per month"),
    N_("e.g. Keep churn below 3%"),
    N_("e.g. Launch the partner program by 15 Nov"),
)


def _read(row: int, kr: KRRow, owner: str, first: date, last: date) -> RowRead:
    return read_row(
        kr.sentence,
        kr.details,
        row=row,
        owner_id=owner,
        kr_id=kr.kr_id,
        cycle_start=first,
        cycle_end=last,
    )


def _reading_text(read: RowRead) -> str:
    """The row's reading in the reader's language (or what keeps it from being read)."""
    if read.draft is not None:
        line = escape(reading_line(read.draft))
        return line.replace("&lt;@", "<@").replace("&gt;", ">")  # the owner's mention
    return ":warning: " + escape(" ".join(read.problems.values()))


def target_changed(kr: KRRow, draft: KRDraft | None) -> bool:
    """Whether an edited row's reading gives its KR another target than the stored one."""
    return (
        draft is not None
        and kr.kr_id is not None
        and kr.stored_target is not None
        and draft.target != kr.stored_target
    )


def _archive_block(objective_id: int | None) -> ActionsBlock:
    return ActionsBlock(
        block_id="archive",
        elements=[
            ButtonElement(
                text=_("Archive objective"),
                action_id=ids.ARCHIVE_OBJECTIVE,
                value=str(objective_id),
                style="danger",
                confirm=ConfirmObject(
                    title=_("Archive this objective?"),
                    text=_("It leaves lists, the tree and digests. Its history is kept."),
                    confirm=_("Archive"),
                    deny=_("Keep it"),
                ),
            )
        ],
    )


def plain_number(value: float) -> str:
    """A stored value as an editable text that parses back to exactly the same number."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


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
    action_id: str = VALUE,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=action_id,
            initial_value=value or None,
            multiline=multiline,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def _static_select(
    block_id: str,
    label: str,
    choices: Sequence[Choice],
    selected: str | None,
    *,
    action_id: str = VALUE,
) -> InputBlock:
    options = [_option(c) for c in choices]
    initial = next((o for o in options if o.value == selected), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        element=StaticSelectElement(action_id=action_id, options=options, initial_option=initial),
    )


def _option(choice: Choice) -> Option:
    return Option(value=choice.value, label=choice.label[:75])


# --- reading -------------------------------------------------------------------------


def state_of(view: Mapping[str, Any], author_id: str, cycles: Sequence[Choice]) -> FormState:
    """The form as currently typed, to redraw it (one more row, a reading, a template)."""
    values = view.get("state", {}).get("values", {})
    meta = metadata(view)
    kr_ids = meta.get("kr_ids") if isinstance(meta.get("kr_ids"), list) else []
    targets = meta.get("targets") if isinstance(meta.get("targets"), list) else []
    details = json_object(json.dumps(meta.get("details") or {}))
    anyone = meta.get("anyone") if isinstance(meta.get("anyone"), list) else []
    rows = []
    for row in range(min(_row_count(values), MAX_KR_ROWS)):
        owner = _user(values, kr_block(row, "owner"))
        kr_id = kr_ids[row] if row < len(kr_ids) else None
        target = targets[row] if row < len(targets) else None
        own = details.get(str(row))
        rows.append(
            KRRow(
                sentence=_text(values, kr_block(row)),
                owner_id=None if owner == SOMEONE_ELSE.value else owner,
                kr_id=kr_id if isinstance(kr_id, int) and not isinstance(kr_id, bool) else None,
                details={k: v for k, v in own.items() if isinstance(v, str)}
                if isinstance(own, dict)
                else {},
                stored_target=float(target)
                if isinstance(target, int | float) and not isinstance(target, bool)
                else None,
                why=_text(values, kr_block(row, "why")),
                anyone=row in anyone or owner == SOMEONE_ELSE.value,
            )
        )
    cycle = _selected(values, "cycle")
    bounds = meta.get("bounds") if isinstance(meta.get("bounds"), dict) else {}
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
        version=version_of(meta),
        bounds={str(k): v for k, v in bounds.items() if isinstance(v, list) and len(v) == 2},
        template=_selected(values, TEMPLATE_BLOCK),
        lang=str(meta.get("lang") or "en"),
        gen=meta["gen"] if isinstance(meta.get("gen"), int) and 0 < meta["gen"] < 1000 else 0,
        members=_members(meta.get("members")),
    )


def _members(value: object) -> tuple[str, list[Choice]] | None:
    """The team's people as the metadata keeps them ([team id, [[user, name], ...]])."""
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], list):
        return None
    people = [
        Choice(str(p[0]), str(p[1]))
        for p in value[1]
        if isinstance(p, list) and len(p) == 2 and _USER_ID.match(str(p[0]))
    ]
    return str(value[0]), people


def version_of(meta: Mapping[str, Any]) -> int | None:
    """The objective version an edit modal's metadata carries (None: not a valid one)."""
    version = meta.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def with_extra_row(state: FormState) -> FormState:
    """The same form with one more empty KR row (up to the maximum)."""
    if len(state.rows) >= MAX_KR_ROWS:
        return state
    return replace(state, rows=[*state.rows, KRRow()])


@dataclass(frozen=True)
class FormRead:
    """A submitted modal read: the draft when everything is right, else field errors;
    `reveal` when an edited target needs its reason and the modal has no field for it yet
    (it is redrawn with one)."""

    draft: ObjectiveDraft | None
    errors: dict[str, str]
    reveal: bool = False


def read_form(view: Mapping[str, Any], *, author_id: str) -> FormRead:
    """Validate the submitted modal."""
    values = view.get("state", {}).get("values", {})
    state = state_of(view, author_id, ())
    errors: dict[str, str] = {}
    title = _clean(state.title)
    if not title:
        errors["title"] = _("Give the objective a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to {limit} characters (it has {count}).").format(
            limit=TITLE_MAX, count=len(title)
        )
    description = state.description.strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Keep this to {limit} characters.").format(limit=DESCRIPTION_MAX)
    level = _selected(values, "level") or ""
    if level not in LEVEL_LABELS:
        errors["level"] = _("Pick company, team or personal.")
    team_id = row_id(_selected(values, "team"))
    if _selected(values, "team") and team_id is None:
        errors["team"] = _("Pick a team from the list.")
    elif level == Level.TEAM and team_id is None:
        errors["team"] = _("A team objective needs its team.")
    cycle_id = row_id(_selected(values, "cycle"))
    if cycle_id is None:
        errors["cycle"] = _("Pick the cycle.")
    parent_id = row_id(_selected(values, "align"))
    if _selected(values, "align") and parent_id is None:
        errors["align"] = _("Pick an objective from the list.")

    krs, removed, reveal = _read_rows(state, values, author_id, errors)
    if _row_count(values) > MAX_KR_ROWS:
        errors[kr_block(MAX_KR_ROWS - 1)] = _(
            "An objective holds up to {limit} key results: move the rest to another objective."
        ).format(limit=MAX_KR_ROWS)
    if not krs and not any(key.startswith("kr") for key in errors):
        errors[kr_block(0)] = _(
            "Add at least one key result: how will you know the objective is met?"
        )
    if errors or cycle_id is None:
        return FormRead(None, errors)
    draft = ObjectiveDraft(
        title=title,
        description=description,
        level=level,
        team_id=team_id if level != Level.COMPANY else None,
        cycle_id=cycle_id,
        parent_id=parent_id,
        krs=tuple(krs),
        removed_kr_ids=tuple(removed),
    )
    return FormRead(draft, {}, reveal)


def _read_rows(
    state: FormState, values: Mapping[str, Any], author_id: str, errors: dict[str, str]
) -> tuple[list[KRDraft], list[int], bool]:
    """The rows' drafts, the KRs whose rows were cleared, and whether a changed target's
    reason field must be shown first; each row's problems go in `errors` on its row."""
    first, last = state.cycle_span()
    krs: list[KRDraft] = []
    removed: list[int] = []
    reveal = False
    seen: dict[str, int] = {}
    for row, kr in enumerate(state.rows):
        if not _clean(kr.sentence):
            if kr.details:
                errors[kr_block(row)] = _("Say what this key result measures: its sentence.")
            elif kr.kr_id is not None:
                removed.append(kr.kr_id)
            continue
        owner = kr.owner_id or author_id
        read = _read(row, kr, owner, first, last)
        if read.draft is None:
            errors[kr_block(row)] = _row_error(read.problems)
            continue
        draft = read.draft
        if not _USER_ID.match(draft.owner_id):
            errors[kr_block(row)] = _("Pick the person who owns this key result.")
            continue
        key = " ".join(draft.title.casefold().split())
        if key in seen:
            errors[kr_block(row)] = _(
                "Key result {n} repeats key result {first}: change one of them, or clear this line."
            ).format(n=row + 1, first=seen[key] + 1)
            continue
        seen[key] = row
        if target_changed(kr, draft):
            why = _clean(kr.why)
            if kr_block(row, "why") not in values:
                reveal = True
            elif not why:
                errors[kr_block(row, "why")] = _(WHY_MISSING)
            elif len(why) > REASON_MAX:
                errors[kr_block(row, "why")] = _("Keep the reason to {limit} characters.").format(
                    limit=REASON_MAX
                )
            draft = replace(draft, reason=why)
        krs.append(draft)
    return krs, removed, reveal


#: How a problem of a field Details sets reads under the row.
_FIELD_NAMES = {
    "kind": N_("Kind"),
    "start": N_("Start"),
    "target": N_("Target"),
    "unit": N_("Unit"),
    "currency": N_("Currency"),
    "baseline": N_("Baseline"),
    "weight": N_("Weight"),
    "due": N_("Due date"),
}


def _row_error(problems: Mapping[str, str]) -> str:
    """One field error for a row: the sentence's problem, or the fields' (named)."""
    if "sentence" in problems:
        return problems["sentence"]
    parts = [
        _("{field}: {problem}").format(
            field=_(_FIELD_NAMES[name]) if name in _FIELD_NAMES else name.capitalize(),
            problem=text,
        )
        for name, text in problems.items()
    ]
    text = " ".join(parts)
    if set(problems) & {"start", "target", "kind"}:
        text += f" {write_it_like()}"
    return text


def due_errors(draft: ObjectiveDraft, first: date, last: date, cycle: str) -> dict[str, str]:
    """Field errors for milestone due dates that fall outside the cycle (`first`..`last`),
    which only the database knows for sure."""
    return {
        kr_block(kr.row): _("The due date must fall within {cycle} ({first} to {last}).").format(
            cycle=cycle, first=day_month_year(first), last=day_month_year(last)
        )
        for kr in draft.krs
        if kr.due is not None and kr.due.within(first, last) is None
    }


def _row_count(values: Mapping[str, Any]) -> int:
    rows = 0
    while kr_block(rows) in values and rows < 100:
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
    """A row's owner: from the people picker, or the team's menu."""
    state = _element(values, block_id)
    user = state.get("selected_user")
    if user is None:
        user = _selected(values, block_id)
    return user if isinstance(user, str) else None


# --- a snapshot, for the Details modal to redraw this one ------------------------------


def snapshot(state: FormState) -> dict[str, Any]:
    """The form as JSON, carried by the Details modal (whose submission does not carry this
    modal's state) so this modal can be redrawn with Details' values."""
    return {
        "title": state.title,
        "description": state.description,
        "level": state.level,
        "team": [state.team.value, state.team.label] if state.team else None,
        "parent": [state.parent.value, state.parent.label[:75]] if state.parent else None,
        "cycle_id": state.cycle_id,
        "cycles": [[c.value, c.label] for c in state.cycles],
        "meta": form_metadata(state, state.rows),
        "rows": [[kr.sentence, kr.owner_id, kr.why] for kr in state.rows],
    }


def from_snapshot(data: Mapping[str, Any], author_id: str) -> FormState:
    """The form a snapshot describes (anything malformed reads as empty)."""
    rows = data.get("rows") if isinstance(data.get("rows"), list) else []
    values: dict[str, Any] = {}
    for n, row in enumerate(rows[:MAX_KR_ROWS]):
        sentence, owner, why = [*(row if isinstance(row, list) else []), "", None, ""][:3]
        values[kr_block(n)] = {"v": {"value": sentence}}
        values[kr_block(n, "owner")] = {"v": {"selected_user": owner}}
        if why:
            values[kr_block(n, "why")] = {"v": {"value": why}}
    values["title"] = {"v": {"value": data.get("title")}}
    values["description"] = {"v": {"value": data.get("description")}}
    values["level"] = {"v": {"selected_option": {"value": data.get("level")}}}
    values["cycle"] = {"v": {"selected_option": {"value": str(data.get("cycle_id"))}}}
    for name in ("team", "parent"):
        pair = data.get(name)
        if isinstance(pair, list) and len(pair) == 2:
            option = {"value": str(pair[0]), "text": {"text": str(pair[1])}}
            values["team" if name == "team" else "align"] = {"v": {"selected_option": option}}
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    cycles = data.get("cycles") if isinstance(data.get("cycles"), list) else []
    choices = [Choice(str(c[0]), str(c[1])) for c in cycles if isinstance(c, list) and len(c) == 2]
    view = {"state": {"values": values}, "private_metadata": json.dumps(meta)}
    return state_of(view, author_id, choices)
