"""The sandbox's "now": a clock the page can move, and the moments a jump must stop at.

The bot runs with this clock injected (as tests inject theirs), and time keeps flowing
from wherever it was set, so the minute tick goes on working between jumps. A jump to
Friday 16:05 runs, at each moment something could fall due on the way (each team's
check-in and reminder time in each person's zone, its digest time, a quarter's close and
planning day), the registry's job that delivers it, as `okr-bot jobs run` does; then the
whole tick at the destination. Not every minute of the week.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from okr.cycles import next_quarter, quarter_for
from okr.rhythm import PLANNING_LEAD, local_instant, parse_hhmm, week_start
from okr.team_rhythm import TeamRhythm
from scheduler.jobs import JOBS, checkins, cycle_close, digests, nudges
from scheduler.jobs import planning as planning_job

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


#: A job due at a moment, by its registry name.
Due = tuple[datetime, tuple[str, ...]]


def due_runs(
    start: datetime,
    end: datetime,
    teams: Iterable[TeamTimes],
    zones: Iterable[str],
    close_days: Iterable[date] = (),
    planning_days: Iterable[date] = (),
) -> list[Due]:
    """The moments in (start, end) something may fall due at, each with the jobs to run
    then, in time order: prompts, reminders and digests at a team's weekly times in each
    person's zone (and the team's); a cycle's close at the team's digest time on
    `close_days` and the planning reminder at its check-in time on `planning_days`, in the
    team's zone. Running only those jobs at those moments delivers everything on time, in
    order, without running the whole tick at every minute on the way."""
    zones = set(zones)
    closing, planning = set(close_days), set(planning_days)
    found: dict[datetime, set[str]] = {}

    def due(moment: datetime, job: str) -> None:
        if start < moment < end:
            found.setdefault(moment, set()).add(job)

    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        for team in teams:
            r = team.rhythm
            weekly = [(r.checkin_weekday, r.checkin_time, checkins.JOB.name)]
            if r.nudge_enabled:
                weekly.append((r.nudge_weekday, r.nudge_time, nudges.JOB.name))
            for weekday, at, job in weekly:
                if day.weekday() == weekday:
                    for zone in zones | {team.timezone}:
                        due(_local(day, at, zone) + AFTER_DUE, job)
            if day.weekday() == r.digest_weekday:
                due(_local(day, r.digest_time, team.timezone) + AFTER_DUE, digests.JOB.name)
            if day in closing:
                due(_local(day, r.digest_time, team.timezone) + AFTER_DUE, cycle_close.JOB.name)
            if day in planning:
                due(_local(day, r.checkin_time, team.timezone) + AFTER_DUE, planning_job.JOB.name)
    order = {job.name: i for i, job in enumerate(JOBS)}
    return [
        (moment, tuple(sorted(found[moment], key=order.__getitem__))) for moment in sorted(found)
    ]


def quarter_days(start: date, end: date, fiscal_start_month: int) -> tuple[set[date], set[date]]:
    """(days a quarter closes on: the day after it ends, days a planning reminder is due
    on: PLANNING_LEAD before a quarter starts), within [start, end]."""
    closing: set[date] = set()
    planning: set[date] = set()
    day = start
    while day <= end + PLANNING_LEAD:
        upcoming = next_quarter(quarter_for(day, fiscal_start_month), fiscal_start_month)
        closing.add(upcoming.start)
        planning.add(upcoming.start - PLANNING_LEAD)
        day = upcoming.start
    return (
        {d for d in closing if start <= d <= end},
        {d for d in planning if start <= d <= end},
    )


def _local(day: date, at: str, zone_name: str) -> datetime:
    return local_instant(day, parse_hhmm(at), ZoneInfo(zone_name))
