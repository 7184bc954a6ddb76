"""One key-result row of the objective modal: a sentence ("Sign 10 contracts per month"),
an owner, and what *Details* set for what a sentence cannot say.

A row is read in two steps, the same on Enter and on submit: the sentence's reading
(`okr.kr_sentence.read_kr`) becomes the row's fields as text (`RowFields`, the fields the
Details modal shows), Details' own values are laid over them, and the merged fields are
checked into a `KRDraft`. So what Details sets wins over the sentence, and there is one
validation for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from okr.display import Measure, editable_text
from okr.drafts import KRDraft
from okr.due_dates import DueDay, parse_due
from okr.i18n import N_, _, current_lang, use_lang
from okr.kr_sentence import EXAMPLES, KRReading, SentenceProblem, read_kr, reading_summary
from okr.kr_units import VALUE_FIELDS, settle_unit
from okr.periods import Period
from okr.progress import KRKind, validate_kr
from okr.relative_target import relative_target, resolve
from okr.values import (
    ParsedValue,
    Unit,
    ValueParseError,
    is_currency_code,
    parse_value,
)

MAX_WEIGHT = 100.0

#: Marked for the catalog: `kind_labels()` gives them in the reader's language.
KIND_LABELS: dict[str, str] = {
    KRKind.INCREASE: N_("Increase to a target"),
    KRKind.DECREASE: N_("Decrease to a target"),
    KRKind.STAY_ABOVE: N_("Stay above a threshold"),
    KRKind.STAY_BELOW: N_("Stay below a threshold"),
    KRKind.MILESTONE: N_("Milestone (done or not)"),
    "quota_week": N_("Quota per week (N every week)"),
    "quota_month": N_("Quota per month (N every month)"),
}
#: The kind menu's quota choices: a quota KR with its period, in one menu.
QUOTA_CHOICES: dict[str, Period] = {"quota_week": Period.WEEK, "quota_month": Period.MONTH}
UNIT_LABELS: dict[str, str] = {
    Unit.NUMBER: N_("Number"),
    Unit.PERCENT: N_("Percent (%)"),
    Unit.CURRENCY: N_("Currency (give its code)"),
}
QUOTA_START_ERROR = N_("A quota starts from zero every period: clear the start value.")


def kind_labels() -> dict[str, str]:
    """The kind menu's labels in the reader's language."""
    return {kind: _(label) for kind, label in KIND_LABELS.items()}


def unit_labels() -> dict[str, str]:
    """The unit menu's labels in the reader's language."""
    return {unit: _(label) for unit, label in UNIT_LABELS.items()}


def write_it_like() -> str:
    """After a problem with a field Details sets, how a line can say it instead, with the
    examples in the reader's language."""
    lang = current_lang()
    return _("Write it like: {examples}.").format(examples=EXAMPLES[lang])


@dataclass(frozen=True)
class RowFields:
    """A KR's fields as text, as the Details modal shows them; empty means "not given"."""

    kind: str = KRKind.INCREASE
    start: str = ""
    target: str = ""
    unit: str = Unit.NUMBER
    currency: str = ""
    baseline: str = ""
    weight: str = ""
    due: str = ""
    owner: str = ""

    def overlaid(self, overrides: Mapping[str, Any]) -> RowFields:
        """These fields with what Details set laid over them."""
        known = {f.name for f in fields(self)}
        return replace(
            self, **{k: str(v) for k, v in overrides.items() if k in known and isinstance(v, str)}
        )

    def changed_from(self, before: RowFields) -> dict[str, str]:
        """The fields that differ from `before`: what a Details submission set."""
        mine, theirs = asdict(self), asdict(before)
        return {name: value for name, value in mine.items() if value != theirs[name]}


FIELD_NAMES = tuple(f.name for f in fields(RowFields))


@dataclass(frozen=True)
class RowRead:
    """A row read: its draft, or its problems keyed by field name ("sentence" for the
    sentence itself)."""

    draft: KRDraft | None
    problems: dict[str, str]
    title: str = ""


def kind_choice(kind: str, period: str | None) -> str:
    """The kind menu's value for a KR: a quota's carries its period."""
    if kind == KRKind.QUOTA:
        return f"quota_{period or Period.WEEK.value}"
    return str(kind)


def due_text(due: DueDay | date | None) -> str:
    """A due date as the Details field takes it back (`15 Dec`, `2026-12-15`)."""
    if isinstance(due, date):
        return due.isoformat()
    if isinstance(due, DueDay):
        if due.year is not None:
            return date(due.year, due.month, due.day).isoformat()
        return f"{due.day} {date(2000, due.month, 1):%b}"  # read back by parse_due
    return ""


def fields_of(reading: KRReading) -> RowFields:
    """The fields a sentence's reading gives, as text that reads back to the same values."""
    kind = str(reading.kind)
    unit = Unit(reading.unit) if reading.unit else Unit.NUMBER
    period = getattr(reading.period, "value", reading.period)
    measure = Measure(unit, reading.currency, reading.unit_word)
    start = target = ""
    if kind != KRKind.MILESTONE:
        if reading.start is not None and kind in (KRKind.INCREASE, KRKind.DECREASE):
            start = editable_text(reading.start, measure)
        if reading.relative_target:
            target = reading.relative_target
        elif reading.target is not None:
            target = editable_text(reading.target, measure)
    return RowFields(
        kind=kind_choice(kind, period),
        start=start,
        target=target,
        unit=unit.value,
        currency=reading.currency or "",
        due=due_text(reading.due),
    )


def read_sentence(
    sentence: str, *, cycle_start: date, cycle_end: date
) -> tuple[RowFields | None, str, str]:
    """(fields, title, problem) of a sentence: fields None and the problem (with an example
    of each form, in the reader's language) when the sentence cannot be read."""
    reading = read_kr(
        " ".join(sentence.split()),
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        lang=current_lang(),
    )
    if isinstance(reading, SentenceProblem):
        return None, "", reading.message  # says why, with an example of each form
    return fields_of(reading), reading.title, ""


def read_row(
    sentence: str,
    overrides: Mapping[str, Any],
    *,
    row: int,
    owner_id: str,
    kr_id: int | None,
    cycle_start: date,
    cycle_end: date,
) -> RowRead:
    """A row as it would be stored: its sentence's reading, Details laid over it, checked."""
    base, title, problem = read_sentence(sentence, cycle_start=cycle_start, cycle_end=cycle_end)
    if base is None:
        return RowRead(None, {"sentence": problem})
    merged = base.overlaid(overrides)
    draft, problems = check_fields(merged, title=title, row=row, owner_id=owner_id, kr_id=kr_id)
    return RowRead(draft, problems, title)


def check_fields(
    texts: RowFields, *, title: str, row: int, owner_id: str, kr_id: int | None
) -> tuple[KRDraft | None, dict[str, str]]:
    """A KR's fields checked: its draft, or problems keyed by field name."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["sentence"] = _("Say what this key result measures, e.g. “Sign 10 contracts”.")
    period = QUOTA_CHOICES.get(texts.kind)
    try:
        kind = KRKind.QUOTA if period is not None else KRKind(texts.kind)
        if kind is KRKind.QUOTA and period is None:
            raise ValueError(texts.kind)  # a quota is picked with its period
    except ValueError:
        problems["kind"] = _("Pick how this number should move.")
        kind = KRKind.INCREASE
    try:
        unit = Unit(texts.unit or Unit.NUMBER)
    except ValueError:
        problems["unit"] = _("Pick number, percent or currency.")
        unit = Unit.NUMBER
    currency = texts.currency.strip().upper() or None
    if unit is Unit.CURRENCY and currency is None:
        problems["currency"] = _("Give the currency's code, e.g. USD or EUR.")
    elif currency is not None and not is_currency_code(currency):
        problems["currency"] = _("{code} is not a currency code (e.g. USD, EUR, JPY).").format(
            code=currency
        )
    elif currency is not None and unit is not Unit.CURRENCY:
        problems["currency"] = _("Set the unit to Currency to use a code, or clear it.")
        currency = None
    code = currency if unit is Unit.CURRENCY else None

    measured = kind is not KRKind.MILESTONE
    values = {"start": texts.start, "target": texts.target, "baseline": texts.baseline}
    assert set(values) == set(VALUE_FIELDS)
    relative = relative_target(texts.target)
    typed: dict[str, ParsedValue] = {}
    for name, text in values.items():
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
            problems[name] = exc.message
    settled, clashes = settle_unit(unit, code, typed)
    problems.update(clashes)
    start = typed["start"].value if "start" in typed else None if measured else 0.0
    target = typed["target"].value if "target" in typed else None if measured else 1.0
    baseline = typed["baseline"].value if "baseline" in typed else None
    due = None
    if kind is KRKind.QUOTA:
        start = 0.0
        if texts.start.strip():
            problems["start"] = _(QUOTA_START_ERROR)
    if relative is not None and not {"start", "baseline"} & problems.keys():
        try:
            target = resolve(relative, kind, start, baseline)
        except ValueParseError as exc:
            problems["target"] = exc.message
    if kind is KRKind.MILESTONE and texts.due.strip():
        try:
            due = parse_due(texts.due)
        except ValueParseError as exc:
            problems["due"] = exc.message
    if "start" not in problems and "target" not in problems:
        for problem in validate_kr(kind, start, target):
            problems.setdefault(problem.field, problem.message)
    weight = _weight(texts.weight, problems)
    owner = texts.owner or owner_id
    if problems:
        return None, problems
    assert target is not None
    return (
        KRDraft(
            row=row,
            title=" ".join(title.split()),
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
        ),
        {},
    )


def _weight(text: str, problems: dict[str, str]) -> float:
    if not text.strip():
        return 1.0
    try:
        parsed = parse_value(text, Unit.NUMBER)
        weight = -1.0 if parsed.word else parsed.value
    except ValueParseError:
        weight = -1.0
    if not 0 < weight <= MAX_WEIGHT:
        problems["weight"] = _("A weight is a number above 0 and up to {limit}.").format(
            limit=f"{MAX_WEIGHT:g}"
        )
    return weight


def reading_line(draft: KRDraft, lang: str | None = None) -> str:
    """How the bot read a row (Details included), shown under it: "Quota · 50 prospects
    every week · owner @Ravi"; in `lang`, else the reader's language."""
    lang = lang or current_lang()
    with use_lang(lang):
        return _reading_line(draft, lang)


def _reading_line(draft: KRDraft, lang: str) -> str:
    reading = KRReading(
        title=draft.title,
        kind=draft.kind,
        start=draft.start,
        target=draft.target,
        unit=draft.unit,
        currency=draft.currency,
        unit_word=draft.unit_word,
        relative_target=draft.relative_target,
        period=draft.period,
        due=draft.due,
        lang=lang,
    )
    parts = [reading_summary(reading, lang)]
    measure = reading.measure
    if draft.baseline is not None:
        parts.append(_("baseline {value}").format(value=measure.text(draft.baseline)))
    if draft.weight != 1:
        parts.append(_("weight {weight}").format(weight=f"{draft.weight:g}"))
    parts.append(_("owner {user}").format(user=f"<@{draft.owner_id}>"))
    return " · ".join(parts)
