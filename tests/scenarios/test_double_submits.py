"""Clicks and submissions that arrive more than once store once.

*No change this week* stores one set of check-ins per person per week, however often it
is clicked; a `/okr set` submission Slack delivers twice creates one objective.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from bot.runtime import Runtime
from handlers.checkin import ALREADY_THIS_WEEK
from storage.models import CheckIn, KeyResult, Objective
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.outages import settled
from tests.scenario import ME, SIMPLE, add_people, count, create, open_set, seed_team
from tests.scenarios.test_checkins import THREE, first_readings

CLICKS = 50


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


async def test_fifty_no_change_clicks_store_one_set_a_week(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)  # No change repeats readings; the milestone has none
    await settled(bot)
    readings = [(1, 1.2e6), (2, 3.0)]
    prompt = {"ts": "1700000000.000100", "text": "Monday check-in"}

    async def click(n: int) -> int:
        response = await driver.block_action(
            ids.NO_CHANGE, message=prompt, channel_id="D0001", action_ts=f"1700000001.{n:06d}"
        )
        return response.status

    assert await asyncio.gather(*(click(n) for n in range(CLICKS))) == [200] * CLICKS
    await settled(bot)
    stored = sorted((c.key_result_id, c.value) for c in await checkins(bot))
    assert stored == sorted(readings * 2)  # the readings, and one No change set
    answers = [c.args for c in slack.calls_to("response_url")]
    assert len(answers) == CLICKS - 1
    assert {(a["text"], a["response_type"]) for a in answers} == {(ALREADY_THIS_WEEK, "ephemeral")}

    clock.advance(days=7)  # next week, one more set
    assert await click(CLICKS) == 200
    await settled(bot)
    assert len(await checkins(bot)) == 6  # 2 readings + 2 sets of 2


async def test_no_change_clicked_again_on_the_home_tab_says_so(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    await settled(bot)
    home = driver.view("", view_type="home")

    def modals() -> list[Any]:
        return slack.calls_to("views.open", match=lambda a: a["view"]["type"] == "modal")

    before = len(modals())  # /okr set's and the readings' check-in modal
    for _ in range(2):
        assert (await driver.block_action(ids.NO_CHANGE, view=home)).status == 200
        await settled(bot)
    [notice] = modals()[before:]  # the first click stores; the second says so
    assert "You already checked in this week" in json.dumps(notice.args["view"])
    assert len(await checkins(bot)) == 4  # 2 readings + one No change set of 2


async def test_one_set_submission_delivered_twice_creates_one_objective(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    changes = {**SIMPLE, "level": "team", "team": (team_id, "Nordics")}
    view = await open_set(driver, slack)
    values = fill(view, changes)
    for _ in range(2):  # one after the other
        response = await driver.view_submission(
            ids.SET_OBJECTIVE_VIEW, values, user_id=ME, view=view
        )
        assert response.status == 200 and not response.text.strip(), response.text
    await settled(bot)
    other = await open_set(driver, slack)
    other_values = fill(other, {**changes, "title": "Keep the Nordics"})
    responses = await asyncio.gather(  # at once
        *(
            driver.view_submission(ids.SET_OBJECTIVE_VIEW, other_values, user_id=ME, view=other)
            for _ in range(2)
        )
    )
    assert [(r.status, r.text.strip()) for r in responses] == [(200, "")] * 2
    await settled(bot)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        titles = list(await session.exec(select(Objective.title).order_by(col(Objective.id))))
        assert await count(bot, KeyResult) == 2
    assert titles == ["Grow ARR", "Keep the Nordics"]

    def in_channel(args: dict[str, object]) -> bool:
        return args.get("channel") == "CSALES"

    assert len(slack.calls_to("chat.postMessage", match=in_channel)) == 2  # one per objective


async def checkins(bot: Runtime) -> list[CheckIn]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list(await session.exec(select(CheckIn)))
