"""A team's week: when the check-in prompt, the reminder and the digest go out.

One value from the team modal to the scheduler: the modal reads and writes it, storage
saves its fields as the team's columns, the scheduler reads it back. The defaults and
the rules for a valid rhythm are written here once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from okr.calendar import NO_DAYS_OFF, WorkCalendar, working_slot
from okr.i18n import N_, _
from okr.rhythm import Slot, is_hhmm, parse_hhmm

#: Weekday names by `datetime.weekday()`: 0 is Monday.
#: Marked for the catalog: show one with `weekday_name(n)`.
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

ORDER_ERROR = N_("The reminder must come after the check-in (same week)")
DAY_ERROR = N_("Pick a day from the list, Monday to Sunday.")
TIME_ERROR = N_("Pick a time from 00:00 to 23:59, like 09:00.")
NUDGE_ERROR = N_("Tick the box to send a reminder, or leave it empty.")


def weekday_name(day: int) -> str:
    """The full name of weekday `day` (0 is Monday) in the reader's language."""
    return _(WEEKDAYS[day])


@dataclass(frozen=True)
class TeamRhythm:
    """A team's week, in local time: weekday 0 is Monday, times are "HH:MM"."""

    checkin_weekday: int = 0
    checkin_time: str = "09:00"
    nudge_enabled: bool = True
    nudge_weekday: int = 2
    nudge_time: str = "14:00"
    digest_weekday: int = 4
    digest_time: str = "16:00"

    def problems(self) -> list[tuple[str, str]]:
        """What is wrong with this rhythm, as (field, message) pairs; empty when valid.

        A field is one of this class's field names, so a form can put each message
        beside the input that holds that field."""
        found: list[tuple[str, str]] = []
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name.endswith("_weekday") and not is_weekday(value):
                found.append((spec.name, _(DAY_ERROR)))
            elif spec.name.endswith("_time") and not is_hhmm(value):
                found.append((spec.name, _(TIME_ERROR)))
            elif spec.name == "nudge_enabled" and not isinstance(value, bool):
                found.append((spec.name, _(NUDGE_ERROR)))
        if self.nudge_enabled and not found and self._nudge_minutes() <= self._checkin_minutes():
            # An earlier day is the day's fault; the same day, the time's.
            wrong = "nudge_weekday" if self.nudge_weekday < self.checkin_weekday else "nudge_time"
            found.append((wrong, _(ORDER_ERROR)))
        return found

    def checkin_slot(
        self, now: datetime, zone_name: str, calendar: WorkCalendar = NO_DAYS_OFF
    ) -> Slot | None:
        """This week's check-in prompt, read in `zone_name` (the owner's own zone), moved
        off a holiday; None in a paused week (okr.calendar)."""
        return working_slot(now, zone_name, self.checkin_weekday, self.checkin_time, calendar)

    def nudge_slot(
        self, now: datetime, zone_name: str, calendar: WorkCalendar = NO_DAYS_OFF
    ) -> Slot | None:
        """This week's reminder to owners who have not checked in."""
        return working_slot(now, zone_name, self.nudge_weekday, self.nudge_time, calendar)

    def digest_slot(
        self, now: datetime, zone_name: str, calendar: WorkCalendar = NO_DAYS_OFF
    ) -> Slot | None:
        """This week's digest in the team's channel, read in the team's zone."""
        return working_slot(now, zone_name, self.digest_weekday, self.digest_time, calendar)

    def _checkin_minutes(self) -> int:
        return _minutes(self.checkin_weekday, self.checkin_time)

    def _nudge_minutes(self) -> int:
        return _minutes(self.nudge_weekday, self.nudge_time)


DEFAULT_RHYTHM = TeamRhythm()


def is_weekday(value: object) -> bool:
    """0 (Monday) to 6 (Sunday), an int (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6


def _minutes(weekday: int, at: str) -> int:
    """Minutes from Monday 00:00 of the week."""
    clock = parse_hhmm(at)
    return (weekday * 24 + clock.hour) * 60 + clock.minute
