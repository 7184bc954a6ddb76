"""okr.calendar: holidays move a weekly send to the next working day of its week, paused
weeks have none, and the digest gives way to the cycle-close summary and to an empty
first week."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from okr.calendar import (
    NO_DAYS_OFF,
    PauseAsk,
    WorkCalendar,
    country_code,
    digest_wanted,
    empty_first_week,
    pause_problem,
    paused_monday,
    read_pause,
    replaced_by_close,
    working_slot,
)
from okr.rhythm import weekly_slot
from okr.team_rhythm import DEFAULT_RHYTHM

US = WorkCalendar("US")
CN = WorkCalendar("CN")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("US", "US"), (" cn ", "CN"), ("DEU", "DE"), ("XX", None), ("", None), (None, None)],
)
def test_country_codes_are_the_holidays_packages(typed: str | None, code: str | None) -> None:
    assert country_code(typed) == code


def test_labor_day_moves_the_monday_prompt_to_tuesday_same_week() -> None:
    assert US.holiday(date(2026, 9, 7)) == "Labor Day"
    monday_morning = utc(2026, 9, 7, 6, 0)
    slot = working_slot(monday_morning, "America/New_York", 0, "09:00", US)
    plain = weekly_slot(monday_morning, "America/New_York", 0, "09:00")
    assert slot is not None
    assert slot.period == plain.period == "2026-W37"  # still the week's one prompt
    assert slot.due == utc(2026, 9, 8, 13, 0)  # Tuesday 09:00 New York (EDT)


def test_golden_week_moves_the_prompt_past_every_day_off() -> None:
    # 5, 6 and 7 Oct 2026 are days off in China: Monday's prompt goes out on Thursday.
    assert CN.working_day(date(2026, 10, 5)) == date(2026, 10, 8)


def test_a_week_without_a_working_day_left_sends_nothing() -> None:
    # Friday 2 Oct 2026 is National Day; Saturday and Sunday are the weekend.
    assert CN.working_day(date(2026, 10, 2)) is None
    assert working_slot(utc(2026, 10, 2, 1), "Asia/Shanghai", 4, "16:00", CN) is None


def test_a_country_weekend_is_its_own() -> None:
    # Saudi Arabia's weekend is Friday and Saturday.
    assert WorkCalendar("SA").weekend == frozenset({4, 5})
    assert NO_DAYS_OFF.weekend == frozenset({5, 6})


def test_a_paused_week_has_no_slot_whatever_the_day() -> None:
    paused = WorkCalendar(None, frozenset({date(2026, 11, 23)}))
    for weekday in range(7):
        assert working_slot(utc(2026, 11, 25, 12), "UTC", weekday, "09:00", paused) is None
    assert working_slot(utc(2026, 12, 1, 12), "UTC", 0, "09:00", paused) is not None


def test_the_pause_is_read_in_the_zone_of_the_send() -> None:
    # Monday 30 Nov 01:00 in Shanghai is still Sunday 29 Nov in UTC: the paused week of
    # 23 Nov is over in Shanghai, not in UTC.
    paused = WorkCalendar(None, frozenset({date(2026, 11, 23)}))
    now = utc(2026, 11, 29, 17, 0)
    assert working_slot(now, "Asia/Shanghai", 0, "09:00", paused) is not None
    assert working_slot(now, "UTC", 0, "09:00", paused) is None


def test_without_a_calendar_a_rhythm_slot_is_the_plain_weekly_one() -> None:
    now = utc(2026, 11, 23, 9, 0)
    assert DEFAULT_RHYTHM.checkin_slot(now, "UTC") == weekly_slot(now, "UTC", 0, "09:00")
    assert DEFAULT_RHYTHM.digest_slot(now, "UTC", US) == weekly_slot(now, "UTC", 4, "16:00")
    thanksgiving_week = utc(2026, 11, 26, 9, 0)
    moved = DEFAULT_RHYTHM.nudge_slot(thanksgiving_week, "UTC", WorkCalendar("US"))
    assert moved is not None and moved.due == utc(2026, 11, 25, 14, 0)  # Wed: no holiday


def test_new_years_day_close_replaces_that_weeks_digest() -> None:
    # FY2026 Q4 ends Thu 31 Dec; its summary goes out Fri 1 Jan; Friday's digest gives way.
    closes = [date(2027, 1, 1)]
    assert replaced_by_close(date(2027, 1, 1), closes)
    assert not replaced_by_close(date(2027, 1, 8), closes)
    # A close later in the same week replaces it too: the summary is that week's post.
    assert replaced_by_close(date(2026, 12, 28), [date(2027, 1, 1)])


def test_an_empty_first_week_has_no_digest_until_someone_reports() -> None:
    start = date(2027, 1, 1)
    assert empty_first_week(date(2027, 1, 1), start, reported=False)
    assert not empty_first_week(date(2027, 1, 1), start, reported=True)
    assert not empty_first_week(date(2027, 1, 8), start, reported=False)
    assert not digest_wanted(date(2027, 1, 8), start, True, [date(2027, 1, 4)])
    assert digest_wanted(date(2027, 1, 8), start, False, [date(2026, 10, 1)])


@pytest.mark.parametrize(
    ("typed", "when", "off", "team"),
    [
        ("next week", "next week", False, ""),
        ("This Week EMEA Sales", "this week", False, "EMEA Sales"),
        ("2026-12-07 Nordics", date(2026, 12, 7), False, "Nordics"),
        ("off", None, True, ""),
        ("off Nordics", None, True, "Nordics"),
        ("", None, False, ""),
        ("Nordics", None, False, "Nordics"),
    ],
)
def test_reading_pause(typed: str, when: object, off: bool, team: str) -> None:
    assert read_pause(typed) == PauseAsk(when, off, team)  # type: ignore[arg-type]


def test_a_date_that_is_no_date_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a date like"):
        read_pause("2026-13-01")


def test_which_week_and_whether_it_may_be_paused() -> None:
    today = date(2026, 12, 30)  # a Wednesday, FY2026 Q4 ends on Thursday 31 Dec
    q4 = (date(2026, 10, 1), date(2026, 12, 31))
    assert paused_monday("this week", today) == date(2026, 12, 28)
    assert paused_monday("next week", today) == date(2027, 1, 4)
    assert paused_monday(date(2026, 12, 31), today) == date(2026, 12, 28)
    assert pause_problem(date(2026, 12, 28), today, *q4) is None
    assert pause_problem(date(2027, 1, 4), today, *q4) == "outside"
    assert pause_problem(date(2026, 12, 21), today, *q4) == "over"
