"""Fiscal quarters, their names, and their bounds in real time zones (DST included)."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.cycles import (
    CycleSpan,
    cycle_bounds_utc,
    fiscal_year_of,
    next_quarter,
    previous_quarter,
    quarter_for,
    quarters_of_fiscal_year,
    today_in,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "start_month", "name", "start", "end"),
    [
        # calendar fiscal year: the name is the calendar year
        (date(2026, 1, 1), 1, "FY2026 Q1", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 5, 17), 1, "FY2026 Q2", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 12, 31), 1, "FY2026 Q4", date(2026, 10, 1), date(2026, 12, 31)),
        # February start (retail): FY2027 runs Feb 2026 - Jan 2027
        (date(2026, 2, 1), 2, "FY2027 Q1", date(2026, 2, 1), date(2026, 4, 30)),
        (date(2026, 1, 31), 2, "FY2026 Q4", date(2025, 11, 1), date(2026, 1, 31)),
        (date(2026, 12, 25), 2, "FY2027 Q4", date(2026, 11, 1), date(2027, 1, 31)),
        (date(2027, 1, 31), 2, "FY2027 Q4", date(2026, 11, 1), date(2027, 1, 31)),
        # April start: FY2027 runs Apr 2026 - Mar 2027
        (date(2026, 4, 1), 4, "FY2027 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 3, 31), 4, "FY2026 Q4", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2025, 12, 31), 4, "FY2026 Q3", date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), 4, "FY2026 Q4", date(2026, 1, 1), date(2026, 3, 31)),
        # October start (US federal style): FY2026 runs Oct 2025 - Sep 2026
        (date(2025, 10, 1), 10, "FY2026 Q1", date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 9, 30), 10, "FY2025 Q4", date(2025, 7, 1), date(2025, 9, 30)),
        (date(2026, 1, 1), 10, "FY2026 Q2", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 9, 30), 10, "FY2026 Q4", date(2026, 7, 1), date(2026, 9, 30)),
        # December start crosses a leap February
        (date(2024, 2, 29), 12, "FY2024 Q1", date(2023, 12, 1), date(2024, 2, 29)),
    ],
)
def test_quarter_for(day: date, start_month: int, name: str, start: date, end: date) -> None:
    assert quarter_for(day, start_month) == CycleSpan(name, start, end)


@pytest.mark.parametrize(
    ("day", "start_month", "fiscal_year"),
    [(date(2026, 1, 1), 1, 2026), (date(2026, 2, 1), 2, 2027), (date(2026, 3, 1), 4, 2026)],
)
def test_fiscal_year_of(day: date, start_month: int, fiscal_year: int) -> None:
    assert fiscal_year_of(day, start_month) == fiscal_year


def test_quarters_of_fiscal_year() -> None:
    quarters = quarters_of_fiscal_year(2027, 4)
    assert [q.name for q in quarters] == ["FY2027 Q1", "FY2027 Q2", "FY2027 Q3", "FY2027 Q4"]
    assert quarters[0].start == date(2026, 4, 1)
    assert quarters[-1].end == date(2027, 3, 31)
    for before, after in itertools.pairwise(quarters):
        assert after.start == before.end + timedelta(days=1)
    first = quarters_of_fiscal_year(2026, 1)[0]
    assert (first.name, first.start) == ("FY2026 Q1", date(2026, 1, 1))


@pytest.mark.parametrize(
    ("day", "start_month", "next_name", "next_start"),
    [
        (date(2026, 12, 1), 1, "FY2027 Q1", date(2027, 1, 1)),
        (date(2027, 1, 15), 2, "FY2028 Q1", date(2027, 2, 1)),
        (date(2026, 2, 1), 4, "FY2027 Q1", date(2026, 4, 1)),
        (date(2025, 8, 1), 10, "FY2026 Q1", date(2025, 10, 1)),
        (date(2025, 11, 1), 10, "FY2026 Q2", date(2026, 1, 1)),
    ],
)
def test_next_quarter(day: date, start_month: int, next_name: str, next_start: date) -> None:
    span = quarter_for(day, start_month)
    following = next_quarter(span, start_month)
    assert (following.name, following.start) == (next_name, next_start)
    assert previous_quarter(following, start_month) == span


@pytest.mark.parametrize("start_month", [0, 13, -1])
def test_bad_fiscal_start_month(start_month: int) -> None:
    with pytest.raises(ValueError):
        quarter_for(date(2026, 1, 1), start_month)


def test_span_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        CycleSpan("bad", date(2026, 2, 1), date(2026, 1, 1))


def test_span_helpers() -> None:
    span = quarter_for(date(2026, 5, 1), 1)
    assert span.days == 91
    assert span.contains(date(2026, 6, 30))
    assert not span.contains(date(2026, 7, 1))


# --- time zones ---------------------------------------------------------------------------


def test_today_in_shanghai_is_already_tomorrow() -> None:
    now = utc(2026, 3, 31, 17, 30)  # 01:30 on 1 April in Shanghai (UTC+8)
    assert today_in("UTC", now) == date(2026, 3, 31)
    assert today_in("Asia/Shanghai", now) == date(2026, 4, 1)
    assert quarter_for(today_in("UTC", now), 1).name == "FY2026 Q1"
    assert quarter_for(today_in("Asia/Shanghai", now), 1).name == "FY2026 Q2"


def test_today_in_new_york_is_still_yesterday() -> None:
    assert today_in("America/New_York", utc(2026, 1, 1, 3)) == date(2025, 12, 31)


def test_today_in_rejects_naive_times_and_unknown_zones() -> None:
    with pytest.raises(ValueError):
        today_in("UTC", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        today_in("Mars/Olympus_Mons", utc(2026, 1, 1))
    with pytest.raises(ValueError):
        today_in("../etc/passwd", utc(2026, 1, 1))


@pytest.mark.parametrize(
    ("in_quarter", "tz", "start", "end"),
    [
        # New York: EST (-5) in January, EDT (-4) from 8 March 2026, EST again from 1 November
        (date(2026, 2, 1), "America/New_York", utc(2026, 1, 1, 5), utc(2026, 4, 1, 4)),
        (date(2026, 11, 1), "America/New_York", utc(2026, 10, 1, 4), utc(2027, 1, 1, 5)),
        # Berlin: CET (+1) in January, CEST (+2) from 29 March 2026, CET again from 25 October
        (date(2026, 2, 1), "Europe/Berlin", utc(2025, 12, 31, 23), utc(2026, 3, 31, 22)),
        (date(2026, 5, 1), "Europe/Berlin", utc(2026, 3, 31, 22), utc(2026, 6, 30, 22)),
        (date(2026, 11, 1), "Europe/Berlin", utc(2026, 9, 30, 22), utc(2026, 12, 31, 23)),
        (date(2026, 5, 1), "Asia/Shanghai", utc(2026, 3, 31, 16), utc(2026, 6, 30, 16)),
    ],
)
def test_cycle_bounds_utc(in_quarter: date, tz: str, start: datetime, end: datetime) -> None:
    got = cycle_bounds_utc(quarter_for(in_quarter, 1), tz)
    assert got == (start, end)
    assert all(moment.utcoffset() == timedelta(0) for moment in got)


@pytest.mark.parametrize(
    ("tz", "dst_day", "hours"),
    [
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Europe/Berlin", date(2026, 3, 29), 23),
        ("Europe/Berlin", date(2026, 10, 25), 25),
        ("America/Santiago", date(2026, 9, 6), 23),  # midnight itself is skipped there
    ],
)
def test_dst_days_have_their_real_length(tz: str, dst_day: date, hours: int) -> None:
    start, end = cycle_bounds_utc(CycleSpan("one day", dst_day, dst_day), tz)
    assert end - start == timedelta(hours=hours)
    assert today_in(tz, start) == dst_day
    assert today_in(tz, end - timedelta(microseconds=1)) == dst_day
    assert today_in(tz, end) == dst_day + timedelta(days=1)


def test_santiago_day_starts_when_the_clock_jumps() -> None:
    # 6 Sep 2026: clocks go from 00:00 -04 straight to 01:00 -03, i.e. at 04:00 UTC
    sunday = date(2026, 9, 6)
    start, _ = cycle_bounds_utc(CycleSpan("x", sunday, sunday), "America/Santiago")
    assert start == utc(2026, 9, 6, 4)
    assert today_in("America/Santiago", start - timedelta(microseconds=1)) == date(2026, 9, 5)


# --- properties ---------------------------------------------------------------------------

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
MONTHS = st.integers(min_value=1, max_value=12)


@given(DAYS, MONTHS)
def test_quarter_contains_its_day_and_chains(day: date, start_month: int) -> None:
    span = quarter_for(day, start_month)
    assert span.contains(day)
    assert 89 <= span.days <= 92
    assert span.start.day == 1
    assert (span.start.month - start_month) % 3 == 0
    assert quarter_for(span.start, start_month) == span
    assert quarter_for(span.end, start_month) == span
    following = next_quarter(span, start_month)
    assert following.start == span.end + timedelta(days=1)
    assert span in quarters_of_fiscal_year(fiscal_year_of(day, start_month), start_month)
    assert span.name == f"FY{fiscal_year_of(day, start_month)} Q{span.name[-1]}"


@given(DAYS, MONTHS, st.sampled_from(["UTC", "America/New_York", "Europe/Berlin", "Asia/Shanghai"]))
def test_consecutive_cycles_touch(day: date, start_month: int, tz: str) -> None:
    span = quarter_for(day, start_month)
    _, end = cycle_bounds_utc(span, tz)
    following_start, _ = cycle_bounds_utc(next_quarter(span, start_month), tz)
    assert end == following_start
