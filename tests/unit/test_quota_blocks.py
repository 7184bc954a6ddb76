"""How quota KRs read on every surface, their part of the check-in modal and of the `/okr set`
form, and the field errors of bad quota and due-date input (pure: blocks and okr only)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from blocks.checkin_modal import CheckInItem, checkin_modal, read_checkin, value_block
from blocks.cycle_close import GRADE_COLOURS, kr_score_line
from blocks.kr_format import kr_value
from blocks.kr_history import kr_history_modal
from blocks.kr_row import RowFields, check_fields, kind_choice
from blocks.objective_form import due_errors, kr_block
from blocks.quota_lines import counted_for, period_block, quota_close
from okr.digest import assemble_close
from okr.drafts import ObjectiveDraft
from okr.due_dates import DueDay
from okr.outline import CheckInNote
from okr.progress import KRKind
from tests.unit.test_quota import END, WEEKS, _card, line, local, monday

# Weeks 1-9 of Q4 2026: 50, 44, no reading, 38, 60, no reading, 20, 55, 38.
COUNTS = [50, 44, None, 38, 60, None, 20, 55, 38]


def quota_kr(at_week: int = 10, counts: list[float | None] = COUNTS, **kw: Any):  # type: ignore[no-untyped-def]
    """Each count reported on the Monday after its week; as of Wednesday of `at_week`."""
    notes = [
        (local(monday(i + 2)), count, WEEKS[i].key)
        for i, count in enumerate(counts)
        if count is not None
    ]
    return line("quota", notes, local(monday(at_week) + timedelta(days=2)), **kw)


def test_a_quota_line_reads_this_week_average_and_weeks_met() -> None:
    assert kr_value(quota_kr()) == (
        "last week 38 of 50 · avg 44 over 7 weeks · quota met 3 of 9 weeks"
    )
    notes = [(local(monday(i + 2)), c, WEEKS[i].key) for i, c in enumerate(COUNTS) if c]
    notes.append((local(monday(10) + timedelta(days=1)), 45, WEEKS[9].key))
    this_week = line("quota", notes, local(monday(10) + timedelta(days=2)))
    assert kr_value(this_week) == (
        "this week 45 of 50 · avg 44 over 8 weeks · quota met 3 of 10 weeks"
    )


def test_a_quota_line_says_when_a_week_went_unreported_or_away() -> None:
    missed = quota_kr(4, [50, 40])  # Wednesday of week 4: week 3 closed without a count
    assert kr_value(missed) == "last week no reading · avg 45 over 2 weeks · quota met 1 of 3 weeks"
    away = ((monday(3), monday(3) + timedelta(days=4)),)
    gone = quota_kr(4, [50, 40], away=away)
    assert kr_value(gone) == "last week away · avg 45 over 2 weeks · quota met 1 of 2 weeks"


def test_a_quota_without_a_reading_invents_none() -> None:
    assert kr_value(quota_kr(3, [])) == "no reading yet · quota 50 a week"


def test_an_average_is_never_rounded_onto_the_quota() -> None:
    assert "avg 49.5 over 2 weeks" in kr_value(quota_kr(3, [50, 49]))


def test_cycle_close_shows_weeks_met_average_and_score() -> None:
    counts = [50, 60, 44, 0, 50, 20, 55, 70, 50, 30, 10, 50, 60, 40]
    kr = line(
        "quota",
        [(local(monday(i + 1) + timedelta(days=4)), c, WEEKS[i].key) for i, c in enumerate(counts)],
        END + timedelta(days=1),
    )
    assert quota_close(kr) == "quota met 8 of 14 weeks · avg 42 of 50"
    [score] = assemble_close(team_name="N", cycle_name="Q4", cards=[_card(kr)]).objectives[0].krs
    assert kr_score_line(score).endswith(
        f"quota met 8 of 14 weeks · avg 42 of 50 · {GRADE_COLOURS[score.grade]} {score.score:.2f}"
    )
    assert score.score == pytest.approx(sum(min(1, c / 50) for c in counts) / 14)


# --- the check-in modal ---------------------------------------------------------------------


def _blocks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b.get("block_id", ""): b for b in view["blocks"]}


def test_the_modal_asks_for_last_week_until_it_has_a_count() -> None:
    kr = quota_kr(10, COUNTS[:8])  # week 9 has no count yet
    view = checkin_modal([CheckInItem(kr, "Pipeline")])
    View(**view).validate_json()
    blocks = _blocks(view)
    field = blocks[value_block(kr.id)]
    assert field["label"]["text"] == "Prospects contacted, week of 23 Nov — quota 50"
    assert "initial_value" not in field["element"]  # empty: a count never carries over
    menu = blocks[period_block(kr.id)]["element"]
    assert [o["text"]["text"] for o in menu["options"]] == [
        "week of 23 Nov (last week)",
        "week of 30 Nov (this week)",
    ]
    assert menu["initial_option"]["value"] == WEEKS[8].key
    reported = _blocks(checkin_modal([CheckInItem(quota_kr(10), "Pipeline")]))
    assert reported[period_block(kr.id)]["element"]["initial_option"]["value"] == WEEKS[9].key
    assert "week of 30 Nov" in reported[value_block(kr.id)]["label"]["text"]


def test_the_modal_stays_within_a_hundred_blocks_with_quotas() -> None:
    items = [CheckInItem(quota_kr(id=i), "Pipeline") for i in range(1, 33)]
    view = checkin_modal(items)
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    # five blocks a quota (its confidence has its own labelled field): 19 fit beside the note
    assert "Showing 19 of 32 key results" in view["blocks"][0]["elements"][0]["text"]


def _state(kr_id: int, count: str | None, period: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        value_block(kr_id): {"value": {"type": "plain_text_input", "value": count}}
    }
    if period is not None:
        option = {"text": {"type": "plain_text", "text": period}, "value": period}
        values[period_block(kr_id)] = {
            "value": {"type": "static_select", "selected_option": option}
        }
    return values


def test_a_count_is_read_with_the_period_it_is_for() -> None:
    kr = quota_kr()
    answers, errors = read_checkin(_state(kr.id, "38 ", WEEKS[8].key), {kr.id: kr})
    assert errors == {}
    assert [(a.value, a.period_key) for a in answers] == [(38.0, WEEKS[8].key)]


@pytest.mark.parametrize(
    ("count", "period", "block", "message"),
    [
        ("-3", WEEKS[8].key, "value", "A count cannot be negative"),
        ("12", "2026-W30", "period", "Pick a week of this cycle (2026-10-01 to 2026-12-31)."),
        ("12", "2027-W02", "period", "Pick a week of this cycle"),
        ("12", "2026-11", "period", "Pick a week of this cycle"),
        ("lots", WEEKS[8].key, "value", ""),
    ],
)
def test_bad_counts_are_field_errors(count: str, period: str, block: str, message: str) -> None:
    kr = quota_kr()
    answers, errors = read_checkin(_state(kr.id, count, period), {kr.id: kr})
    assert answers == []
    key = value_block(kr.id) if block == "value" else period_block(kr.id)
    assert list(errors) == [key] and errors[key].startswith(message)


def test_an_empty_count_reports_nothing_but_a_modal_of_nothing_is_refused() -> None:
    kr = quota_kr()
    answers, errors = read_checkin(_state(kr.id, "", WEEKS[8].key), {kr.id: kr})
    assert answers == [] and errors == {value_block(kr.id): "Enter a count, or press Cancel."}
    other = line("increase", [], local(monday(10)), id=7, target=100)
    values = {
        **_state(kr.id, None, WEEKS[8].key),
        value_block(7): {"value": {"type": "plain_text_input", "value": "20"}},
    }
    answers, errors = read_checkin(values, {kr.id: kr, 7: other})
    assert errors == {} and [a.kr_id for a in answers] == [7]


# --- the /okr set form: a line's fields, as Details sets them ----------------------------------


def _checked(**texts: str) -> tuple[Any, dict[str, str]]:
    return check_fields(
        RowFields(**texts), title="Prospects contacted", row=0, owner_id="U0AAA1", kr_id=None
    )


def test_a_quota_is_set_with_its_period_in_the_kind_menu() -> None:
    kr, errors = _checked(kind="quota_week", target="50")
    assert errors == {} and kr is not None
    assert (kr.kind, kr.period, kr.target, kr.start) == (KRKind.QUOTA, "week", 50, 0)
    assert kind_choice("quota", "month") == "quota_month"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"kind": "quota_week", "target": "-5"}, "target", "A quota is a number above 0."),
        ({"kind": "quota_week", "target": "0"}, "target", "A quota is a number above 0."),
        ({"kind": "quota_month", "target": ""}, "target", "Enter the quota"),
        ({"kind": "quota_week", "start": "10", "target": "50"}, "start", "A quota starts"),
        ({"kind": "quota", "target": "50"}, "kind", "Pick how this number should move."),
        ({"kind": "milestone", "due": "soon"}, "due", "“soon” is not a date"),
    ],
)
def test_bad_quota_and_due_date_rows(row: dict[str, str], field: str, message: str) -> None:
    kr, errors = _checked(**row)
    assert kr is None
    assert errors[field].startswith(message)


def test_a_due_date_outside_the_cycle_is_a_field_error() -> None:
    kr, errors = _checked(kind="milestone", due="15 Feb")
    assert errors == {} and kr is not None and kr.due == DueDay(2, 15)
    draft = ObjectiveDraft("Launch", "", "personal", None, 1, None, (kr,))
    assert due_errors(draft, date(2026, 10, 1), date(2026, 12, 31), "FY2027 Q2") == {
        kr_block(0): "The due date must fall within FY2027 Q2 (1 Oct 2026 to 31 Dec 2026)."
    }
    inside, _ = _checked(kind="milestone", due="15 Dec")
    assert inside is not None
    draft = ObjectiveDraft("Launch", "", "personal", None, 1, None, (inside,))
    assert due_errors(draft, date(2026, 10, 1), date(2026, 12, 31), "FY2027 Q2") == {}


def test_a_counts_history_names_the_week_it_counts_for() -> None:
    view = kr_history_modal(quota_kr(), "Pipeline")
    text = json.dumps(view, ensure_ascii=False)
    assert "*38* for week of 23 Nov · " in text and "*50* for week of 28 Sep · " in text
    assert (
        counted_for(
            line("increase", [], local(monday(3))),
            CheckInNote(1, 5, None, "", "U1", local(monday(2))),
        )
        == ""
    )
