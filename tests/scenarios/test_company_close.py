"""The company objectives at cycle close: an admin picks the company channel in the
`/okr cycle` modal; once the cycle is over everywhere, the company objectives' scores with
each aligned team objective's score go there once (or to the admins by DM when no channel
is set). Signed requests, the job runner with a set clock, both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from blocks import cycle_modal
from bot.runtime import Runtime
from storage.models import Delivery, Workspace
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import BOB, LEAD, ME, SIMPLE, create, dms, kr, run, seed_team

#: FY2026 Q4 ends on 31 Dec: over everywhere on Earth at 12:00 UTC on 1 Jan.
OVER_EVERYWHERE = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="Europe/Stockholm")
    slack.add_user(BOB, tz="America/New_York")
    slack.add_user(LEAD, tz="UTC", is_admin=True)


async def _company_okrs(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    """A company objective (LEAD, an admin) and ME's Nordics objective aligned to it."""
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    company = {"title": "Win the Nordics", "level": "company", **kr(0, "Revenue", "0", "10")}
    await create(driver, slack, company, user=LEAD)
    aligned = {
        **SIMPLE,
        "title": "Nordics pipeline",
        "level": "team",
        "team": (team_id, "Nordics"),
        "align": ("1", "Win the Nordics"),
    }
    await create(driver, slack, aligned, user=ME)
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "CSALES")
    await slack.wait_for("views.publish", count=2)
    slack.reset()


async def _cycle_modal(driver: SlackDriver, slack: FakeSlack, user: str = LEAD) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    response = await driver.command(text="cycle", user_id=user)
    assert response.status == 200
    return dict((await slack.wait_for("views.open", count=before + 1))[-1].response["view"])


async def _company_channel(bot: Runtime) -> str | None:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        workspace = (await session.exec(select(Workspace))).one()
    return workspace.company_channel_id


async def test_the_summary_goes_to_the_company_channel_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await _company_okrs(bot, driver, slack)
    slack.add_channel("CGENERAL", name="general")
    view = await _cycle_modal(driver, slack)
    state = fill(view, {cycle_modal.COMPANY_BLOCK: "CGENERAL"})
    response = await driver.view_submission(cycle_modal.CALLBACK_ID, state, user_id=LEAD, view=view)
    assert response.status == 200 and not response.text.strip()
    [saved] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == LEAD)
    assert "<#CGENERAL>" in saved.args["text"]
    assert await _company_channel(bot) == "CGENERAL"
    reopened = await _cycle_modal(driver, slack)
    [field] = [b for b in reopened["blocks"] if b.get("block_id") == cycle_modal.COMPANY_BLOCK]
    assert field["element"]["initial_conversation"] == "CGENERAL"

    late = OVER_EVERYWHERE - timedelta(minutes=1)
    assert await run(bot, "cycle-close", late, clock) == {}
    assert await run(bot, "cycle-close", OVER_EVERYWHERE, clock) == {"sent": 1}
    assert await run(bot, "cycle-close", OVER_EVERYWHERE + timedelta(hours=1), clock) == {}
    [summary] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CGENERAL"]
    text = json.dumps(summary.args, ensure_ascii=False)
    assert "Company objectives · FY2026 Q4 · final scores" in text
    assert "Win the Nordics" in text and "Nordics — Nordics pipeline" in text
    assert summary.args["metadata"]["event_payload"]["key"] == "company_close|CGENERAL|cycle:1"
    # The team's own summary still goes to its channel at its digest time, once.
    assert await run(bot, "cycle-close", OVER_EVERYWHERE.replace(hour=16), clock) == {"sent": 1}
    assert len([c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CGENERAL"])
    assert dms(slack, LEAD) == [saved]


async def test_without_a_company_channel_the_admins_get_it_by_dm(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await _company_okrs(bot, driver, slack)
    assert await run(bot, "cycle-close", OVER_EVERYWHERE, clock) == {"sent": 1}
    [summary] = dms(slack, LEAD)
    assert "Win the Nordics" in json.dumps(summary.args, ensure_ascii=False)
    assert await run(bot, "cycle-close", OVER_EVERYWHERE + timedelta(minutes=5), clock) == {}
    assert dms(slack, ME) == [] and dms(slack, BOB) == []


async def test_without_company_objectives_nothing_is_sent(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await seed_team(bot)
    await create(driver, slack, SIMPLE, user=ME)
    await _cycle_modal(driver, slack)  # the bot knows LEAD as an admin from here on
    slack.reset()
    assert await run(bot, "cycle-close", OVER_EVERYWHERE, clock) == {}
    assert dms(slack, LEAD) == []
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = (await session.exec(select(Delivery).where(Delivery.kind == "company_close"))).all()
    assert [(r.status, r.error) for r in rows] == [("skipped", "no company objectives")]


async def test_a_company_channel_the_bot_is_not_in_is_a_field_error(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("CPRIV", name="leadership", is_member=False)
    view = await _cycle_modal(driver, slack)
    state = fill(view, {cycle_modal.COMPANY_BLOCK: "CPRIV"})
    response = await driver.view_submission(cycle_modal.CALLBACK_ID, state, user_id=LEAD, view=view)
    body = response.json()
    assert body is not None and body["response_action"] == "errors"
    assert "I'm not in #leadership yet" in body["errors"][cycle_modal.COMPANY_BLOCK]
    assert await _company_channel(bot) is None
