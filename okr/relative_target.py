"""Targets typed relative to where a key result starts: `+20%`, `-15%`.

"Grow quarterly sales by 20 %" is how a sales team states a target, so `+20%` with a start
(or a baseline) of $1.0M means $1.2M. The target is stored absolute; the relative form is
shown back once, in the confirmation ("+20% → $1.2M"), so the person sees what it became.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from okr.progress import KRKind
from okr.values import MAX_ABS, ValueParseError, parse_value

_SIGNED = re.compile(r"\s*[+\-\u2212＋－]")


@dataclass(frozen=True)
class RelativeTarget:
    """A change in percent of the start (or baseline): +20.0 for `+20%`."""

    percent: float
    text: str
    """As typed, tidied: `+20%`."""

    def apply(self, base: float) -> float:
        """`base` moved by the percentage of its size: -15% of -100 is -115, not -85.
        Computed in decimal, so +10% of 3.5 is 3.85 and not 3.8499999999999996."""
        exact = _decimal(base) + abs(_decimal(base)) * _decimal(self.percent) / 100
        return float(exact)


def relative_target(text: str) -> RelativeTarget | None:
    """The relative form when `text` is a signed percentage (`+20%`, `-15 %`), else None.

    Only an explicit sign makes a percentage relative: `20%` stays an absolute value.
    """
    if not isinstance(text, str) or _SIGNED.match(text) is None:
        return None
    try:
        parsed = parse_value(text)
    except ValueParseError:
        return None
    if not parsed.percent:
        return None
    sign = "-" if parsed.value < 0 else "+"
    size = format(_decimal(abs(parsed.value)).normalize(), "f")
    return RelativeTarget(parsed.value, f"{sign}{size}%")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def resolve(
    relative: RelativeTarget, kind: KRKind | str, start: float | None, baseline: float | None
) -> float:
    """The absolute target `relative` stands for: relative to the start, else the baseline.

    A milestone has no number to move, a key result without a start or baseline nothing to
    move from, and a base of zero stays zero: each is a ValueParseError saying so.
    """
    kind = KRKind(kind)
    if kind is KRKind.MILESTONE:
        raise ValueParseError(
            f"A milestone is done or not, so a relative target ({relative.text}) has nothing "
            "to grow: clear the target."
        )
    base = start if start is not None else baseline
    if base is None:
        raise ValueParseError(
            f"{relative.text} is relative: give a start value or a baseline for it to be "
            "relative to, or type the target itself (e.g. 1.2M)."
        )
    if base == 0:
        raise ValueParseError(
            f"{relative.text} of 0 is still 0: type the target itself (e.g. 1.2M)."
        )
    target = relative.apply(base)
    if not math.isfinite(target) or abs(target) > MAX_ABS:
        raise ValueParseError(
            f"{relative.text} makes the target too large (the limit is 1,000,000,000,000,000)."
        )
    return target
