"""Which days a team works: its country's public holidays and the weeks a lead paused.

Pure rules on local dates, time-zone-safe like okr/rhythm.py (a slot's day is read in the
zone it is sent in, its instant made with `local_instant`):

- a paused week has no prompt, reminder or digest at all;
- a weekly send whose day is a public holiday moves to the next working day of the same
  ISO week (not a holiday, not a weekend day of that country); when the week has none
  left, it is not sent that week. The ledger period stays the week's, so a moved send is
  still the week's one send;
- a team's digest is not posted in the week its cycle-close summary goes out (the summary
  replaces it), nor in a cycle's first week while nobody has reported anything.

The country calendars are the `holidays` package's (pure data, no I/O).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from okr.i18n import _, is_zh
from okr.rhythm import Slot, local_instant, parse_hhmm, week_key, week_start

#: Saturday and Sunday, by `date.weekday()`: the weekend where a country names none.
DEFAULT_WEEKEND = frozenset({5, 6})
#: A cycle's first week: no digest in it while nothing has been reported.
FIRST_WEEK = timedelta(days=7)


def country_code(text: str | None) -> str | None:
    """The `holidays` code for what was typed ("cn", " US ", "DEU" -> "DE"); None when no
    country calendar has that code."""
    code = (text or "").strip().upper()
    if not code:
        return None
    supported = holidays.list_supported_countries()
    if code not in supported:
        return None
    return _calendar(code, 2000).country or code


@lru_cache(maxsize=512)
def _calendar(code: str, year: int, language: str | None = None) -> holidays.HolidayBase:
    return holidays.country_holidays(code, years=year, language=language)


def _holiday_language(code: str) -> str | None:
    """The `holidays` language for the reader: Chinese names where the country has them."""
    if not is_zh():
        return None
    supported = getattr(_calendar(code, 2000), "supported_languages", ())
    return "zh_CN" if "zh_CN" in supported else None


@dataclass(frozen=True)
class WorkCalendar:
    """A team's working days: its country's holidays (None: none) and its paused weeks
    (each by its Monday)."""

    country: str | None = None
    paused_weeks: frozenset[date] = frozenset()

    def holiday(self, day: date) -> str | None:
        """The public holiday's name on `day`, or None."""
        if self.country is None:
            return None
        name = _calendar(self.country, day.year, _holiday_language(self.country)).get(day)
        return str(name) if name else None

    def paused(self, day: date) -> bool:
        """Whether `day` falls in a week a lead paused."""
        return week_start(day) in self.paused_weeks

    @property
    def weekend(self) -> frozenset[int]:
        if self.country is None:
            return DEFAULT_WEEKEND
        return frozenset(_calendar(self.country, 2000).weekend) or DEFAULT_WEEKEND

    def working_day(self, planned: date) -> date | None:
        """The day a weekly send planned for `planned` goes out: that day when it is no
        holiday, else the next working day of its ISO week; None in a paused week or when
        the week has no working day left. A team that chose a weekend day keeps it."""
        if self.paused(planned):
            return None
        if self.holiday(planned) is None:
            return planned
        day = planned + timedelta(days=1)
        while day.weekday() != 0:  # stop at the next Monday: another week
            if day.weekday() not in self.weekend and self.holiday(day) is None:
                return day
            day += timedelta(days=1)
        return None


NO_DAYS_OFF = WorkCalendar()


def working_slot(
    now: datetime, zone_name: str, weekday: int, at: str, calendar: WorkCalendar
) -> Slot | None:
    """This week's occurrence of a weekly time (as `okr.rhythm.weekly_slot`), moved off a
    holiday, or None when the week is paused or has no working day left for it."""
    zone = ZoneInfo(zone_name)
    planned = week_start(now.astimezone(zone).date()) + timedelta(days=weekday)
    day = calendar.working_day(planned)
    if day is None:
        return None
    return Slot(week_key(planned), local_instant(day, parse_hhmm(at), zone))


def replaced_by_close(digest_day: date, close_days: Iterable[date]) -> bool:
    """Whether a cycle-close summary goes out in the digest's ISO week: it replaces the
    digest (the same minute, on 1 January, once posted both)."""
    week = week_start(digest_day)
    return any(week_start(day) == week for day in close_days)


def empty_first_week(digest_day: date, cycle_start: date, reported: bool) -> bool:
    """A cycle's first week with nothing reported yet: a digest would be empty."""
    return not reported and digest_day - cycle_start < FIRST_WEEK


def digest_wanted(
    digest_day: date, cycle_start: date, reported: bool, close_days: Iterable[date]
) -> bool:
    """Whether this week's digest goes out at all (see the two rules above)."""
    return not (
        replaced_by_close(digest_day, close_days)
        or empty_first_week(digest_day, cycle_start, reported)
    )


# --------------------------------------------------------------------------- pausing a week

#: `/okr pause`'s week words, and its word to lift pauses.
THIS_WEEK, NEXT_WEEK, OFF = "this week", "next week", "off"


@dataclass(frozen=True)
class PauseAsk:
    """What `/okr pause ...` asks: a week (its words or a day in it), lifting the pauses
    (`off`), or neither (show them); and the team named after it, if any."""

    when: str | date | None
    off: bool
    team: str


def read_pause(text: str) -> PauseAsk:
    """ "next week Nordics" -> (next week, team "Nordics"); "2026-12-07" -> that day's
    week; "off" -> lift; "" -> show. ValueError for a date that is no date."""
    words = text.split()
    lowered = [w.lower() for w in words]
    if lowered[:1] == [OFF]:
        return PauseAsk(None, True, " ".join(words[1:]))
    if " ".join(lowered[:2]) in (THIS_WEEK, NEXT_WEEK):
        return PauseAsk(" ".join(lowered[:2]), False, " ".join(words[2:]))
    if words and words[0][:1].isdigit():
        try:
            day = date.fromisoformat(words[0])
        except ValueError:
            raise ValueError(
                _("{typed} is not a date like 2026-12-07").format(typed=words[0])
            ) from None
        return PauseAsk(day, False, " ".join(words[1:]))
    return PauseAsk(None, False, " ".join(words))


def paused_monday(when: str | date, today: date) -> date:
    """The Monday of the week asked for, seen from `today` (the team's local date)."""
    if when == THIS_WEEK:
        return week_start(today)
    if when == NEXT_WEEK:
        return week_start(today) + timedelta(days=7)
    assert isinstance(when, date)
    return week_start(when)


def pause_problem(monday: date, today: date, cycle_start: date, cycle_end: date) -> str | None:
    """Why that week cannot be paused: it is over, or it lies outside the current cycle
    (its prompts belong to a cycle not started, whose leads may see it otherwise)."""
    if monday < week_start(today):
        return "over"
    if monday + timedelta(days=6) < cycle_start or monday > cycle_end:
        return "outside"
    return None
