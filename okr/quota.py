"""Quota key results ("50 prospects a week", "10 contracts a month"): what each period of the
cycle counts for, the progress and score they make, and the numbers a sales team reads.

Rules (DESIGN.md, "Domain rules"):

- each reading belongs to one period; the latest reading of a period wins, and nothing
  carries over into the next period;
- a period's attainment is count / quota, clamped at 1, so a 150 % week cannot hide a week
  with nothing in it;
- progress (and the score) is the mean attainment over the cycle's periods so far: a closed
  period without a reading counts 0, the current period counts once it has a reading, and a
  period the owner was away for (more than half of its days) without a reading is left out;
- the suggested status is judged on the mean attainment of the last three periods with a
  reading; the forecast is the mean attainment so far.

All of it is pure: the periods are calendar periods in the team's zone (okr.periods).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from okr.cycles import today_in
from okr.periods import Period, PeriodSpan, period_from_key, period_of, periods_between

RECENT_PERIODS = 3
"""How many of the latest periods with a reading the suggested status looks at."""

#: A stretch of days the owner was away, first and last day inclusive (local dates).
AwaySpell = tuple[date, date]


@dataclass(frozen=True)
class QuotaBasis:
    """What a quota KR's periods are measured against: the quota per period, the period,
    the team's zone, the cycle's days and the owner's away spells."""

    quota: float
    period: Period
    zone: str
    cycle_first: date
    cycle_last: date
    away: tuple[AwaySpell, ...] = ()

    def periods(self) -> list[PeriodSpan]:
        """Every period of the cycle, oldest first (edge periods included)."""
        return periods_between(self.cycle_first, self.cycle_last, self.period)

    def span_of(self, key: str | None, at: datetime) -> PeriodSpan:
        """The period a reading belongs to: the one it names, else the one it was made in."""
        named = period_from_key(key, self.period) if key else None
        return named if named is not None else period_of(at, self.zone, self.period)

    def in_cycle(self, span: PeriodSpan) -> bool:
        return span.within(self.cycle_first, self.cycle_last)


@dataclass(frozen=True)
class Reading:
    """One quota check-in: the period it counts for, when it was made, and the count."""

    period_key: str | None
    at: datetime
    count: float


@dataclass(frozen=True)
class PeriodResult:
    """One period of the cycle so far, as the quota rules see it."""

    span: PeriodSpan
    count: float | None
    """The latest reading of the period; None without one."""
    closed: bool
    away: bool

    @property
    def counted(self) -> bool:
        """Whether the period is in the mean: it has a reading, or it is over and the owner
        was not away for it."""
        return self.count is not None or (self.closed and not self.away)


@dataclass(frozen=True)
class QuotaSummary:
    """A quota KR's cycle so far, in numbers and in attainment."""

    quota: float
    period: Period
    current: PeriodResult
    """The period containing the moment of the summary (or the cycle's last once it is
    over)."""
    results: tuple[PeriodResult, ...]
    """The cycle's periods so far (started by the moment), oldest first."""
    at: datetime
    """The moment the summary is as of."""

    @property
    def counted(self) -> tuple[PeriodResult, ...]:
        return tuple(r for r in self.results if r.counted)

    @property
    def reported(self) -> tuple[PeriodResult, ...]:
        return tuple(r for r in self.results if r.count is not None)

    @property
    def met(self) -> int:
        """Counted periods whose count reached the quota."""
        return sum(1 for r in self.counted if (r.count or 0.0) >= self.quota)

    @property
    def average(self) -> float | None:
        """Mean count over the periods with a reading; None without any."""
        counts = [r.count for r in self.reported if r.count is not None]
        return math.fsum(counts) / len(counts) if counts else None

    @property
    def progress(self) -> float:
        """Mean attainment over the counted periods; 0.0 before any counts."""
        counted = self.counted
        if not counted:
            return 0.0
        return math.fsum(attainment(r.count or 0.0, self.quota) for r in counted) / len(counted)

    @property
    def recent(self) -> float | None:
        """Mean attainment over the last `RECENT_PERIODS` periods with a reading (what the
        suggested status judges); None without a reading."""
        last = [r.count for r in self.reported if r.count is not None][-RECENT_PERIODS:]
        if not last:
            return None
        return math.fsum(attainment(c, self.quota) for c in last) / len(last)


def attainment(count: float, quota: float) -> float:
    """count / quota, clamped to [0, 1]; a quota that is not above 0 is never attained."""
    if not (math.isfinite(count) and math.isfinite(quota)) or quota <= 0:
        return 0.0
    return min(1.0, max(0.0, count / quota))


def _away_days(span: PeriodSpan, spells: Iterable[AwaySpell]) -> int:
    days: set[date] = set()
    for first, last in spells:
        day = max(first, span.first)
        while day <= min(last, span.last):
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def was_away(span: PeriodSpan, spells: Iterable[AwaySpell]) -> bool:
    """Whether the owner was away for more than half of the period's days."""
    return 2 * _away_days(span, spells) > span.days


def latest_counts(basis: QuotaBasis, readings: Iterable[Reading]) -> dict[str, float]:
    """Each period's count: the latest reading that names it (by time, then by order)."""
    chosen: dict[str, tuple[datetime, int, float]] = {}
    for order, reading in enumerate(readings):
        span = basis.span_of(reading.period_key, reading.at)
        moment = reading.at if reading.at.tzinfo else reading.at.replace(tzinfo=UTC)
        mark = (moment, order, reading.count)
        if span.key not in chosen or mark[:2] >= chosen[span.key][:2]:
            chosen[span.key] = mark
    return {key: count for key, (_, _, count) in chosen.items()}


def summarise(basis: QuotaBasis, readings: Sequence[Reading], at: datetime) -> QuotaSummary:
    """The quota KR as of `at`: readings made after `at` are not seen, periods that have not
    started are not counted, and a period is closed once its last day is over locally, or
    once the cycle is (its score is final then, even if its last week runs on)."""
    today = today_in(basis.zone, at)
    over = today > basis.cycle_last
    counts = latest_counts(basis, [r for r in readings if _aware(r.at) <= _aware(at)])
    results = []
    spans = basis.periods()
    for span in spans:
        if span.first > today:
            break
        results.append(
            PeriodResult(
                span=span,
                count=counts.get(span.key),
                closed=over or span.last < today,
                away=was_away(span, basis.away),
            )
        )
    current = next((r for r in results if r.span.contains(today)), None)
    if current is None:
        first = results[-1].span if results else spans[0]
        current = results[-1] if results else PeriodResult(first, None, False, False)
    return QuotaSummary(basis.quota, basis.period, current, tuple(results), at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def period_average(basis: QuotaBasis, readings: Sequence[Reading]) -> float | None:
    """The mean count per period with a reading over a whole cycle: the stretch check's
    baseline for next cycle's quota ("last cycle's mean per period")."""
    counts = latest_counts(basis, readings)
    spans = {s.key for s in basis.periods()}
    values = [count for key, count in counts.items() if key in spans]
    return math.fsum(values) / len(values) if values else None
