"""A KR in a sales team's own words, pure: its unit word and relative target on every surface
that shows the target in full, the edit row that brings them back, the check-in modal's
labelled fields, and the prompt's done state repeating what was sent (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from blocks.checkin_modal import (
    read_checkin,
    value_block,
)
from blocks.kr_format import kr_value
from blocks.kr_history import kr_history_modal
from blocks.objective_form import row_values
from okr.display import Measure
from okr.outline import KRLine
from okr.progress import KRKind
from okr.relative_target import MAX_TEXT_CHARS, relative_target, still_relative
from okr.values import Unit, parse_value
from tests.unit.test_blocks_display import make_kr

USD = Measure(Unit.CURRENCY, "USD")
PROSPECTS = Measure(Unit.NUMBER, word="prospects")


def prospects(current: float = 40, **kw: Any) -> KRLine:
    line = make_kr(
        title="Prospects contacted",
        unit="number",
        currency=None,
        target=38,
        current=current,
        history=(current,),
        **kw,
    )
    return replace(line, unit_word="prospects")


def sales(current: float = 1_030_000, **kw: Any) -> KRLine:
    line = make_kr(title="Revenue this quarter", start=1e6, target=1.2e6, current=current, **kw)
    return replace(line, relative_target="+20%")


# --- relative targets --------------------------------------------------------------------------


def test_a_relative_form_holds_while_it_still_makes_the_target() -> None:
    assert still_relative("+20%", KRKind.INCREASE, 1.2e6, 1e6, None) is not None
    assert still_relative("+20%", KRKind.INCREASE, 1.3e6, 1e6, None) is None  # typed absolute
    assert still_relative("+20%", KRKind.INCREASE, 1.2e6, 1.1e6, None) is None  # start moved
    assert still_relative("-15%", KRKind.DECREASE, 4.25, None, 5.0) is not None  # baseline
    assert still_relative("+20%", KRKind.MILESTONE, 1.0, 0.0, None) is None
    assert still_relative(None, KRKind.INCREASE, 1.2e6, 1e6, None) is None
    assert still_relative("20%", KRKind.INCREASE, 1.2e6, 1e6, None) is None  # not relative


def test_a_relative_form_fits_its_column_and_reads_back() -> None:
    for typed in ("+20%", "-15 %", "+0." + "0" * 60 + "1%", "+999999999999999%"):
        relative = relative_target(typed)
        assert relative is not None and len(relative.text) <= MAX_TEXT_CHARS, typed
        assert parse_value(relative.text).value == relative.percent


def test_surfaces_that_show_the_target_in_full_say_how_it_was_typed() -> None:
    line = sales()
    assert kr_value(line, full=True) == "$1.03M of +20% → $1.2M"
    assert kr_value(line) == "$1.03M of $1.2M"  # compact: prompt, digest, the modal's summary
    unread = replace(line, reported=False)
    assert kr_value(unread, full=True) == "no reading yet · target +20% → $1.2M"
    history = str(kr_history_modal(line, "Grow"))
    assert "*Current target*\\n+20% → $1.2M" in history
    assert "*Original target*\\n$1.2M" in history
    assert "→" not in kr_value(replace(line, relative_target=None), full=True)


def test_an_edit_row_brings_back_the_word_and_the_relative_form() -> None:
    assert row_values("increase", None, 0.0, 38.0, None, word="prospects") == (
        "increase",
        "0 prospects",
        "38 prospects",
    )
    assert row_values("quota", "week", 0.0, 50.0, None, word="calls") == (
        "quota_week",
        "",
        "50 calls",
    )
    assert row_values("increase", None, 1e6, 1.2e6, None, relative="+20%") == (
        "increase",
        "1000000",
        "+20%",
    )
    # the target moved on (an absolute one was typed, or the start changed): the number
    assert row_values("increase", None, 1e6, 1.3e6, None, relative="+20%")[2] == "1300000"
    # a threshold stored with its target as start: +20% of the baseline would not read back
    assert (
        row_values("stay_above", None, 60.0, 60.0, None, relative="+20%", baseline=50.0)[2] == "60"
    )
    assert row_values("decrease", None, 5.0, 4.25, None, relative="-15%")[2] == "-15%"


# --- the check-in modal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value", "error"),
    [
        ("40 prospects", 40.0, None),
        ("40 Prospect", 40.0, None),
        ("40", 40.0, None),
        ("40 calls", None, "This key result counts prospects, not calls."),
        ("$40", None, "This key result is a count of prospects, not an amount in USD."),
    ],
)
def test_a_check_in_reads_the_krs_unit_word(typed: str, value: float | None, error: str) -> None:
    kr = prospects()
    answers, errors = read_checkin(
        {value_block(kr.id): {"value": {"type": "plain_text_input", "value": typed}}}, {kr.id: kr}
    )
    if error is None:
        assert [a.value for a in answers] == [value] and errors == {}
    else:
        assert answers == [] and errors[value_block(kr.id)].startswith(error), errors
