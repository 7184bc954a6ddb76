"""Targets typed relative to where a key result starts: `+20%`, `-15%`.

"Grow quarterly sales by 20 %" is how a sales team states a target, so `+20%` with a start
(or a baseline) of $1.0M means $1.2M. The target is stored absolute and the relative form
beside it; wherever the target is shown in full it reads "+20% → $1.2M", for as long as the
target is still what the relative form makes of the start (or baseline).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from okr.i18n import _
from okr.progress import KRKind
from okr.values import MAX_ABS, ValueParseError, parse_value

_SIGNED = re.compile(r"\s*[+\-\u2212＋－]")
MAX_TEXT_CHARS = 32
"""Longest relative form kept (`+12.5%`); a longer one is written with an exponent."""


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
    if len(size) > MAX_TEXT_CHARS - 2:  # +0.000…01%: the shortest repr (1e-30) reads back too
        size = repr(abs(parsed.value))
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
            _(
                "A milestone is done or not, so a relative target ({relative}) has nothing "
                "to grow: clear the target."
            ).format(relative=relative.text)
        )
    base = start if start is not None else baseline
    if base is None:
        raise ValueParseError(
            _(
                "{relative} is relative: give a start value or a baseline for it to be "
                "relative to, or type the target itself (e.g. 1.2M)."
            ).format(relative=relative.text)
        )
    if base == 0:
        raise ValueParseError(
            _("{relative} of 0 is still 0: type the target itself (e.g. 1.2M).").format(
                relative=relative.text
            )
        )
    target = relative.apply(base)
    if not math.isfinite(target) or abs(target) > MAX_ABS:
        raise ValueParseError(
            _("{relative} makes the target too large (the limit is 1,000,000,000,000,000).").format(
                relative=relative.text
            )
        )
    return target


def still_relative(
    text: str | None,
    kind: KRKind | str,
    target: float,
    start: float | None,
    baseline: float | None,
) -> RelativeTarget | None:
    """The stored relative form `text` when it still makes `target` from `start` (else the
    baseline), as the form would read it again; None when there is none or the target has
    moved on (an edit typed an absolute one, or the start changed)."""
    relative = relative_target(text) if text else None
    if relative is None:
        return None
    try:
        return relative if resolve(relative, kind, start, baseline) == target else None
    except ValueParseError:
        return None
