"""Quota key results and the one status rule set (issue 10): periods, attainment, progress,
status, forecast, stretch check, and the defects the issue names. Pure: no database.

The cycle is Q4 2026 (1 October to 31 December, 92 days) in Europe/Stockholm; its weeks run
from Monday 28 September (the week containing 1 October) to the week of 28 December.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.cycles import CycleSpan, cycle_bounds_utc
from okr.digest import assemble_close, assemble_digest, progress_at
from okr.due_dates import DueDay, parse_due
from okr.outline import CheckInNote, KRLine, ObjectiveCard, kr_line
from okr.periods import (
    Period,
    default_period,
    period_from_key,
    period_of,
    period_of_day,
    periods_between,
)
from okr.progress import (
    KRKind,
    Status,
    StretchVerdict,
    counts_as_at_risk,
    progress,
    stretch_check,
    suggested_status,
    validate_kr,
)
from okr.quota import QuotaBasis, Reading, attainment, period_average, summarise, was_away
from okr.values import ValueParseError
from tests.unit.test_digest import card

ZONE = "Europe/Stockholm"
TZ = ZoneInfo(ZONE)
FIRST, LAST = date(2026, 10, 1), date(2026, 12, 31)
START, END = cycle_bounds_utc(CycleSpan("Q4 2026", FIRST, LAST), ZONE)
WEEKS = periods_between(FIRST, LAST, Period.WEEK)


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def monday(n: int) -> date:
    """The Monday of the cycle's n-th week (1-based: week 1 starts 28 September)."""
    return WEEKS[n - 1].first


def basis(quota: float = 50, away: tuple[tuple[date, date], ...] = ()) -> QuotaBasis:
    return QuotaBasis(quota, Period.WEEK, ZONE, FIRST, LAST, away)


def reading(week: int, count: float, *, day: int = 0, hour: int = 9) -> Reading:
    """A count for week `week`, made `day` days after that week's Monday."""
    return Reading(WEEKS[week - 1].key, local(monday(week) + timedelta(days=day), hour), count)


# --- periods --------------------------------------------------------------------------------


def test_a_week_runs_monday_to_sunday_in_the_teams_zone() -> None:
    # 00:30 on Monday 23 November in Stockholm is still Sunday 22 November in UTC
    moment = datetime(2026, 11, 23, 0, 30, tzinfo=TZ)
    assert moment.astimezone(UTC).date() == date(2026, 11, 22)
    week = period_of(moment, ZONE, Period.WEEK)
    assert (week.first, week.last, week.key) == (date(2026, 11, 23), date(2026, 11, 29), "2026-W48")
    assert week.label == "week of 23 Nov"
    assert period_of(moment, "UTC", Period.WEEK).key == "2026-W47"


def test_a_month_is_the_calendar_month_in_the_teams_zone() -> None:
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Stockholm
    month = period_of(moment, ZONE, "month")
    assert (month.key, month.label, month.first, month.last) == (
        "2026-12",
        "December 2026",
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert period_of_day(date(2026, 11, 3), Period.MONTH).label == "November 2026"


@pytest.mark.parametrize(
    ("key", "period", "first"),
    [
        ("2026-W48", Period.WEEK, date(2026, 11, 23)),
        ("2026-W53", Period.WEEK, date(2026, 12, 28)),  # 2026 has 53 ISO weeks
        ("2026-11", Period.MONTH, date(2026, 11, 1)),
    ],
)
def test_keys_name_their_period(key: str, period: Period, first: date) -> None:
    span = period_from_key(key, period)
    assert span is not None and span.first == first and span.key == key


@pytest.mark.parametrize(
    ("key", "period"),
    [
        ("2026-W54", "week"),
        ("2025-W53", "week"),
        ("2026-13", "month"),
        ("2026-11", "week"),
        ("", "month"),
    ],
)
def test_keys_that_name_no_period(key: str, period: str) -> None:
    assert period_from_key(key, period) is None


def test_a_week_belongs_to_the_cycle_of_its_thursday() -> None:
    assert len(WEEKS) == 14  # 28 Sep - 4 Oct (Thursday 1 Oct), ..., 28 Dec - 3 Jan (31 Dec)
    assert WEEKS[0].first == date(2026, 9, 28) and WEEKS[-1].last == date(2027, 1, 3)
    q3 = periods_between(date(2026, 7, 1), date(2026, 9, 30), Period.WEEK)
    assert len(q3) == 13 and q3[-1].last == date(2026, 9, 27)  # no week in both quarters
    q1 = periods_between(date(2027, 1, 1), date(2027, 3, 31), Period.WEEK)
    assert q1[0].first == date(2027, 1, 4)
    months = periods_between(FIRST, LAST, Period.MONTH)
    assert [m.label for m in months] == ["October 2026", "November 2026", "December 2026"]


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.sampled_from(list(Period)))
def test_every_day_is_in_exactly_the_period_its_key_names(day: date, period: Period) -> None:
    span = period_of_day(day, period)
    assert span.contains(day)
    assert period_from_key(span.key, period) == span
    assert span.next().first == span.last + timedelta(days=1)
    assert span.previous().last == span.first - timedelta(days=1)


def test_the_check_in_asks_for_last_week_until_it_has_a_count() -> None:
    today = monday(9)  # Monday 23 November
    assert default_period(today, Period.WEEK, set(), FIRST, LAST).key == WEEKS[7].key
    assert default_period(today, Period.WEEK, {WEEKS[7].key}, FIRST, LAST).key == WEEKS[8].key
    # the week before the cycle's first belongs to the cycle before: never asked about
    assert default_period(date(2026, 10, 2), Period.WEEK, set(), FIRST, LAST).key == WEEKS[0].key


# --- attainment and progress ------------------------------------------------------------------


def test_attainment_is_count_over_quota_clamped_at_one() -> None:
    assert attainment(38, 50) == pytest.approx(0.76)
    assert attainment(75, 50) == 1.0
    assert attainment(0, 50) == 0.0
    assert attainment(10, 0) == 0.0


def test_progress_is_the_mean_over_the_periods_so_far() -> None:
    readings = [reading(1, 50), reading(2, 40), reading(3, 75), reading(5, 20)]
    # as of Wednesday of week 6: weeks 1-5 are closed; week 4 has no reading (counts 0),
    # week 6 has none yet (not counted): (1 + 0.8 + 1 + 0 + 0.4) / 5
    summary = summarise(basis(), readings, local(monday(6) + timedelta(days=2)))
    assert [r.count for r in summary.results] == [50, 40, 75, None, 20, None]
    assert summary.progress == pytest.approx(3.2 / 5)
    assert summary.met == 2  # 50 and 75 reached the quota
    assert len(summary.counted) == 5 and len(summary.reported) == 4
    assert summary.average == pytest.approx(185 / 4)
    assert summary.recent == pytest.approx((0.8 + 1 + 0.4) / 3)  # last three with a reading


def test_the_current_period_counts_once_it_has_a_reading() -> None:
    readings = [reading(1, 50), reading(2, 25, day=2)]
    summary = summarise(basis(), readings, local(monday(2) + timedelta(days=3)))
    assert summary.progress == pytest.approx((1 + 0.5) / 2)
    assert summary.current.span == WEEKS[1] and not summary.current.closed


def test_the_latest_reading_of_a_period_wins_and_nothing_carries_over() -> None:
    readings = [reading(1, 30, day=1), reading(1, 45, day=4), reading(2, 50)]
    summary = summarise(basis(), readings, local(monday(4)))
    assert [r.count for r in summary.results] == [45, 50, None, None]
    # week 3 is closed without a reading: 0, not week 2's 50
    assert summary.progress == pytest.approx((0.9 + 1 + 0) / 3)


def test_a_period_the_owner_was_away_is_left_out() -> None:
    away = ((monday(3), monday(3) + timedelta(days=4)),)  # Monday to Friday: 5 of 7 days
    readings = [reading(1, 50), reading(2, 50), reading(4, 50)]
    summary = summarise(basis(away=away), readings, local(monday(5)))
    assert [r.away for r in summary.results] == [False, False, True, False, False]
    assert summary.progress == 1.0 and len(summary.counted) == 3
    # two days away is not "away" for the week: missed, it counts 0
    short = ((monday(3), monday(3) + timedelta(days=1)),)
    assert not was_away(WEEKS[2], short)
    assert summarise(basis(away=short), readings, local(monday(5))).progress == 0.75


def test_readings_after_the_moment_are_not_seen() -> None:
    readings = [reading(1, 50), reading(2, 10)]
    before = summarise(basis(), readings, local(monday(2) - timedelta(days=1), 12))
    assert before.progress == 1.0 and before.recent == 1.0


def test_a_reading_without_a_period_counts_for_the_period_it_was_made_in() -> None:
    loose = Reading(None, local(monday(2) + timedelta(days=1)), 25)
    summary = summarise(basis(), [loose], local(monday(3)))
    assert [r.count for r in summary.results] == [None, 25, None]


def test_last_cycles_mean_per_period_is_the_stretch_baseline() -> None:
    readings = [reading(1, 40), reading(2, 50), reading(2, 60, day=3), reading(5, 20)]
    assert period_average(basis(), readings) == pytest.approx((40 + 60 + 20) / 3)
    assert period_average(basis(), []) is None
    assert stretch_check(KRKind.QUOTA, 40, 41) is StretchVerdict.NOT_CHALLENGING
    assert stretch_check(KRKind.QUOTA, 40, 60) is StretchVerdict.REASONABLE
    assert stretch_check(KRKind.QUOTA, 40, 121) is StretchVerdict.LIKELY_UNREALISTIC


def test_a_quota_needs_a_quota_above_zero() -> None:
    assert validate_kr(KRKind.QUOTA, None, 50) == []
    assert [p.message for p in validate_kr(KRKind.QUOTA, None, None)] == [
        "Enter the quota: how many per period."
    ]
    assert [p.message for p in validate_kr(KRKind.QUOTA, None, 0)] == [
        "A quota is a number above 0."
    ]
    with pytest.raises(ValueError, match="per period"):
        progress(KRKind.QUOTA, 0, 50, 10)


# --- properties -------------------------------------------------------------------------------

COUNTS = st.floats(0, 500, allow_nan=False)
WEEK_NUMBERS = st.integers(1, 14)


@given(
    st.lists(st.tuples(WEEK_NUMBERS, COUNTS, st.integers(0, 6)), max_size=30),
    st.integers(0, 100),
    st.floats(0.5, 200),
)
def test_a_quotas_score_stays_in_the_unit_interval(
    entries: list[tuple[int, float, int]], day: int, quota: float
) -> None:
    readings = [reading(w, c, day=d) for w, c, d in entries]
    summary = summarise(basis(quota), readings, local(FIRST + timedelta(days=day)))
    assert 0.0 <= summary.progress <= 1.0
    assert summary.recent is None or 0.0 <= summary.recent <= 1.0


@given(
    st.lists(st.tuples(WEEK_NUMBERS, COUNTS), max_size=14, unique_by=lambda e: e[0]),
    WEEK_NUMBERS,
    COUNTS,
    st.integers(0, 5),
)
def test_a_period_split_across_two_check_ins_scores_as_its_latest(
    entries: list[tuple[int, float]], split: int, earlier: float, day: int
) -> None:
    """Adding an earlier reading to a period (the period "split" across two check-ins) does
    not change the score: the latest reading of a period wins."""
    latest = [reading(w, c, day=6) for w, c in entries]
    at = local(date(2027, 1, 10))  # after the cycle and its last week
    once = summarise(basis(), latest, at)
    twice = summarise(basis(), [reading(split, earlier, day=day), *latest], at)
    if split in {w for w, _ in entries}:
        assert twice.progress == once.progress
        assert twice.recent == once.recent
    else:  # a period without a reading of its own gains one
        assert twice.reported != once.reported


# --- status: one rule set -------------------------------------------------------------------


def line(kind: str, notes: list[tuple[datetime, float, str | None]], at: datetime, **kw) -> KRLine:  # type: ignore[no-untyped-def]
    checkins = tuple(
        CheckInNote(i + 1, value, kw.get("confidence"), "", "U0AAA1", moment, period_key=key)
        for i, (moment, value, key) in enumerate(notes)
    )
    values = [v for _, v, _ in notes]
    current = values[-1] if values else (0.0 if kind == "milestone" else kw.get("start", 0.0))
    return kr_line(
        id=kw.get("id", 1),
        title="Prospects contacted",
        kind=kind,
        unit="number",
        currency=None,
        start=kw.get("start", 0.0),
        target=kw.get("target", 50.0),
        original_target=kw.get("original_target", kw.get("target", 50.0)),
        current=current,
        owner_id="U0AAA1",
        weight=1.0,
        confidence=kw.get("confidence"),
        history=checkins,
        cycle_start=START,
        cycle_end=END,
        at=at,
        period=kw.get("period", "week" if kind == "quota" else None),
        due_date=kw.get("due_date"),
        timezone=ZONE,
        away=kw.get("away", ()),
    )


def test_an_increase_without_a_reading_is_too_early_even_late() -> None:
    late = local(date(2026, 12, 1))
    assert line("increase", [], late, target=100).status is None
    checked = line("increase", [(local(date(2026, 11, 30)), 10, None)], late, target=100)
    assert checked.status is Status.OFF_TRACK


def test_an_increase_at_three_times_the_pace_in_week_two_is_on_track() -> None:
    """Issue 10's defect: "too early" in week 2 at 3x the expected pace. The table keeps
    "too early" only while expected < 0.1 (the first 9.2 days of this 92-day quarter); from
    then on week 2 is judged on its pace."""
    at = local(date(2026, 10, 11), 12)  # Sunday of the cycle's second full week, day 10.5
    expected = (at - START) / (END - START)
    assert 0.1 <= expected < 0.12
    fast = line("increase", [(local(date(2026, 10, 9)), 3 * expected * 100, None)], at, target=100)
    assert fast.status is Status.ON_TRACK
    early = local(date(2026, 10, 8))  # day 7: expected 0.076
    assert line("increase", [(early, 30, None)], early, target=100).status is None


def test_a_weekly_count_is_judged_on_its_last_three_weeks_not_its_first_reading() -> None:
    """Issue 10's defect: "Contact 50 prospects every week" faked as stay above 50 went red
    on its first reading of 38. As a quota, 38 of 50 is 0.76: on track."""
    at = local(monday(2) + timedelta(days=1))
    first = line("quota", [(local(monday(2)), 38, WEEKS[0].key)], at)
    assert first.quota is not None and first.quota.recent == pytest.approx(0.76)
    assert first.status is Status.ON_TRACK
    faked = line("stay_above", [(local(monday(2)), 38, None)], at)
    assert faked.status is Status.OFF_TRACK  # a threshold that did not hold is still red


@pytest.mark.parametrize(
    ("counts", "status"),
    [
        ([50, 50, 50, 0, 0], Status.OFF_TRACK),  # last three: 1, 0, 0 -> 0.33
        ([0, 0, 50, 50, 20], Status.ON_TRACK),  # 1, 1, 0.4 -> 0.8
        ([50, 30, 30, 30], Status.AT_RISK),  # 0.6
        ([35, 35, 35], Status.ON_TRACK),  # exactly 0.7
        ([25, 25, 25], Status.AT_RISK),  # exactly 0.5
        ([24, 25, 25], Status.OFF_TRACK),  # 0.493
    ],
)
def test_a_quotas_status_is_its_mean_attainment_over_the_last_three_periods(
    counts: list[float], status: Status
) -> None:
    notes = [(local(monday(i + 2)), c, WEEKS[i].key) for i, c in enumerate(counts)]
    assert line("quota", notes, local(monday(len(counts) + 2))).status is status


def test_a_quota_without_a_reading_is_too_early() -> None:
    assert line("quota", [], local(monday(10))).status is None


@pytest.mark.parametrize(
    ("held", "status"),
    [
        ([True], Status.ON_TRACK),
        ([False], Status.OFF_TRACK),
        ([True, False], Status.AT_RISK),  # 0.5
        ([True, True, False], Status.AT_RISK),  # 0.67
        ([False, True, True], Status.AT_RISK),  # 0.67
        ([False, False, True, True, True], Status.ON_TRACK),  # only the last three count
        ([True, True, True, False, False], Status.OFF_TRACK),  # 0.33
    ],
)
def test_a_threshold_is_judged_on_its_last_three_readings(held: list[bool], status: Status) -> None:
    values = [2.5 if ok else 3.04 for ok in held]
    assert suggested_status("stay_below", 0.0, 0.5, target=3.0, readings=values) is status


def test_a_threshold_whose_latest_reading_missed_is_never_on_track() -> None:
    # with a window of three, a missed latest reading caps r at 2/3: at risk at best
    assert suggested_status("stay_above", 0, 0.5, target=50, readings=[60, 60, 49]) is (
        Status.AT_RISK
    )
    assert suggested_status("stay_above", 0, 0.5, target=50, latest_value=49) is (Status.OFF_TRACK)


def test_a_milestone_not_done_is_at_risk_from_75_percent_of_its_time() -> None:
    """Issue 10's defect: a not-done milestone stayed green until 80 % of the quarter."""
    due = date(2026, 11, 30)  # 61 days from the cycle start (local midnight after: day 61)
    due_end = datetime.combine(due + timedelta(days=1), time(0), tzinfo=TZ)
    span = due_end - START
    on = START + span * 0.74
    risk = START + span * 0.76
    assert line("milestone", [], on, due_date=due).status is Status.ON_TRACK
    assert line("milestone", [], risk, due_date=due).status is Status.AT_RISK
    assert line("milestone", [], due_end, due_date=due).status is Status.OFF_TRACK
    done = [(local(date(2026, 11, 2)), 1.0, None)]
    assert line("milestone", done, due_end, due_date=due).status is Status.ON_TRACK
    # without a due date the cycle's end is the due date: 76 % of the quarter is at risk
    quarter = START + (END - START) * 0.76
    assert line("milestone", [], quarter).status is Status.AT_RISK
    assert line("milestone", [], END).status is Status.OFF_TRACK


def test_the_owners_own_at_risk_counts_as_at_risk() -> None:
    assert counts_as_at_risk(Status.ON_TRACK, "at_risk")
    assert counts_as_at_risk(None, "off_track")
    assert counts_as_at_risk(Status.OFF_TRACK, "on_track")
    assert not counts_as_at_risk(Status.ON_TRACK, "on_track")
    assert not counts_as_at_risk(None, None)


def _card(*krs: KRLine) -> ObjectiveCard:
    return card(1, *krs)


def test_the_digest_lists_a_kr_whose_owner_says_at_risk() -> None:
    """Issue 10's defect: the owner's own "at risk" never put a KR under At risk."""
    at = local(date(2026, 11, 20))
    on_pace = [(local(date(2026, 11, 16)), 80, None)]
    worried = line("increase", on_pace, at, target=100, id=1, confidence="at_risk")
    calm = line("increase", on_pace, at, target=100, id=2, confidence="on_track")
    sinking = line("increase", [(local(date(2026, 11, 16)), 5, None)], at, target=100, id=3)
    assert worried.status is Status.ON_TRACK
    data = assemble_digest(
        team_name="Nordics",
        cycle_name="Q4 2026",
        cycle_start=START,
        cycle_end=END,
        cards=[_card(worried, calm, sinking)],
        at=at,
        since=None,
        checked_in=(),
        owners=(),
    )
    assert [kr.id for _, kr in data.at_risk] == [3, 1]  # off track first


def test_a_quotas_progress_as_of_an_earlier_moment() -> None:
    notes = [(local(monday(i + 2)), c, WEEKS[i].key) for i, c in enumerate([50, 25, 0, 50])]
    kr = line("quota", notes, local(monday(6)))
    assert kr.progress == pytest.approx(2.5 / 5)  # week 5 closed without a reading
    assert kr.forecast_progress == kr.progress  # the forecast is the mean so far
    assert progress_at(kr, local(monday(3), 12)) == pytest.approx(1.5 / 2)
    assert kr.trend is None  # counts of different periods are not a trend


def test_a_revised_quota_is_scored_against_both() -> None:
    notes = [(local(monday(i + 2)), 40, WEEKS[i].key) for i in range(13)]
    kr = line("quota", notes, END, target=40, original_target=50)
    data = assemble_close(team_name="Nordics", cycle_name="Q4 2026", cards=[_card(kr)])
    [score] = data.objectives[0].krs
    # 14 weeks: 13 at 40 and the last (28 Dec - 3 Jan) closed without a reading
    assert score.score == pytest.approx(13 / 14)
    assert score.original_score == pytest.approx(13 * 0.8 / 14)


# --- due dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("15 Dec", DueDay(12, 15)),
        ("Dec 15", DueDay(12, 15)),
        ("15. Dezember", None),
        ("15 December 2026", DueDay(12, 15, 2026)),
        ("December 15th, 2026", DueDay(12, 15, 2026)),
        ("2026-12-15", DueDay(12, 15, 2026)),
        ("31 Nov", None),
        ("soon", None),
    ],
)
def test_due_dates_as_people_type_them(text: str, due: DueDay | None) -> None:
    if due is None:
        with pytest.raises(ValueParseError):
            parse_due(text)
    else:
        assert parse_due(text) == due


def test_a_due_date_without_a_year_is_the_one_inside_the_cycle() -> None:
    first, last = date(2026, 11, 1), date(2027, 1, 31)
    assert DueDay(1, 15).within(first, last) == date(2027, 1, 15)
    assert DueDay(11, 15).within(first, last) == date(2026, 11, 15)
    assert DueDay(3, 1).within(first, last) is None
    assert DueDay(12, 15, 2025).within(first, last) is None
