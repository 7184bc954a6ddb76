"""Progress, pace, suggested status, forecast and cycle-end grading of key results.

These are the "Domain rules (okr/)" of DESIGN.md, as pure functions over plain numbers and
timezone-aware datetimes. Every boundary the rules name (0.7, 0.5, 0.1, 0.75, 0.4, 0.9, 0.3,
0.6-0.8, x1.05, x3) is compared with a tolerance of ``EPS`` (1e-9) so that float noise such as
``0.7000000000000001`` or ``0.6999999999999999`` never flips a status, grade or warning at the
exact boundary the rules name; a threshold held by a stay_* value is compared exactly, because
both sides are numbers somebody typed.
"""

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum

from okr.field_errors import FieldError
from okr.i18n import N_, _

EPS = 1e-9
"""Tolerance for comparing ratios and scores with the rule boundaries."""

ON_TRACK_RATIO = 0.7
AT_RISK_RATIO = 0.5
TOO_EARLY_EXPECTED = 0.1
MILESTONE_AT_RISK_SHARE = 0.75
RECENT_READINGS = 3
GREEN_SCORE = 0.7
YELLOW_SCORE = 0.4
CALIBRATION_HIGH_SCORE = 0.9
CALIBRATION_LOW_SCORE = 0.3
HEALTHY_MEAN = (0.6, 0.8)
NOT_CHALLENGING_FACTOR = 1.05
NOT_CHALLENGING_DECREASE_FACTOR = 0.95
UNREALISTIC_FACTOR = 3.0


class KRKind(StrEnum):
    """How a key result's number is meant to move."""

    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"
    MILESTONE = "milestone"
    QUOTA = "quota"

    @property
    def moves(self) -> bool:
        """Whether progress runs from a start to a target (increase / decrease)."""
        return self in (KRKind.INCREASE, KRKind.DECREASE)

    @property
    def holds(self) -> bool:
        """Whether the KR is a threshold to hold (stay_above / stay_below)."""
        return self in (KRKind.STAY_ABOVE, KRKind.STAY_BELOW)

    @property
    def per_period(self) -> bool:
        """Whether each reading counts for one calendar period (a quota)."""
        return self is KRKind.QUOTA


class Status(StrEnum):
    """Pace verdict; the bot only ever *suggests* one, beside the owner's own confidence."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class Grade(StrEnum):
    """Cycle-end colour of a score."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Calibration(StrEnum):
    """What a team's cycle-end scores say about how its targets were set."""

    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"
    HEALTHY = "healthy"
    MIXED = "mixed"
    NO_DATA = "no_data"

    @property
    def message(self) -> str:
        """A sentence for the digest / cycle report."""
        return _(_CALIBRATION_MESSAGES[self])


_CALIBRATION_MESSAGES = {
    Calibration.TOO_LOW: N_("Targets were likely too low: most key results scored 0.9 or more."),
    Calibration.TOO_HIGH: N_("Targets were likely too high: most key results scored 0.3 or less."),
    Calibration.HEALTHY: N_(
        "Targets were well calibrated: the average score is in the 0.6-0.8 band."
    ),
    Calibration.MIXED: N_("Scores are mixed: the average is outside the healthy 0.6-0.8 band."),
    Calibration.NO_DATA: N_("No scored key results yet."),
}


class StretchVerdict(StrEnum):
    """Result of the stretch check made when a target is set (a warning, never a block)."""

    REASONABLE = "reasonable"
    NOT_CHALLENGING = "not_challenging"
    LIKELY_UNREALISTIC = "likely_unrealistic"

    @property
    def is_warning(self) -> bool:
        """Whether the verdict should be shown to the person setting the target."""
        return self is not StretchVerdict.REASONABLE


def _require_finite(value: float | None, what: str) -> float:
    if value is None or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _at_least(value: float, boundary: float) -> bool:
    return value >= boundary - EPS


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetimes must be timezone-aware (naive times are ambiguous)")


def _utc(moment: datetime) -> datetime:
    """Aware datetime in UTC, so differences are real elapsed time even across DST."""
    _require_aware(moment)
    return moment.astimezone(UTC)


# --- validation and progress --------------------------------------------------------------


#: The fields `validate_kr` puts problems on, named like the `KRDraft` attributes.
START_FIELD = "start"
TARGET_FIELD = "target"


def validate_kr(kind: KRKind | str, start: float | None, target: float | None) -> list[FieldError]:
    """Problems that stop a key result from being measured, each on its field
    (`START_FIELD` or `TARGET_FIELD`).

    increase/decrease need a finite start and target, different from each other and with the
    target on the side the kind moves to. stay_* need a finite threshold (``target``); a start
    is optional. A milestone needs neither. A quota needs a finite quota above 0 per period
    (``target``). Any value given must be finite.
    """
    kind = KRKind(kind)
    problems: list[FieldError] = []
    if start is not None and not math.isfinite(start):
        problems.append(FieldError(START_FIELD, _("The start value must be a finite number.")))
    if target is not None and not math.isfinite(target):
        problems.append(FieldError(TARGET_FIELD, _("The target must be a finite number.")))
    if kind.moves:
        if start is None:
            problems.append(FieldError(START_FIELD, _("Enter a start value.")))
        if target is None:
            problems.append(FieldError(TARGET_FIELD, _("Enter a target.")))
        if problems or start is None or target is None:
            return problems
        unmeasurable = None
        if start == target:
            unmeasurable = _(
                "The start and the target are the same, so progress cannot be measured."
            )
        elif kind is KRKind.INCREASE and target < start:
            unmeasurable = _(
                "For an increase the target must be above the start value"
                " (use a decrease key result to bring a number down)."
            )
        elif kind is KRKind.DECREASE and target > start:
            unmeasurable = _(
                "For a decrease the target must be below the start value"
                " (use an increase key result to grow a number)."
            )
        if unmeasurable is not None:
            problems.append(FieldError(TARGET_FIELD, unmeasurable))
    elif kind.holds and target is None:
        problems.append(FieldError(TARGET_FIELD, _("Enter the threshold to hold.")))
    elif kind is KRKind.QUOTA:
        if target is None:
            problems.append(FieldError(TARGET_FIELD, _("Enter the quota: how many per period.")))
        elif math.isfinite(target) and target <= 0:
            problems.append(FieldError(TARGET_FIELD, _("A quota is a number above 0.")))
    return problems


def _holds_threshold(kind: KRKind, value: float, threshold: float) -> bool:
    if kind is KRKind.STAY_ABOVE:
        return value >= threshold
    return value <= threshold


def progress(
    kind: KRKind | str,
    start: float | None,
    target: float | None,
    current: float | None,
    *,
    history_values: Iterable[float] = (),
    done: bool = False,
) -> float:
    """Raw progress of one key result (shown as is; ``clamp01`` it for scoring).

    - increase/decrease: ``(current - start) / (target - start)``; may exceed 1 or go below 0.
      ``current`` None (no check-in yet) counts as being at the start: 0.0.
    - stay_*: share of ``history_values`` (all of this cycle's check-in values, latest
      included) that hold the threshold ``target``; ``current`` is not added, so the latest
      check-in is not counted twice. No check-ins: 0.0.
    - milestone: 1.0 when ``done``, else 0.0.

    Raises ValueError for what ``validate_kr`` rejects (e.g. start == target), because a number
    computed from an invalid key result would be meaningless, and for a quota, whose progress
    is a mean over calendar periods (okr.quota.summarise), not a function of these numbers.
    """
    kind = KRKind(kind)
    if kind is KRKind.QUOTA:
        raise ValueError("a quota's progress is measured per period: use okr.quota.summarise")
    if kind is KRKind.MILESTONE:
        return 1.0 if done else 0.0
    if kind.holds:
        threshold = _require_finite(target, "threshold")
        values = [_require_finite(v, "check-in value") for v in history_values]
        if not values:
            return 0.0
        met = sum(1 for v in values if _holds_threshold(kind, v, threshold))
        return met / len(values)
    start_f = _require_finite(start, "start")
    target_f = _require_finite(target, "target")
    if start_f == target_f:
        raise ValueError("start and target are equal; progress is undefined")
    if current is None:
        return 0.0
    current_f = _require_finite(current, "current value")
    return (current_f - start_f) / (target_f - start_f)


def clamp01(value: float) -> float:
    """Clamp to [0, 1] for scoring; NaN counts as no progress (0.0)."""
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def objective_progress(items: Iterable[tuple[float, float | None]]) -> float:
    """Weighted mean of an objective's KR progress, from ``(progress, weight)`` pairs.

    Each KR's progress is clamped to [0, 1] first, so one KR at 300 % cannot hide others that
    have not moved. A weight of None means the default 1; weights must be finite and >= 0.
    No KRs (or all weights 0) gives 0.0.
    """
    total_weight = 0.0
    weighted = 0.0
    for kr_progress, weight in items:
        w = 1.0 if weight is None else float(weight)
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weights must be finite and >= 0, got {weight!r}")
        weighted += clamp01(kr_progress) * w
        total_weight += w
    return weighted / total_weight if total_weight > 0 else 0.0


# --- pace and status ----------------------------------------------------------------------


def expected_progress(cycle_start: datetime, cycle_end: datetime, at: datetime) -> float:
    """Linear elapsed share of the cycle at ``at``, clamped to [0, 1].

    Computed in UTC so a cycle spanning a DST change is measured in real elapsed time.
    """
    start, end, now = _utc(cycle_start), _utc(cycle_end), _utc(at)
    if end <= start:
        raise ValueError("cycle_end must be after cycle_start")
    return clamp01((now - start) / (end - start))


def suggested_status(
    kind: KRKind | str,
    progress: float,
    expected: float,
    *,
    latest_value: float | None = None,
    target: float | None = None,
    done: bool = False,
    readings: Sequence[float] = (),
    reported: bool = True,
    recent_attainment: float | None = None,
    past_due: bool = False,
) -> Status | None:
    """The bot's suggested status: one rule set for every kind (DESIGN.md's table); None is
    "too early to tell".

    Too early while the KR has no reading (``reported`` False), and for increase/decrease
    while ``expected`` < 0.1. A milestone is judged by the calendar alone: not done is what
    it is until someone says otherwise, so one nobody checked in on still turns at risk and
    off track as its due date comes and goes. Otherwise a ratio r is banded: r >= 0.7 on
    track, 0.5 <= r < 0.7 at risk, r < 0.5 off track, where r is

    - increase/decrease: ``progress / expected``;
    - quota: ``recent_attainment``, the mean attainment over the last three periods with a
      reading (okr.quota.QuotaSummary.recent);
    - stay_*: the share of the last three ``readings`` (oldest first; ``latest_value`` alone
      when no readings are given) that held the threshold ``target``; when the latest missed
      and r >= 0.7 it is at risk;
    - milestone: done is on track; not done, ``expected`` is the elapsed share of the time
      from cycle start to the due date: on track under 0.75, at risk from 0.75, off track once
      the due date has passed (``past_due``).

    It deliberately takes no confidence: it is shown beside the owner's, never blended in
    (`counts_as_at_risk` is where the two meet).
    """
    kind = KRKind(kind)
    if kind is KRKind.MILESTONE:
        if done:
            return Status.ON_TRACK
        if past_due:
            return Status.OFF_TRACK
        if _at_least(expected, MILESTONE_AT_RISK_SHARE):
            return Status.AT_RISK
        return Status.ON_TRACK
    if not reported:
        return None
    if kind is KRKind.QUOTA:
        if recent_attainment is None or not math.isfinite(recent_attainment):
            return None
        return _band(recent_attainment)
    if kind.holds:
        values = list(readings) or ([latest_value] if latest_value is not None else [])
        if not values:
            return None
        threshold = _require_finite(target, "threshold")
        last = [_require_finite(v, "check-in value") for v in values[-RECENT_READINGS:]]
        held = [_holds_threshold(kind, v, threshold) for v in last]
        ratio = sum(held) / len(held)
        if not held[-1] and _at_least(ratio, ON_TRACK_RATIO):
            return Status.AT_RISK
        return _band(ratio)
    if not (math.isfinite(expected) and math.isfinite(progress)):
        return None
    if not _at_least(expected, TOO_EARLY_EXPECTED):
        return None
    return _band(progress / expected)


def _band(ratio: float) -> Status:
    if _at_least(ratio, ON_TRACK_RATIO):
        return Status.ON_TRACK
    if _at_least(ratio, AT_RISK_RATIO):
        return Status.AT_RISK
    return Status.OFF_TRACK


def due_share(cycle_start: datetime, due_end: datetime, at: datetime) -> tuple[float, bool]:
    """How far a milestone is along the time from cycle start to its due date, and whether
    the due date has passed: ``(elapsed share clamped to [0, 1], at >= due_end)``. ``due_end``
    is the instant the due date is over (local midnight after it)."""
    start, due, now = _utc(cycle_start), _utc(due_end), _utc(at)
    if due <= start:
        return 1.0, now >= due
    return clamp01((now - start) / (due - start)), now >= due


RISKY = (Status.AT_RISK.value, Status.OFF_TRACK.value)


def counts_as_at_risk(status: Status | str | None, confidence: str | None) -> bool:
    """Whether a KR belongs on a list of risks: the suggestion or the owner's own call says
    at risk or off track (the owner knows things the numbers do not)."""
    return (status is not None and str(status) in RISKY) or (
        confidence is not None and confidence in RISKY
    )


def risk_severity(status: Status | str | None, confidence: str | None) -> int:
    """Sort key of a risk: 0 when either says off track, 1 when at risk, 2 otherwise."""
    said = {str(status) if status is not None else None, confidence}
    if Status.OFF_TRACK.value in said:
        return 0
    if Status.AT_RISK.value in said:
        return 1
    return 2


def trend(previous: float | None, current: float) -> float | None:
    """Change since the previous check-in; None when there is no previous (or a bad) value."""
    if previous is None or not (math.isfinite(previous) and math.isfinite(current)):
        return None
    return current - previous


# --- forecast -----------------------------------------------------------------------------


def forecast(
    kind: KRKind | str,
    start: float | None,
    target: float | None,
    points: Sequence[tuple[datetime, float]],
    cycle_start: datetime,
    cycle_end: datetime,
) -> float | None:
    """The value a least-squares line through the check-ins reaches at cycle end.

    The line runs through the check-ins only (``start``/``target`` are taken so every rule
    reads the same KR description; they do not pull the line). None for a milestone, and
    when the points do not span at least two distinct times (no line can be fitted).
    """
    kind = KRKind(kind)
    if kind is KRKind.MILESTONE:
        return None
    origin = _utc(cycle_start)
    day = 86_400.0
    horizon = (_utc(cycle_end) - origin).total_seconds() / day
    xs = [(_utc(moment) - origin).total_seconds() / day for moment, _value in points]
    ys = [_require_finite(value, "check-in value") for _moment, value in points]
    if len(set(xs)) < 2:
        return None
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    if sxx == 0:
        return None
    value = mean_y + sxy / sxx * (horizon - mean_x)
    return value if math.isfinite(value) else None


def forecast_progress(
    kind: KRKind | str,
    start: float | None,
    target: float | None,
    points: Sequence[tuple[datetime, float]],
    cycle_start: datetime,
    cycle_end: datetime,
) -> float | None:
    """Raw progress the forecast value would mean at cycle end (increase/decrease only).

    None for stay_* and milestones (their progress is not a function of one value) and when
    ``forecast`` has no line.
    """
    kind = KRKind(kind)
    if not kind.moves:
        return None
    value = forecast(kind, start, target, points, cycle_start, cycle_end)
    if value is None:
        return None
    return progress(kind, start, target, value)


# --- cycle end ----------------------------------------------------------------------------


def grade(score: float) -> Grade:
    """Cycle-end colour: clamped score >= 0.7 green, >= 0.4 yellow, else red."""
    clamped = clamp01(score)
    if _at_least(clamped, GREEN_SCORE):
        return Grade.GREEN
    if _at_least(clamped, YELLOW_SCORE):
        return Grade.YELLOW
    return Grade.RED


def score_against(
    kind: KRKind | str,
    start: float | None,
    original_target: float | None,
    final_target: float | None,
    current: float | None,
    *,
    history_values: Iterable[float] = (),
    done: bool = False,
) -> tuple[float, float]:
    """Clamped cycle-end scores ``(against original target, against final target)``.

    A target changed mid-cycle is reported against both, so moving the goalposts shows.
    """
    history = list(history_values)
    original = progress(kind, start, original_target, current, history_values=history, done=done)
    final = progress(kind, start, final_target, current, history_values=history, done=done)
    return clamp01(original), clamp01(final)


def calibration(scores: Sequence[float]) -> Calibration:
    """Verdict on a team's cycle-end scores (each clamped to [0, 1] first).

    More than half >= 0.9: TOO_LOW (targets were likely too low). More than half <= 0.3:
    TOO_HIGH. Otherwise a mean within 0.6-0.8 (inclusive): HEALTHY, else MIXED. No scores:
    NO_DATA rather than None, so callers can render every outcome the same way.
    """
    values = [clamp01(s) for s in scores]
    if not values:
        return Calibration.NO_DATA
    high = sum(1 for v in values if _at_least(v, CALIBRATION_HIGH_SCORE))
    low = sum(1 for v in values if v <= CALIBRATION_LOW_SCORE + EPS)
    if 2 * high > len(values):
        return Calibration.TOO_LOW
    if 2 * low > len(values):
        return Calibration.TOO_HIGH
    mean = math.fsum(values) / len(values)
    low_band, high_band = HEALTHY_MEAN
    if low_band - EPS <= mean <= high_band + EPS:
        return Calibration.HEALTHY
    return Calibration.MIXED


def stretch_check(
    kind: KRKind | str, baseline: float | None, target: float | None
) -> StretchVerdict | None:
    """Is a new target a stretch against a baseline (last cycle's result or a typed one)?

    increase / stay_above / quota (against last cycle's mean count per period): target <=
    baseline x 1.05 is NOT_CHALLENGING, target > baseline x 3
    LIKELY_UNREALISTIC. decrease / stay_below mirror it: target >= baseline x 0.95 is
    NOT_CHALLENGING, target < baseline / 3 LIKELY_UNREALISTIC. Otherwise REASONABLE.

    None (no verdict) for milestones, without a baseline, with non-finite numbers, and when the
    baseline is <= 0: a ratio to zero or a negative number says nothing about ambition (x1.05
    of a loss is a *smaller* loss), so the check would mislead.
    """
    kind = KRKind(kind)
    if kind is KRKind.MILESTONE or baseline is None or target is None:
        return None
    if kind is KRKind.QUOTA:  # the quota against last cycle's mean per period
        kind = KRKind.INCREASE
    base, goal = float(baseline), float(target)
    if not (math.isfinite(base) and math.isfinite(goal)) or base <= 0:
        return None
    tolerance = EPS * base
    if kind in (KRKind.INCREASE, KRKind.STAY_ABOVE):
        if goal <= base * NOT_CHALLENGING_FACTOR + tolerance:
            return StretchVerdict.NOT_CHALLENGING
        if goal > base * UNREALISTIC_FACTOR + tolerance:
            return StretchVerdict.LIKELY_UNREALISTIC
        return StretchVerdict.REASONABLE
    if goal >= base * NOT_CHALLENGING_DECREASE_FACTOR - tolerance:
        return StretchVerdict.NOT_CHALLENGING
    if goal < base / UNREALISTIC_FACTOR - tolerance:
        return StretchVerdict.LIKELY_UNREALISTIC
    return StretchVerdict.REASONABLE


def at_target(kind: KRKind | str, target: float, value: float) -> bool:
    """Whether `value` meets the KR's target: at or past it for increase / decrease, done
    for a milestone. Holding a threshold is never "reached": it must hold all cycle; nor is
    a quota: it is met period after period."""
    kind = KRKind(kind)
    if kind is KRKind.MILESTONE:
        return value >= 1
    if kind is KRKind.INCREASE:
        return value >= target
    if kind is KRKind.DECREASE:
        return value <= target
    return False
