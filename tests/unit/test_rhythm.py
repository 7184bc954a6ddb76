"""When the rhythm is due: weeks, local times, DST, snoozes, windows (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from okr.rhythm import (
    PROMPT_WINDOW,
    State,
    checked_in_this_week,
    close_slot,
    is_away,
    is_resting,
    local_instant,
    parse_hhmm,
    planning_slot,
    snooze_until,
    snoozed_slot,
    week_began,
    week_key,
    weekly_slot,
)
from okr.team_rhythm import DEFAULT_RHYTHM, TeamRhythm

NY, BERLIN, SHANGHAI = "America/New_York", "Europe/Berlin", "Asia/Shanghai"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_same_local_time_in_every_zone() -> None:
    now = utc(2026, 11, 25, 12, 0)  # a Wednesday
    shanghai = weekly_slot(now, SHANGHAI, 0, "09:00")
    new_york = weekly_slot(now, NY, 0, "09:00")
    assert shanghai.due == utc(2026, 11, 23, 1, 0)  # Monday 09:00 +08:00
    assert new_york.due == utc(2026, 11, 23, 14, 0)  # Monday 09:00 -05:00
    assert shanghai.period == new_york.period == "2026-W48"


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        (NY, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),  # gap: 03:30 EDT
        (NY, date(2026, 3, 9), time(9, 0), utc(2026, 3, 9, 13, 0)),  # first Monday of EDT
        (NY, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),  # twice: the first
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),  # gap: 03:30 CEST
        (BERLIN, date(2026, 10, 26), time(9, 0), utc(2026, 10, 26, 8, 0)),  # after: CET
    ],
)
def test_local_instants_across_dst(zone: str, day: date, at: time, expected: datetime) -> None:
    assert local_instant(day, at, ZoneInfo(zone)) == expected


def test_dst_neither_skips_nor_doubles_a_week() -> None:
    """Tick every 15 minutes through the week DST starts and the week it ends: each
    week's prompt is due in exactly one period, once."""
    for start in (utc(2026, 3, 2), utc(2026, 10, 26), utc(2026, 10, 19)):
        periods: dict[str, set[datetime]] = {}
        now = start
        while now < start + timedelta(days=21):
            slot = weekly_slot(now, NY, 6, "02:30")  # Sunday 02:30: hits both edges
            if slot.state(now, PROMPT_WINDOW) is State.DUE:
                periods.setdefault(slot.period, set()).add(slot.due)
            now += timedelta(minutes=15)
        assert all(len(dues) == 1 for dues in periods.values()), periods
        within = [p for p, dues in periods.items() if min(dues) >= start]
        assert len(within) == 3, periods  # three Sundays in 21 days, each due once


def test_windows() -> None:
    slot = weekly_slot(utc(2026, 11, 23, 9, 0), "UTC", 0, "09:00")
    assert slot.state(utc(2026, 11, 23, 8, 59), PROMPT_WINDOW) is State.NOT_YET
    assert slot.state(utc(2026, 11, 23, 9, 0), PROMPT_WINDOW) is State.DUE
    assert slot.state(utc(2026, 11, 24, 8, 59), PROMPT_WINDOW) is State.DUE  # caught up
    assert slot.state(utc(2026, 11, 24, 9, 0), PROMPT_WINDOW) is State.STALE


def test_snoozes_and_skips() -> None:
    now = utc(2026, 11, 23, 9, 5)
    later = snooze_until(now, BERLIN, "later", "09:00")
    assert later == now + timedelta(hours=3)
    tomorrow = snooze_until(now, BERLIN, "tomorrow", "09:00")
    assert tomorrow == utc(2026, 11, 24, 8, 0)
    prompt = weekly_slot(now, BERLIN, 0, "09:00")
    assert snoozed_slot(prompt, tomorrow, now) is None  # not yet
    again = snoozed_slot(prompt, tomorrow, tomorrow)
    assert again is not None and (again.period, again.due) == ("2026-W48@20261124T0800", tomorrow)
    assert snoozed_slot(prompt, tomorrow, tomorrow + PROMPT_WINDOW) is None  # window closed
    next_week = weekly_slot(now + timedelta(days=7), BERLIN, 0, "09:00")
    assert next_week.due == utc(2026, 11, 30, 8, 0)
    assert snoozed_slot(next_week, tomorrow, next_week.due) is None  # an old snooze does not stick
    assert snoozed_slot(prompt, None, tomorrow) is None
    with pytest.raises(ValueError):
        snooze_until(now, BERLIN, "forever", "09:00")


def test_weeks_and_away() -> None:
    assert week_key(date(2026, 12, 31)) == "2026-W53"
    assert week_key(date(2027, 1, 4)) == "2027-W01"
    assert week_began(utc(2026, 11, 25, 12), SHANGHAI) == utc(2026, 11, 22, 16, 0)
    assert is_away(date(2026, 11, 25), utc(2026, 11, 25, 15), NY)
    assert not is_away(date(2026, 11, 25), utc(2026, 11, 25, 17), SHANGHAI)  # already 26th
    assert not is_away(None, utc(2026, 11, 25), NY)
    with pytest.raises(ValueError):
        parse_hhmm("9am")


def test_resting_and_checked_in_this_week() -> None:
    now = utc(2026, 11, 25, 12)  # Wednesday
    assert is_resting(date(2026, 11, 27), None, now, NY, "2026-W48")  # away
    assert is_resting(None, "2026-W48", now, NY, "2026-W48")  # skipping this week
    assert not is_resting(None, "2026-W47", now, NY, "2026-W48")  # skipped last week
    assert not is_resting(date(2026, 11, 24), None, now, NY, "2026-W48")  # back
    assert checked_in_this_week(utc(2026, 11, 23, 5, 0), now, NY)  # Monday 00:00 in NY
    assert not checked_in_this_week(utc(2026, 11, 23, 4, 59), now, NY)  # still Sunday there
    assert not checked_in_this_week(None, now, NY)


def test_close_and_planning_slots() -> None:
    close = close_slot(date(2026, 12, 31), NY, "16:00", 7)
    assert (close.period, close.due) == ("cycle:7", utc(2027, 1, 1, 21, 0))
    upcoming, plan = planning_slot(utc(2026, 12, 20), "UTC", "09:00", 1)
    assert (upcoming.name, upcoming.start) == ("FY2027 Q1", date(2027, 1, 1))
    assert (plan.period, plan.due) == ("plan:2027-01-01", utc(2026, 12, 25, 9, 0))
    upcoming, plan = planning_slot(utc(2026, 12, 20), "UTC", "09:00", 4)  # April fiscal year
    assert (upcoming.start, plan.due) == (date(2027, 1, 1), utc(2026, 12, 25, 9, 0))
    assert upcoming.name == "FY2027 Q4"


def test_a_teams_rhythm_gives_its_weekly_slots() -> None:
    rhythm = TeamRhythm(1, "08:30", True, 3, "15:00", 4, "16:00")
    now = utc(2026, 11, 25, 12)
    assert rhythm.checkin_slot(now, BERLIN) == weekly_slot(now, BERLIN, 1, "08:30")
    assert rhythm.nudge_slot(now, BERLIN).due == utc(2026, 11, 26, 14, 0)
    assert rhythm.digest_slot(now, "UTC") == weekly_slot(now, "UTC", 4, "16:00")
    assert DEFAULT_RHYTHM.checkin_slot(now, "UTC").due == utc(2026, 11, 23, 9, 0)
