"""What a key result measures, settled from what was typed into its form row.

People write the unit into the value (`$1.2M`, `35%`, `38 prospects`) far more often than
they set a menu, so the typed unit wins; the unit menu and currency field only decide when no
value names a unit. Two statements that disagree (`38 prospects` on a USD key result, `$1M`
start and `€1.2M` target) are a field error naming both, on the value that disagrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from okr.i18n import N_, _
from okr.values import ParsedValue, Unit, describe_unit, expected_text, same_word

#: The value fields of a KR row, in the order their units are read.
VALUE_FIELDS = ("start", "target", "baseline")
#: Who said the KR's unit first, as the sentence of a clash names it (translated whole).
_CLASHES = {
    "menu": N_("The unit menu says {chosen}, but this is {said}: make them agree. {expected}."),
    "start": N_("The start says {chosen}, but this is {said}: make them agree. {expected}."),
    "target": N_("The target says {chosen}, but this is {said}: make them agree. {expected}."),
    "baseline": N_("The baseline says {chosen}, but this is {said}: make them agree. {expected}."),
}


@dataclass(frozen=True)
class KRUnit:
    """A key result's unit: percent, an amount in `currency`, or a count (of `word`)."""

    unit: Unit = Unit.NUMBER
    currency: str | None = None
    word: str | None = None

    def describe(self) -> str:
        return describe_unit(self.unit, self.currency, self.word)

    def agrees(self, other: KRUnit) -> bool:
        """Whether `other` can be a value of this unit (a count without a word fits any
        count; an amount without a code fits any amount)."""
        if self.unit is not other.unit:
            return False
        if self.unit is Unit.CURRENCY:
            return None in (self.currency, other.currency) or self.currency == other.currency
        if self.unit is Unit.NUMBER:
            return None in (self.word, other.word) or same_word(self.word, other.word)
        return True


def stated(parsed: ParsedValue) -> KRUnit | None:
    """The unit a typed value names itself, or None when it is a bare number."""
    if parsed.percent:
        return KRUnit(Unit.PERCENT)
    if parsed.currency is not None:
        return KRUnit(Unit.CURRENCY, parsed.currency)
    if parsed.word is not None:
        return KRUnit(Unit.NUMBER, word=parsed.word)
    return None


def settle_unit(
    menu: Unit, currency: str | None, typed: Mapping[str, ParsedValue]
) -> tuple[KRUnit, dict[str, str]]:
    """The KR's unit and the clashes, keyed by field (`VALUE_FIELDS`).

    The menu speaks when it is set to percent or currency (`currency` is then its code); left
    at number it says nothing, so the first value that names a unit decides. Every other
    value that names one must agree with it.
    """
    menu_unit = None
    if menu is Unit.PERCENT:
        menu_unit = KRUnit(Unit.PERCENT)
    elif menu is Unit.CURRENCY:
        menu_unit = KRUnit(Unit.CURRENCY, currency)
    chosen, source = menu_unit, "menu"
    errors: dict[str, str] = {}
    for name in VALUE_FIELDS:
        parsed = typed.get(name)
        said = stated(parsed) if parsed is not None else None
        if said is None:
            continue
        if chosen is None:
            chosen, source = said, name
            continue
        if not chosen.agrees(said):
            errors[name] = _(_CLASHES[source]).format(
                chosen=chosen.describe(),
                said=said.describe(),
                expected=expected_text(chosen.unit),
            )
    return chosen or KRUnit(), errors
