"""okr.digest and blocks.digest: the story rules of the weekly digest (pure).

The cycle is test_digest's Q2 2024 (1 April to 1 July, 91 days); "now" is day 53 (expected
53 / 91 = 0.5824) and the previous digest was on day 46.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from blocks.digest import digest_message, forecast_text, note_text, story_text
from okr.digest import QUOTA_MET, assemble_digest, paced, quota_attainment, weekly_trend
from okr.outline import CheckInNote, kr_line
from okr.progress import KRKind, Status
from tests.unit.test_digest import END, NOW, START, card, day, digest, kr
from tests.unit.test_quota import END as Q_END
from tests.unit.test_quota import START as Q_START
from tests.unit.test_quota import WEEKS, line, local, monday


def noted(id: int, points: list[tuple[float, float, str]], **kw: object):  # type: ignore[no-untyped-def]
    """A KR whose check-ins carry notes: `(day, value, note)`."""
    base = kr(id, [(d, v) for d, v, _ in points], **kw)  # type: ignore[arg-type]
    notes = tuple(
        CheckInNote(n.id, n.value, n.confidence, text, n.user_id, n.at)
        for n, (_, _, text) in zip(base.checkins, points, strict=True)
    )
    return base.__class__(**{**base.__dict__, "checkins": notes})


def one_kr(
    title: str, kind: str, unit: str, target: float, history: tuple[CheckInNote, ...], **kw: object
):  # type: ignore[no-untyped-def]
    """A KR of the cycle as of now, its current value and confidence the latest reading's."""
    return kr_line(
        id=1,
        title=title,
        kind=kind,
        unit=unit,
        currency=None,
        start=target,
        target=target,
        original_target=target,
        current=history[-1].value,
        owner_id="U0AAA1",
        weight=1,
        confidence=history[-1].confidence,
        history=history,
        cycle_start=START,
        cycle_end=END,
        at=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_an_owners_at_risk_call_on_a_milestone_is_told_under_at_risk() -> None:
    said = CheckInNote(1, 0.0, "at_risk", "Legal review slipped", "U0AAA1", day(50))
    launch = one_kr("Partner program live", "milestone", "number", 1, (said,))
    assert launch.status is Status.ON_TRACK  # 58 % of the way to its due date: on track
    data = digest([card(1, launch)])
    assert [k.id for _, k in data.at_risk] == [1]
    [story] = data.stories
    assert story.at_risk and story.note == "Legal review slipped" and story.new_note
    text = story_text(story, date(2024, 6, 30))
    assert "owner: :large_yellow_circle: at risk" in text
    assert "_“Legal review slipped”_" in text


def test_stories_are_what_moved_or_has_a_new_note_with_the_change_in_units() -> None:
    # all on track (progress 0.5 or more against an expected 0.58): none at risk
    moved = kr(1, [(40, 45), (50, 60)])  # +15 since the digest on day 46
    still = kr(2, [(40, 50), (50, 50)])  # a No change: same value, no note
    quiet = kr(3, [(40, 50)])  # nothing since day 46
    fresh = kr(4, [(48, 50)])  # first reading since the last digest
    talked = noted(5, [(40, 50, ""), (50, 50, "Waiting on procurement")])
    old_note = noted(6, [(40, 50, "Said last month")])
    data = digest([card(1, moved, still, quiet, fresh, talked, old_note)])
    told = {s.kr.id: s for s in data.stories}
    assert sorted(told) == [1, 4, 5]
    assert told[1].change == 15 and not told[1].first_reading
    assert told[4].change is None and told[4].first_reading
    assert told[5].change == 0 and told[5].new_note and told[5].note == "Waiting on procurement"
    text = story_text(told[1], date(2024, 6, 30))
    assert "60 of 100 · 60% · ▲ 15 since last week (better)" in text
    assert "first reading" in story_text(told[4], None)


def test_a_percent_changes_in_points_and_a_ceiling_going_up_is_worse() -> None:
    readings = (
        CheckInNote(1, 2.8, None, "", "U0AAA1", day(40)),
        CheckInNote(2, 3.4, None, "", "U0AAA1", day(50)),
    )
    churn = one_kr("Churn", "stay_below", "percent", 3, readings)
    [story] = digest([card(1, churn)]).stories
    assert "▲ 0.6 pts since last week (worse)" in story_text(story, None)


def test_the_forecast_comes_from_the_third_reading_and_never_reads_as_a_missed_target() -> None:
    two = kr(1, [(35, 20), (42, 30), (49, 40)][1:])
    three = kr(2, [(35, 20), (42, 30), (49, 40)])
    data = digest([card(1, two, three)])
    told = {s.kr.id: s for s in data.stories}
    assert told[1].forecast is None
    # 10 a week from 40 on day 49 to day 91: 40 + 42 / 7 x 10 = 100
    assert told[2].forecast == pytest.approx(100)
    # a forecast just under the target is shown with the digits that tell them apart
    assert forecast_text(three, 99.96, date(2024, 6, 30)) == "on pace for 99.96 by 30 Jun"
    assert forecast_text(three, 120, None) == "on pace for 120 by cycle end"


def test_a_note_is_one_escaped_line_cut_at_a_word() -> None:
    assert note_text("Two reps\nat the   Shanghai <!here> show") == (
        "Two reps at the Shanghai &lt;!here&gt; show"
    )
    long = "Pipeline " + "review " * 40
    cut = note_text(long, limit=60)
    assert cut.endswith("review…") and len(cut) <= 61 and "  " not in cut


def test_a_threshold_held_once_counts_for_the_weeks_gone_not_the_whole_cycle() -> None:
    week_one = day(7)  # expected 7 / 91 = 0.077
    churn = kr(1, [(6, 2)], kind="stay_below", start=4, target=3, at=week_one)  # held: 100 %
    arr = kr(2, [(6, 5)], at=week_one)  # 5 %
    data = digest([card(1, churn, arr)], at=week_one, since=None)
    assert churn.progress == 1.0  # its own share held, as DESIGN.md defines it
    assert data.overall == pytest.approx((7 / 91 + 0.05) / 2)  # 6 %, not (100 % + 5 %) / 2
    assert paced(KRKind.STAY_BELOW, 1.0, 1.0) == 1.0  # at cycle end: its score
    assert paced(KRKind.INCREASE, 0.3, 0.5) == 0.3


def test_participation_counts_no_change_apart_and_the_away() -> None:
    data = digest(
        [],
        owners=["U1", "U2", "U3", "U4", "U5"],
        checked_in=["U1", "U2", "U3", "U4"],
        no_change=["U4", "U9"],  # U9 is no owner due this week
        away=1,
    )
    assert (data.updated, data.no_change, data.checked_in, data.owners) == (3, 1, 4, 5)
    assert data.missing == ("U5",)
    message = digest_message(data)
    context = message["blocks"][2]["elements"][0]["text"]
    assert context == ":memo: 3 of 5 updated this week · 1 no change · 1 away"
    assert "U5" not in str(message)


def test_a_quota_met_this_week_is_a_win_and_the_reps_attainment_is_charted() -> None:
    at = local(monday(8) + timedelta(days=4), 16)
    met = line("quota", [(local(monday(8)), 55, WEEKS[7].key)], at, target=50, id=1)
    short = line("quota", [(local(monday(8)), 20, WEEKS[7].key)], at, target=50, id=2)
    data = assemble_digest(
        team_name="Nordics",
        cycle_name="Q4 2026",
        cycle_start=Q_START,
        cycle_end=Q_END,
        cards=[card(1, met, short)],
        at=at,
        since=at - timedelta(days=7),
        checked_in=(),
        owners=(),
        timezone="Europe/Stockholm",
    )
    assert [(w.kind, w.kr.id) for w in data.wins] == [(QUOTA_MET, 1)]
    [rep] = quota_attainment([card(1, met, short)])  # one owner, two quotas: (1 + 0.4) / 2
    assert rep.attainment == pytest.approx(0.7) and rep.quotas == 2
    assert data.quota_reps == (rep,)


def test_the_quota_bar_shows_the_latest_week_reported_not_an_empty_one() -> None:
    # Friday of week 9: counts are given on Monday for last week, so week 8's stand
    at = local(monday(9) + timedelta(days=4), 16)
    met = line("quota", [(local(monday(9)), 55, WEEKS[7].key)], at, target=50, id=1)
    [rep] = quota_attainment([card(1, met)])
    assert rep.attainment == pytest.approx(1.0)
    counted = line(
        "quota",
        [(local(monday(9)), 55, WEEKS[7].key), (local(monday(9)), 10, WEEKS[8].key)],
        at,
        target=50,
        id=1,
    )
    [this_week] = quota_attainment([card(1, counted)])  # this week's own count once given
    assert this_week.attainment == pytest.approx(0.2)


def test_the_weekly_trend_is_progress_against_pace_at_each_weeks_end() -> None:
    arr = kr(1, [(3, 10), (10, 20), (17, 30)], at=day(20))
    [first, second, third] = weekly_trend([card(1, arr)], START, END, day(20))
    assert [p.week for p in (first, second, third)] == [1, 2, 3]
    assert [p.progress for p in (first, second, third)] == pytest.approx([0.1, 0.2, 0.3])
    assert third.expected == pytest.approx(20 / 91)  # the current week: as of now
    assert second.expected == pytest.approx(14 / 91)
