"""A request that fails is answered by okr-bot, never by Slack's generic error.

The database is really unreachable (the bot's sessions point at a SQLite file in a folder
that does not exist, or at a PostgreSQL port nothing listens on) and real signed requests
come in: each gets its answer within Slack's 3 s, the person reads what happened on the
surface they used, and the failure is logged once, with its traceback.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from blocks import ids
from bot.runtime import Runtime
from handlers.failures import DATABASE_DOWN
from storage.models import CheckIn, Objective
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.outages import database_unreachable, settled
from tests.scenario import ME, SIMPLE, add_people, count, create, open_set
from tests.scenarios.test_checkins import THREE, answer, open_log

SLACK_DEADLINE_S = 3.0


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


def failures_logged(caplog: pytest.LogCaptureFixture, listener: str) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.getMessage().startswith(f"{listener} failed for")
    ]


def tells(call: Any) -> str:
    return json.dumps(call.args)


async def test_list_while_the_database_is_down_says_so_within_3_s(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with database_unreachable(bot, tmp_path):
        started = time.monotonic()
        response = await driver.command(text="list")
        took = time.monotonic() - started
        [told] = await slack.wait_for("response_url")
        await settled(bot)
    assert response.status == 200 and took < SLACK_DEADLINE_S, (response, took)
    assert told.args["text"] == DATABASE_DOWN
    assert told.args["response_type"] == "ephemeral"
    [logged] = failures_logged(caplog, "okr_command.on_okr")
    assert logged.exc_info is not None  # once, with the traceback
    assert not [r for r in caplog.records if r.name == "bot.app"]  # nothing escaped to Bolt


async def test_submissions_while_the_database_is_down_keep_the_modal_open(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await create(driver, slack, THREE)
    log_view = await open_log(driver, slack)
    set_view = await open_set(driver, slack)
    async with database_unreachable(bot, tmp_path):
        started = time.monotonic()
        checked = await driver.view_submission(
            ids.CHECK_IN_VIEW, answer(log_view, kr1={"value": "1.5M"}), user_id=ME, view=log_view
        )
        took = time.monotonic() - started
        created = await driver.view_submission(
            ids.SET_OBJECTIVE_VIEW, fill(set_view, SIMPLE), user_id=ME, view=set_view
        )
        await settled(bot)
    assert checked.status == 200 and took < SLACK_DEADLINE_S
    first_input = next(b["block_id"] for b in log_view["blocks"] if b["type"] == "input")
    assert checked.json() == {"response_action": "errors", "errors": {first_input: DATABASE_DOWN}}
    assert created.json() == {"response_action": "errors", "errors": {"title": DATABASE_DOWN}}
    assert await count(bot, CheckIn) == 0 and await count(bot, Objective) == 1
    assert len(failures_logged(caplog, "checkin.on_submit")) == 1
    assert len(failures_logged(caplog, "objective_set.on_submit")) == 1


async def test_home_tab_and_its_buttons_while_the_database_is_down(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, tmp_path: Path
) -> None:
    home = driver.view("", view_type="home")
    async with database_unreachable(bot, tmp_path):
        opened = await driver.event({"type": "app_home_opened", "user": ME, "tab": "home"})
        [published] = await slack.wait_for("views.publish")
        clicked = await driver.block_action(ids.NO_CHANGE, view=home)
        [notice] = await slack.wait_for("views.open")
        await settled(bot)
    assert opened.status == 200 and clicked.status == 200
    assert published.args["user_id"] == ME and DATABASE_DOWN in tells(published)
    assert DATABASE_DOWN in tells(notice)


async def test_a_click_on_a_message_is_answered_where_it_was(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, tmp_path: Path
) -> None:
    """The Monday prompt's "No change": an ephemeral in the DM, through its response_url."""
    async with database_unreachable(bot, tmp_path):
        response = await driver.block_action(
            ids.NO_CHANGE, message={"ts": "1700000000.000100", "text": "Monday"}, channel_id="D1"
        )
        [told] = await slack.wait_for("response_url")
        await settled(bot)
    assert response.status == 200
    assert (told.args["text"], told.args["response_type"]) == (DATABASE_DOWN, "ephemeral")


async def test_what_fails_after_a_save_says_the_save_stands(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The check-in is stored before the ack; the database goes away while the thanks is
    being posted, so the Home tab cannot be drawn: the person hears their check-in is
    saved, not that nothing was."""
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    slack.delay("chat.postEphemeral", 0.3)
    response = await driver.view_submission(
        ids.CHECK_IN_VIEW, answer(view, kr1={"value": "1.5M"}), user_id=ME, view=view
    )
    assert response.status == 200 and not response.text.strip()
    async with database_unreachable(bot, tmp_path):
        await settled(bot)

    def to_me(args: dict[str, Any]) -> bool:
        return args.get("channel") == ME and "is saved" in str(args.get("text"))

    [dm] = slack.calls_to("chat.postMessage", match=to_me)
    assert dm.args["text"].startswith("Your check-in is saved.")
    assert DATABASE_DOWN not in json.dumps([c.args for c in slack.calls])
    assert await count(bot, CheckIn) == 1
    assert any(r.getMessage().startswith("after saving Your check-in") for r in caplog.records)
