"""This week's participation (okr.participation) and how the leads read it
(blocks.participation): *No change* is never an update, away and skipping owners are named as
such, and the DM stays within Slack's limits however large the team."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from blocks import ids
from blocks.participation import counts_text, lead_message, nudge_target, panel_sections
from okr.outline import CheckInNote
from okr.participation import MemberWeek, Rest, Standing, WeekCheckIn, count, member_weeks
from tests.unit.test_blocks_display import EVIL, assert_escaped, make_card, make_kr, texts
from tests.unit.test_rhythm_blocks import check_message

NOW = datetime(2024, 5, 24, 16, 0, tzinfo=UTC)  # a Friday
MONDAY = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)
WEEK = "2024-W21"


def note(kr_id: int, user: str, text: str, at: datetime, value: float = 800_000) -> CheckInNote:
    return CheckInNote(kr_id, value, "on_track", text, user, at)


def team_cards():  # type: ignore[no-untyped-def]
    """Five owners: U0UPD updates, U0SAME clicks No change, U0AWAY is away, U0SKIP skips,
    U0MISS says nothing (but wrote a note last week)."""
    krs = (
        make_kr(1, owner_id="U0UPD", current=800_000),
        make_kr(2, title="Demos", owner_id="U0SAME"),
        make_kr(3, title="Calls", owner_id="U0AWAY"),
        make_kr(4, title="Renewals", owner_id="U0SKIP"),
        make_kr(
            5,
            title="Partners",
            owner_id="U0MISS",
            history=(
                note(
                    5, "U0MISS", "Two reps at the Shanghai trade show", MONDAY - timedelta(days=4)
                ),
            ),
        ),
    )
    return [make_card(krs=krs)]


def weeks(no_change_for: tuple[str, ...] = ("U0SAME",)) -> tuple[MemberWeek, ...]:
    checkins = [WeekCheckIn("U0UPD", 1, MONDAY, False)]
    checkins += [WeekCheckIn(u, 2, MONDAY + timedelta(hours=1), True) for u in no_change_for]
    rests = {
        "U0AWAY": Rest(date(2024, 6, 2), None, "UTC"),
        "U0SKIP": Rest(None, WEEK, "Europe/Berlin"),
        "U0GONE": Rest(None, None, "UTC", gone=True),
    }
    return member_weeks(cards=team_cards(), checkins=checkins, rests=rests, now=NOW)


def test_each_owner_has_one_standing_and_no_change_is_not_an_update() -> None:
    members = weeks()
    standing = {m.user_id: m.standing for m in members}
    assert standing == {
        "U0UPD": Standing.UPDATED,
        "U0SAME": Standing.NO_CHANGE,
        "U0AWAY": Standing.AWAY,
        "U0SKIP": Standing.SKIPPED,
        "U0MISS": Standing.MISSING,
    }
    assert [m.standing for m in members] == list(Standing)  # missing first, updated last
    assert count(members, Standing.UPDATED) == 1
    assert counts_text(members) == "1 of 5 updated · 1 no change · 1 away · 1 skipped · 1 missing"
    [missing] = [m for m in members if m.standing is Standing.MISSING]
    assert missing.note is not None and missing.note.text == "Two reps at the Shanghai trade show"


def test_three_no_change_clicks_are_not_three_updates() -> None:
    krs = tuple(make_kr(i, owner_id=f"U0P{i}") for i in range(1, 4))
    checkins = [WeekCheckIn(f"U0P{i}", i, MONDAY, True) for i in range(1, 4)]
    members = member_weeks(cards=[make_card(krs=krs)], checkins=checkins, rests={}, now=NOW)
    assert counts_text(members) == "0 of 3 updated · 3 no change"
    body = texts(
        lead_message(
            team_id=1,
            team_name="Nordics",
            cycle_name="Q2",
            week_label="week 8 of 13",
            members=members,
        )["blocks"]
    )
    assert "3 of 3" not in body and "Everyone" not in body


def test_away_that_ended_and_last_weeks_skip_count_as_missing() -> None:
    krs = (make_kr(1, owner_id="U0A"), make_kr(2, owner_id="U0B"))
    rests = {"U0A": Rest(date(2024, 5, 23), None, "UTC"), "U0B": Rest(None, "2024-W20", "UTC")}
    members = member_weeks(cards=[make_card(krs=krs)], checkins=[], rests=rests, now=NOW)
    assert {m.standing for m in members} == {Standing.MISSING}


def test_the_leads_dm_names_each_standing_with_values_and_a_nudge_button() -> None:
    message = lead_message(
        team_id=7,
        team_name="Nordics",
        cycle_name="Q2 2024",
        week_label="week 8 of 13",
        members=weeks(),
    )
    check_message(message)
    assert_escaped(message)
    body = texts(message["blocks"])
    assert body.startswith(
        "*Check-ins · Nordics · Q2 2024 · week 8 of 13*\n"
        "1 of 5 updated · 1 no change · 1 away · 1 skipped · 1 missing"
    )
    assert ".." not in body and "Everyone" not in body
    assert "<@U0UPD> · updated: *Close $2M in new ARR* $800k of $2M" in body
    assert "<@U0SAME> · no change (Mon 20 May)" in body
    assert "<@U0AWAY> · away until Sun 2 Jun" in body
    assert "<@U0SKIP> · skipped this week" in body
    assert "“Two reps at the Shanghai trade show” — _Partners_, 16 May" in body
    buttons = [b["accessory"] for b in message["blocks"] if b.get("accessory")]
    assert [b["action_id"] for b in buttons] == [ids.NUDGE_NOW]
    assert nudge_target(buttons[0]["value"]) == (7, "U0MISS")
    assert "U0" not in message["text"] and "1 of 5 updated" in message["text"]


def test_everyone_updated_and_nobody_due() -> None:
    members = tuple(m for m in weeks() if m.standing is Standing.UPDATED)
    everyone = lead_message(
        team_id=1, team_name="N", cycle_name="Q", week_label="week 1 of 13", members=members
    )
    check_message(everyone)
    assert "Everyone updated this week 🎉" in texts(everyone["blocks"])
    nobody = lead_message(
        team_id=1, team_name="N", cycle_name="Q", week_label="week 1 of 13", members=()
    )
    check_message(nobody)
    body = texts(nobody["blocks"])
    assert "No key-result owners this cycle yet" in body and ".." not in body


def test_the_leads_dm_of_500_people_stays_within_limits() -> None:
    many = tuple(
        MemberWeek(f"U0P{i:05d}", list(Standing)[i % 5], away_until=date(2024, 6, 1))
        for i in range(500)
    )
    hostile = replace(many[0], user_id=EVIL)
    message = lead_message(
        team_id=1,
        team_name=EVIL,
        cycle_name=EVIL,
        week_label="week 8 of 13",
        members=(hostile, *many),
    )
    check_message(message)
    assert_escaped(message)
    # the first 20 missing get a section each; the hostile "id" gets no button
    assert len([b for b in message["blocks"] if b.get("accessory")]) == 19
    body = texts(message["blocks"])
    assert "And:\n<@U0P00095>" in body and "<@U0P00499> · updated" in body


def test_nudge_target_refuses_what_is_not_a_button_value() -> None:
    assert nudge_target(json.dumps({"team": 3, "user": "U1"})) == (3, "U1")
    for bad in ("", "x", "[]", '{"team": true, "user": "U1"}', '{"team": 3}'):
        assert nudge_target(bad) is None


def test_the_home_panel_fits_its_room() -> None:
    blocks = panel_sections(weeks(), max_blocks=3)
    check_message({"text": "x", "blocks": blocks})
    assert len(blocks) <= 3 and "1 of 5 updated" in texts(blocks)
    assert panel_sections(weeks(), max_blocks=0) == []
