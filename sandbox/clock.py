"""The sandbox's "now": a clock the page can move, and the moments a jump must stop at.

The bot runs with this clock injected (as tests inject theirs), and time keeps flowing
from wherever it was set, so the minute tick goes on working between jumps. A jump to
Friday 16:05 runs the scheduler's tick at each moment something could fall due on the
way (each team's check-in, reminder and digest time in each person's zone, each day's
close and planning time in the team's zone), not at every minute of the week.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from okr.rhythm import local_instant, parse_hhmm, week_start
from okr.team_rhythm import TeamRhythm

#: How long after a due time the tick runs (the page's jumps say 09:05 for a 09:00 prompt).
AFTER_DUE = timedelta(minutes=5)

#: Page jump name -> (weekday, "HH:MM") in the viewer's zone.
WEEKLY_JUMPS = {"monday": (0, "09:05"), "wednesday": (2, "14:05"), "friday": (4, "16:05")}


class SandboxClock:
    """Callable like `storage.context.system_clock`; runs at real speed from the last set."""

    def __init__(self, start: datetime | None = None) -> None:
        self._base = start or datetime.now(UTC)
        self._set_at = time.monotonic()

    def __call__(self) -> datetime:
        return self._base + timedelta(seconds=time.monotonic() - self._set_at)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("use an aware datetime")
        self._base = when.astimezone(UTC)
        self._set_at = time.monotonic()

    def timestamp(self) -> float:
        """Epoch seconds, for the stand-in's message ts."""
        return self().timestamp()


def next_weekly(now: datetime, zone_name: str, weekday: int, at: str) -> datetime:
    """The first `weekday` `at` (local to `zone_name`) strictly after `now`."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    day = week_start(today) + timedelta(days=weekday)
    moment = local_instant(day, parse_hhmm(at), zone)
    while moment <= now:
        day += timedelta(days=7)
        moment = local_instant(day, parse_hhmm(at), zone)
    return moment


@dataclass(frozen=True)
class TeamTimes:
    """What the tick plan needs of a team: its zone and its week."""

    timezone: str
    rhythm: TeamRhythm


def tick_moments(
    start: datetime,
    end: datetime,
    teams: Iterable[TeamTimes],
    zones: Iterable[str],
) -> list[datetime]:
    """The moments in (start, end] at which the tick must run so everything due on the
    way is delivered in order, then `end` itself. Prompts, reminders and digests are due
    at a team's weekly times in each person's zone; cycle close and planning reminders at
    the team's digest and check-in time in the team's zone, on any day."""
    teams = list(teams)
    zones = set(zones)
    moments: set[datetime] = {end}
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for team in teams:
        r = team.rhythm
        weekly = [(r.checkin_weekday, r.checkin_time), (r.digest_weekday, r.digest_time)]
        if r.nudge_enabled:
            weekly.append((r.nudge_weekday, r.nudge_time))
        for zone_name in zones | {team.timezone}:
            for day in days:
                for weekday, at in weekly:
                    if day.weekday() == weekday:
                        moments.add(_local(day, at, zone_name) + AFTER_DUE)
        for day in days:
            for at in (r.digest_time, r.checkin_time):
                moments.add(_local(day, at, team.timezone) + AFTER_DUE)
    return sorted(m for m in moments if start < m <= end)


def _local(day: date, at: str, zone_name: str) -> datetime:
    return local_instant(day, parse_hhmm(at), ZoneInfo(zone_name))
