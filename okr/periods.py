"""Calendar periods of quota key results: weeks from Monday and calendar months.

A quota reading ("50 prospects a week") belongs to one period, named by a key that sorts in
time order and never depends on the clock it was read with: `2026-W48` (the ISO week, which
runs Monday to Sunday) or `2026-11`. Periods are counted in the team's time zone, so a count
reported at 00:30 on a Monday in Stockholm is that Monday's week, whatever UTC says.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton

from okr import dates
from okr.cycles import today_in
from okr.i18n import LOCALES, _, current_lang, ngettext

_WEEK_KEY = re.compile(r"(\d{4})-W(\d{2})")
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")


class Period(StrEnum):
    """How long a quota's period is."""

    WEEK = "week"
    MONTH = "month"

    def plural(self, count: int) -> str:
        """`1 week`, `9 weeks` (`9周`, `9个月`)."""
        if self is Period.WEEK:
            return ngettext("{n} week", "{n} weeks", count).format(n=f"{count:,}")
        return ngettext("{n} month", "{n} months", count).format(n=f"{count:,}")


@dataclass(frozen=True, order=True)
class PeriodSpan:
    """One period: its first and last day (inclusive) and its key."""

    first: date
    last: date
    key: str
    period: Period

    @property
    def label(self) -> str:
        """`week of 23 Nov` or `November 2026` (`11月23日当周`, `2026年11月`)."""
        if self.period is Period.WEEK:
            return _("week of {day}").format(day=dates.day_month(self.first))
        return _month_label(self.first, current_lang())

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def middle(self) -> date:
        """The day that decides which cycle the period belongs to: a week's Thursday (as
        ISO weeks belong to the year of their Thursday), a month's 14th to 16th."""
        return self.first + timedelta(days=(self.days - 1) // 2)

    def within(self, first: date, last: date) -> bool:
        """Whether the period belongs to the cycle `first`..`last`: its middle day is in it.
        So a week at a cycle's edge belongs to exactly one of two cycles that follow each
        other, never both."""
        return first <= self.middle <= last

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> PeriodSpan:
        return period_of_day(self.first - timedelta(days=1), self.period)

    def next(self) -> PeriodSpan:
        return period_of_day(self.last + timedelta(days=1), self.period)


@lru_cache(maxsize=1024)
def _month_label(first: date, lang: str) -> str:
    """`November 2026` / `2026年11月`, from CLDR (cached: a digest names the same few)."""
    return format_skeleton("yMMMM", first, locale=Locale.parse(LOCALES[lang]))


@lru_cache(maxsize=8192)
def period_of_day(day: date, period: Period | str) -> PeriodSpan:
    """The week (Monday to Sunday) or the calendar month containing `day` (cached: spans
    are values, and scoring a team asks for the same few hundred again and again)."""
    period = Period(period)
    if period is Period.WEEK:
        monday = day - timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        return PeriodSpan(monday, monday + timedelta(days=6), f"{year}-W{week:02d}", period)
    last = calendar.monthrange(day.year, day.month)[1]
    first = day.replace(day=1)
    return PeriodSpan(first, first.replace(day=last), f"{day.year}-{day.month:02d}", period)


def period_of(moment: datetime, zone: str, period: Period | str) -> PeriodSpan:
    """The period a reading made at `moment` (aware) belongs to, in the time zone `zone`."""
    return period_of_day(today_in(zone, moment), period)


@lru_cache(maxsize=8192)
def period_from_key(key: str, period: Period | str) -> PeriodSpan | None:
    """The period a stored key names (`2026-W48`, `2026-11`); None when the key is not one
    of `period`'s keys."""
    period = Period(period)
    try:
        if period is Period.WEEK:
            match = _WEEK_KEY.fullmatch(key)
            if match is None:
                return None
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return period_of_day(monday, period)
        match = _MONTH_KEY.fullmatch(key)
        if match is None:
            return None
        return period_of_day(date(int(match[1]), int(match[2]), 1), period)
    except ValueError:  # week 54, month 13 ...
        return None


def periods_between(first: date, last: date, period: Period | str) -> list[PeriodSpan]:
    """The periods of the cycle `first` to `last` (inclusive), oldest first: those whose
    middle day falls in it (`PeriodSpan.within`), so an edge period may start before the
    cycle or end after it."""
    return list(cycle_periods(first, last, Period(period)))


@lru_cache(maxsize=1024)
def cycle_periods(first: date, last: date, period: Period) -> tuple[PeriodSpan, ...]:
    """`periods_between` as a cached tuple (a cycle's periods never change)."""
    spans: list[PeriodSpan] = []
    span = period_of_day(first, period)
    while span.first <= last:
        if span.within(first, last):
            spans.append(span)
        span = span.next()
    return tuple(spans)


def default_period(
    today: date, period: Period | str, reported: set[str], cycle_first: date, cycle_last: date
) -> PeriodSpan:
    """The period a check-in asks about on `today`: the previous one while it has no
    reading yet (Monday's check-in is about last week), else the current one. A previous
    period of another cycle is not asked about."""
    current = period_of_day(today, period)
    previous = current.previous()
    if previous.key not in reported and previous.within(cycle_first, cycle_last):
        return previous
    return current
