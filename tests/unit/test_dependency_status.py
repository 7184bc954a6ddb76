"""Which upstream status change warns the teams depending on a KR, and the monthly
review's day: the pure rules of okr.dependency_status."""

from __future__ import annotations

from datetime import date

import pytest

from okr.calendar import WorkCalendar
from okr.dependency_status import (
    AT_RISK,
    OFF_TRACK,
    ON_TRACK,
    TOO_EARLY,
    dependency_status,
    first_working_day,
    next_recorded,
    warns,
)
from okr.progress import Status, counts_as_at_risk


@pytest.mark.parametrize(
    ("status", "confidence", "expected"),
    [
        (None, None, TOO_EARLY),  # no reading, no call: nothing to warn about, not on track
        (Status.ON_TRACK, None, ON_TRACK),
        (Status.ON_TRACK, "at_risk", AT_RISK),  # the owner's call counts
        (Status.AT_RISK, "on_track", AT_RISK),  # and so does the suggestion
        (Status.AT_RISK, "off_track", OFF_TRACK),  # the worse of the two
        (Status.OFF_TRACK, None, OFF_TRACK),
        (None, "high", TOO_EARLY),
        (None, "at_risk", AT_RISK),  # the owner's call of risk counts before any reading
    ],
)
def test_the_status_is_the_digests_risk_rule(
    status: Status | None, confidence: str | None, expected: str
) -> None:
    assert dependency_status(status, confidence) == expected
    assert warns(expected) == counts_as_at_risk(status, confidence)


@pytest.mark.parametrize(
    ("recorded", "seen", "expected"),
    [
        (None, ON_TRACK, None),
        (None, AT_RISK, AT_RISK),  # first seen at risk: warn once
        (ON_TRACK, AT_RISK, AT_RISK),
        (AT_RISK, AT_RISK, None),  # the same status again: nothing new
        (AT_RISK, OFF_TRACK, OFF_TRACK),  # worse: warn again
        (OFF_TRACK, AT_RISK, None),  # easing within the risks: already warned
        (OFF_TRACK, ON_TRACK, ON_TRACK),  # back on track: re-armed, no warning
        (ON_TRACK, ON_TRACK, None),
    ],
)
def test_what_a_change_records(recorded: str | None, seen: str, expected: str | None) -> None:
    assert next_recorded(recorded, seen) == expected


def test_the_first_working_day_skips_weekends_holidays_and_paused_weeks() -> None:
    assert first_working_day(2026, 12, WorkCalendar()) == date(2026, 12, 1)  # a Tuesday
    assert first_working_day(2026, 11, WorkCalendar()) == date(2026, 11, 2)  # 1st a Sunday
    assert first_working_day(2026, 10, WorkCalendar("CN")) == date(2026, 10, 8)  # Golden Week
    assert first_working_day(2027, 1, WorkCalendar("CN")) == date(2027, 1, 4)  # New Year
    paused = WorkCalendar(paused_weeks=frozenset({date(2026, 11, 30)}))
    assert first_working_day(2026, 12, paused) == date(2026, 12, 7)
