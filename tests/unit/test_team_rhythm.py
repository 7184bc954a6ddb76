"""The one team-rhythm value: its defaults and what makes a rhythm invalid."""

from __future__ import annotations

from dataclasses import replace

import pytest

from okr.team_rhythm import DEFAULT_RHYTHM, ORDER_ERROR, TeamRhythm


def test_defaults_are_monday_wednesday_friday() -> None:
    assert TeamRhythm(0, "09:00", True, 2, "14:00", 4, "16:00") == DEFAULT_RHYTHM
    assert DEFAULT_RHYTHM.problems() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checkin_weekday": 7}, "checkin_weekday"),
        ({"digest_weekday": True}, "digest_weekday"),
        ({"checkin_time": "9:00"}, "checkin_time"),
        ({"nudge_time": "24:00"}, "nudge_time"),
        ({"nudge_enabled": "yes"}, "nudge_enabled"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, object], field: str) -> None:
    problems = replace(DEFAULT_RHYTHM, **change).problems()  # type: ignore[arg-type]
    assert [name for name, _ in problems] == [field]


def test_a_reminder_before_the_check_in_blames_the_day_or_the_time() -> None:
    earlier_day = replace(DEFAULT_RHYTHM, checkin_weekday=3)
    assert earlier_day.problems() == [("nudge_weekday", ORDER_ERROR)]
    same_day = replace(DEFAULT_RHYTHM, nudge_weekday=0, nudge_time="09:00")
    assert same_day.problems() == [("nudge_time", ORDER_ERROR)]
    assert replace(same_day, nudge_enabled=False).problems() == []
