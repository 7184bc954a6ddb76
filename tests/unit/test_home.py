"""The Home tab's check-in state and a lead's team panel (blocks.home), checked with
slack_sdk's models and Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from blocks import ids
from blocks.home import TeamPanel, checked_in_text, home_view
from okr.participation import CheckedIn, MemberWeek, Standing
from tests.unit.test_blocks_display import (
    VERBS,
    assert_escaped,
    assert_valid_view,
    buttons,
    make_card,
    make_kr,
    many_krs,
    texts,
)

MONDAY = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
REP, LEAD = "U0AAA1", "U0LEAD"


def cards():  # type: ignore[no-untyped-def]
    lead_kr = make_kr(7, title="Coach the team", owner_id=LEAD)
    return [make_card(10, owner_id=LEAD, krs=(make_kr(1), lead_kr))]


def test_check_in_is_primary_until_the_week_is_in_then_the_checked_in_line_and_edit() -> None:
    before = home_view(user_id=REP, cards=cards(), editable_ids=(), cycle_name="Q4", verbs=VERBS)
    assert_valid_view(before, "home")
    first = buttons(before["blocks"])[0]
    assert (first["action_id"], first.get("style")) == (ids.CHECK_IN, "primary")

    after = home_view(
        user_id=REP,
        cards=cards(),
        editable_ids=(),
        cycle_name="Q4",
        verbs=VERBS,
        week=CheckedIn(MONDAY, no_change=False),
    )
    assert_valid_view(after, "home")
    assert after["blocks"][1]["text"]["text"] == "Checked in Mon 28 Dec ✓"
    found = [(b["action_id"], b["text"]["text"], b.get("style")) for b in buttons(after["blocks"])]
    assert found[:2] == [(ids.CHECK_IN, "Edit check-in", None), (ids.NEW_OKR, "New OKR", None)]
    assert ids.NO_CHANGE not in {b["action_id"] for b in buttons(after["blocks"])}
    assert checked_in_text(CheckedIn(MONDAY, no_change=True)) == "No change reported Mon 28 Dec ✓"


def test_a_leads_home_has_the_team_panel_and_lists_nothing_twice() -> None:
    members = (
        MemberWeek("U0MISS", Standing.MISSING),
        MemberWeek("U0AWAY", Standing.AWAY, away_until=date(2027, 1, 8)),
        MemberWeek(REP, Standing.UPDATED, updated=(make_kr(1),)),
    )
    view = home_view(
        user_id=LEAD,
        cards=cards(),
        editable_ids={10},
        cycle_name="Q4",
        verbs=VERBS,
        panels=[TeamPanel("<!here> Nordics", members)],
    )
    assert_valid_view(view, "home")
    assert_escaped(view)
    body = texts(view["blocks"])
    assert "&lt;!here&gt; Nordics this week" in body
    assert "1 of 3 updated · 1 away · 1 missing" in body
    assert "<@U0AWAY> · away until Fri 8 Jan" in body and "<@U0MISS> · not checked in" in body
    assert body.count("*Coach the team*") == 1 and body.count("*Win the mid-market in EMEA*") == 1


def test_a_leads_home_with_many_panels_and_cards_stays_within_100_blocks() -> None:
    members = tuple(MemberWeek(f"U0P{i:04d}", Standing.MISSING) for i in range(300))
    panels = [TeamPanel(f"Team {i}", members) for i in range(10)]
    team = [make_card(100 + i, krs=many_krs(3, first_id=1000 * i)) for i in range(40)]
    view = home_view(
        user_id=LEAD, cards=team, editable_ids=(), cycle_name="Q4", verbs=VERBS, panels=panels
    )
    assert_valid_view(view, "home")
    assert "more objectives" in texts(view["blocks"])
