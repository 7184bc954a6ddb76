"""A submission is stored before Slack is answered, or the person is told it was not.

Another connection really holds the write lock (SQLite `BEGIN IMMEDIATE`, PostgreSQL
`LOCK TABLE ... ACCESS EXCLUSIVE`) while a check-in, a new objective or an edit is
submitted: the answer comes within Slack's 3 s as an error in the modal, which stays
open, and nothing is stored, even after the lock goes. The lock is held only until the
answer arrives; the store's budget (2.5 s) is what makes the answer come in time, so the
test does not need the issue's 20 s lock to show it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from sqlmodel import select

from blocks import ids
from bot.runtime import DRAIN_TIMEOUT_S, Runtime
from handlers.failures import DATABASE_DOWN
from storage.engine import SQLITE_BUSY_TIMEOUT_MS
from storage.models import CheckIn, KeyResult, Objective
from tests.driver import DriverResponse, SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.outages import settled, write_lock_held
from tests.scenario import ME, SIMPLE, add_people, count, create, open_edit, open_set
from tests.scenarios.test_checkins import THREE, answer, open_log

SLACK_DEADLINE_S = 3.0


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


async def submit_timed(
    driver: SlackDriver, view: dict[str, Any], values: dict[str, Any]
) -> tuple[DriverResponse, float]:
    started = time.monotonic()
    response = await driver.view_submission(view["callback_id"], values, user_id=ME, view=view)
    return response, time.monotonic() - started


def told_in_modal(response: DriverResponse, block: str) -> None:
    assert response.status == 200, response.text
    body = response.json()
    assert body["response_action"] == "errors", body
    assert body["errors"] == {block: DATABASE_DOWN}


async def test_check_in_while_the_database_is_locked_is_refused_in_the_modal(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, db_url: str
) -> None:
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    values = answer(view, kr1={"value": "1.5M", "note": "Big deal"})
    async with write_lock_held(db_url, "check_ins"):
        response, took = await submit_timed(driver, view, values)
    assert took < SLACK_DEADLINE_S
    first_input = next(b["block_id"] for b in view["blocks"] if b["type"] == "input")
    told_in_modal(response, first_input)
    await settled(bot)  # the cancelled transaction has rolled back
    assert await count(bot, CheckIn) == 0
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert (await session.exec(select(KeyResult.current_value))).first() == 1.2e6
    # Submitting again once the database is free stores it, once.
    again, _ = await submit_timed(driver, view, values)
    assert again.status == 200 and not again.text.strip()
    assert await count(bot, CheckIn) == 1


async def test_new_objective_and_edit_while_the_database_is_locked(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, db_url: str
) -> None:
    view = await open_set(driver, slack)
    values = fill(view, SIMPLE)
    async with write_lock_held(db_url, "objectives"):
        response, took = await submit_timed(driver, view, values)
    assert took < SLACK_DEADLINE_S
    told_in_modal(response, "title")
    await settled(bot)
    assert await count(bot, Objective) == 0
    again, _ = await submit_timed(driver, view, values)
    assert again.status == 200 and not again.text.strip()
    assert await count(bot, Objective) == 1

    edit = await open_edit(driver, slack, 1)
    changes = fill(edit, {"title": "Grow ARR faster"})
    async with write_lock_held(db_url, "objectives"):
        response, took = await submit_timed(driver, edit, changes)
    assert took < SLACK_DEADLINE_S
    told_in_modal(response, "title")
    await settled(bot)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        stored = (await session.exec(select(Objective))).one()
    assert (stored.title, stored.version) == ("Grow ARR", 1)
    again, _ = await submit_timed(driver, edit, changes)
    assert again.status == 200 and not again.text.strip()
    async with bot.deps.sessions() as session:
        stored = (await session.exec(select(Objective))).one()
    assert (stored.title, stored.version) == ("Grow ARR faster", 2)


async def test_shutdown_names_the_work_it_could_not_finish(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Shutdown waits longer than a SQLite writer may wait for the lock, and names (listener,
    user, workspace) whatever is still running when its limit ends."""
    assert DRAIN_TIMEOUT_S > SQLITE_BUSY_TIMEOUT_MS / 1000
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    slack.delay("views.publish", 1.0)  # the Home tab after the check-in, slowly
    response = await driver.view_submission(
        ids.CHECK_IN_VIEW, answer(view, kr1={"value": "1.3M"}), user_id=ME, view=view
    )
    assert response.status == 200
    with caplog.at_level(logging.ERROR, logger="bot.listener_tasks"):
        unfinished = await bot.listener_tasks.drain(0.1)
    assert unfinished == ["checkin.on_submit for U0001 in T0001"]
    assert "checkin.on_submit for U0001 in T0001" in caplog.text
    assert await bot.listener_tasks.drain(DRAIN_TIMEOUT_S) == []
    assert await count(bot, CheckIn) == 1
