"""The cycle modal and the custom cycle rules, pure: no Slack, no database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from slack_sdk.models.views import View

from blocks import cycle_modal as modal
from okr.cycle_rules import ExistingCycle, validate_custom_cycle
from okr.cycles import CycleSpan

Q4 = CycleSpan("FY2026 Q4", date(2026, 10, 1), date(2026, 12, 31))
PUSH = ExistingCycle("H1 push", date(2027, 1, 1), date(2027, 6, 30), is_custom=True)
QUARTER = ExistingCycle("FY2027 Q1", date(2027, 1, 1), date(2027, 3, 31), is_custom=False)


def _blocks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def _state(
    month: str | None = "4",
    name: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    option = (
        None if month is None else {"text": {"type": "plain_text", "text": month}, "value": month}
    )
    return {
        modal.FISCAL_BLOCK: {"month": {"type": "static_select", "selected_option": option}},
        modal.NAME_BLOCK: {"name": {"type": "plain_text_input", "value": name}},
        modal.START_BLOCK: {"date": {"type": "datepicker", "selected_date": start}},
        modal.END_BLOCK: {"date": {"type": "datepicker", "selected_date": end}},
    }


def test_modal_has_twelve_months_with_the_current_one_picked() -> None:
    view = modal.cycle_modal(fiscal_start_month=4, current=Q4)
    View(**view).validate_json()
    assert len(view["title"]["text"]) <= 24
    assert view["callback_id"] == modal.CALLBACK_ID
    blocks = _blocks(view)
    select = blocks[modal.FISCAL_BLOCK]["element"]
    assert [o["text"]["text"] for o in select["options"]] == [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    assert [o["value"] for o in select["options"]] == [str(m) for m in range(1, 13)]
    assert select["initial_option"]["value"] == "4"
    assert blocks[modal.START_BLOCK]["element"]["type"] == "datepicker"
    assert blocks[modal.END_BLOCK]["element"]["type"] == "datepicker"
    assert all(
        blocks[b]["optional"] for b in (modal.NAME_BLOCK, modal.START_BLOCK, modal.END_BLOCK)
    )
    assert "*FY2026 Q4* (1 Oct 2026 – 31 Dec 2026)" in view["blocks"][0]["text"]["text"]


def test_modal_lists_custom_cycles_escaped_and_truncated() -> None:
    custom = [
        CycleSpan(f"<!here> push {i}", date(2027, 1, i), date(2027, 1, i + 1)) for i in range(1, 15)
    ]
    view = modal.cycle_modal(fiscal_start_month=1, current=Q4, custom=custom)
    View(**view).validate_json()
    context = view["blocks"][-1]["elements"][0]["text"]
    assert "&lt;!here&gt; push 1" in context and "<!here>" not in context
    assert "push 10" in context and "push 11" not in context
    assert "…and 4 more" in context


def test_reader_reads_month_and_custom_cycle() -> None:
    form, errors = modal.read_cycle_form(_state("4", " H1 push ", "2027-01-01", "2027-06-30"))
    assert errors == {}
    assert form == modal.CycleForm(4, "H1 push", date(2027, 1, 1), date(2027, 6, 30))
    assert form.wants_custom


def test_reader_without_custom_cycle() -> None:
    form, errors = modal.read_cycle_form(_state("11"))
    assert errors == {}
    assert form.fiscal_start_month == 11 and not form.wants_custom
    assert modal.custom_cycle_errors(form, [PUSH]) == {}


@pytest.mark.parametrize("month", [None, "0", "13", "April", "-1"])
def test_reader_refuses_a_bad_month(month: str | None) -> None:
    _, errors = modal.read_cycle_form(_state(month))
    assert errors == {modal.FISCAL_BLOCK: "Pick the month your fiscal year starts in."}


def test_reader_refuses_unreadable_dates() -> None:
    _, errors = modal.read_cycle_form(_state("1", "X", "2027-02-30", "soon"))
    assert set(errors) == {modal.START_BLOCK, modal.END_BLOCK}


def test_partial_custom_cycle_names_the_missing_fields() -> None:
    form, _ = modal.read_cycle_form(_state("1", None, "2027-01-01", None))
    assert form.wants_custom
    errors = modal.custom_cycle_errors(form, [])
    assert errors == {
        modal.NAME_BLOCK: "Give the cycle a name, e.g. “H1 2027 sales push”.",
        modal.END_BLOCK: "Pick the last day of the cycle.",
    }


# --- the rules --------------------------------------------------------------------------


def test_a_good_custom_cycle_passes() -> None:
    assert validate_custom_cycle("Summer", date(2027, 7, 1), date(2027, 8, 31), [PUSH]) == {}


def test_end_must_come_after_start() -> None:
    assert validate_custom_cycle("X", date(2027, 7, 1), date(2027, 6, 1)) == {
        "end": "The cycle must end after it starts."
    }
    assert validate_custom_cycle("X", date(2027, 7, 1), date(2027, 7, 1)) == {
        "end": "The cycle must end after it starts."
    }


def test_at_most_366_days() -> None:
    assert validate_custom_cycle("Leap", date(2028, 1, 1), date(2028, 12, 31)) == {}  # 366 days
    assert validate_custom_cycle("Long", date(2027, 1, 1), date(2028, 1, 1)) == {}  # 366 days
    assert validate_custom_cycle("Long", date(2027, 1, 1), date(2028, 1, 2)) == {
        "end": "A cycle can last at most 366 days; this one has 367."
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 6, 30), date(2027, 7, 31)),  # shares the last day
        (date(2026, 12, 1), date(2027, 1, 1)),  # shares the first day
        (date(2027, 2, 1), date(2027, 3, 1)),  # inside
        (date(2026, 12, 1), date(2027, 8, 1)),  # around
    ],
)
def test_custom_cycles_may_not_overlap(start: date, end: date) -> None:
    errors = validate_custom_cycle("Other", start, end, [PUSH])
    assert errors == {
        "start": "Overlaps “H1 push” (1 Jan 2027 – 30 Jun 2027): custom cycles may not overlap."
    }


def test_overlapping_a_quarter_is_fine_but_not_its_exact_days() -> None:
    assert validate_custom_cycle("Jan push", date(2027, 1, 1), date(2027, 1, 31), [QUARTER]) == {}
    assert validate_custom_cycle("Q copy", date(2027, 1, 1), date(2027, 3, 31), [QUARTER]) == {
        "start": "“FY2027 Q1” already covers exactly these days."
    }


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the cycle a name"),
        ("   ", "Give the cycle a name"),
        ("x" * 81, "80 characters or fewer (this one has 81)"),
        ("h1 PUSH", "There is already a cycle called “H1 push”"),
        ("fy2028 q2", "belong to fiscal quarters"),
    ],
)
def test_names(name: str, message: str) -> None:
    errors = validate_custom_cycle(name, date(2028, 7, 1), date(2028, 8, 1), [PUSH])
    assert list(errors) == ["name"]
    assert message in errors["name"]


def test_errors_map_to_block_ids() -> None:
    form = modal.CycleForm(1, "H1 push", date(2027, 2, 1), date(2026, 1, 1))
    errors = modal.custom_cycle_errors(form, [PUSH])
    assert set(errors) == {modal.NAME_BLOCK, modal.END_BLOCK}


def test_saved_message() -> None:
    message = modal.cycle_saved_message(
        fiscal_start_month=4,
        month_changed=True,
        custom=CycleSpan("<!channel>", date(2027, 1, 1), date(2027, 2, 1)),
        current=Q4,
    )
    assert "now starts in April" in message["text"]
    assert "&lt;!channel&gt;" in message["text"] and "<!channel>" not in message["text"]
    assert "Current cycle: *FY2026 Q4*" in message["text"]
