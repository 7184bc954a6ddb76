"""okr.digest: the weekly digest and the cycle-end summary, assembled from cards (pure).

Every expectation is computed by hand in the comments next to it. The cycle is Q2 2024:
1 April to 1 July 2024 (91 days, 13 weeks); "now" is day 53 (24 May, expected progress
53 / 91 = 0.5824, week 8) and the previous digest was on day 46 (17 May).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from okr.digest import (
    AHEAD,
    REACHED,
    assemble_close,
    assemble_digest,
    cycle_weeks,
    objective_status,
    progress_at,
    value_at,
    week_of_cycle,
)
from okr.outline import CheckInNote, KRLine, Level, ObjectiveCard, kr_line
from okr.progress import Calibration, Grade, Status

START = datetime(2024, 4, 1, tzinfo=UTC)
END = datetime(2024, 7, 1, tzinfo=UTC)
NOW = START + timedelta(days=53)
SINCE = START + timedelta(days=46)
EXPECTED = 53 / 91


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def kr(
    id: int,
    points: list[tuple[float, float]] = (),  # type: ignore[assignment]
    *,
    kind: str = "increase",
    start: float = 0,
    target: float = 100,
    original_target: float | None = None,
    owner: str = "U0AAA1",
    weight: float = 1,
    at: datetime = NOW,
) -> KRLine:
    """A KR with check-ins `(day, value)`; its current value is the latest one up to `at`."""
    notes = tuple(
        CheckInNote(id * 100 + i, value, None, "", owner, day(d))
        for i, (d, value) in enumerate(points)
    )
    seen = [n.value for n in notes if n.at <= at]
    current = seen[-1] if seen else (0.0 if kind == "milestone" else start)
    return kr_line(
        id=id,
        title=f"KR {id}",
        kind=kind,
        unit="number",
        currency=None,
        start=start,
        target=target,
        original_target=target if original_target is None else original_target,
        current=current,
        owner_id=owner,
        weight=weight,
        confidence=None,
        history=tuple(n for n in notes if n.at <= at),
        cycle_start=START,
        cycle_end=END,
        at=at,
    )


def final(id: int, points: list[tuple[float, float]], **kw: object) -> KRLine:
    """A KR as it stands at the cycle end."""
    return kr(id, points, at=END, **kw)  # type: ignore[arg-type]


def card(id: int, *krs: KRLine, archived: bool = False) -> ObjectiveCard:
    return ObjectiveCard(
        id=id,
        title=f"Objective {id}",
        description="",
        level=Level.TEAM,
        owner_id="U0LEAD",
        team_id=1,
        team_name="Sales EMEA",
        cycle_id=1,
        cycle_name="Q2 2024",
        parent_id=None,
        parent_title=None,
        krs=krs,
        archived=archived,
    )


def digest(cards: list[ObjectiveCard], *, since: datetime | None = SINCE, **kw: object):
    args: dict = {
        "team_name": "Sales EMEA",
        "cycle_name": "Q2 2024",
        "cycle_start": START,
        "cycle_end": END,
        "cards": cards,
        "at": NOW,
        "since": since,
        "checked_in": (),
        "owners": (),
    }
    args.update(kw)
    return assemble_digest(**args)


# --- value and progress as of a moment ------------------------------------------------------


def test_value_and_progress_at_use_the_last_checkin_at_or_before() -> None:
    # increase 20 -> 120: 30 on day 7, 50 on day 14, 80 on day 50
    line = kr(1, [(7, 30), (14, 50), (50, 80)], start=20, target=120)
    assert value_at(line, day(3)) == 20  # before any check-in: the start value
    assert value_at(line, day(7)) == 30  # at the moment counts
    assert value_at(line, day(10)) == 30
    assert value_at(line, day(49)) == 50
    assert value_at(line, day(60)) == 80
    assert progress_at(line, day(3)) == 0.0
    assert progress_at(line, day(10)) == pytest.approx(0.1)  # (30 - 20) / 100
    assert progress_at(line, day(60)) == pytest.approx(0.6)  # (80 - 20) / 100
    naive = datetime(2024, 4, 8)  # taken as UTC: day 7
    assert value_at(line, naive) == 30


def test_value_at_ignores_the_order_checkins_come_in() -> None:
    line = kr(1, [(7, 30), (14, 50)], start=20, target=120)
    shuffled = KRLine(**{**line.__dict__, "checkins": tuple(reversed(line.checkins))})
    assert value_at(shuffled, day(10)) == 30
    assert value_at(shuffled, day(20)) == 50


def test_progress_at_for_decrease_stay_and_milestone() -> None:
    down = kr(1, [(7, 8), (20, 5)], kind="decrease", start=10, target=4)
    assert progress_at(down, day(10)) == pytest.approx(1 / 3)  # (8 - 10) / (4 - 10)
    assert progress_at(down, day(21)) == pytest.approx(5 / 6)  # (5 - 10) / (4 - 10)
    # stay below 3: 2.8 holds, 3.5 does not, 2.5 holds
    churn = kr(2, [(7, 2.8), (14, 3.5), (21, 2.5)], kind="stay_below", start=4, target=3)
    assert progress_at(churn, day(1)) == 0.0  # no check-in yet
    assert progress_at(churn, day(8)) == 1.0
    assert progress_at(churn, day(15)) == pytest.approx(1 / 2)
    assert progress_at(churn, day(30)) == pytest.approx(2 / 3)
    assert value_at(churn, day(1)) == 4  # the start value
    launch = kr(3, [(7, 0), (30, 1)], kind="milestone", start=0, target=1)
    assert value_at(kr(4, [], kind="milestone", start=5, target=1), day(1)) == 0.0
    assert progress_at(launch, day(20)) == 0.0
    assert progress_at(launch, day(30)) == 1.0


# --- weeks ----------------------------------------------------------------------------------


def test_week_numbering_is_one_based_and_clamped() -> None:
    assert cycle_weeks(START, END) == 13  # 91 days
    assert cycle_weeks(START, START + timedelta(days=28)) == 4
    assert cycle_weeks(START, START + timedelta(days=29)) == 4  # a spare day joins week 4
    assert cycle_weeks(START, START + timedelta(days=32)) == 5  # 4 spare days: a 5th week
    assert cycle_weeks(START, START + timedelta(hours=5)) == 1
    assert week_of_cycle(START, END, START) == 1
    assert week_of_cycle(START, END, day(6) + timedelta(hours=23)) == 1
    assert week_of_cycle(START, END, day(7)) == 2
    assert week_of_cycle(START, END, NOW) == 8  # day 53: 7 full weeks done
    assert week_of_cycle(START, END, END) == 13
    assert week_of_cycle(START, END, END + timedelta(days=30)) == 13
    assert week_of_cycle(START, END, START - timedelta(days=3)) == 1
    data = digest([])
    assert (data.week, data.weeks) == (8, 13)
    assert data.expected == pytest.approx(EXPECTED)


@pytest.mark.parametrize("days", [90, 91, 92])
def test_a_quarter_is_13_weeks_and_its_last_days_are_week_13(days: int) -> None:
    # 1 October to 31 December is 92 days: ceil(92 / 7) said "week 2 of 14"
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end = start + timedelta(days=days)
    assert cycle_weeks(start, end) == 13
    assert week_of_cycle(start, end, start + timedelta(days=8)) == 2
    assert week_of_cycle(start, end, end - timedelta(hours=1)) == 13


def test_weeks_count_calendar_days_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2024, 3, 18, tzinfo=berlin)  # DST begins on 31 March
    end = datetime(2024, 4, 15, tzinfo=berlin)  # 28 calendar days, 27 d 23 h of real time
    assert cycle_weeks(start, end) == 4
    # Monday 8 April 00:00 in Berlin (22:00 UTC the day before) is day 21: week 4
    at = datetime(2024, 4, 7, 22, 0, tzinfo=UTC)
    assert week_of_cycle(start.astimezone(UTC), end.astimezone(UTC), at) == 3  # UTC-based
    assert week_of_cycle(start, end, at) == 4
    # the team's zone decides, whatever zone the bounds are given in
    assert week_of_cycle(start.astimezone(UTC), end.astimezone(UTC), at, "Europe/Berlin") == 4
    # DST ends on 27 October: 28 local days are 28 d 1 h, still 4 weeks when given in UTC
    autumn = datetime(2024, 10, 14, tzinfo=berlin).astimezone(UTC)
    assert cycle_weeks(autumn, datetime(2024, 11, 11, tzinfo=berlin).astimezone(UTC)) == 4
    assert cycle_weeks(autumn, autumn + timedelta(days=32, hours=5)) == 5


# --- objectives -----------------------------------------------------------------------------


def test_objective_progress_change_since_previous_digest_and_status() -> None:
    grow = kr(1, [(7, 30), (14, 50), (50, 80)], start=20, target=120)  # now 0.6, then 0.3
    cut = kr(2, [(7, 8), (20, 5)], kind="decrease", start=10, target=4)  # 5/6 now and then
    empty = card(3)
    data = digest([card(1, grow, cut), empty, card(9, grow, archived=True)])
    first, second = data.objectives
    assert first.progress == pytest.approx((0.6 + 5 / 6) / 2)  # 0.7167
    assert first.previous == pytest.approx((0.3 + 5 / 6) / 2)  # 0.5667
    assert first.change == pytest.approx(0.15)
    assert first.status is Status.ON_TRACK  # 0.7167 / 0.5824 = 1.23
    assert (second.progress, second.status) == (0.0, None)  # no KRs: nothing to suggest
    assert second.change == 0.0
    # overall leaves out objectives without KRs (and archived ones)
    assert data.overall == pytest.approx(first.progress)


def test_overall_is_the_plain_mean_of_objectives_and_kr_weights_count_inside() -> None:
    heavy = kr(1, [(50, 90)], weight=3)  # 0.9
    light = kr(2, [(50, 10)], weight=1)  # 0.1
    over = kr(3, [(50, 250)])  # 2.5 raw, clamped to 1 for the objective
    data = digest([card(1, heavy, light), card(2, over)])
    one, two = data.objectives
    assert one.progress == pytest.approx((0.9 * 3 + 0.1) / 4)  # 0.7
    assert two.progress == 1.0
    assert data.overall == pytest.approx((0.7 + 1.0) / 2)


def test_no_previous_on_the_first_digest_or_before_the_cycle() -> None:
    grow = kr(1, [(7, 30)])
    for since in (None, START - timedelta(days=2)):
        [item] = digest([card(1, grow)], since=since).objectives
        assert item.previous is None and item.change is None
    [item] = digest([card(1, grow)], since=START).objectives
    assert item.previous == 0.0 and item.change == pytest.approx(0.3)


def test_objective_status_uses_the_kr_ratio_thresholds() -> None:
    assert objective_status(0.35, 0.5) is Status.ON_TRACK  # ratio 0.7
    assert objective_status(0.3, 0.5) is Status.AT_RISK  # 0.6
    assert objective_status(0.25, 0.5) is Status.AT_RISK  # 0.5
    assert objective_status(0.2, 0.5) is Status.OFF_TRACK  # 0.4
    assert objective_status(0.0, 0.09) is None  # too early to tell
    early = digest([card(1, kr(1, [(3, 1)], at=day(5)))], at=day(5), since=None)
    assert early.objectives[0].status is None  # expected 5 / 91 < 0.1


# --- at risk --------------------------------------------------------------------------------


def test_at_risk_lists_off_track_first_then_lowest_progress() -> None:
    # expected 0.5824: ratio >= 0.7 on track (progress >= 0.4077), >= 0.5 at risk (>= 0.2912)
    k1 = kr(1, [(50, 30)])  # 0.30: at risk
    k2 = kr(2, [(50, 10)])  # 0.10: off track
    k3 = kr(3, [(50, 5)])  # 0.05: off track
    # 1 of its last 2 readings held (r 0.5): at risk, progress 0.5 (it was off track on the
    # latest reading alone, the defect issue 10 names)
    k4 = kr(4, [(7, 2.8), (50, 3.5)], kind="stay_below", start=4, target=3)
    k5 = kr(5, [(50, 50)])  # 0.50: on track
    k6 = kr(6, [], kind="milestone", start=0, target=1)  # no reading: too early to tell
    k7 = kr(7, [(50, 33)])  # 0.33: at risk
    hidden = kr(8, [(50, 0)])  # off track, but its objective is archived
    a, b = card(1, k1, k2, k5), card(2, k4, k3, k6, k7)
    data = digest([a, b, card(3, hidden, archived=True)])
    assert [(c.id, k.id) for c, k in data.at_risk] == [(2, 3), (1, 2), (1, 1), (2, 7), (2, 4)]
    assert [k.status for _, k in data.at_risk] == [Status.OFF_TRACK] * 2 + [Status.AT_RISK] * 3


def test_a_milestone_not_done_late_in_the_cycle_is_at_risk() -> None:
    late = day(80)  # expected 80 / 91 = 0.88 >= 0.8
    launch = kr(1, [], kind="milestone", start=0, target=1, at=late)
    data = digest([card(1, launch)], at=late)
    assert [k.id for _, k in data.at_risk] == [1]


# --- wins -----------------------------------------------------------------------------------


def test_wins_are_targets_reached_quotas_met_and_moves_well_ahead_of_pace() -> None:
    # expected 0.5824: well ahead is progress >= 1.25 x 0.5824 = 0.728
    r1 = kr(1, [(40, 60), (50, 100)])  # reached on day 50: change 0.4
    r2 = kr(2, [(48, 1)], kind="milestone", start=0, target=1)  # done on day 48: change 1.0
    r3 = kr(3, [(40, 100), (50, 110)])  # at target before: now 1.1, +0.1, well ahead
    a1 = kr(4, [(40, 50), (50, 80)])  # 0.8, +0.30: well ahead
    a2 = kr(5, [(40, 70), (52, 75)])  # 0.75, +0.05: well ahead
    slow = kr(6, [(40, 10), (52, 50)])  # +0.40 but 0.5: behind pace, no win
    down = kr(7, [(40, 90), (50, 85)])  # ahead but moved back: no win
    held = kr(8, [(40, 2), (50, 2)], kind="stay_below", start=4, target=3)  # never a win
    cut = kr(9, [(40, 8), (50, 1)], kind="decrease", start=10, target=0)  # 0.2 -> 0.9
    data = digest([card(1, r1, slow, r2), card(2, down, a1, held, r3, a2, cut)])
    assert [(w.kind, w.kr.id) for w in data.wins] == [
        (REACHED, 1),
        (REACHED, 2),
        (AHEAD, 9),
        (AHEAD, 4),
        (AHEAD, 3),
        (AHEAD, 5),
    ]
    assert [w.change for w in data.wins] == pytest.approx([0.4, 1.0, 0.7, 0.3, 0.1, 0.05])
    assert [w.card.id for w in data.wins] == [1, 1, 2, 2, 2, 2]


def test_first_digest_measures_wins_from_a_week_ago() -> None:
    r1 = kr(1, [(40, 60), (50, 100)])  # reached since day 46
    r3 = kr(3, [(40, 100), (50, 110)])  # at target a week ago too: ahead, not reached
    m1 = kr(4, [(50, 50)])  # 0.5: behind pace
    data = digest([card(1, r1, r3, m1)], since=None)
    assert [(w.kind, w.kr.id) for w in data.wins] == [(REACHED, 1), (AHEAD, 3)]
    assert data.wins[1].change == pytest.approx(0.1)


def test_no_first_week_noise_among_the_wins() -> None:
    week_one = day(5)  # expected 5 / 91 = 0.055: too early to tell pace
    jump = kr(1, [(1, 5), (4, 15)], at=week_one)  # +10 pts in a week: 15 %, 2.7x pace
    done = kr(2, [(4, 1)], kind="milestone", start=0, target=1, at=week_one)
    data = digest([card(1, jump, done)], at=week_one, since=None)
    assert [(w.kind, w.kr.id) for w in data.wins] == [(REACHED, 2)]


# --- check-in rate --------------------------------------------------------------------------


def test_missing_are_owners_without_a_checkin_sorted() -> None:
    data = digest(
        [], owners=["U3", "U1", "U2", "U4", "U1"], checked_in={"U2", "U9"}
    )  # U9 is no owner (e.g. away): not counted
    assert data.missing == ("U1", "U3", "U4")
    assert (data.checked_in, data.owners) == (1, 4)
    everyone = digest([], owners=["U1"], checked_in=["U1"])
    assert (everyone.missing, everyone.checked_in, everyone.owners) == ((), 1, 1)


# --- cycle close ----------------------------------------------------------------------------


def test_close_scores_grades_revised_targets_and_a_healthy_verdict() -> None:
    a = final(1, [(80, 80)], original_target=80)  # target revised 80 -> 100: 0.8, was 1.0
    b = final(2, [(80, 30)])  # 0.3, not revised
    c = final(3, [(60, 1)], kind="milestone", start=0, target=1)  # done: 1.0
    d = final(
        4, [(7, 2.8), (50, 3.5)], kind="stay_below", start=4, target=3, original_target=4
    )  # 1 of 2 held 3: 0.5; both held the original 4: 1.0
    gone = final(5, [(80, 0)])
    data = assemble_close(
        team_name="Sales EMEA",
        cycle_name="Q2 2024",
        cards=[card(1, a, b), card(2, c, d), card(3, gone, archived=True)],
    )
    one, two = data.objectives
    assert [(k.kr.id, k.score, k.grade) for k in one.krs] == [
        (1, pytest.approx(0.8), Grade.GREEN),
        (2, pytest.approx(0.3), Grade.RED),
    ]
    assert one.krs[0].original_score == pytest.approx(1.0) and one.krs[0].revised
    assert one.krs[0].original_target == 80
    assert one.krs[1].original_score is None and not one.krs[1].revised
    assert (one.score, one.grade) == (pytest.approx(0.55), Grade.YELLOW)
    assert [(k.score, k.grade) for k in two.krs] == [(1.0, Grade.GREEN), (0.5, Grade.YELLOW)]
    assert two.krs[1].original_score == 1.0
    assert (two.score, two.grade) == (pytest.approx(0.75), Grade.GREEN)
    # scores 0.8, 0.3, 1.0, 0.5: one >= 0.9, one <= 0.3, mean 0.65 in the healthy band
    assert data.calibration is Calibration.HEALTHY
    assert data.average == pytest.approx(0.65) and data.kr_count == 4
    assert data.calibration.message.startswith("Targets were well calibrated")


def test_close_revised_mapping_overrides_the_original_target() -> None:
    b = final(2, [(80, 30)])
    data = assemble_close(team_name="T", cycle_name="Q", cards=[card(1, b)], revised={2: 50})
    [item] = data.objectives[0].krs
    assert item.original_score == pytest.approx(0.6)  # 30 / 50
    assert item.score == pytest.approx(0.3)


def test_close_original_target_equal_to_the_start_reports_no_original_score() -> None:
    odd = final(1, [(80, 30)], original_target=0)
    [item] = assemble_close(team_name="T", cycle_name="Q", cards=[card(1, odd)]).objectives[0].krs
    assert item.original_score is None and item.score == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("values", "verdict"),
    [
        ([95, 100, 90, 50], Calibration.TOO_LOW),  # three of four >= 0.9
        ([10, 20, 30, 90], Calibration.TOO_HIGH),  # three of four <= 0.3
        ([50, 50, 50], Calibration.MIXED),  # mean 0.5
        ([70, 60, 80], Calibration.HEALTHY),  # mean 0.7
    ],
)
def test_close_calibration_verdicts(values: list[float], verdict: Calibration) -> None:
    krs = [final(i, [(80, v)]) for i, v in enumerate(values, start=1)]
    data = assemble_close(team_name="T", cycle_name="Q", cards=[card(1, *krs)])
    assert data.calibration is verdict
    assert data.average == pytest.approx(sum(values) / len(values) / 100)


def test_close_without_key_results_has_no_data() -> None:
    data = assemble_close(team_name="T", cycle_name="Q", cards=[card(1)])
    assert data.calibration is Calibration.NO_DATA
    assert data.average is None and data.kr_count == 0
    assert data.objectives[0].score == 0.0 and data.objectives[0].grade is Grade.RED
