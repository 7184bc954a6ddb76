"""The sandbox clock's jumps and the moments a jump stops at to run the tick."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from okr.rhythm import DIGEST_WINDOW, PROMPT_WINDOW, weekly_slot
from okr.team_rhythm import TeamRhythm
from sandbox.clock import (
    SHARED_TICK,
    SandboxClock,
    TeamTimes,
    _shared,
    close_and_planning_days,
    next_weekly,
    tick_moments,
)

ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin", "America/Los_Angeles")
TUESDAY = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def test_next_monday_is_read_in_the_viewers_zone() -> None:
    shanghai = next_weekly(TUESDAY, "Asia/Shanghai", 0, "09:05")
    new_york = next_weekly(TUESDAY, "America/New_York", 0, "09:05")
    assert shanghai.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()[:16] == "2026-12-07T09:05"
    assert new_york.astimezone(ZoneInfo("America/New_York")).isoformat()[:16] == "2026-12-07T09:05"
    assert new_york - shanghai == timedelta(hours=13)


def test_a_jump_is_strictly_ahead() -> None:
    friday = next_weekly(TUESDAY, "UTC", 4, "16:05")
    assert next_weekly(friday, "UTC", 4, "16:05") == friday + timedelta(days=7)


def test_the_clock_runs_on_from_where_it_was_set() -> None:
    clock = SandboxClock(TUESDAY)
    later = clock()
    assert TUESDAY <= later < TUESDAY + timedelta(seconds=5)
    clock.set(datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert clock().tzinfo == UTC and clock() >= datetime(2026, 12, 31, 16, tzinfo=UTC)


def test_every_weekly_slot_on_the_way_gets_a_tick_inside_its_window() -> None:
    """Whatever zone a person is in, their prompt, reminder and digest of each week fall
    due before a tick that comes within the window, and ticks are few."""
    rhythm = TeamRhythm()
    start, end = TUESDAY, TUESDAY + timedelta(weeks=3)
    moments = tick_moments(start, end, [TeamTimes("Asia/Shanghai", rhythm)], ZONES)
    assert moments[-1] == end and moments == sorted(moments)
    assert len(moments) < 3 * 7  # not every hour, let alone every minute
    for zone in ZONES:
        for weekday, at, window in (
            (rhythm.checkin_weekday, rhythm.checkin_time, PROMPT_WINDOW),
            (rhythm.nudge_weekday, rhythm.nudge_time, PROMPT_WINDOW),
            (rhythm.digest_weekday, rhythm.digest_time, DIGEST_WINDOW),
        ):
            day = start
            while day < end - timedelta(days=1):
                slot = weekly_slot(day, zone, weekday, at)
                if start < slot.due <= end - window:
                    assert any(slot.due <= m < slot.due + window for m in moments), (zone, slot)
                day += timedelta(days=1)


def test_moments_closer_than_the_shared_tick_run_once_at_the_last_of_them() -> None:
    """Each moment is ticked at or after it, and at most SHARED_TICK later."""
    hours = (0, 1, 11, 13, 30)
    moments = [TUESDAY + timedelta(hours=h) for h in hours]
    ticks = _shared(moments)
    assert ticks == [TUESDAY + timedelta(hours=h) for h in (11, 13, 30)]
    for moment in moments:
        assert any(moment <= tick <= moment + SHARED_TICK for tick in ticks)


def test_close_and_planning_days_of_a_quarter() -> None:
    days = close_and_planning_days(date(2026, 12, 1), date(2027, 1, 10), 1)
    assert days == {date(2026, 12, 25), date(2027, 1, 1)}
