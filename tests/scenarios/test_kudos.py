"""Kudos end to end: `/okr kudos @person for ...` and the *Give kudos* modal post in the
team channel naming the giver and keep the kudos with where it went; every bad input is told
and stores nothing. Signed requests, the fake Slack, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlmodel import select

from blocks import ids
from blocks.kudos import TEXT_BLOCK
from bot.runtime import Runtime
from storage.models import KeyResult, Kudos
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME, SIMPLE, count, create, seed_team

CAROL, GONE, ROBOT, STRANGER = "U0003", "U0GONE", "U0BOT", "U0NOPE"


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (ME, BOB, CAROL, LEAD):
        slack.add_user(user, tz="UTC")
    slack.add_user(GONE, tz="UTC", deleted=True)
    slack.add_user(ROBOT, tz="UTC", is_bot=True)
    slack.add_channel("CSALES", name="sales")
    slack.add_channel("CBALT", name="baltics")


async def kudos(driver: SlackDriver, slack: FakeSlack, text: str, channel: str = "CSALES") -> str:
    """`/okr kudos ...` typed by ME in `channel`; what the bot answered (ephemeral)."""
    before = len(slack.calls_to("response_url"))
    response = await driver.command(text=f"kudos {text}", user_id=ME, channel_id=channel)
    assert response.status == 200
    [*_, answer] = await slack.wait_for("response_url", count=before + 1)
    assert answer.args.get("response_type") == "ephemeral"
    return str(answer.args["text"])


def posts_in(slack: FakeSlack, channel: str) -> list[Any]:
    return [c for c in slack.calls_to("chat.postMessage") if c.ok and c.args["channel"] == channel]


async def stored(bot: Runtime) -> list[Kudos]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list((await session.exec(select(Kudos))).all())


async def test_kudos_is_posted_in_the_shared_team_channel_and_kept(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    answer = await kudos(driver, slack, f"<@{BOB}|bob> for the Acme demo")
    assert answer == "Kudos posted in <#CSALES>. :clap:"
    [post] = posts_in(slack, "CSALES")
    assert post.args["text"] == f":clap: <@{ME}> gave kudos to <@{BOB}>: for the Acme demo"
    [row] = await stored(bot)
    assert (row.team_id, row.giver, row.receiver, row.text) == (
        team_id,
        ME,
        BOB,
        "for the Acme demo",
    )
    assert (row.channel_id, row.message_ts) == ("CSALES", post.response["ts"])


async def test_with_two_shared_teams_the_channel_typed_in_wins_else_the_first(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    baltics = await seed_team(bot, "Baltics", channel="CBALT")
    await kudos(driver, slack, f"<@{BOB}> for the renewal", channel="CSALES")
    assert len(posts_in(slack, "CSALES")) == 1 and posts_in(slack, "CBALT") == []
    await kudos(driver, slack, f"<@{BOB}> for the pipeline review", channel="D0ME")
    assert len(posts_in(slack, "CBALT")) == 1  # "Baltics" sorts first
    assert [k.team_id for k in await stored(bot)][-1] == baltics


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (f"<@{ME}|me> for being me", "you can't give them to yourself"),
        (f"<@{ROBOT}|robot> for the uptime", "not to bots"),
        (f"<@{STRANGER}|x> for the help", f"<@{STRANGER}> isn't in this workspace"),
        (f"<@{GONE}|gone> for everything", f"<@{GONE}> has left this workspace"),
        (f"<@{BOB}|bob> for " + "great work " * 30, "Keep kudos to 280 characters"),
        (f"<@{BOB}|bob>", "Say what the kudos is for"),
        ("bob for the demo", "Name the person to thank with an @mention"),
        (f"<@{CAROL}|carol> for the demo", f"<@{CAROL}> is not in a team of yours"),
    ],
)
async def test_bad_kudos_are_told_and_store_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, text: str, said: str
) -> None:
    await seed_team(bot)
    assert said in await kudos(driver, slack, text)
    assert posts_in(slack, "CSALES") == [] and await count(bot, Kudos) == 0


async def test_a_channel_the_bot_is_not_in_stores_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    slack.add_channel("CSALES", name="sales", is_member=False)
    answer = await kudos(driver, slack, f"<@{BOB}> for the demo")
    assert "invite me there" in answer and await count(bot, Kudos) == 0


async def bobs_kr(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> KeyResult:
    team_id = await seed_team(bot)
    await create(driver, slack, {**SIMPLE, "level": "team", "team": (team_id, "Nordics")}, user=BOB)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return (await session.exec(select(KeyResult))).one()


async def give_kudos_click(
    driver: SlackDriver, slack: FakeSlack, kr_id: int, user: str
) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    await driver.block_action(
        ids.KUDOS_GIVE,
        value=str(kr_id),
        user_id=user,
        channel_id="CSALES",
        message={"ts": "1.000200"},
    )
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


def typed(text: str) -> dict[str, Any]:
    return {TEXT_BLOCK: {"value": {"type": "plain_text_input", "value": text}}}


async def test_the_give_kudos_button_opens_a_prefilled_modal_to_the_owner(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    kr = await bobs_kr(bot, driver, slack)
    assert kr.id is not None
    view = await give_kudos_click(driver, slack, kr.id, ME)
    assert view["callback_id"] == ids.KUDOS_VIEW
    [field] = [b for b in view["blocks"] if b.get("block_id") == TEXT_BLOCK]
    assert field["element"]["initial_value"] == "for New ARR"
    assert f"<@{BOB}>" in json.dumps(view["blocks"])

    for bad, said in (("", "Say what the kudos is for"), ("x" * 281, "Keep kudos to 280")):
        refused = await driver.view_submission(ids.KUDOS_VIEW, typed(bad), user_id=ME, view=view)
        assert said in refused.json()["errors"][TEXT_BLOCK]
    assert await count(bot, Kudos) == 0

    done = await driver.view_submission(ids.KUDOS_VIEW, typed("for New ARR"), user_id=ME, view=view)
    assert done.status == 200 and not done.text.strip()
    [post] = await slack.wait_for(
        "chat.postMessage",
        match=lambda a: a.get("channel") == "CSALES" and "kudos" in a.get("text", ""),
    )
    assert post.args["text"] == f":clap: <@{ME}> gave kudos to <@{BOB}>: for New ARR"
    for _ in range(50):  # kept right after its post, once the listener goes on
        if await stored(bot):
            break
        await asyncio.sleep(0.05)
    [row] = await stored(bot)
    assert (row.receiver, row.key_result_id, row.channel_id) == (BOB, kr.id, "CSALES")


async def test_the_owner_cannot_give_their_own_kr_kudos(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    kr = await bobs_kr(bot, driver, slack)
    assert kr.id is not None
    view = await give_kudos_click(driver, slack, kr.id, BOB)
    assert "your own key result" in json.dumps(view["blocks"])
    assert view.get("callback_id") != ids.KUDOS_VIEW and await count(bot, Kudos) == 0
