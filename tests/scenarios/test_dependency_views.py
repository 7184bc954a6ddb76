"""Seeing dependencies from both sides, end to end: `/okr map` shows the company's
objectives, the teams' under them and the edge between the teams with its status; each
lead's Home tab lists their team's dependencies both ways with the acknowledgement; the
warning's *Discuss* opens a thread in the upstream team's channel mentioning both owners.
Signed requests, the fake Slack, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from blocks import ids
from blocks.dependency_map import map_message
from bot.runtime import Runtime
from okr.outline import TreeNode
from storage.dependencies import acknowledge
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import dms, run
from tests.scenarios.test_dependency_warnings import (
    MLEAD,
    MOWN,
    SLEAD,
    SOWN,
    TUESDAY,
    WARNINGS,
    marketing_checks_in,
    sales_depends_on_marketing,
    text_of,
    warnings,
)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (SOWN, SLEAD, MOWN, MLEAD):
        slack.add_user(user, tz="UTC")


def texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        b["text"]["text"] if "text" in b else " ".join(e.get("text", "") for e in b["elements"])
        for b in blocks
        if "text" in b or b["type"] == "context"
    )


async def test_the_map_shows_company_and_team_objectives_and_the_edge_with_status(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await sales_depends_on_marketing(bot, driver, slack, clock, company="Double revenue")
    await marketing_checks_in(driver, slack, clock, TUESDAY, "off_track", "Agency quit")
    await driver.command(text="map", user_id=SOWN)
    [answer] = await slack.wait_for("response_url")
    text = texts(answer.args["blocks"])
    assert answer.args["blocks"][0]["text"]["text"].startswith("Company map · ")
    assert text.index("Double revenue") < text.index("Win new logos")
    assert text.index("Double revenue") < text.index("Fill the funnel")
    assert "*Dependencies between teams* (1)" in text
    edge = "• Sales · *Contact prospects* ⇠ Marketing · *Generate MQLs* · :red_circle: off track"
    assert edge in text
    assert "1 dependency between teams" in answer.args["text"]


async def test_the_map_pages_past_the_block_limit(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """A page holds at most 41 sections of 3,000 characters (1,000 objectives take more);
    Next gets the page after, in place."""
    roots = [
        TreeNode(i, f"Objective {i} " + "x" * 900, "company", SOWN, None, 0.5) for i in range(1000)
    ]
    first = map_message("Q4", roots, [], page=0)
    assert len(first["blocks"]) <= 45 and "Page 1 of " in texts(first["blocks"])
    [next_button] = [b for b in first["blocks"] if b["type"] == "actions"]
    value = json.loads(next_button["elements"][0]["value"])
    assert next_button["elements"][0]["action_id"] == ids.MAP_PAGE and value == {"page": 1}
    last = map_message("Q4", roots, [], page=99)
    assert "*Dependencies between teams* (0)" in texts(last["blocks"])
    await driver.block_action(ids.MAP_PAGE, value=json.dumps({"page": 1}), user_id=SOWN)
    [answer] = await slack.wait_for("response_url")
    assert answer.args["replace_original"] is True


async def home_of(driver: SlackDriver, slack: FakeSlack, user: str) -> str:
    def of_user(args: dict[str, Any]) -> bool:
        return args.get("user_id") == user

    before = len(slack.calls_to("views.publish", match=of_user))
    await driver.event({"type": "app_home_opened", "user": user, "tab": "home"})
    calls = await slack.wait_for("views.publish", count=before + 1, match=of_user)
    view = calls[-1].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return texts(view["blocks"])


async def test_both_leads_see_the_dependency_from_their_side_on_home(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    _sales, dependency_id = await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Budget cut")
    sales = await home_of(driver, slack, SLEAD)
    marketing = await home_of(driver, slack, MLEAD)
    assert "*We depend on* (1)" in sales and "Depends on us" not in sales
    assert (
        "⇠ Marketing · *Generate MQLs* · :large_yellow_circle: at risk · not acknowledged yet"
        in sales
    )
    assert "*Depends on us* (1)" in marketing and "We depend on" not in marketing
    assert "⇢ Sales · *Contact prospects* · <@U0SALES> depends on *Generate MQLs*" in marketing
    assert ":link: *Dependencies*" not in await home_of(driver, slack, SOWN)  # not a lead

    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        await acknowledge(session, "T0001", dependency_id, MLEAD, clock())
        await session.commit()
    for user in (SLEAD, MLEAD):
        assert "acknowledged by <@U0MLEAD>" in await home_of(driver, slack, user)


async def test_discuss_opens_a_thread_in_the_upstream_channel_mentioning_both_owners(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    _sales, dependency_id = await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Budget cut")
    await run(bot, WARNINGS, TUESDAY + timedelta(minutes=1), clock)
    [warning] = warnings(slack, SOWN)
    [dm] = dms(slack, SOWN)
    told = len(slack.calls_to("chat.postEphemeral"))
    await driver.block_action(
        ids.DEPENDENCY_DISCUSS,
        value=str(dependency_id),
        user_id=SOWN,
        channel_id=dm.response["channel"],
        message={"ts": dm.response["ts"]},
    )
    *_before, ephemeral = await slack.wait_for("chat.postEphemeral", count=told + 1)
    [thread] = [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CMKT"]
    text = text_of(thread)
    assert "<@U0MKT>" in text and "<@U0SALES>" in text and "*Generate MQLs*" in text
    assert "<#CMKT>" in ephemeral.args["text"] and "<@U0MKT>" in ephemeral.args["text"]
    assert warning["blocks"]  # the warning itself is left as it was

    await driver.block_action(ids.DEPENDENCY_DISCUSS, value="999999", user_id=SOWN)
    gone = (await slack.wait_for("chat.postEphemeral", count=told + 2))[-1]
    assert "does not exist any more" in gone.args["text"]
    assert len([c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CMKT"]) == 1


async def test_each_reader_gets_the_warning_in_their_language(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """The sales lead's Slack speaks Chinese: their warning is in Chinese, the owner's not."""
    await sales_depends_on_marketing(bot, driver, slack, clock)
    slack.add_user(SLEAD, tz="Asia/Shanghai", locale="zh-CN")
    await home_of(driver, slack, SLEAD)  # the bot meets them (and their locale)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Budget cut")
    await run(bot, WARNINGS, TUESDAY + timedelta(minutes=1), clock)
    [to_owner] = warnings(slack, SOWN)
    [to_lead] = [c.args for c in dms(slack, SLEAD) if "依赖" in text_of(c.args)]
    assert "你们团队依赖的一个关键结果现在" in text_of(to_lead) and "讨论" in text_of(to_lead)
    assert "<@U0MKT> 的最新备注：“Budget cut”" in text_of(to_lead)
    assert "依赖" not in text_of(to_owner)
