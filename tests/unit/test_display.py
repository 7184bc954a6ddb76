"""The display rules (okr/display.py) and the surfaces that use them: a value never shows equal
to a different target, percent changes are in points and say better or worse, nothing is shown
that nobody reported, prefills read back as themselves, and the cycle close and celebrations
give the numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from blocks.celebration import celebration_post
from blocks.checkin_modal import CheckInItem, checkin_modal, value_block
from blocks.cycle_close import close_summary, kr_score_line
from blocks.digest import at_risk_line
from blocks.kr_format import final_numbers, kr_value, percent, progress_bar, trend_label
from blocks.objective_card import kr_text
from blocks.prompt import kr_entry
from okr.digest import assemble_close
from okr.display import (
    NO_READING,
    Measure,
    beside_target,
    change_text,
    editable_text,
    final_text,
    pair_text,
    percent_text,
)
from okr.outline import KRLine, TargetChange, kr_line
from okr.values import MAX_ABS, Unit, parse_value
from tests.unit.test_blocks_display import AT, CYCLE_END, CYCLE_START, make_card, make_kr, texts

USD = Measure(Unit.CURRENCY, "USD")
PERCENT = Measure(Unit.PERCENT)
PROSPECTS = Measure(Unit.NUMBER, word="prospects")

FINITE = st.floats(min_value=-MAX_ABS, max_value=MAX_ABS, allow_nan=False, allow_infinity=False)
MEASURES = st.builds(
    Measure,
    st.sampled_from(list(Unit)),
    st.sampled_from(["USD", "EUR", "GBP", "JPY", "CNY", "CHF", "INR", None]),
    st.sampled_from([None, "prospects", "new logos", "单"]),
)


def churn_kr(id: int = 1, *, history: tuple[float, ...]) -> KRLine:
    """Churn to stay below 3 %, its latest reading 3.04 %."""
    return make_kr(
        id,
        kind="stay_below",
        unit="percent",
        currency=None,
        start=4,
        target=3,
        current=history[-1],
        history=history,
    )


# --- a value never shows equal to a different target ----------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "measure", "shown"),
    [
        (1_196_500, 1_200_000, USD, ("$1.197M", "$1.2M")),
        (3.04, 3, PERCENT, ("3.04%", "3%")),
        (999_999, 1_000_000, Measure(), ("999.999k", "1M")),
        (49.999, 50, PROSPECTS, ("49.999 prospects", "50 prospects")),
        (1_200_000, 1_200_000, USD, ("$1.2M", "$1.2M")),
        (700_000, 2_000_000, USD, ("$700k", "$2M")),
    ],
)
def test_pair_adds_digits_until_the_value_and_target_differ(
    value: float, target: float, measure: Measure, shown: tuple[str, str]
) -> None:
    assert pair_text(value, target, measure) == shown


@given(FINITE, FINITE, MEASURES)
@example(1_196_500.0, 1_200_000.0, USD)
@example(3.04, 3.0, PERCENT)
@example(0.1 + 0.2, 0.3, Measure())
@example(5e-324, 0.0, USD)
@example(999_999_999_999_999.9, MAX_ABS, Measure())
def test_no_displayed_value_equals_a_different_displayed_target(
    value: float, target: float, measure: Measure
) -> None:
    shown, goal = pair_text(value, target, measure)
    assert (shown == goal) == (value == target)
    goal, [again, shown] = beside_target(target, [target, value], measure)
    assert again == goal
    assert (shown == goal) == (value == target)


def test_the_krs_own_line_keeps_a_miss_apart_from_its_target() -> None:
    miss = make_kr(current=1_196_500, target=1_200_000, history=(1_100_000, 1_196_500))
    assert kr_value(miss) == "$1.197M of $1.2M"
    churn = churn_kr(history=(2.9, 3.04))
    assert kr_value(churn) == "now 3.04% · holds ≤ 3%"


# --- percent and bar: a miss never reads 100 % ------------------------------------------------


def test_progress_of_a_miss_never_shows_100_percent_nor_a_full_bar() -> None:
    assert percent_text(0.997) == "99.7%"
    assert percent_text(0.9999) == "99.99%"
    assert percent_text(0.995) == "99.5%"
    assert percent_text(1.0) == "100%"
    assert percent_text(1.004) == "100%"
    assert percent(0.35) == "35%"
    assert progress_bar(0.97) == "▓" * 9 + "░"
    assert progress_bar(1.0) == "▓" * 10
    miss = make_kr(current=1_196_500, target=1_200_000, history=(1_100_000, 1_196_500))
    assert "▓▓▓▓▓▓▓▓▓░ 99.7%" in kr_text(miss)


@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_a_percent_reads_100_only_when_the_target_is_met(fraction: float) -> None:
    shown = percent_text(fraction)
    if fraction < 1:
        assert shown != "100%"
        assert progress_bar(fraction) != "▓" * 10


# --- changes: points for percentages, better or worse for the KR -----------------------------


@pytest.mark.parametrize(
    ("change", "measure", "kind", "shown"),
    [
        (0.24, PERCENT, "stay_below", "▲ 0.24 pts (worse)"),
        (-0.24, PERCENT, "stay_below", "▼ 0.24 pts (better)"),
        (0.2, PERCENT, "increase", "▲ 0.2 pts (better)"),
        (-50_000, USD, "increase", "▼ $50k (worse)"),
        (-50_000, USD, "decrease", "▼ $50k (better)"),
        (12, PROSPECTS, "stay_above", "▲ 12 prospects (better)"),
        (0.004, Measure(), "increase", "▲ 0.004 (better)"),
        (0, USD, "increase", "no change"),
        (None, USD, "increase", ""),
        (math.nan, USD, "increase", ""),
    ],
)
def test_changes_say_whether_they_are_good_for_the_kr(
    change: float | None, measure: Measure, kind: str, shown: str
) -> None:
    assert change_text(change, measure, kind) == shown


def test_the_trend_on_every_card_carries_the_verdict() -> None:
    churn = churn_kr(history=(2.8, 3.04))
    assert trend_label(churn) == "▲ 0.24 pts since last check-in (worse)"
    assert "▲ 0.24 pts since last check-in (worse)" in kr_text(churn)


# --- no invented readings --------------------------------------------------------------------


def test_a_kr_without_a_reading_shows_none_anywhere() -> None:
    quota_like = make_kr(
        title="Contact 50 new prospects every week",
        kind="stay_above",
        unit="number",
        currency=None,
        start=50,
        target=50,
        current=50,
        history=(),
        confidence=None,
    )
    revenue = make_kr(2, start=1_000_000, current=1_000_000, history=())
    assert kr_value(quota_like) == f"{NO_READING} · holds ≥ 50"
    assert kr_value(revenue) == f"{NO_READING} · target $2M"
    item, other = CheckInItem(quota_like, "Pipeline"), CheckInItem(revenue, "Pipeline")
    for surface in (kr_text(quota_like), kr_entry(item), at_risk_line(make_card(), revenue)):
        assert NO_READING in surface and "now 50" not in surface and "%" not in surface
    modal = checkin_modal([item, other])
    fields = {b.get("block_id"): b for b in modal["blocks"]}
    assert "initial_value" not in fields[value_block(1)]["element"]
    assert "initial_value" not in fields[value_block(2)]["element"]
    assert final_numbers(revenue) == "no reading"


def test_the_modal_prefills_a_reading_in_the_krs_own_format() -> None:
    revenue = make_kr(current=1_030_000, history=(1_000_000, 1_030_000))
    churn = churn_kr(2, history=(3.04,))
    modal = checkin_modal([CheckInItem(revenue, "Grow"), CheckInItem(churn, "Keep")])
    fields = {b.get("block_id"): b for b in modal["blocks"]}
    assert fields[value_block(1)]["element"]["initial_value"] == "$1.03M"
    assert fields[value_block(2)]["element"]["initial_value"] == "3.04%"


@given(FINITE, MEASURES)
@example(1_030_000.0, USD)
@example(3.04, PERCENT)
@example(1_234_567.891, USD)
@example(0.1 + 0.2, Measure())
@example(5e-324, Measure(Unit.CURRENCY, "EUR"))
@example(-MAX_ABS, PROSPECTS)
def test_formatting_then_parsing_any_value_in_any_unit_gives_the_same_value(
    value: float, measure: Measure
) -> None:
    for text in (editable_text(value, measure), final_text(value, measure)):
        parsed = parse_value(text, measure.unit, currency=measure.currency, word=measure.word)
        assert parsed.value == value, text
        assert parsed.percent == (measure.unit is Unit.PERCENT)
        if measure.unit is Unit.CURRENCY and measure.currency:
            assert parsed.currency == measure.currency


# --- cycle close and celebrations: the numbers a sales VP reads ------------------------------

NOV_9 = datetime(2026, 11, 9, 15, 0, tzinfo=UTC)


def contracts(current: float = 27, target: float = 26, original: float = 30) -> KRLine:
    """ "Sign 30 new contracts", its target lowered to 26 on 9 Nov."""
    return kr_line(
        id=7,
        title="Sign 30 new contracts",
        kind="increase",
        unit="number",
        currency=None,
        start=0,
        target=target,
        original_target=original,
        current=current,
        owner_id="U0AAA1",
        weight=1,
        confidence="on_track",
        history=(20, current),
        cycle_start=CYCLE_START,
        cycle_end=CYCLE_END,
        at=AT,
        revisions=(TargetChange(original, target, "Two deals moved to Q1", "U0LEAD", NOV_9),),
        unit_word="contracts",
    )


def test_cycle_close_gives_the_final_value_against_final_and_original_target() -> None:
    revenue = make_kr(
        start=1_000_000, current=1_196_500, target=1_200_000, history=(1_100_000, 1_196_500)
    )
    data = assemble_close(
        team_name="Sales", cycle_name="Q4", cards=[make_card(krs=(revenue, contracts()))]
    )
    lines = [kr_score_line(k) for k in data.objectives[0].krs]
    assert lines[0].endswith("· $1,196,500 of $1.2M · 🟢 0.98")
    assert lines[1].endswith(
        "· 27 contracts · target 26, originally 30 · 🟢 1.00 · vs original target: 0.90"
    )
    body = texts(close_summary(data, team_id=1, cycle_id=1)["blocks"])
    assert "$1,196,500 of $1.2M" in body and "27 contracts · target 26, originally 30" in body
    near = make_kr(current=1_196_500, target=1_200_000, history=(1_196_500,))  # 0.997
    [score] = assemble_close(
        team_name="S", cycle_name="Q", cards=[make_card(krs=(near,))]
    ).objectives
    assert kr_score_line(score.krs[0]).endswith("· 🟢 0.997")  # a miss never scores "1.00"


def test_a_celebration_of_a_revised_target_says_so() -> None:
    post = celebration_post(contracts(current=26), "Win the quarter")
    text = post["blocks"][0]["text"]["text"]
    assert text.endswith(
        "hit the target of *Sign 30 new contracts*: 26 of 26 contracts"
        " — target revised from 30 on 9 Nov"
    )
    plain = celebration_post(make_kr(current=2_100_000, history=(2_100_000,)), "Grow")
    assert "revised" not in plain["blocks"][0]["text"]["text"]
