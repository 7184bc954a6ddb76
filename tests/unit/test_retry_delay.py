"""The delivery backoff: doubling from a minute, capped at an hour, never under Retry-After."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from scheduler.deliver import FIRST_RETRY, LONGEST_RETRY, retry_delay


def test_doubles_from_a_minute_to_an_hour() -> None:
    minutes = [retry_delay(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_day_long_outage_is_tried_about_thirty_times_not_five() -> None:
    elapsed, attempts = timedelta(0), 0
    while elapsed < timedelta(hours=24):
        attempts += 1
        elapsed += retry_delay(attempts)
    assert 25 <= attempts <= 35


def test_a_five_minute_outage_is_retried_within_minutes_of_its_end() -> None:
    elapsed, attempts = timedelta(0), 0
    while elapsed < timedelta(minutes=6):
        attempts += 1
        elapsed += retry_delay(attempts)
    assert elapsed <= timedelta(minutes=16)


@given(st.integers(min_value=-3, max_value=10_000), st.floats(0, 7200) | st.none())
def test_bounded_and_honours_retry_after(attempts: int, retry_after: float | None) -> None:
    delay = retry_delay(attempts, retry_after)
    assert FIRST_RETRY <= delay <= max(LONGEST_RETRY, timedelta(seconds=retry_after or 0))
    if retry_after:
        assert delay >= timedelta(seconds=retry_after)
