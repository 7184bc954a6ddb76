"""The team modal's builders and readers, pure: no Slack, no database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.views import View

from blocks import team_modal as modal
from blocks.team_modal import TeamChoice, TeamSettings
from tests.forms import fill

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _blocks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def _valid(view: dict[str, Any]) -> None:
    View(**view).validate_json()  # slack_sdk's own limits: title, blocks, options...
    assert len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def _state(
    team_id: int | None = None,
    *,
    name: str | None = "EMEA Sales",
    channel: str | None = "C100",
    leads: list[str] | None = None,
    members: list[str] | None = None,
    tz: str | None = "Europe/Berlin",
) -> dict[str, Any]:
    """view.state.values as Slack sends them for the team modal."""
    tz_option = None if tz is None else {"text": {"type": "plain_text", "text": tz}, "value": tz}
    return {
        modal.block_id(modal.NAME_BLOCK, team_id): {
            "name": {"type": "plain_text_input", "value": name}
        },
        modal.block_id(modal.CHANNEL_BLOCK, team_id): {
            "channel": {"type": "conversations_select", "selected_conversation": channel}
        },
        modal.block_id(modal.LEADS_BLOCK, team_id): {
            "leads": {
                "type": "multi_users_select",
                "selected_users": ["U1"] if leads is None else leads,
            }
        },
        modal.block_id(modal.MEMBERS_BLOCK, team_id): {
            "members": {"type": "multi_users_select", "selected_users": members or []}
        },
        modal.block_id(modal.TIMEZONE_BLOCK, team_id): {
            "team_timezone": {"type": "external_select", "selected_option": tz_option}
        },
    }


# --- building ---------------------------------------------------------------------------


def test_new_team_modal_defaults_to_the_author_as_lead_and_their_zone() -> None:
    view = modal.team_modal(TeamSettings(leads=("U1",), timezone="Asia/Shanghai"), now=NOW)
    _valid(view)
    assert view["callback_id"] == modal.CALLBACK_ID
    assert view["title"]["text"] == "New team"
    assert json.loads(view["private_metadata"]) == {"team_id": None}
    blocks = _blocks(view)
    assert modal.PICK_BLOCK not in blocks  # nothing to pick from
    assert blocks["team_leads.new"]["element"]["initial_users"] == ["U1"]
    tz = blocks["team_timezone.new"]["element"]
    assert tz["type"] == "external_select"
    assert tz["action_id"] == modal.TIMEZONE_ACTION
    assert tz["initial_option"]["value"] == "Asia/Shanghai"
    assert tz["initial_option"]["text"]["text"] == "Asia/Shanghai (UTC+08:00)"
    channel = blocks["team_channel.new"]["element"]
    assert channel["type"] == "conversations_select"
    assert channel["filter"] == {
        "include": ["public", "private"],
        "exclude_bot_users": True,
        "exclude_external_shared_channels": True,
    }
    assert blocks["team_members.new"]["optional"] is True
    assert blocks["team_name.new"]["element"]["max_length"] == 80


def test_edit_modal_shows_the_team_with_leads_out_of_members_and_escapes_the_name() -> None:
    settings = TeamSettings(
        team_id=7,
        name="Sales <!channel> & co",
        channel_id="C7",
        leads=("U1", "U2"),
        members=("U1", "U2", "U3"),
        timezone="America/New_York",
    )
    view = modal.team_modal(settings, now=NOW, choices=[TeamChoice(7, settings.name)])
    _valid(view)
    assert view["title"]["text"] == "Team settings"
    assert json.loads(view["private_metadata"])["team_id"] == 7
    blocks = _blocks(view)
    assert blocks["team_name.7"]["element"]["initial_value"] == "Sales <!channel> & co"
    assert blocks["team_channel.7"]["element"]["initial_conversation"] == "C7"
    assert blocks["team_leads.7"]["element"]["initial_users"] == ["U1", "U2"]
    assert blocks["team_members.7"]["element"]["initial_users"] == ["U3"]
    intro = next(b for b in view["blocks"] if b["type"] == "section")["text"]["text"]
    assert "&lt;!channel&gt; &amp; co" in intro and "<!channel>" not in intro
    picker = blocks[modal.PICK_BLOCK]
    assert picker["dispatch_action"] is True
    assert picker["element"]["initial_option"]["value"] == "7"
    assert [o["value"] for o in picker["element"]["options"]] == [modal.NEW_TEAM, "7"]


def test_picker_caps_at_100_options_and_says_how_to_reach_the_rest() -> None:
    teams = [TeamChoice(i, f"Team {i:03d} " + "x" * 80) for i in range(1, 151)]
    view = modal.team_modal(
        TeamSettings(team_id=140, name="Team 140"), now=NOW, choices=teams[:99], total_choices=150
    )
    _valid(view)
    options = _blocks(view)[modal.PICK_BLOCK]["element"]["options"]
    assert len(options) == 100
    assert options[0]["value"] == modal.NEW_TEAM
    assert "140" in [o["value"] for o in options]  # the team being edited is always there
    assert all(len(o["text"]["text"]) <= 75 for o in options)
    context = json.dumps([b for b in view["blocks"] if b["type"] == "context"])
    assert "Showing 99 of 150 teams" in context and "/okr team <name>" in context


def test_switching_teams_changes_block_ids_so_slack_loads_new_initial_values() -> None:
    a = modal.team_modal(TeamSettings(team_id=1, name="A"), now=NOW)
    b = modal.team_modal(TeamSettings(team_id=2, name="B"), now=NOW)
    new = modal.team_modal(TeamSettings(), now=NOW)
    ids = [set(_blocks(v)) - {modal.PICK_BLOCK} for v in (a, b, new)]
    assert ids[0].isdisjoint(ids[1]) and ids[0].isdisjoint(ids[2])


# --- time zones -------------------------------------------------------------------------


def test_timezone_options_filter_by_typed_words() -> None:
    assert [o["value"] for o in modal.timezone_options("new york", NOW)] == ["America/New_York"]
    assert [o["value"] for o in modal.timezone_options("york new", NOW)] == ["America/New_York"]
    paths = [o["value"] for o in modal.timezone_options("europe/b", NOW)]
    assert "Europe/Berlin" in paths and all(p.startswith("Europe/B") for p in paths)
    berlin = modal.timezone_options("BERLIN", NOW)
    assert [o["value"] for o in berlin] == ["Europe/Berlin"]
    assert berlin[0]["text"]["text"] == "Europe/Berlin (UTC+01:00)"
    assert modal.timezone_options("no such place", NOW) == []


def test_timezone_options_cap_at_100_and_put_best_matches_first() -> None:
    everything = modal.timezone_options("", NOW)
    assert len(everything) == 100
    america = modal.timezone_options("america", NOW)
    assert len(america) == 100
    assert all("America" in o["value"] for o in america)
    ranked = [o["value"] for o in modal.timezone_options("an", NOW)]
    # cities starting with the text first (alphabetically), then names starting with it
    assert ranked[:6] == [
        "America/Anchorage",
        "America/Anguilla",
        "America/Antigua",
        "Asia/Anadyr",
        "Europe/Andorra",
        "Indian/Antananarivo",
    ]
    assert ranked[6].startswith("Antarctica/")
    assert all(len(o["text"]["text"]) <= 75 for o in everything)
    assert modal.timezone_options("utc", NOW)[0]["value"] == "UTC"


def test_known_zone() -> None:
    assert modal.known_zone("Asia/Kolkata")
    assert not modal.known_zone("Mars/Olympus_Mons")
    assert not modal.known_zone("")
    assert not modal.known_zone(None)


# --- reading ----------------------------------------------------------------------------


def test_reader_trims_and_dedupes_and_keeps_leads_out_of_members() -> None:
    values = _state(
        name="  EMEA Sales  ", leads=["U1", "U2", "U1"], members=["U2", "U3", "U3", "U4"]
    )
    form, errors = modal.read_team_form(values)
    assert errors == {}
    assert form == modal.TeamForm(
        name="EMEA Sales",
        channel_id="C100",
        leads=("U1", "U2"),
        members=("U3", "U4"),
        timezone="Europe/Berlin",
    )


@pytest.mark.parametrize(
    ("changes", "block", "message"),
    [
        ({"name": "   "}, "team_name", "Give the team a name."),
        ({"name": None}, "team_name", "Give the team a name."),
        ({"name": "x" * 81}, "team_name", "80 characters or fewer (this one has 81)"),
        ({"channel": None}, "team_channel", "Pick the channel"),
        ({"leads": []}, "team_leads", "Pick at least one lead."),
        ({"tz": "Mars/Olympus_Mons"}, "team_timezone", "Pick a time zone from the list"),
    ],
)
def test_reader_reports_each_bad_field_on_its_block(
    changes: dict[str, Any], block: str, message: str
) -> None:
    _, errors = modal.read_team_form(_state(5, **changes), 5)
    assert list(errors) == [f"{block}.5"]
    assert message in errors[f"{block}.5"]


def test_reader_accepts_80_characters_and_a_missing_zone() -> None:
    form, errors = modal.read_team_form(_state(name="x" * 80, tz=None))
    assert errors == {}
    assert form.name == "x" * 80 and form.timezone is None


def test_reader_finds_blocks_whatever_their_suffix() -> None:
    values = _state(12)
    assert modal.field_block(values, modal.NAME_BLOCK) == "team_name.12"
    assert modal.field_block({}, modal.NAME_BLOCK, 3) == "team_name.3"
    form, errors = modal.read_team_form(values)  # no team id given: still read
    assert errors == {} and form.name == "EMEA Sales"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", modal.TeamMetadata()),
        ('{"team_id": 4}', modal.TeamMetadata(4)),
        ('{"team_id": null}', modal.TeamMetadata()),
    ],
)
def test_metadata_round_trips(raw: str, expected: modal.TeamMetadata) -> None:
    assert modal.read_metadata(raw) == expected
    assert modal.read_metadata(expected.dumps()) == expected


@pytest.mark.parametrize("raw", ["{not json", "[1]", '{"team_id": "4"}', '{"team_id": true}'])
def test_crafted_metadata_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        modal.read_metadata(raw)


# --- messages ---------------------------------------------------------------------------


def test_messages_escape_team_names() -> None:
    post = modal.home_channel_message("<!here> team", ["U1"])
    assert "&lt;!here&gt; team" in post["text"] and "<!here>" not in post["text"]
    assert "This channel is now the home of team" in post["text"]
    assert "<@U1>" in post["text"]
    saved = modal.team_saved_message(
        created=True,
        name="<!channel>",
        channel_id="C1",
        leads=["U1"],
        member_count=3,
        timezone="UTC",
    )
    assert "<!channel>" not in saved["text"] and "3 members" in saved["text"]
    assert "<!channel>" not in modal.not_allowed_text("<!channel>", ["U1"])
    assert modal.not_in_channel_error("sales") == (
        "I'm not in #sales yet: type /invite @okr-bot in that channel, then save again."
    )


# --- the weekly rhythm ------------------------------------------------------------------

RHYTHM_BASES = (
    "team_checkin_day",
    "team_checkin_time",
    "team_nudge",
    "team_nudge_day",
    "team_nudge_time",
    "team_digest_day",
    "team_digest_time",
)


def _team(team_id: int | None = None, **fields: Any) -> TeamSettings:
    """A team that may be saved as it is drawn."""
    return TeamSettings(team_id=team_id, name="A", channel_id="C1", leads=("U1",), **fields)


def _rhythm_changes(team_id: int | None = None, **fields: Any) -> dict[str, Any]:
    """fill() changes for rhythm fields named by base without the "team_" prefix."""
    return {modal.block_id(f"team_{base}", team_id): value for base, value in fields.items()}


def test_new_team_modal_has_the_default_rhythm() -> None:
    view = modal.team_modal(TeamSettings(leads=("U1",)), now=NOW)
    _valid(view)
    blocks = _blocks(view)
    for base in RHYTHM_BASES:
        assert f"{base}.new" in blocks
    days = {
        base: blocks[f"{base}.new"]["element"]
        for base in ("team_checkin_day", "team_nudge_day", "team_digest_day")
    }
    for element in days.values():
        assert element["type"] == "static_select"
        assert [(o["value"], o["text"]["text"]) for o in element["options"]] == [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ]
    assert [e["initial_option"]["value"] for e in days.values()] == ["0", "2", "4"]
    times = {
        base: blocks[f"{base}.new"]["element"]
        for base in ("team_checkin_time", "team_nudge_time", "team_digest_time")
    }
    assert {e["type"] for e in times.values()} == {"timepicker"}
    assert [e["initial_time"] for e in times.values()] == ["09:00", "14:00", "16:00"]
    nudge = blocks["team_nudge.new"]
    assert nudge["optional"] is True  # else Slack would not let anyone untick it
    assert nudge["element"]["type"] == "checkboxes"
    [option] = nudge["element"]["options"]
    assert option["text"]["text"] == "Send one reminder to owners who have not checked in"
    assert nudge["element"]["initial_options"] == [option]
    # what Slack submits for the untouched modal is the default rhythm
    form, errors = modal.read_team_form(
        fill(view, {"team_name.new": "A", "team_channel.new": "C1"})
    )
    assert errors == {}
    assert (
        form.rhythm
        == modal.TeamRhythm()
        == modal.TeamRhythm(0, "09:00", True, 2, "14:00", 4, "16:00")
    )


def test_edit_modal_prefills_the_teams_rhythm() -> None:
    rhythm = modal.TeamRhythm(
        checkin_weekday=1,
        checkin_time="07:30",
        nudge_enabled=False,
        nudge_weekday=3,
        nudge_time="11:15",
        digest_weekday=6,
        digest_time="23:59",
    )
    view = modal.team_modal(_team(9, rhythm=rhythm), now=NOW)
    _valid(view)
    blocks = _blocks(view)
    assert blocks["team_checkin_day.9"]["element"]["initial_option"]["value"] == "1"
    assert blocks["team_checkin_time.9"]["element"]["initial_time"] == "07:30"
    assert "initial_options" not in blocks["team_nudge.9"]["element"]  # unticked
    assert blocks["team_nudge_day.9"]["element"]["initial_option"]["value"] == "3"
    assert blocks["team_nudge_time.9"]["element"]["initial_time"] == "11:15"
    assert blocks["team_digest_day.9"]["element"]["initial_option"]["text"]["text"] == "Sunday"
    assert blocks["team_digest_time.9"]["element"]["initial_time"] == "23:59"
    form, errors = modal.read_team_form(fill(view), 9)
    assert errors == {} and form.rhythm == rhythm  # submitted untouched: the same rhythm


def test_odd_stored_values_still_draw_a_modal_slack_accepts() -> None:
    odd = modal.TeamRhythm(checkin_weekday=9, checkin_time="9:05", nudge_time="25:00")
    blocks = _blocks(modal.team_modal(TeamSettings(team_id=3, name="A", rhythm=odd), now=NOW))
    assert blocks["team_checkin_day.3"]["element"]["initial_option"]["value"] == "0"
    assert blocks["team_checkin_time.3"]["element"]["initial_time"] == "09:05"
    assert blocks["team_nudge_time.3"]["element"]["initial_time"] == "14:00"


def test_block_ids_are_unique_and_the_largest_modal_fits() -> None:
    teams = [TeamChoice(i, f"Team {i}") for i in range(1, 151)]
    view = modal.team_modal(
        TeamSettings(team_id=1, name="Team 1"), now=NOW, choices=teams[:99], total_choices=150
    )
    _valid(view)
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids))
    assert len(view["blocks"]) <= 100
    # every input block and its action id are distinct, and each base is found by field_block
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len({b["element"]["action_id"] for b in inputs}) == len(inputs)
    for base in RHYTHM_BASES:
        assert modal.field_block(fill(view), base) == f"{base}.1"


def test_reader_reads_a_custom_rhythm() -> None:
    view = modal.team_modal(_team(4), now=NOW)
    changes = _rhythm_changes(
        4,
        checkin_day="6",
        checkin_time="06:00",
        nudge=[],
        nudge_day="0",
        nudge_time="00:00",
        digest_day="0",
        digest_time="08:00",
    )
    form, errors = modal.read_team_form(fill(view, changes), 4)
    assert errors == {}
    # nudge off: its day and time are kept (for when it is turned on again), order unchecked;
    # the digest may come on any day, before the check-in too
    assert form.rhythm == modal.TeamRhythm(6, "06:00", False, 0, "00:00", 0, "08:00")


def test_missing_rhythm_blocks_keep_the_current_rhythm() -> None:
    current = modal.TeamRhythm(3, "10:00", False, 4, "10:00", 5, "12:00")
    form, errors = modal.read_team_form(_state(5), 5, current)  # a modal from before them
    assert errors == {} and form.rhythm == current
    form, errors = modal.read_team_form(_state(5), 5)
    assert errors == {} and form.rhythm == modal.TeamRhythm()


@pytest.mark.parametrize(
    ("changes", "block", "message"),
    [
        ({"checkin_day": "7"}, "team_checkin_day", "Pick a day from the list, Monday to Sunday."),
        ({"checkin_day": "-1"}, "team_checkin_day", "Pick a day from the list"),
        ({"nudge_day": "Monday"}, "team_nudge_day", "Pick a day from the list"),
        ({"digest_day": " 4"}, "team_digest_day", "Pick a day from the list"),
        ({"digest_day": "04"}, "team_digest_day", "Pick a day from the list"),
        ({"digest_day": None}, "team_digest_day", "Pick a day."),
        ({"checkin_time": "24:00"}, "team_checkin_time", "Pick a time from 00:00 to 23:59"),
        ({"checkin_time": "9:00"}, "team_checkin_time", "Pick a time from 00:00 to 23:59"),
        ({"nudge_time": "12:60"}, "team_nudge_time", "Pick a time from 00:00 to 23:59"),
        ({"nudge_time": "14:00:00"}, "team_nudge_time", "Pick a time from 00:00 to 23:59"),
        ({"digest_time": "１６:００"}, "team_digest_time", "Pick a time from 00:00 to 23:59"),
        ({"digest_time": "16:00\n"}, "team_digest_time", "Pick a time from 00:00 to 23:59"),
        ({"digest_time": None}, "team_digest_time", "Pick a time."),
        ({"nudge": ["on", "yes"]}, "team_nudge", "Tick the box to send a reminder"),
    ],
)
def test_crafted_rhythm_values_are_field_errors_on_their_block(
    changes: dict[str, Any], block: str, message: str
) -> None:
    view = modal.team_modal(_team(5), now=NOW)
    _, errors = modal.read_team_form(fill(view, _rhythm_changes(5, **changes)), 5)
    assert list(errors) == [f"{block}.5"]
    assert message in errors[f"{block}.5"]


def test_crafted_state_shapes_are_field_errors_not_crashes() -> None:
    values = fill(modal.team_modal(_team(5), now=NOW))
    values["team_checkin_time.5"] = {"checkin_time": {"type": "timepicker", "selected_time": 900}}
    values["team_checkin_day.5"] = {"checkin_day": {"selected_option": {"value": 0}}}
    values["team_nudge.5"] = {"nudge_enabled": {"selected_options": "on"}}
    values["team_digest_day.5"] = {"other_action": {"selected_option": {"value": "1"}}}
    _, errors = modal.read_team_form(values, 5)
    assert set(errors) == {
        "team_checkin_time.5",
        "team_checkin_day.5",
        "team_nudge.5",
        "team_digest_day.5",
    }


@pytest.mark.parametrize(
    ("checkin", "nudge", "block"),
    [
        (("0", "09:00"), ("0", "08:00"), "team_nudge_time"),  # Monday 08:00 < Monday 09:00
        (("0", "09:00"), ("0", "09:00"), "team_nudge_time"),  # at the same time
        (("2", "09:00"), ("1", "17:00"), "team_nudge_day"),  # an earlier day
        (("6", "09:00"), ("0", "10:00"), "team_nudge_day"),  # next week's Monday: no
    ],
)
def test_the_reminder_must_come_after_the_checkin(
    checkin: tuple[str, str], nudge: tuple[str, str], block: str
) -> None:
    view = modal.team_modal(_team(), now=NOW)
    changes = _rhythm_changes(
        checkin_day=checkin[0], checkin_time=checkin[1], nudge_day=nudge[0], nudge_time=nudge[1]
    )
    _, errors = modal.read_team_form(fill(view, changes))
    assert errors == {f"{block}.new": "The reminder must come after the check-in (same week)"}
    # turned off, the same days and times are fine
    _, errors = modal.read_team_form(fill(view, {**changes, "team_nudge.new": []}))
    assert errors == {}


def test_a_reminder_one_minute_later_or_on_sunday_night_is_fine() -> None:
    view = modal.team_modal(_team(), now=NOW)
    for checkin, nudge in [(("0", "09:00"), ("0", "09:01")), (("6", "00:00"), ("6", "23:59"))]:
        changes = _rhythm_changes(
            checkin_day=checkin[0], checkin_time=checkin[1], nudge_day=nudge[0], nudge_time=nudge[1]
        )
        form, errors = modal.read_team_form(fill(view, changes))
        assert errors == {}, (checkin, nudge)
        assert (form.rhythm.nudge_weekday, form.rhythm.nudge_time) == (int(nudge[0]), nudge[1])


def test_an_order_check_waits_for_valid_times() -> None:
    view = modal.team_modal(_team(), now=NOW)
    changes = _rhythm_changes(checkin_time="99:99", nudge_day="0", nudge_time="08:00")
    _, errors = modal.read_team_form(fill(view, changes))
    assert list(errors) == ["team_checkin_time.new"]  # no order error on top of a bad time


def test_the_saved_message_says_the_rhythm() -> None:
    rhythm = modal.TeamRhythm(1, "08:30", True, 3, "15:00", 4, "16:00")
    saved = modal.team_saved_message(
        created=False,
        name="A",
        channel_id="C1",
        leads=["U1"],
        member_count=1,
        timezone="UTC",
        rhythm=rhythm,
    )
    assert (
        "Check-ins Tuesday 08:30, a reminder Thursday 15:00, the digest Friday 16:00."
        in saved["text"]
    )
    off = modal.rhythm_summary(modal.TeamRhythm(nudge_enabled=False))
    assert off == "Check-ins Monday 09:00, no reminder, the digest Friday 16:00."
