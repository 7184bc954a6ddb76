"""A key result's unit settled from what was typed, and targets typed relative to the start."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr.kr_units import KRUnit, settle_unit
from okr.relative_target import RelativeTarget, relative_target, resolve
from okr.values import MAX_ABS, Unit, ValueParseError, parse_value


def typed(**texts: str) -> dict[str, object]:
    return {name: parse_value(text) for name, text in texts.items()}


@pytest.mark.parametrize(
    ("menu", "currency", "texts", "unit"),
    [
        (Unit.NUMBER, None, {"target": "$1.2M"}, KRUnit(Unit.CURRENCY, "USD")),
        (Unit.NUMBER, None, {"start": "1M", "target": "€1.2M"}, KRUnit(Unit.CURRENCY, "EUR")),
        (Unit.NUMBER, None, {"target": "35%"}, KRUnit(Unit.PERCENT)),
        (Unit.NUMBER, None, {"target": "35％"}, KRUnit(Unit.PERCENT)),
        (Unit.NUMBER, None, {"target": "38 prospects"}, KRUnit(word="prospects")),
        (Unit.NUMBER, None, {"start": "0", "target": "50"}, KRUnit()),
        (Unit.NUMBER, None, {"target": "120万元"}, KRUnit(Unit.CURRENCY, "CNY")),
        (Unit.NUMBER, None, {"target": "¥120万"}, KRUnit(Unit.CURRENCY, "CNY")),
        (Unit.NUMBER, None, {"target": "12单"}, KRUnit(word="单")),
        (Unit.NUMBER, None, {"start": "1 call", "target": "40 calls"}, KRUnit(word="call")),
        (Unit.PERCENT, None, {"target": "3"}, KRUnit(Unit.PERCENT)),
        (Unit.CURRENCY, "USD", {"target": "1.2M"}, KRUnit(Unit.CURRENCY, "USD")),
        (Unit.CURRENCY, "USD", {"target": "$1.2M", "baseline": "1M"}, KRUnit(Unit.CURRENCY, "USD")),
    ],
)
def test_the_typed_unit_wins_and_the_menu_decides_when_none_is_typed(
    menu: Unit, currency: str | None, texts: dict[str, str], unit: KRUnit
) -> None:
    settled, errors = settle_unit(menu, currency, typed(**texts))
    assert errors == {}
    assert settled == unit


@pytest.mark.parametrize(
    ("menu", "currency", "texts", "field", "message"),
    [
        (
            Unit.CURRENCY,
            "USD",
            {"target": "38 prospects"},
            "target",
            "The unit menu says an amount in USD, but this is a count of prospects",
        ),
        (
            Unit.PERCENT,
            None,
            {"target": "$5"},
            "target",
            "The unit menu says a percentage, but this is an amount in USD",
        ),
        (
            Unit.NUMBER,
            None,
            {"start": "20 calls", "target": "38 prospects"},
            "target",
            "The start says a count of calls, but this is a count of prospects",
        ),
        (
            Unit.NUMBER,
            None,
            {"start": "$1M", "target": "1.2M", "baseline": "€900k"},
            "baseline",
            "The start says an amount in USD, but this is an amount in EUR",
        ),
        (
            Unit.NUMBER,
            None,
            {"target": "35%", "baseline": "30 deals"},
            "baseline",
            "The target says a percentage, but this is a count of deals",
        ),
    ],
)
def test_a_clash_is_an_error_on_the_field_naming_both(
    menu: Unit, currency: str | None, texts: dict[str, str], field: str, message: str
) -> None:
    _, errors = settle_unit(menu, currency, typed(**texts))
    assert list(errors) == [field]
    assert errors[field].startswith(message) and "Expected" in errors[field]


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("+20%", RelativeTarget(20.0, "+20%")),
        ("-15 %", RelativeTarget(-15.0, "-15%")),
        ("−15%", RelativeTarget(-15.0, "-15%")),
        ("＋12.5％", RelativeTarget(12.5, "+12.5%")),
        ("20%", None),
        ("+20", None),
        ("+$20", None),
        ("plus 20%", None),
        ("", None),
    ],
)
def test_only_a_signed_percentage_is_relative(text: str, relative: RelativeTarget | None) -> None:
    assert relative_target(text) == relative


@pytest.mark.parametrize(
    ("text", "kind", "start", "baseline", "target"),
    [
        ("+20%", "increase", 1_000_000, None, 1_200_000),
        ("-15%", "decrease", 5.0, None, 4.25),
        ("+10%", "increase", 3.5, None, 3.85),
        ("+20%", "stay_above", None, 50, 60),
        ("-15%", "decrease", -100, None, -115),
        ("+20%", "increase", 1_000_000, 2_000_000, 1_200_000),  # the start comes first
    ],
)
def test_a_relative_target_is_resolved_against_the_start_or_baseline(
    text: str, kind: str, start: float | None, baseline: float | None, target: float
) -> None:
    relative = relative_target(text)
    assert relative is not None
    assert resolve(relative, kind, start, baseline) == target


@pytest.mark.parametrize(
    ("kind", "start", "baseline", "message"),
    [
        ("stay_above", None, None, "give a start value or a baseline"),
        ("milestone", 0.0, None, "A milestone is done or not"),
        ("increase", 0.0, None, "of 0 is still 0"),
        ("increase", 9e14, None, "too large"),
    ],
)
def test_a_relative_target_without_a_base_is_an_error(
    kind: str, start: float | None, baseline: float | None, message: str
) -> None:
    relative = relative_target("+20%")
    assert relative is not None
    with pytest.raises(ValueParseError, match=message):
        resolve(relative, kind, start, baseline)


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(bool),
    st.floats(min_value=-99, max_value=1000, allow_nan=False),
)
def test_a_relative_target_moves_the_base_by_its_share(base: float, percent: float) -> None:
    moved = RelativeTarget(percent, f"{percent:+}%").apply(base)
    assert abs(moved) <= MAX_ABS
    share = abs(base) * percent / 100
    assert moved - base == pytest.approx(share, rel=1e-9, abs=2 * math.ulp(max(abs(moved), 1)))
