"""The display rules for a key result's numbers, written once (DESIGN.md, "Display rules").

Every surface (prompt, check-in modal, Home, list, digest, cycle close, celebrations,
history) shows values through these, so the same KR reads the same everywhere:

- a value that differs from its target or threshold is never shown equal to it: both get
  more significant digits until they differ (3.04 % against 3 %; $1.197M against $1.2M);
- a progress percent of a miss never reads 100 % (nor its score 1.00), and its bar is never
  full;
- a change of a percentage is in points, and every change says whether it is better or
  worse for the KR's direction;
- a KR without a reading says "no reading yet" (the caller shows no value at all);
- a value prefilled for editing is in the KR's own format and parses back to itself;
- a final result (cycle close) is exact: short when that is exact, else every digit.

The rules are the same in every language; only the formatting (okr.values, okr.i18n) and
the words (`better`, `pts`, `no change`) change with the reader's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from okr.i18n import N_, _
from okr.progress import KRKind
from okr.values import (
    PRECISION_STEPS,
    Unit,
    ValueParseError,
    format_exact,
    format_value,
    parse_value,
    with_word,
)

NO_READING = N_("no reading yet")
"""Shown as `_(NO_READING)`: marked here, translated where it is read."""
BETTER = N_("better")
WORSE = N_("worse")
UP, DOWN = "▲", "▼"
PERCENT_CAP = 9_999
"""Progress beyond ±9,999 % is shown as ">9,999%": a degenerate target, not a result."""


@dataclass(frozen=True)
class Measure:
    """How a KR's numbers read: its unit, currency code and unit word."""

    unit: Unit = Unit.NUMBER
    currency: str | None = None
    word: str | None = None

    def text(self, value: float, extra: int = 0) -> str:
        return format_value(value, self.unit, self.currency, word=self.word, extra=extra)

    @property
    def bare(self) -> Measure:
        """The same unit without a count's word, for the first of `38 of 50 prospects`."""
        return Measure(self.unit, self.currency)


def lower_is_better(kind: KRKind | str) -> bool:
    """Whether a fall is good news: a decrease KR and a ceiling to stay below."""
    return KRKind(kind) in (KRKind.DECREASE, KRKind.STAY_BELOW)


def extra_apart(value: float, target: float, measure: Measure) -> int | None:
    """The fewest extra digits at which `value` and `target` read differently (0 when they are
    equal or not numbers); None when even the most digits cannot tell them apart."""
    if value == target or not (math.isfinite(value) and math.isfinite(target)):
        return 0
    for extra in range(PRECISION_STEPS + 1):
        if measure.text(value, extra) != measure.text(target, extra):
            return extra
    return None


def pair_text(value: float, target: float, measure: Measure) -> tuple[str, str]:
    """`value` and `target` at one precision, shown equal only when they are equal
    (`$1.197M` and `$1.2M`; `3.04%` and `3%`)."""
    extra = extra_apart(value, target, measure)
    if extra is None:
        return exact_text(value, measure), exact_text(target, measure)
    return measure.text(value, extra), measure.text(target, extra)


def target_text(target: float, measure: Measure, current: float | None = None) -> str:
    """A target as a label or a line shows it, a count with its word (`50 prospects`):
    beside the `current` value (None without a reading) at the precision at which a
    different value does not read like it (`$1.2M` against `$1.197M`)."""
    bare = measure.bare
    shown = bare.text(target) if current is None else pair_text(current, target, bare)[1]
    return with_word(shown, measure.word) if measure.unit is Unit.NUMBER else shown


def beside_target(
    target: float, values: Sequence[float], measure: Measure
) -> tuple[str, list[str]]:
    """`target` and `values` (readings, an original target) at one precision, at which no
    value that differs from the target reads like it: for a list shown under its target."""
    extras = [extra_apart(value, target, measure) for value in values]
    if None in extras:
        return exact_text(target, measure), [exact_text(v, measure) for v in values]
    extra = max((e for e in extras if e is not None), default=0)
    return measure.text(target, extra), [measure.text(v, extra) for v in values]


def exact_text(value: float, measure: Measure) -> str:
    """Every digit: `$1,196,500`, `27 contracts` (a final result, where rounding hides)."""
    return format_exact(value, measure.unit, measure.currency, word=measure.word)


def final_text(value: float, measure: Measure) -> str:
    """A result as reported at cycle end: the usual short form when it is exact (`$1.5M`,
    `27 contracts`), else every digit (`$1,196,500`), so no rounding hides a miss."""
    short = measure.text(value)
    return short if _reads_back(short, measure) == value else exact_text(value, measure)


def editable_text(value: float, measure: Measure) -> str:
    """A prefill in the KR's own format (`$1.03M`, `3.04%`) that parses back to exactly
    `value`: the shortest such text, else every digit."""
    if not math.isfinite(value):
        return ""
    for extra in range(PRECISION_STEPS + 1):
        text = measure.text(value, extra)
        if _reads_back(text, measure) == value:
            return text
    return exact_text(value, measure)


def _reads_back(text: str, measure: Measure) -> float | None:
    try:
        return parse_value(text, measure.unit, currency=measure.currency, word=measure.word).value
    except ValueParseError:
        return None


def percent_text(fraction: float) -> str:
    """A raw fraction as a percent, whole where that is honest: `120%`, `-5%`, `35%`; a miss
    just short of the whole gets decimals rather than reading 100 % (`99.6%`). `n/a` when
    not finite; capped at ±9,999 %."""
    if not isinstance(fraction, int | float) or not math.isfinite(fraction):
        return _("n/a")
    with localcontext() as ctx:
        ctx.prec = 60
        points = Decimal(repr(float(fraction))) * 100
        if points >= PERCENT_CAP + Decimal("0.5"):
            return f">{PERCENT_CAP:,}%"
        if points <= -PERCENT_CAP - Decimal("0.5"):
            return f"<-{PERCENT_CAP:,}%"
        whole = points.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if whole != 100 or fraction >= 1:
            return f"{whole + 0}%"  # + 0 turns -0 into 0
        for decimals in range(1, 20):
            shown = points.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            if shown < 100:
                return f"{shown.normalize():f}%"
    return "99.9…%"


def score_text(score: float) -> str:
    """A cycle-end score with two decimals, `0.72`; a miss just short of 1 gets the digits
    that keep it under (`0.997`), never `1.00`."""
    if not math.isfinite(score):
        return _("n/a")
    text = f"{score:.2f}"
    decimals = 2
    while text == "1.00" and score < 1 and decimals < 17:
        decimals += 1
        text = f"{score:.{decimals}f}".rstrip("0")
    return text


def bar_fill(fraction: float, width: int) -> int:
    """Cells of a `width`-cell bar to fill: the clamped fraction, never full for a miss."""
    value = min(1.0, max(0.0, fraction)) if math.isfinite(fraction) else 0.0
    filled = min(width, max(0, round(value * width)))
    return min(filled, width - 1) if value < 1 else filled


def verdict(change: float, kind: KRKind | str) -> str:
    """`better` or `worse` (in the reader's language): whether a non-zero change moves the
    KR the way it should go."""
    return _(BETTER) if (change > 0) != lower_is_better(kind) else _(WORSE)


def change_amount(change: float, measure: Measure) -> str:
    """The size of a change in the KR's unit, percent in points (`0.24 pts`), with at least
    two significant digits so a real change never reads as 0."""
    size = abs(change)
    points = measure.unit is Unit.PERCENT
    text = measure.text(size)
    for extra in range(PRECISION_STEPS):
        more = measure.text(size, extra + 1)
        if _significant(text) >= 2 or more == text:
            break
        text = more
    return _("{points} pts").format(points=text.removesuffix("%")) if points else text


def change_text(change: float | None, measure: Measure, kind: KRKind | str, since: str = "") -> str:
    """`▲ 0.24 pts since last check-in (worse)`, `▼ $50k (better)`, `no change`; empty when
    there is nothing to compare (no previous reading, or not a number)."""
    if change is None or not math.isfinite(change):
        return ""
    if change == 0:
        return _("no change")
    arrow = UP if change > 0 else DOWN
    amount, judged = change_amount(change, measure), verdict(change, kind)
    if since:
        return _("{arrow} {amount} {since} ({verdict})").format(
            arrow=arrow, amount=amount, since=since, verdict=judged
        )
    return _("{arrow} {amount} ({verdict})").format(arrow=arrow, amount=amount, verdict=judged)


def _significant(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit()).lstrip("0")
    return len(digits)
