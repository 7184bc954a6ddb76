"""Domain rules of DESIGN.md: progress, pace, status, forecast, grading, calibration, stretch."""

import inspect
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr.field_errors import FieldError
from okr.progress import (
    START_FIELD,
    TARGET_FIELD,
    Calibration,
    Grade,
    KRKind,
    Status,
    StretchVerdict,
    calibration,
    clamp01,
    expected_progress,
    forecast,
    forecast_progress,
    grade,
    objective_progress,
    progress,
    score_against,
    stretch_check,
    suggested_status,
    trend,
    validate_kr,
)

INC, DEC = KRKind.INCREASE, KRKind.DECREASE
ABOVE, BELOW, MILESTONE = KRKind.STAY_ABOVE, KRKind.STAY_BELOW, KRKind.MILESTONE
Q_START = datetime(2026, 1, 1, tzinfo=UTC)
Q_END = datetime(2026, 4, 1, tzinfo=UTC)  # 90 days


def day(n: float) -> datetime:
    return Q_START + timedelta(days=n)


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "target", "n_problems"),
    [
        (INC, 0, 100, 0),
        (INC, 100, 100, 1),
        (INC, 100, 50, 1),
        (DEC, 100, 50, 0),
        (DEC, 50, 50, 1),
        (DEC, 50, 100, 1),
        (INC, math.nan, 100, 1),
        (INC, 0, math.inf, 1),
        (INC, None, 100, 1),
        (DEC, None, None, 2),
        (ABOVE, None, 3, 0),
        (BELOW, 5, 3, 0),
        (ABOVE, None, None, 1),
        (BELOW, None, math.nan, 1),
        (MILESTONE, None, None, 0),
        ("increase", 0, 10, 0),
    ],
)
def test_validate_kr(
    kind: KRKind, start: float | None, target: float | None, n_problems: int
) -> None:
    problems = validate_kr(kind, start, target)
    assert len(problems) == n_problems
    assert all(isinstance(p.message, str) and p.message.endswith(".") for p in problems)
    assert all(p.field in (START_FIELD, TARGET_FIELD) for p in problems)


@pytest.mark.parametrize(
    ("kind", "start", "target", "fields"),
    [
        (INC, math.nan, math.inf, [START_FIELD, TARGET_FIELD]),
        (DEC, None, None, [START_FIELD, TARGET_FIELD]),
        (INC, None, 100, [START_FIELD]),
        (INC, 0, None, [TARGET_FIELD]),
        (INC, 5, 5, [TARGET_FIELD]),
        (INC, 10, 5, [TARGET_FIELD]),
        (DEC, 5, 10, [TARGET_FIELD]),
        (ABOVE, None, None, [TARGET_FIELD]),
        (BELOW, math.inf, 3, [START_FIELD]),
    ],
)
def test_validate_kr_puts_each_problem_on_its_field(
    kind: KRKind, start: float | None, target: float | None, fields: list[str]
) -> None:
    assert [p.field for p in validate_kr(kind, start, target)] == fields


def test_validate_kr_messages() -> None:
    assert validate_kr(INC, math.nan, None) == [
        FieldError("start", "The start value must be a finite number."),
        FieldError("target", "Enter a target."),
    ]
    assert validate_kr(ABOVE, None, None) == [
        FieldError("target", "Enter the threshold to hold."),
    ]


# --- progress -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "target", "current", "history", "done", "expected"),
    [
        (INC, 0, 100, 50, (), False, 0.5),
        (INC, 0, 100, 120, (), False, 1.2),
        (INC, 0, 100, -10, (), False, -0.1),
        (INC, 0, 100, None, (), False, 0.0),
        (INC, 200, 300, 250, (), False, 0.5),
        (DEC, 100, 50, 75, (), False, 0.5),
        (DEC, 100, 50, 40, (), False, 1.2),
        (DEC, 100, 50, 110, (), False, -0.2),
        (ABOVE, None, 3, None, (3, 2, 4, 1), False, 0.5),
        (ABOVE, None, 3, 99, (), False, 0.0),
        (BELOW, None, 3, None, (3, 4), False, 0.5),
        (BELOW, None, 3, 10, (1, 2, 3), False, 1.0),
        (MILESTONE, None, None, None, (), True, 1.0),
        (MILESTONE, None, None, None, (), False, 0.0),
    ],
)
def test_progress(
    kind: KRKind,
    start: float | None,
    target: float | None,
    current: float | None,
    history: tuple[float, ...],
    done: bool,
    expected: float,
) -> None:
    got = progress(kind, start, target, current, history_values=history, done=done)
    assert got == pytest.approx(expected)


def test_progress_rejects_what_validation_rejects() -> None:
    with pytest.raises(ValueError):
        progress(INC, 5, 5, 5)
    with pytest.raises(ValueError):
        progress(INC, 0, math.nan, 5)
    with pytest.raises(ValueError):
        progress(ABOVE, None, None, None, history_values=(1,))


@pytest.mark.parametrize(
    ("value", "clamped"), [(-0.5, 0.0), (0.0, 0.0), (0.3, 0.3), (1.0, 1.0), (3.0, 1.0)]
)
def test_clamp01(value: float, clamped: float) -> None:
    assert clamp01(value) == clamped


def test_clamp01_nan_is_no_progress() -> None:
    assert clamp01(math.nan) == 0.0


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(0.5, 1), (1.0, 1)], 0.75),
        ([(3.0, 1), (0.0, 1)], 0.5),  # a 300 % KR cannot hide one that has not moved
        ([(1.0, 3), (0.0, 1)], 0.75),
        ([(1.0, None), (0.0, None)], 0.5),
        ([(-1.0, 1), (0.5, 1)], 0.25),
        ([(0.5, 0)], 0.0),
        ([], 0.0),
    ],
)
def test_objective_progress(items: list[tuple[float, float | None]], expected: float) -> None:
    assert objective_progress(items) == pytest.approx(expected)


def test_objective_progress_rejects_negative_weights() -> None:
    with pytest.raises(ValueError):
        objective_progress([(0.5, -1)])


# --- pace and suggested status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [(day(-5), 0.0), (day(0), 0.0), (day(9), 0.1), (day(45), 0.5), (day(90), 1.0), (day(99), 1)],
)
def test_expected_progress(at: datetime, expected: float) -> None:
    assert expected_progress(Q_START, Q_END, at) == pytest.approx(expected)


def test_expected_progress_counts_real_time_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 29, tzinfo=berlin)  # the 23-hour day DST starts
    end = datetime(2026, 3, 30, tzinfo=berlin)
    noon = datetime(2026, 3, 29, 12, tzinfo=berlin)  # 11 real hours after midnight
    assert expected_progress(start, end, noon) == pytest.approx(11 / 23)


def test_expected_progress_needs_aware_times_and_a_real_cycle() -> None:
    with pytest.raises(ValueError):
        expected_progress(datetime(2026, 1, 1), Q_END, Q_START)
    with pytest.raises(ValueError):
        expected_progress(Q_END, Q_START, Q_START)


@pytest.mark.parametrize(
    ("kind", "progress_", "expected", "status"),
    [
        (INC, 0.0, 0.0999, None),  # too early to tell
        (INC, 0.0, 0.1, Status.OFF_TRACK),
        (INC, 0.07, 0.1, Status.ON_TRACK),  # ratio 0.7 (0.7000000000000001 in floats)
        (INC, 0.35, 0.5, Status.ON_TRACK),  # ratio exactly 0.7
        (INC, 0.3499, 0.5, Status.AT_RISK),
        (INC, 0.25, 0.5, Status.AT_RISK),  # ratio exactly 0.5
        (INC, 0.2499, 0.5, Status.OFF_TRACK),
        (INC, 1.3, 0.5, Status.ON_TRACK),
        (INC, -0.2, 0.5, Status.OFF_TRACK),
        (DEC, 0.7, 1.0, Status.ON_TRACK),
        (DEC, 0.69, 1.0, Status.AT_RISK),
        (DEC, 0.49, 1.0, Status.OFF_TRACK),
        (DEC, 0.9, 0.05, None),
        # not done: at risk from 75 % of the time to the due date (was 80 %: issue 10's defect)
        (MILESTONE, 0.0, 0.7499, Status.ON_TRACK),
        (MILESTONE, 0.0, 0.75, Status.AT_RISK),
        (MILESTONE, 0.0, 0.79, Status.AT_RISK),
        (MILESTONE, 0.0, 0.8, Status.AT_RISK),
        (MILESTONE, 0.0, 1.0, Status.AT_RISK),
    ],
)
def test_suggested_status_boundaries(
    kind: KRKind, progress_: float, expected: float, status: Status | None
) -> None:
    assert suggested_status(kind, progress_, expected) is status


@pytest.mark.parametrize(
    ("kind", "latest", "target", "done", "status"),
    [
        (ABOVE, 3.0, 3.0, False, Status.ON_TRACK),
        (ABOVE, 2.9, 3.0, False, Status.OFF_TRACK),
        (ABOVE, None, 3.0, False, None),
        (BELOW, 3.0, 3.0, False, Status.ON_TRACK),
        (BELOW, 3.1, 3.0, False, Status.OFF_TRACK),
        (MILESTONE, None, None, True, Status.ON_TRACK),
    ],
)
def test_suggested_status_stay_and_milestone(
    kind: KRKind, latest: float | None, target: float | None, done: bool, status: Status | None
) -> None:
    # stay_* ignore pace entirely; a done milestone is on track even at the very end
    got = suggested_status(kind, 0.0, 0.95, latest_value=latest, target=target, done=done)
    assert got is status


def test_suggested_status_does_not_take_confidence() -> None:
    params = inspect.signature(suggested_status).parameters
    assert not any("confidence" in name for name in params)
    with pytest.raises(TypeError):
        suggested_status(INC, 0.5, 0.5, confidence=0.9)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("previous", "current", "change"), [(None, 5, None), (3, 5, 2), (5, 3, -2), (5, 5, 0)]
)
def test_trend(previous: float | None, current: float, change: float | None) -> None:
    assert trend(previous, current) == change


# --- forecast -----------------------------------------------------------------------------


def test_forecast_reads_the_line_at_cycle_end() -> None:
    points = [(day(0), 10.0), (day(30), 40.0), (day(60), 70.0)]
    assert forecast(INC, 0, 100, points, Q_START, Q_END) == pytest.approx(100.0)
    assert forecast_progress(INC, 0, 100, points, Q_START, Q_END) == pytest.approx(1.0)


def test_forecast_least_squares_through_noisy_points() -> None:
    points = [(day(0), 0.0), (day(10), 12.0), (day(20), 18.0), (day(30), 30.0)]
    # fitted line: y = 0.96 x + 0.6  ->  at day 90: 87
    assert forecast(INC, 0, 100, points, Q_START, Q_END) == pytest.approx(87.0)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [(day(10), 5.0)],
        [(day(10), 5.0), (day(10), 7.0)],
        [(day(10), 5.0), (day(10).astimezone(ZoneInfo("Asia/Tokyo")), 6.0)],  # same instant
    ],
)
def test_forecast_needs_two_distinct_times(points: list[tuple[datetime, float]]) -> None:
    assert forecast(INC, 0, 100, points, Q_START, Q_END) is None
    assert forecast_progress(INC, 0, 100, points, Q_START, Q_END) is None


def test_forecast_by_kind() -> None:
    points = [(day(0), 5.0), (day(45), 3.0)]
    assert forecast(MILESTONE, None, None, points, Q_START, Q_END) is None
    assert forecast(BELOW, None, 2.0, points, Q_START, Q_END) == pytest.approx(1.0)
    assert forecast_progress(BELOW, None, 2.0, points, Q_START, Q_END) is None
    assert forecast_progress(DEC, 5, 1, points, Q_START, Q_END) == pytest.approx(1.0)


# --- cycle end ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (1.0, Grade.GREEN),
        (0.7, Grade.GREEN),
        ((0.71 - 0.5) / (0.8 - 0.5), Grade.GREEN),  # 0.6999999999999997 in floats
        (0.6999, Grade.YELLOW),
        (0.4, Grade.YELLOW),
        (0.3999, Grade.RED),
        (0.0, Grade.RED),
        (1.5, Grade.GREEN),
        (-1.0, Grade.RED),
        (math.nan, Grade.RED),
    ],
)
def test_grade(score: float, colour: Grade) -> None:
    assert grade(score) is colour


@pytest.mark.parametrize(
    ("kind", "start", "original", "final", "current", "history", "scores"),
    [
        (INC, 0, 100, 80, 80, (), (0.8, 1.0)),
        (INC, 0, 100, 200, 250, (), (1.0, 1.0)),
        (DEC, 10, 5, 8, 9, (), (0.2, 0.5)),
        (BELOW, None, 3, 4, None, (2.5, 3.5, 4.5, 3.0), (0.5, 0.75)),
    ],
)
def test_score_against_both_targets(
    kind: KRKind,
    start: float | None,
    original: float,
    final: float,
    current: float | None,
    history: tuple[float, ...],
    scores: tuple[float, float],
) -> None:
    got = score_against(kind, start, original, final, current, history_values=history)
    assert got == pytest.approx(scores)


@pytest.mark.parametrize(
    ("scores", "verdict"),
    [
        ([], Calibration.NO_DATA),
        ([0.95, 0.9, 0.1], Calibration.TOO_LOW),  # 2 of 3 at or above 0.9
        ([0.9, 0.1], Calibration.MIXED),  # exactly half is not "most"; mean 0.5
        ([0.9, 0.9, 0.89, 0.5], Calibration.HEALTHY),  # half >= 0.9 is not most; mean 0.7975
        ([0.9, 0.9, 0.0, 0.0], Calibration.MIXED),  # half high, half low: mean 0.45
        ([1.5, 1.2, 0.0], Calibration.TOO_LOW),  # clamped first
        ([0.3, 0.3, 1.0], Calibration.TOO_HIGH),
        ([0.3, 0.31, 0.31], Calibration.MIXED),
        ([0.0, 0.0, 0.0], Calibration.TOO_HIGH),
        ([0.7, 0.7], Calibration.HEALTHY),
        ([0.6], Calibration.HEALTHY),
        ([0.8], Calibration.HEALTHY),
        ([0.5, 0.7], Calibration.HEALTHY),  # mean 0.6
        ([0.59], Calibration.MIXED),
        ([0.81], Calibration.MIXED),
    ],
)
def test_calibration(scores: list[float], verdict: Calibration) -> None:
    assert calibration(scores) is verdict
    assert verdict.message


@pytest.mark.parametrize(
    ("kind", "baseline", "target", "verdict"),
    [
        (INC, 100, 100, StretchVerdict.NOT_CHALLENGING),
        (INC, 100, 105, StretchVerdict.NOT_CHALLENGING),
        (INC, 20, 21, StretchVerdict.NOT_CHALLENGING),
        (INC, 100, 105.01, StretchVerdict.REASONABLE),
        (INC, 100, 300, StretchVerdict.REASONABLE),
        (INC, 100, 300.01, StretchVerdict.LIKELY_UNREALISTIC),
        (INC, 100, 50, StretchVerdict.NOT_CHALLENGING),
        (ABOVE, 100, 105, StretchVerdict.NOT_CHALLENGING),
        (ABOVE, 100, 301, StretchVerdict.LIKELY_UNREALISTIC),
        (DEC, 100, 95, StretchVerdict.NOT_CHALLENGING),
        (DEC, 100, 120, StretchVerdict.NOT_CHALLENGING),
        (DEC, 100, 94.99, StretchVerdict.REASONABLE),
        (DEC, 90, 30, StretchVerdict.REASONABLE),  # exactly a third
        (DEC, 90, 29.99, StretchVerdict.LIKELY_UNREALISTIC),
        (DEC, 5, 0, StretchVerdict.LIKELY_UNREALISTIC),
        (BELOW, 100, 96, StretchVerdict.NOT_CHALLENGING),
        (INC, None, 100, None),
        (INC, 0, 100, None),
        (INC, -50, 100, None),
        (DEC, 0, -10, None),
        (INC, math.nan, 100, None),
        (MILESTONE, 100, 200, None),
    ],
)
def test_stretch_check(
    kind: KRKind, baseline: float | None, target: float, verdict: StretchVerdict | None
) -> None:
    assert stretch_check(kind, baseline, target) is verdict


def test_stretch_verdict_is_warning() -> None:
    assert not StretchVerdict.REASONABLE.is_warning
    assert StretchVerdict.NOT_CHALLENGING.is_warning
    assert StretchVerdict.LIKELY_UNREALISTIC.is_warning


# --- properties ---------------------------------------------------------------------------

VALUE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(VALUE, VALUE, VALUE, VALUE)
def test_progress_monotone_for_increase(start: float, target: float, a: float, b: float) -> None:
    assume(target > start)
    low, high = sorted((a, b))
    assert progress(INC, start, target, low) <= progress(INC, start, target, high)


@given(VALUE, VALUE, VALUE, VALUE)
def test_progress_monotone_towards_target_for_decrease(
    start: float, target: float, a: float, b: float
) -> None:
    assume(target < start)
    low, high = sorted((a, b))
    # moving down (towards the target) never lowers progress
    assert progress(DEC, start, target, high) <= progress(DEC, start, target, low)


@given(
    st.sampled_from([k for k in KRKind if not k.per_period]),  # a quota's: tests/unit/test_quota
    VALUE,
    VALUE,
    VALUE,
    st.lists(VALUE, max_size=10),
    st.booleans(),
)
def test_clamped_score_in_unit_interval(
    kind: KRKind, start: float, target: float, current: float, history: list[float], done: bool
) -> None:
    assume(start != target)
    score = clamp01(progress(kind, start, target, current, history_values=history, done=done))
    assert 0.0 <= score <= 1.0
    both = score_against(kind, start, target, target, current, history_values=history, done=done)
    assert all(0.0 <= s <= 1.0 for s in both)


@given(st.lists(st.tuples(st.floats(allow_nan=True), st.floats(0, 1e6)), max_size=10))
def test_objective_progress_in_unit_interval(items: list[tuple[float, float]]) -> None:
    assert 0.0 <= objective_progress(items) <= 1.0


@given(
    st.floats(min_value=-1e4, max_value=1e4),
    st.floats(min_value=-1e6, max_value=1e6),
    st.lists(st.integers(0, 90 * 24 * 60), min_size=2, max_size=15, unique=True),
)
def test_forecast_of_points_on_a_line(slope: float, intercept: float, minutes: list[int]) -> None:
    points = [(Q_START + timedelta(minutes=m), slope * (m / 1440) + intercept) for m in minutes]
    got = forecast(INC, 0, 1, points, Q_START, Q_END)
    assert got is not None
    want = slope * 90 + intercept
    assert got == pytest.approx(want, rel=1e-6, abs=1e-6 * (abs(slope) * 90 + abs(intercept) + 1))


@given(st.integers(min_value=-(10**6), max_value=10**7))
def test_expected_progress_in_unit_interval(minutes: int) -> None:
    assert 0.0 <= expected_progress(Q_START, Q_END, Q_START + timedelta(minutes=minutes)) <= 1.0
