"""Teams, people and permissions end to end: `/okr team` through signed requests into the
running bot, the fake Slack recording what it called, the database holding what was saved.
Every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from blocks import team_modal as modal
from bot.runtime import Runtime
from handlers.people import can_edit_team, is_admin, person
from handlers.viewer import load_viewer
from okr.team_rhythm import DEFAULT_RHYTHM, TeamRhythm
from storage.models import Person, Team, TeamMember
from storage.people import get_person
from storage.teams import (
    get_team,
    leads_of,
    list_teams,
    save_team,
    team_by_channel,
    team_by_name,
    team_roster,
    teams_led_by,
    teams_of_user,
)
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.conftest import SIGNING_SECRET, make_settings
from tests.driver import DriverResponse, SlackDriver
from tests.fakeslack import Call, FakeSlack
from tests.forms import fill

WS = "T0001"


# --- helpers ----------------------------------------------------------------------------


def _deps(bot: Runtime):  # type: ignore[no-untyped-def]
    assert bot.deps is not None
    return bot.deps


async def _teams(bot: Runtime, workspace_id: str = WS) -> list[Team]:
    async with _deps(bot).sessions() as session:
        result = await session.exec(
            select(Team).where(Team.workspace_id == workspace_id).order_by(col(Team.id))
        )
        return list(result.all())


async def _roster(bot: Runtime, team_id: int) -> list[tuple[str, str]]:
    async with _deps(bot).sessions() as session:
        result = await session.exec(
            select(TeamMember.user_id, TeamMember.role)
            .where(TeamMember.team_id == team_id)
            .order_by(col(TeamMember.id))
        )
        return [(u, r) for u, r in result.all()]


async def _seed_team(
    bot: Runtime,
    name: str = "EMEA Sales",
    *,
    workspace_id: str = WS,
    channel_id: str = "C100",
    leads: tuple[str, ...] = ("U0001",),
    members: tuple[str, ...] = (),
    timezone: str = "Europe/Berlin",
) -> Team:
    deps = _deps(bot)
    async with deps.sessions() as session:
        await ensure_workspace(session, workspace_id, deps.clock())
        team = await save_team(
            session,
            workspace_id,
            team_id=None,
            name=name,
            channel_id=channel_id,
            timezone=timezone,
            leads=leads,
            members=members,
            author=leads[0],
            now=deps.clock(),
        )
        await session.commit()
    return team


async def _open(driver: SlackDriver, slack: FakeSlack, text: str = "team", **kw: Any) -> Call:
    before = len(slack.calls_to("views.open"))
    response = await driver.command(text=text, **kw)
    assert response.status == 200
    calls = await slack.wait_for("views.open", count=before + 1)
    return calls[-1]


def _opened(call: Call) -> dict[str, Any]:
    """The view as the fake stored it (id, hash, blocks, private_metadata...)."""
    assert call.ok, call.response
    return dict(call.response["view"])


def _block_ids(view: dict[str, Any]) -> dict[str, str]:
    """Base block id -> the id it has in this view ("team_name" -> "team_name.new")."""
    return {b["block_id"].split(".")[0]: b["block_id"] for b in view["blocks"] if "block_id" in b}


def _state(
    view: dict[str, Any],
    *,
    name: str | None = "EMEA Sales",
    channel: str | None = "C100",
    leads: list[str] | None = None,
    members: list[str] | None = None,
    tz: str | None = "Europe/Berlin",
) -> dict[str, Any]:
    """view.state.values as Slack sends them when this view is submitted."""
    ids = _block_ids(view)
    option = None if tz is None else {"text": {"type": "plain_text", "text": tz}, "value": tz}
    return {
        ids["team_name"]: {"name": {"type": "plain_text_input", "value": name}},
        ids["team_channel"]: {
            "channel": {"type": "conversations_select", "selected_conversation": channel}
        },
        ids["team_leads"]: {
            "leads": {
                "type": "multi_users_select",
                "selected_users": ["U0001"] if leads is None else leads,
            }
        },
        ids["team_members"]: {
            "members": {"type": "multi_users_select", "selected_users": members or []}
        },
        ids["team_timezone"]: {
            "team_timezone": {"type": "external_select", "selected_option": option}
        },
    }


async def _submit(
    driver: SlackDriver, view: dict[str, Any], user_id: str = "U0001", **fields: Any
) -> DriverResponse:
    return await driver.view_submission(
        modal.CALLBACK_ID, _state(view, **fields), user_id=user_id, view=view
    )


def _dms(slack: FakeSlack, user_id: str) -> list[Call]:
    return slack.calls_to("chat.postMessage", lambda a: a.get("channel") == user_id)


def _errors(response: DriverResponse) -> dict[str, str]:
    body = response.json()
    assert body is not None and body["response_action"] == "errors", response.text
    return dict(body["errors"])


@asynccontextmanager
async def _runtime(
    db_url: str, slack: FakeSlack, clock: FakeClock, **settings: str
) -> AsyncIterator[tuple[Runtime, SlackDriver]]:
    """The bot with extra settings (ADMIN_USER_IDS, DEFAULT_TIMEZONE), as an operator sets."""
    settings_ = make_settings(db_url, slack.url, **settings)
    runtime = Runtime(settings_, clock=clock, host="127.0.0.1", port=0)
    async with runtime, SlackDriver(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET) as driver:
        yield runtime, driver


# --- creating ---------------------------------------------------------------------------


async def test_okr_team_opens_a_new_team_with_the_author_as_lead_in_their_zone(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user("U0001", real_name="Ada Lovelace", tz="Asia/Kolkata", locale="en-GB")
    call = await _open(driver, slack)
    view = call.args["view"]
    assert call.args["trigger_id"]
    assert view["callback_id"] == modal.CALLBACK_ID
    assert view["title"]["text"] == "New team"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["team_leads.new"]["element"]["initial_users"] == ["U0001"]
    assert blocks["team_timezone.new"]["element"]["initial_option"]["value"] == "Asia/Kolkata"
    assert blocks["team_channel.new"]["element"]["type"] == "conversations_select"
    assert modal.PICK_BLOCK not in blocks  # no team to switch to
    [info] = slack.calls_to("users.info")
    assert info.args["user"] == "U0001" and info.args["include_locale"] in ("1", "true", True)
    async with _deps(bot).sessions() as session:
        cached = await get_person(session, WS, "U0001")
    assert cached is not None
    assert (cached.real_name, cached.tz, cached.locale) == ("Ada Lovelace", "Asia/Kolkata", "en-GB")


async def test_unknown_user_gets_the_default_time_zone(
    db_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    async with _runtime(db_url, slack, clock, DEFAULT_TIMEZONE="Asia/Tokyo") as (_, driver):
        call = await _open(driver, slack, user_id="U0404")  # users.info: user_not_found
    blocks = {b.get("block_id"): b for b in call.args["view"]["blocks"]}
    assert blocks["team_timezone.new"]["element"]["initial_option"]["value"] == "Asia/Tokyo"


async def test_creating_a_team_stores_it_posts_in_its_channel_and_confirms(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.add_user("U0001", tz="Europe/Berlin")
    slack.add_channel("C100", name="emea-sales")
    view = _opened(await _open(driver, slack))
    response = await _submit(
        driver,
        view,
        name="  EMEA Sales ",
        leads=["U0001", "U0002"],
        members=["U0002", "U0003", "U0003"],
        tz="Asia/Shanghai",
    )
    assert response.status == 200
    assert response.json() in (None, {})  # closes the modal
    [dm] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")

    [team] = await _teams(bot)
    assert (team.name, team.channel_id, team.timezone) == ("EMEA Sales", "C100", "Asia/Shanghai")
    assert (team.created_by, team.created_at) == ("U0001", clock.now)
    assert await _roster(bot, team.id or 0) == [
        ("U0001", "lead"),
        ("U0002", "lead"),
        ("U0003", "member"),
    ]
    [post] = slack.calls_to("chat.postMessage", lambda a: a.get("channel") == "C100")
    assert "This channel is now the home of team *EMEA Sales*'s OKRs." in post.args["text"]
    assert post.ok
    assert "Team *EMEA Sales* created" in dm.args["text"]
    assert "<#C100>" in dm.args["text"] and "3 members" in dm.args["text"]


async def test_without_a_zone_the_first_leads_slack_zone_is_used(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user("U0002", tz="America/Chicago")
    slack.add_channel("C100", name="emea-sales")
    view = _opened(await _open(driver, slack))
    await _submit(driver, view, leads=["U0002"], tz=None)
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    [team] = await _teams(bot)
    assert team.timezone == "America/Chicago"


async def test_team_names_are_escaped_in_posts(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    await _submit(driver, view, name="<!channel> wins")
    [post] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "C100")
    assert "<!channel>" not in post.args["text"]
    assert "&lt;!channel&gt; wins" in post.args["text"]
    [team] = await _teams(bot)
    assert team.name == "<!channel> wins"  # stored as typed


async def test_bot_not_in_the_channel_is_a_field_error_and_nothing_is_stored(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C200", name="sales-floor", is_member=False)
    view = _opened(await _open(driver, slack))
    response = await _submit(driver, view, channel="C200")
    assert _errors(response) == {
        "team_channel.new": (
            "I'm not in #sales-floor yet: type /invite @okr-bot in that channel, then save again."
        )
    }
    # a private channel the bot is not in looks like no channel at all
    response = await _submit(driver, view, channel="G404")
    assert _errors(response) == {
        "team_channel.new": (
            "I'm not in that channel yet: type /invite @okr-bot in that channel, then save again."
        )
    }
    slack.add_channel("C201", name="old-sales", is_archived=True)
    response = await _submit(driver, view, channel="C201")
    assert _errors(response) == {
        "team_channel.new": "#old-sales is archived: pick another channel."
    }
    await asyncio.sleep(0.1)
    assert await _teams(bot) == []
    assert slack.calls_to("chat.postMessage") == []


async def test_duplicate_name_is_a_field_error(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _seed_team(bot, "EMEA Sales", leads=("U0007",))
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    response = await _submit(driver, view, name="emea sales ")
    assert _errors(response) == {
        "team_name.new": "There is already a team called “EMEA Sales”. Pick another name."
    }
    assert len(await _teams(bot)) == 1


async def test_bad_fields_are_reported_together(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    view = _opened(await _open(driver, slack))
    response = await _submit(driver, view, name="x" * 81, leads=[], channel=None)
    errors = _errors(response)
    assert set(errors) == {"team_name.new", "team_leads.new", "team_channel.new"}
    assert errors["team_leads.new"] == "Pick at least one lead."
    assert await _teams(bot) == []


async def test_a_failed_channel_post_is_reported_to_the_author(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C300", name="deals")
    slack.fail("chat.postMessage", error="not_in_channel", match=lambda a: a["channel"] == "C300")
    view = _opened(await _open(driver, slack))
    await _submit(driver, view, channel="C300")
    [dm] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    assert "created" in dm.args["text"]
    assert "I could not post in <#C300> (not_in_channel)" in dm.args["text"]
    assert len(await _teams(bot)) == 1


async def test_timezone_options_filter_and_cap_at_100(driver: SlackDriver) -> None:
    response = await driver.block_suggestion(modal.TIMEZONE_ACTION, "europe/b")
    assert response.status == 200
    values = [o["value"] for o in response.json()["options"]]
    assert "Europe/Berlin" in values and "Europe/Brussels" in values
    assert all(v.startswith("Europe/B") for v in values)
    response = await driver.block_suggestion(modal.TIMEZONE_ACTION, "a")
    options = response.json()["options"]
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in options)


# --- editing ----------------------------------------------------------------------------


async def test_a_lead_of_one_team_edits_it_and_the_schedule_is_kept(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team = await _seed_team(bot, leads=("U0001",), members=("U0002", "U0003"))
    async with _deps(bot).sessions() as session:
        stored = await get_team(session, WS, team.id or 0)
        assert stored is not None
        stored.checkin_weekday, stored.digest_time, stored.nudge_enabled = 3, "10:30", False
        session.add(stored)
        await session.commit()
    slack.add_channel("C100")
    call = await _open(driver, slack)
    view = _opened(call)
    assert view["title"]["text"] == "Team settings"
    assert json.loads(view["private_metadata"])["team_id"] == team.id
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[f"team_name.{team.id}"]["element"]["initial_value"] == "EMEA Sales"
    assert blocks[f"team_members.{team.id}"]["element"]["initial_users"] == ["U0002", "U0003"]

    await _submit(
        driver, view, name="EMEA Enterprise", leads=["U0001"], members=["U0005"], tz="Asia/Tokyo"
    )
    [dm] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    assert "Team *EMEA Enterprise* updated" in dm.args["text"]
    [after] = await _teams(bot)
    assert (after.id, after.name, after.timezone) == (team.id, "EMEA Enterprise", "Asia/Tokyo")
    assert (after.checkin_weekday, after.digest_time, after.nudge_enabled) == (3, "10:30", False)
    assert (after.created_by, after.created_at) == (team.created_by, team.created_at)
    assert await _roster(bot, team.id or 0) == [("U0001", "lead"), ("U0005", "member")]
    # same channel: no second "home of" post
    assert slack.calls_to("chat.postMessage", lambda a: a.get("channel") == "C100") == []


async def test_moving_a_team_to_another_channel_announces_it_there(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _seed_team(bot)
    slack.add_channel("C555", name="emea-new")
    view = _opened(await _open(driver, slack, text="team emea sales"))
    await _submit(driver, view, channel="C555")
    [post] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "C555")
    assert "home of team *EMEA Sales*" in post.args["text"]
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    [team] = await _teams(bot)
    assert team.channel_id == "C555"


async def test_okr_team_names_a_team_by_name_or_by_channel(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    rnd = await _seed_team(bot, "R&D <Labs>", leads=("U0001",))
    apac = await _seed_team(bot, "APAC", channel_id="C101", leads=("U0001",))
    # Slack sends &, < and > of slash command text as entities
    view = _opened(await _open(driver, slack, text="team r&amp;d &lt;labs&gt;"))
    assert json.loads(view["private_metadata"])["team_id"] == rnd.id
    view = _opened(await _open(driver, slack, text="team <#C101|apac-sales>"))
    assert json.loads(view["private_metadata"])["team_id"] == apac.id
    # a name that is no team opens a new team with that name
    view = _opened(await _open(driver, slack, text="team Benelux"))
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert json.loads(view["private_metadata"])["team_id"] is None
    assert blocks["team_name.new"]["element"]["initial_value"] == "Benelux"


async def test_a_non_lead_is_refused_and_nothing_changes(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team = await _seed_team(bot, leads=("U0001", "U0002"), members=("U0009",))
    slack.add_user("U0009")
    slack.add_channel("C100")
    response = await driver.command(
        text="team EMEA Sales", user_id="U0009", response_url=slack.response_url("cmd")
    )
    assert response.status == 200
    [answer] = await slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"] == (
        "Only team *EMEA Sales*'s leads or a workspace admin can change it. Ask <@U0001>, <@U0002>."
    )
    assert slack.calls_to("views.open") == []

    # a crafted submission naming the team is refused the same way
    crafted = {"team_id": team.id}
    view = _opened(await _open(driver, slack, user_id="U0009"))  # a new-team modal
    view["private_metadata"] = json.dumps(crafted)
    response = await _submit(driver, view, user_id="U0009", name="Hijacked", leads=["U0009"])
    assert _errors(response) == {
        "team_name.new": "Only team “EMEA Sales”'s leads or a workspace admin can change it."
    }
    await asyncio.sleep(0.1)
    [after] = await _teams(bot)
    assert after.name == "EMEA Sales"
    assert await _roster(bot, team.id or 0) == [
        ("U0001", "lead"),
        ("U0002", "lead"),
        ("U0009", "member"),
    ]
    assert slack.calls_to("chat.postMessage") == []


async def test_an_admin_user_ids_admin_may_edit_any_team(
    db_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.add_channel("C100")
    async with _runtime(db_url, slack, clock, ADMIN_USER_IDS="U0900") as (bot, driver):
        team = await _seed_team(bot, leads=("U0001",))
        await _seed_team(bot, "APAC Sales", channel_id="C101", leads=("U0002",))
        view = _opened(await _open(driver, slack, text="team emea sales", user_id="U0900"))
        picker = {b.get("block_id"): b for b in view["blocks"]}[modal.PICK_BLOCK]
        names = [o["text"]["text"] for o in picker["element"]["options"]]
        assert names == ["➕ New team", "APAC Sales", "EMEA Sales"]
        response = await _submit(driver, view, user_id="U0900", leads=["U0003"])
        assert response.json() in (None, {})
        await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0900")
        assert await _roster(bot, team.id or 0) == [("U0003", "lead")]
    # ADMIN_USER_IDS needs no Slack lookup: the one users.info is the language's, once for
    # someone the bot never saw (Slack does not know U0900 here: not asked again)
    assert len(slack.calls_to("users.info", lambda a: a.get("user") == "U0900")) == 1


async def test_a_slack_workspace_admin_may_edit(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team = await _seed_team(bot, leads=("U0001",))
    slack.add_user("U0800", is_admin=True)
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack, text="team EMEA Sales", user_id="U0800"))
    await _submit(driver, view, user_id="U0800", name="EMEA", leads=["U0001"])
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0800")
    [after] = await _teams(bot)
    assert (after.id, after.name) == (team.id, "EMEA")


async def test_picker_switches_the_modal_to_another_team(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    first = await _seed_team(bot, "EMEA Sales", leads=("U0001",))
    second = await _seed_team(bot, "APAC Sales", channel_id="C101", leads=("U0001",))
    await _seed_team(bot, "Not mine", channel_id="C102", leads=("U0002",))
    view = _opened(await _open(driver, slack))  # leads two teams: a new team, with a picker
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    options = blocks[modal.PICK_BLOCK]["element"]["options"]
    assert [o["value"] for o in options] == ["new", str(second.id), str(first.id)]
    assert "team_name.new" in blocks

    await driver.block_action(
        modal.PICK_ACTION,
        action_type="static_select",
        block_id=modal.PICK_BLOCK,
        view=view,
        selected_option={"text": {"type": "plain_text", "text": "APAC"}, "value": str(second.id)},
    )
    [update] = await slack.wait_for("views.update")
    assert update.ok and update.args["view_id"] == view["id"]
    new_view = update.args["view"]
    assert json.loads(new_view["private_metadata"])["team_id"] == second.id
    new_blocks = {b.get("block_id"): b for b in new_view["blocks"]}
    assert new_blocks[f"team_name.{second.id}"]["element"]["initial_value"] == "APAC Sales"
    assert new_blocks[f"team_channel.{second.id}"]["element"]["initial_conversation"] == "C101"


async def test_one_workspace_cannot_reach_another_workspaces_team(
    bot: Runtime, slack: FakeSlack
) -> None:
    theirs = await _seed_team(bot, "EMEA Sales", leads=("U0001",))
    slack.add_channel("C100")
    async with SlackDriver(
        f"http://127.0.0.1:{bot.port}", SIGNING_SECRET, team_id="T0002"
    ) as other:
        # the same name in another workspace is no team: a new one, named so, opens
        view = _opened(await _open(other, slack, text="team EMEA Sales"))
        assert json.loads(view["private_metadata"])["team_id"] is None
        assert {b.get("block_id") for b in view["blocks"]} >= {"team_name.new"}
        # a crafted id of the other workspace's team behaves as a team that does not exist
        view["private_metadata"] = json.dumps({"team_id": theirs.id})
        response = await _submit(other, view, name="Stolen", leads=["U0001"])
        assert _errors(response) == {"team_name.new": modal.GONE_ERROR}
        # and a crafted picker value loads nothing
        await other.block_action(
            modal.PICK_ACTION,
            action_type="static_select",
            block_id=modal.PICK_BLOCK,
            view=view,
            selected_option={"text": {"type": "plain_text", "text": "x"}, "value": str(theirs.id)},
        )
    await asyncio.sleep(0.2)
    assert slack.calls_to("views.update") == []
    [after] = await _teams(bot)
    assert after.name == "EMEA Sales"
    assert await _teams(bot, "T0002") == []


async def test_crafted_metadata_is_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    view = _opened(await _open(driver, slack))
    view["private_metadata"] = "{not json"
    response = await _submit(driver, view)
    assert _errors(response) == {"team_name.new": modal.GONE_ERROR}
    assert await _teams(bot) == []


# --- storage ----------------------------------------------------------------------------


async def test_team_queries_are_scoped_to_the_workspace(bot: Runtime) -> None:
    emea = await _seed_team(bot, "EMEA Sales", leads=("U1",), members=("U2",))
    apac = await _seed_team(bot, "apac", channel_id="C200", leads=("U2", "U3"), members=("U1",))
    other = await _seed_team(bot, "EMEA Sales", workspace_id="T0002", leads=("U1",))
    async with _deps(bot).sessions() as session:
        assert [t.name for t in await list_teams(session, WS)] == ["apac", "EMEA Sales"]
        assert [t.id for t in await teams_of_user(session, WS, "U1")] == [apac.id, emea.id]
        assert [t.id for t in await teams_led_by(session, WS, "U1")] == [emea.id]
        assert [t.id for t in await teams_led_by(session, "T0002", "U1")] == [other.id]
        assert (await team_by_channel(session, WS, "C200")).id == apac.id  # type: ignore[union-attr]
        assert await team_by_channel(session, WS, "C999") is None
        assert (await team_by_name(session, WS, " emea SALES ")).id == emea.id  # type: ignore[union-attr]
        assert await get_team(session, WS, other.id or 0) is None
        assert await get_team(session, "T0002", emea.id or 0) is None
        assert await team_roster(session, WS, apac.id or 0) == (["U2", "U3"], ["U2", "U3", "U1"])
        assert await team_roster(session, "T0002", apac.id or 0) == ([], [])


async def test_leads_of_many_teams_is_one_query(bot: Runtime) -> None:
    teams = [
        await _seed_team(bot, f"Team {i}", leads=(f"U{i}", f"U{i + 100}")) for i in range(1, 21)
    ]
    ids = [t.id or 0 for t in teams]
    assert bot.engine is not None
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with _deps(bot).sessions() as session:
            leads = await leads_of(session, WS, ids)
    finally:
        event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
    assert len([s for s in statements if "team_members" in s]) == 1
    assert leads == {t.id: [f"U{i}", f"U{i + 100}"] for i, t in enumerate(teams, 1)}
    async with _deps(bot).sessions() as session:
        assert await leads_of(session, "T0002", ids) == {}
        assert await leads_of(session, WS, []) == {}


# --- people and permissions -------------------------------------------------------------


async def test_person_is_cached_and_refreshed_after_a_day(
    bot: Runtime, slack: FakeSlack, clock: FakeClock
) -> None:
    assert bot.client is not None
    deps = _deps(bot)
    slack.add_user("U0001", real_name="Ada", tz="Europe/London", is_owner=True)
    first = await person(bot.client, deps, WS, "U0001")
    assert (first.real_name, first.tz, first.is_admin, first.refreshed_at) == (
        "Ada",
        "Europe/London",
        True,
        clock.now,
    )
    slack.add_user("U0001", real_name="Ada L.", tz="Asia/Tokyo", deleted=True)
    clock.advance(hours=23)
    assert (await person(bot.client, deps, WS, "U0001")).real_name == "Ada"  # cached
    assert len(slack.calls_to("users.info")) == 1
    clock.advance(hours=2)
    fresh = await person(bot.client, deps, WS, "U0001")
    assert (fresh.real_name, fresh.tz, fresh.is_admin, fresh.inactive) == (
        "Ada L.",
        "Asia/Tokyo",
        False,
        True,
    )
    async with deps.sessions() as session:
        rows = (await session.exec(select(Person))).all()
    assert len(rows) == 1  # upserted, not duplicated


async def test_person_survives_users_info_failures(
    bot: Runtime, slack: FakeSlack, clock: FakeClock
) -> None:
    assert bot.client is not None
    deps = _deps(bot)
    unknown = await person(bot.client, deps, WS, "U0404")
    assert (unknown.user_id, unknown.tz, unknown.is_admin) == ("U0404", None, False)
    slack.add_user("U0001", tz="Europe/Paris")
    await person(bot.client, deps, WS, "U0001")
    clock.advance(days=2)
    slack.fail("users.info", error="user_not_found")
    kept = await person(bot.client, deps, WS, "U0001")
    assert kept.tz == "Europe/Paris"
    slack.fail("users.info", status=500, times=None)
    assert (await person(bot.client, deps, WS, "U0001", max_age=timedelta(0))).tz == "Europe/Paris"


async def test_who_may_edit(bot: Runtime, slack: FakeSlack) -> None:
    assert bot.client is not None
    deps, client = _deps(bot), bot.client
    team = await _seed_team(bot, leads=("U0010",), members=("U0011",))
    other = await _seed_team(bot, workspace_id="T0002", leads=("U0020",))
    slack.add_user("U0030", is_admin=True)
    slack.add_user("U0031", is_owner=True)
    slack.add_user("U0032", is_primary_owner=True)
    slack.add_user("U0033", is_admin=True, deleted=True)
    for user in ("U0010", "U0011", "U0012", "U0020"):
        slack.add_user(user)

    async def edit(user: str, owner: str = "U0012", team_id: int | None = team.id) -> bool:
        async with deps.sessions() as session:
            viewer = await load_viewer(session, client, deps, WS, user)
        return viewer.may_edit(owner_id=owner, team_id=team_id)

    assert await edit("U0012")  # the owner
    assert await edit("U0010")  # a lead of the objective's team
    assert not await edit("U0011")  # a member is not enough
    assert await edit("U0030") and await edit("U0031") and await edit("U0032")  # admins
    assert not await edit("U0033")  # a deactivated admin
    assert not await edit("U0020", team_id=other.id)  # a lead in another workspace
    assert not await edit("U0010", team_id=None)
    assert not await edit("", owner="")
    assert await is_admin(client, deps, WS, "U0031")
    assert not await is_admin(client, deps, WS, "U0010")
    assert await can_edit_team(client, deps, WS, "U0010", team_id=team.id or 0)
    assert not await can_edit_team(client, deps, WS, "U0011", team_id=team.id or 0)
    assert not await can_edit_team(client, deps, WS, "U0020", team_id=other.id or 0)


# --- the weekly rhythm ------------------------------------------------------------------


def _rhythm(team: Team) -> tuple[int, str, bool, int, str, int, str]:
    return (
        team.checkin_weekday,
        team.checkin_time,
        team.nudge_enabled,
        team.nudge_weekday,
        team.nudge_time,
        team.digest_weekday,
        team.digest_time,
    )


async def _submit_filled(
    driver: SlackDriver, view: dict[str, Any], changes: dict[str, Any], user_id: str = "U0001"
) -> DriverResponse:
    """Submit `view` as drawn, with `changes` by base block id ("team_checkin_day")."""
    ids = _block_ids(view)
    state = fill(view, {ids[base]: value for base, value in changes.items()})
    return await driver.view_submission(modal.CALLBACK_ID, state, user_id=user_id, view=view)


async def test_creating_a_team_with_its_own_rhythm_stores_it(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100", name="emea-sales")
    view = _opened(await _open(driver, slack))
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["team_checkin_day.new"]["element"]["initial_option"]["value"] == "0"
    assert blocks["team_checkin_time.new"]["element"]["initial_time"] == "09:00"
    assert blocks["team_nudge.new"]["element"]["initial_options"]
    response = await _submit_filled(
        driver,
        view,
        {
            "team_name": "EMEA Sales",
            "team_channel": "C100",
            "team_checkin_day": "1",
            "team_checkin_time": "08:30",
            "team_nudge_day": "3",
            "team_nudge_time": "15:45",
            "team_digest_day": "0",
            "team_digest_time": "07:00",
        },
    )
    assert response.json() in (None, {})
    [dm] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    assert (
        "Check-ins Tuesday 08:30, a reminder Thursday 15:45, the digest Monday 07:00."
        in (dm.args["text"])
    )
    [team] = await _teams(bot)
    assert _rhythm(team) == (1, "08:30", True, 3, "15:45", 0, "07:00")


async def test_creating_a_team_untouched_stores_the_default_rhythm(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    await _submit_filled(driver, view, {"team_name": "EMEA Sales", "team_channel": "C100"})
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    [team] = await _teams(bot)
    assert _rhythm(team) == (0, "09:00", True, 2, "14:00", 4, "16:00")


async def test_editing_the_rhythm_changes_it_and_the_modal_shows_it_next_time(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team = await _seed_team(bot, leads=("U0001",), members=("U0002",))
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    assert json.loads(view["private_metadata"])["team_id"] == team.id
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[f"team_digest_day.{team.id}"]["element"]["initial_option"]["value"] == "4"
    assert blocks[f"team_digest_time.{team.id}"]["element"]["initial_time"] == "16:00"
    response = await _submit_filled(
        driver,
        view,
        {
            "team_checkin_day": "2",
            "team_checkin_time": "10:15",
            "team_nudge": [],
            "team_nudge_day": "0",
            "team_nudge_time": "08:00",  # off: before is fine
            "team_digest_day": "5",
            "team_digest_time": "18:30",
        },
    )
    assert response.json() in (None, {})
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    [after] = await _teams(bot)
    assert _rhythm(after) == (2, "10:15", False, 0, "08:00", 5, "18:30")
    assert (after.name, after.channel_id, after.timezone) == ("EMEA Sales", "C100", "Europe/Berlin")
    assert await _roster(bot, team.id or 0) == [("U0001", "lead"), ("U0002", "member")]

    again = _opened(await _open(driver, slack))
    blocks = {b.get("block_id"): b for b in again["blocks"]}
    assert blocks[f"team_checkin_day.{team.id}"]["element"]["initial_option"]["value"] == "2"
    assert blocks[f"team_checkin_time.{team.id}"]["element"]["initial_time"] == "10:15"
    assert "initial_options" not in blocks[f"team_nudge.{team.id}"]["element"]
    assert blocks[f"team_digest_time.{team.id}"]["element"]["initial_time"] == "18:30"
    # ticked again, the kept Monday 08:00 reminder now comes before a Wednesday check-in
    response = await _submit_filled(driver, again, {"team_nudge": ["on"]})
    assert _errors(response) == {
        f"team_nudge_day.{team.id}": "The reminder must come after the check-in (same week)"
    }
    response = await _submit_filled(
        driver, again, {"team_nudge": ["on"], "team_nudge_day": "3", "team_nudge_time": "09:00"}
    )
    assert response.json() in (None, {})
    await slack.wait_for("chat.postMessage", count=2, match=lambda a: a.get("channel") == "U0001")
    [after] = await _teams(bot)
    assert _rhythm(after) == (2, "10:15", True, 3, "09:00", 5, "18:30")


async def test_crafted_days_and_times_are_field_errors_and_nothing_changes(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team = await _seed_team(bot, leads=("U0001",))
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    response = await _submit_filled(
        driver,
        view,
        {
            "team_name": "Renamed",
            "team_checkin_day": "7",
            "team_checkin_time": "25:00",
            "team_nudge_time": "9:5",
            "team_digest_day": "Friday",
            "team_digest_time": None,
        },
    )
    errors = _errors(response)
    assert set(errors) == {
        f"team_checkin_day.{team.id}",
        f"team_checkin_time.{team.id}",
        f"team_nudge_time.{team.id}",
        f"team_digest_day.{team.id}",
        f"team_digest_time.{team.id}",
    }
    assert errors[f"team_checkin_day.{team.id}"] == "Pick a day from the list, Monday to Sunday."
    assert errors[f"team_checkin_time.{team.id}"] == "Pick a time from 00:00 to 23:59, like 09:00."
    assert errors[f"team_digest_time.{team.id}"] == "Pick a time."
    # a crafted tick on the reminder box, alone
    response = await _submit_filled(driver, view, {"team_nudge": ["yes"]})
    assert list(_errors(response)) == [f"team_nudge.{team.id}"]
    await asyncio.sleep(0.1)
    [after] = await _teams(bot)
    assert after.name == "EMEA Sales"
    assert _rhythm(after) == (0, "09:00", True, 2, "14:00", 4, "16:00")
    assert slack.calls_to("chat.postMessage") == []


async def test_a_reminder_before_the_checkin_is_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100")
    view = _opened(await _open(driver, slack))
    response = await _submit_filled(
        driver,
        view,
        {
            "team_name": "EMEA Sales",
            "team_channel": "C100",
            "team_checkin_day": "0",
            "team_checkin_time": "09:00",
            "team_nudge_day": "0",
            "team_nudge_time": "08:00",
        },
    )
    assert _errors(response) == {
        "team_nudge_time.new": "The reminder must come after the check-in (same week)"
    }
    await asyncio.sleep(0.1)
    assert await _teams(bot) == []
    assert slack.calls_to("chat.postMessage") == []


async def test_picker_loads_the_other_teams_rhythm(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _seed_team(bot, "EMEA Sales", leads=("U0001",))
    second = await _seed_team(bot, "APAC Sales", channel_id="C101", leads=("U0001",))
    async with _deps(bot).sessions() as session:
        await save_team(
            session,
            WS,
            team_id=second.id,
            name="APAC Sales",
            channel_id="C101",
            timezone="Asia/Tokyo",
            leads=("U0001",),
            members=(),
            author="U0001",
            now=_deps(bot).clock(),
            rhythm=replace(
                DEFAULT_RHYTHM,
                checkin_weekday=4,
                checkin_time="07:00",
                nudge_enabled=False,
                digest_weekday=6,
                digest_time="20:00",
            ),
        )
        await session.commit()
    view = _opened(await _open(driver, slack))
    await driver.block_action(
        modal.PICK_ACTION,
        action_type="static_select",
        block_id=modal.PICK_BLOCK,
        view=view,
        selected_option={"text": {"type": "plain_text", "text": "APAC"}, "value": str(second.id)},
    )
    [update] = await slack.wait_for("views.update")
    assert update.ok
    blocks = {b.get("block_id"): b for b in update.args["view"]["blocks"]}
    assert blocks[f"team_checkin_day.{second.id}"]["element"]["initial_option"]["value"] == "4"
    assert blocks[f"team_checkin_time.{second.id}"]["element"]["initial_time"] == "07:00"
    assert "initial_options" not in blocks[f"team_nudge.{second.id}"]["element"]
    assert blocks[f"team_digest_day.{second.id}"]["element"]["initial_option"]["value"] == "6"


async def test_save_team_writes_the_rhythm_in_the_same_transaction(bot: Runtime) -> None:
    deps = _deps(bot)
    common: dict[str, Any] = {
        "channel_id": "C100",
        "timezone": "UTC",
        "leads": ("U1",),
        "members": (),
        "author": "U1",
        "now": deps.clock(),
    }
    async with deps.sessions() as session:
        await ensure_workspace(session, WS, deps.clock())
        team = await save_team(
            session,
            WS,
            team_id=None,
            name="A",
            rhythm=TeamRhythm(6, "23:00", True, 6, "23:30", 1, "00:00"),
            **common,
        )
        await session.commit()
    [stored] = await _teams(bot)
    assert _rhythm(stored) == (6, "23:00", True, 6, "23:30", 1, "00:00")
    # left out, the rhythm is kept on an update (other callers never reset it)
    async with deps.sessions() as session:
        await save_team(session, WS, team_id=team.id, name="B", **common)
        await session.commit()
    [stored] = await _teams(bot)
    assert (stored.name, _rhythm(stored)) == ("B", (6, "23:00", True, 6, "23:30", 1, "00:00"))
    # rolled back with the rest: nothing of an uncommitted save remains
    async with deps.sessions() as session:
        await save_team(
            session,
            WS,
            team_id=team.id,
            name="C",
            rhythm=replace(DEFAULT_RHYTHM, nudge_enabled=False),
            **common,
        )
        await session.rollback()
    [stored] = await _teams(bot)
    assert (stored.name, stored.checkin_weekday, stored.nudge_enabled) == ("B", 6, True)
    # bad values never reach the table
    for bad in (
        {"checkin_weekday": 7},
        {"nudge_weekday": -1},
        {"digest_weekday": True},
        {"checkin_time": "9:00"},
        {"digest_time": "24:00"},
        {"nudge_enabled": 1},
        {"nudge_weekday": 0, "nudge_time": "08:00"},  # the reminder before the check-in
    ):
        rhythm = replace(DEFAULT_RHYTHM, **bad)
        async with deps.sessions() as session:
            with pytest.raises(ValueError, match="bad"):
                await save_team(session, WS, team_id=team.id, name="D", rhythm=rhythm, **common)
    [stored] = await _teams(bot)
    assert stored.name == "B"
