"""A KR in a sales team's own words, pure: its unit word and relative target on every surface
that shows the target in full, the edit row that brings them back, the check-in modal's
labelled fields, and the prompt's done state repeating what was sent (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.views import View

from blocks.checkin_modal import (
    CONFIDENCE_LABEL,
    MAX_KRS,
    CheckInItem,
    checkin_modal,
    confidence_block,
    read_checkin,
    sent_in,
    value_block,
    value_label,
    with_sent,
)
from blocks.kr_format import kr_value
from blocks.kr_history import kr_history_modal
from blocks.kr_row import RowFields, fields_of
from blocks.labels import MAX_LABEL, field_label
from blocks.objective_form import Choice, FormState, objective_modal
from blocks.prompt import MAX_ECHOED, Sent, prompt_done
from okr.display import Measure, target_text
from okr.drafts import KRDraft
from okr.kr_sentence import KRReading, kr_sentence, read_kr
from okr.outline import KRLine
from okr.periods import Period
from okr.progress import KRKind
from okr.relative_target import MAX_TEXT_CHARS, relative_target, still_relative
from okr.values import Unit, parse_value
from tests.unit.test_blocks_display import EVIL, EVIL_ESCAPED, make_kr
from tests.unit.test_quota_blocks import quota_kr
from tests.unit.test_rhythm_blocks import WHEN, check_message

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


def _edit_line(**stored: Any) -> RowFields:
    """What an edit line's sentence reads back as: the fields Details would show."""
    kr = KRDraft(
        row=0,
        title=stored.pop("title", "Prospects contacted"),
        unit=Unit.NUMBER,
        currency=None,
        owner_id="U0AAA1",
        baseline=None,
        weight=1.0,
        **stored,
    )
    reading = read_kr(kr_sentence(kr), cycle_start=date(2026, 10, 1), cycle_end=date(2026, 12, 31))
    assert isinstance(reading, KRReading), reading
    return fields_of(reading)


def test_an_edit_row_brings_back_the_word_and_the_relative_form() -> None:
    line = _edit_line(kind=KRKind.INCREASE, start=0.0, target=38.0, unit_word="prospects")
    assert (line.kind, line.start, line.target) == ("increase", "0 prospects", "38 prospects")
    line = _edit_line(
        kind=KRKind.QUOTA, start=0.0, target=50.0, unit_word="calls", period=Period.WEEK
    )
    assert (line.kind, line.start, line.target) == ("quota_week", "", "50 calls")
    line = _edit_line(
        title="Revenue", kind=KRKind.INCREASE, start=1e6, target=1.2e6, relative_target="+20%"
    )
    assert (line.start, line.target) == ("1M", "+20%")
    # the target moved on (an absolute one was typed, or the start changed): the number
    line = _edit_line(
        title="Revenue", kind=KRKind.INCREASE, start=1e6, target=1.3e6, relative_target="+20%"
    )
    assert line.target == "1.3M"


# --- the check-in modal ------------------------------------------------------------------------


def _inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b["type"] == "input"]


def test_every_field_says_what_it_measures_and_its_target() -> None:
    churn = make_kr(
        2, title="Churn", kind="stay_below", unit="percent", currency=None, target=3, current=3.04
    )
    milestone = make_kr(3, title="Partner program live", kind="milestone", unit="number")
    assert value_label(sales()) == "Revenue this quarter — target $1.2M"
    assert value_label(prospects()) == "Prospects contacted — target 38 prospects"
    assert value_label(churn) == "Churn — holds ≤ 3%"
    assert value_label(milestone) == "Partner program live — done or not"
    near = sales(current=1_199_999)
    assert (
        value_label(near) == f"Revenue this quarter — target {target_text(1.2e6, USD, 1_199_999)}"
    )
    assert target_text(1.2e6, USD, 1_199_999) != target_text(1_199_999, USD, 1.2e6)


def test_labels_stay_within_slacks_limit_and_never_say_optional() -> None:
    long = make_kr(title="Revenue " * 400)
    assert len(field_label(long.title, "target $2M")) <= MAX_LABEL
    assert field_label(long.title, "target $2M").endswith("… — target $2M")
    items = [
        CheckInItem(kr, "Grow")
        for kr in (long, sales(), prospects(), quota_kr(), make_kr(5, kind="milestone"))
    ]
    view = checkin_modal(items)
    View(**view).validate_json()
    for block in _inputs(view):
        assert 0 < len(block["label"]["text"]) <= MAX_LABEL
        assert "optional" not in block["label"]["text"].lower()


def test_confidence_is_a_labelled_optional_choice_preselected_to_the_last_one() -> None:
    view = checkin_modal(
        [CheckInItem(make_kr(1, confidence="at_risk"), "Grow"), CheckInItem(make_kr(2), "Grow")]
    )
    fields = {b.get("block_id"): b for b in view["blocks"]}
    at_risk = fields[confidence_block(1)]
    assert (at_risk["type"], at_risk["label"]["text"], at_risk["optional"]) == (
        "input",
        CONFIDENCE_LABEL,
        True,
    )
    assert at_risk["element"]["initial_option"]["value"] == "at_risk"
    assert fields[confidence_block(2)]["element"]["initial_option"]["value"] == "on_track"
    order = [b.get("block_id") for b in view["blocks"]]
    assert order.index(confidence_block(1)) == order.index(value_block(1)) + 1  # beside it


def test_a_crowded_modal_keeps_its_budget_and_invents_no_reading() -> None:
    unread = [
        CheckInItem(replace(make_kr(i), reported=False), "Grow") for i in range(1, MAX_KRS + 9)
    ]
    mixed = [CheckInItem(quota_kr(id=i), "Pipeline") for i in range(100, 110)] + unread
    for items in (unread, mixed):
        view = checkin_modal(items)
        View(**view).validate_json()
        assert len(view["blocks"]) <= 100
        assert view["blocks"][0]["type"] == "context" and "Showing" in str(view["blocks"][0])
        for block in _inputs(view):
            if block["block_id"].startswith("ci_value_"):
                assert "initial_value" not in block["element"], block["block_id"]


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


# --- the done state ------------------------------------------------------------------------------


def test_the_done_state_repeats_what_was_sent_in_each_krs_format() -> None:
    sent = [
        Sent(KRKind.INCREASE, PROSPECTS, 38, "at_risk"),
        Sent(KRKind.INCREASE, USD, 1_030_000, "on_track"),
        Sent(KRKind.MILESTONE, Measure(), 1.0),
        Sent(KRKind.STAY_BELOW, Measure(Unit.PERCENT), 3.04, "off_track"),
    ]
    done = prompt_done(cycle_name="Q4", week_label="week 8 of 13", count=4, when=WHEN, sent=sent)
    check_message(done)
    text = done["blocks"][0]["text"]["text"]
    assert "\n38 prospects · at risk — $1.03M · on track — done — 3.04% · off track\n" in text
    exact = prompt_done(
        cycle_name="Q4",
        week_label="w",
        count=1,
        when=WHEN,
        sent=[Sent(KRKind.INCREASE, USD, 1_034_567)],
    )
    assert "$1.034567M" in exact["blocks"][0]["text"]["text"]  # a typo shows, not a rounding
    plain = prompt_done(cycle_name="Q4", week_label="w", count=1, when=WHEN)
    assert plain["blocks"][0]["text"]["text"].count("\n") == 1  # no echo without answers


def test_the_echo_escapes_user_text_and_stays_within_a_section() -> None:
    hostile = Measure(Unit.NUMBER, word=EVIL)
    many = [Sent(KRKind.INCREASE, hostile, 1e15 - 1, "at_risk")] * (MAX_ECHOED + 5)
    done = prompt_done(cycle_name=EVIL, week_label=EVIL, count=40, when=WHEN, sent=many)
    check_message(done)
    text = done["blocks"][0]["text"]["text"]
    assert EVIL not in text and EVIL_ESCAPED in text
    assert text.count("· at risk") == MAX_ECHOED and "and 5 more" in text


def test_answers_travel_with_the_source_to_the_hooks() -> None:
    answers, _ = read_checkin(
        {value_block(1): {"value": {"type": "plain_text_input", "value": "$1.1M"}}}, {1: sales()}
    )
    source = {"channel": "D1", "ts": "1.2"}
    travelling = with_sent(source, answers)
    assert {k: travelling[k] for k in source} == source
    assert sent_in(travelling) == answers and sent_in(source) == []
    assert sent_in({"sent": [{"kr_id": 1, "value": 5}]}) == []  # only what the modal read


def test_no_label_of_the_set_modal_says_optional_either() -> None:
    view = objective_modal(
        FormState(author_id="U0AAA1", cycles=[Choice("1", "Q4 2026")], cycle_id=1)
    )
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Key result 1" in labels and "Key result 5" in labels
    assert not any("optional" in label.lower() for label in labels)
    placeholders = [
        b["element"].get("placeholder", {}).get("text", "")
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    ]
    # an empty field never looks filled in: every example says it is one
    assert all(p.startswith("e.g. ") for p in placeholders if p)
