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

from okr.cycles import next_quarter, quarter_for
from okr.rhythm import PLANNING_LEAD, local_instant, parse_hhmm, week_start
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


#: Moments closer than this share one tick (at the latest of them): everything the tick
#: delivers stays due for 24 h (okr.rhythm's windows), so nothing goes stale, and the
#: prompt, the reminder and the digest of a week stay days apart, in order.
SHARED_TICK = timedelta(hours=12)


def tick_moments(
    start: datetime,
    end: datetime,
    teams: Iterable[TeamTimes],
    zones: Iterable[str],
    one_off_days: Iterable[date] = (),
) -> list[datetime]:
    """The moments in (start, end] at which the tick must run so everything due on the
    way is delivered in order, ending with `end` itself. Prompts, reminders and digests
    are due at a team's weekly times in each person's zone; a cycle's close and the next
    quarter's planning reminder on `one_off_days`, at the team's digest and check-in time
    in the team's zone."""
    zones = set(zones)
    one_off = set(one_off_days)
    moments: set[datetime] = {end}
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for team in teams:
        r = team.rhythm
        weekly = [(r.checkin_weekday, r.checkin_time), (r.digest_weekday, r.digest_time)]
        if r.nudge_enabled:
            weekly.append((r.nudge_weekday, r.nudge_time))
        for day in days:
            for weekday, at in weekly:
                if day.weekday() == weekday:
                    moments |= {_local(day, at, z) + AFTER_DUE for z in zones | {team.timezone}}
            if day in one_off:
                moments |= {
                    _local(day, at, team.timezone) + AFTER_DUE
                    for at in (r.digest_time, r.checkin_time)
                }
    return _shared(sorted(m for m in moments if start < m <= end))


def _shared(moments: list[datetime]) -> list[datetime]:
    """One tick for each run of moments within SHARED_TICK of its first, at its last."""
    out: list[datetime] = []
    run_start: datetime | None = None
    for moment in moments:
        if run_start is not None and moment - run_start <= SHARED_TICK:
            out[-1] = moment
            continue
        run_start = moment
        out.append(moment)
    return out


def close_and_planning_days(start: date, end: date, fiscal_start_month: int) -> set[date]:
    """Days in [start, end] a quarter closes on (the day after it ends) or its planning
    reminder is due (PLANNING_LEAD before the next one starts)."""
    days: set[date] = set()
    day = start
    while day <= end + PLANNING_LEAD:
        quarter = quarter_for(day, fiscal_start_month)
        upcoming = next_quarter(quarter, fiscal_start_month)
        days |= {upcoming.start, upcoming.start - PLANNING_LEAD}
        day = upcoming.start
    return {d for d in days if start <= d <= end}


def _local(day: date, at: str, zone_name: str) -> datetime:
    return local_instant(day, parse_hhmm(at), ZoneInfo(zone_name))
