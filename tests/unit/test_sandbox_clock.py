"""The sandbox clock's jumps and the moments a jump stops at to run the tick."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from okr.rhythm import weekly_slot
from okr.team_rhythm import TeamRhythm
from sandbox.clock import AFTER_DUE, SandboxClock, TeamTimes, due_runs, next_weekly, quarter_days

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


def test_each_weekly_slot_on_the_way_runs_its_job_just_after_it_is_due() -> None:
    """Whatever zone a person is in, the job that delivers their prompt, reminder or their
    team's digest runs AFTER_DUE after it falls due, and no moment runs a job for nothing."""
    rhythm = TeamRhythm()
    start, end = TUESDAY, TUESDAY + timedelta(weeks=3)
    runs = due_runs(start, end, [TeamTimes("Asia/Shanghai", rhythm)], ZONES)
    assert [m for m, _ in runs] == sorted({m for m, _ in runs})
    assert all(start < m < end for m, _ in runs)
    expected: set[tuple[datetime, str]] = set()
    for weekday, at, job, zones in (
        (rhythm.checkin_weekday, rhythm.checkin_time, "checkins", ZONES),
        (rhythm.nudge_weekday, rhythm.nudge_time, "nudges", ZONES),
        (rhythm.digest_weekday, rhythm.digest_time, "digests", ("Asia/Shanghai",)),
    ):
        for zone in zones:
            for days in range(-1, 23):
                slot = weekly_slot(start + timedelta(days=days), zone, weekday, at)
                if start < slot.due + AFTER_DUE < end:
                    expected.add((slot.due + AFTER_DUE, job))
    assert {(m, job) for m, jobs in runs for job in jobs} == expected
    assert len(runs) < 3 * 7 * 3  # a few moments a week, never every minute


def test_a_quarters_close_and_planning_run_on_their_days() -> None:
    rhythm = TeamRhythm()
    closing, planning = quarter_days(date(2026, 12, 1), date(2027, 1, 10), 1)
    assert (closing, planning) == ({date(2027, 1, 1)}, {date(2026, 12, 25)})
    runs = dict(
        due_runs(
            datetime(2026, 12, 1, tzinfo=UTC),
            datetime(2027, 1, 10, tzinfo=UTC),
            [TeamTimes("Asia/Shanghai", rhythm)],
            (),
            closing,
            planning,
        )
    )
    shanghai = ZoneInfo("Asia/Shanghai")
    close_at = datetime(2027, 1, 1, 16, 5, tzinfo=shanghai)
    plan_at = datetime(2026, 12, 25, 9, 5, tzinfo=shanghai)
    # Friday 1 January: that week's digest, then the quarter's close, in registry order
    assert runs[close_at] == ("digests", "cycle-close")
    assert "planning" in runs[plan_at]
