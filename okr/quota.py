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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from okr.cycles import today_in
from okr.periods import Period, PeriodSpan, cycle_periods, period_from_key, period_of

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

    def periods(self) -> tuple[PeriodSpan, ...]:
        """Every period of the cycle, oldest first (edge periods included)."""
        return cycle_periods(self.cycle_first, self.cycle_last, self.period)

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


class PeriodResult(NamedTuple):
    """One period of the cycle so far, as the quota rules see it (a tuple: a team's
    scoring builds a dozen of these per KR)."""

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
    """A quota KR's cycle so far, in numbers and in attainment. Built cheaply (a team's
    scoring makes a thousand of these); the per-period view is worked out when read."""

    basis: QuotaBasis
    counts: Mapping[str, float]
    """Each period's latest count seen by the moment, by period key."""
    today: date
    """The local day of the moment."""
    at: datetime
    """The moment the summary is as of."""

    @property
    def quota(self) -> float:
        return self.basis.quota

    @property
    def period(self) -> Period:
        return self.basis.period

    @cached_property
    def started(self) -> tuple[PeriodSpan, ...]:
        """The cycle's periods that have started by the moment, oldest first."""
        return tuple(span for span in self.basis.periods() if span.first <= self.today)

    def _closed(self, span: PeriodSpan) -> bool:
        return self.today > self.basis.cycle_last or span.last < self.today

    def _away(self, span: PeriodSpan) -> bool:
        return bool(self.basis.away) and was_away(span, self.basis.away)

    @cached_property
    def results(self) -> tuple[PeriodResult, ...]:
        """The cycle's periods so far, oldest first."""
        return tuple(
            PeriodResult(span, self.counts.get(span.key), self._closed(span), self._away(span))
            for span in self.started
        )

    @cached_property
    def current(self) -> PeriodResult:
        """The period containing the moment (the cycle's last once it is over; its first
        before it starts)."""
        results = self.results
        found = next((r for r in results if r.span.contains(self.today)), None)
        if found is not None:
            return found
        if results:
            return results[-1]
        return PeriodResult(self.basis.periods()[0], None, False, False)

    @cached_property
    def counted(self) -> tuple[PeriodResult, ...]:
        return tuple(r for r in self.results if r.counted)

    @cached_property
    def reported(self) -> tuple[PeriodResult, ...]:
        return tuple(r for r in self.results if r.count is not None)

    @cached_property
    def met(self) -> int:
        """Counted periods whose count reached the quota."""
        return sum(1 for r in self.counted if (r.count or 0.0) >= self.quota)

    @cached_property
    def average(self) -> float | None:
        """Mean count over the periods with a reading; None without any."""
        counts = [r.count for r in self.reported if r.count is not None]
        return math.fsum(counts) / len(counts) if counts else None

    @cached_property
    def _attainments(self) -> tuple[list[float], list[float]]:
        """(attainment of every counted period, of every period with a reading), oldest
        first, straight from the counts (no per-period objects)."""
        counted: list[float] = []
        reported: list[float] = []
        quota, counts = self.quota, self.counts
        usable = math.isfinite(quota) and quota > 0
        for span in self.started:
            count = counts.get(span.key)
            if count is not None:
                value = min(1.0, max(0.0, count / quota)) if usable else 0.0  # attainment()
                counted.append(value)
                reported.append(value)
            elif self._closed(span) and not self._away(span):
                counted.append(0.0)
        return counted, reported

    @cached_property
    def progress(self) -> float:
        """Mean attainment over the counted periods; 0.0 before any counts."""
        counted, _ = self._attainments
        return math.fsum(counted) / len(counted) if counted else 0.0

    @cached_property
    def recent(self) -> float | None:
        """Mean attainment over the last `RECENT_PERIODS` periods with a reading (what the
        suggested status judges); None without a reading."""
        _, reported = self._attainments
        last = reported[-RECENT_PERIODS:]
        return math.fsum(last) / len(last) if last else None


def attainment(count: float, quota: float) -> float:
    """count / quota, clamped to [0, 1]; a quota that is not above 0 is never attained."""
    if not (math.isfinite(count) and math.isfinite(quota)) or quota <= 0:
        return 0.0
    return min(1.0, max(0.0, count / quota))


def _away_days(span: PeriodSpan, spells: Iterable[AwaySpell]) -> int:
    """Days of the period covered by any spell (spells may overlap)."""
    days: set[date] = set()
    for first, last in spells:
        day, end = max(first, span.first), min(last, span.last)
        while day <= end:
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def was_away(span: PeriodSpan, spells: Iterable[AwaySpell]) -> bool:
    """Whether the owner was away for more than half of the period's days."""
    return 2 * _away_days(span, spells) > span.days


def latest_counts(basis: QuotaBasis, readings: Iterable[Reading]) -> dict[str, float]:
    """Each period's count: the latest reading that names it (by time, then by order)."""
    chosen: dict[str, tuple[datetime, float]] = {}
    for reading in readings:
        key = basis.span_of(reading.period_key, reading.at).key
        moment = reading.at if reading.at.tzinfo else _aware(reading.at)
        previous = chosen.get(key)
        if previous is None or moment >= previous[0]:  # a tie goes to the later one
            chosen[key] = (moment, reading.count)
    return {key: count for key, (_, count) in chosen.items()}


def summarise(basis: QuotaBasis, readings: Sequence[Reading], at: datetime) -> QuotaSummary:
    """The quota KR as of `at`: readings made after `at` are not seen, periods that have not
    started are not counted, and a period is closed once its last day is over locally, or
    once the cycle is (its score is final then, even if its last week runs on)."""
    limit = _aware(at)
    seen = [r for r in readings if (r.at if r.at.tzinfo else _aware(r.at)) <= limit]
    return QuotaSummary(basis, latest_counts(basis, seen), today_in(basis.zone, at), at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def period_average(basis: QuotaBasis, readings: Sequence[Reading]) -> float | None:
    """The mean count per period with a reading over a whole cycle: the stretch check's
    baseline for next cycle's quota ("last cycle's mean per period")."""
    counts = latest_counts(basis, readings)
    spans = {s.key for s in basis.periods()}
    values = [count for key, count in counts.items() if key in spans]
    return math.fsum(values) / len(values) if values else None
