"""The bot over real HTTP, as Slack drives it: signed requests in, Web API calls out."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import text

from bot.runtime import Runtime
from storage.models import ALL_TABLES
from tests.clock import RecordedWaits
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack


async def _row_counts(bot: Runtime) -> dict[str, int]:
    assert bot.engine is not None
    async with bot.engine.connect() as conn:
        return {
            t.name: (await conn.execute(text(f'SELECT count(*) FROM "{t.name}"'))).scalar_one()
            for t in ALL_TABLES.sorted_tables
        }


def _section_texts(message: dict) -> str:  # type: ignore[type-arg]
    return "\n".join(
        b.get("text", {}).get("text", "") for b in message["blocks"] if b["type"] == "section"
    )


async def test_okr_alone_answers_with_ephemeral_help(driver: SlackDriver) -> None:
    response = await driver.command(text="")
    assert response.status == 200
    message = response.json()
    assert message["response_type"] == "ephemeral"
    assert "`/okr help`" in _section_texts(message)
    assert "I don't know" not in _section_texts(message)


async def test_help_verb_is_case_insensitive(driver: SlackDriver) -> None:
    message = (await driver.command(text="  HELP ")).json()
    assert message["response_type"] == "ephemeral"
    assert "`/okr help`" in _section_texts(message)


async def test_unknown_verb_gets_help_not_silence(driver: SlackDriver, slack: FakeSlack) -> None:
    response = await driver.command(text="frobnicate <!channel> <https://evil.example|bank>")
    assert response.status == 200
    body = _section_texts(response.json())
    assert "I don't know `frobnicate &lt;!channel&gt; &lt;https://evil.example|bank&gt;`" in body
    assert "<!channel>" not in response.text
    assert "`/okr help`" in body
    # Answered inside the ack: no Web API call beyond Bolt's one-time auth.test.
    assert {c.method for c in slack.calls} <= {"auth.test"}


async def test_home_tab_is_published_for_the_user(driver: SlackDriver, slack: FakeSlack) -> None:
    response = await driver.event({"type": "app_home_opened", "user": "U0042", "tab": "home"})
    assert response.status == 200
    [call] = await slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0042"
    view = call.args["view"]
    assert view["type"] == "home"
    assert any("/okr help" in json.dumps(block) for block in view["blocks"])


async def test_messages_tab_does_not_publish_home(driver: SlackDriver, slack: FakeSlack) -> None:
    await driver.event({"type": "app_home_opened", "user": "U0042", "tab": "messages"})
    await driver.event({"type": "app_home_opened", "user": "U0043", "tab": "home"})
    [call] = await slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0043"


async def test_rate_limited_publish_is_retried_once_and_delivered(
    driver: SlackDriver, slack: FakeSlack, retry_waits: RecordedWaits
) -> None:
    slack.fail("views.publish", status=429, retry_after=1, times=1)
    await driver.event({"type": "app_home_opened", "user": "U7", "tab": "home"})
    calls = await slack.wait_for("views.publish", count=2, timeout=8)
    assert len(calls) == 2
    assert [c.args["user_id"] for c in calls] == ["U7", "U7"]
    [wait] = retry_waits.seconds
    assert 1 <= wait < 2  # Retry-After: 1 honoured, plus slack_sdk's jitter


async def test_server_errors_are_retried(
    driver: SlackDriver, slack: FakeSlack, retry_waits: RecordedWaits
) -> None:
    slack.fail("views.publish", status=502, times=2)
    await driver.event({"type": "app_home_opened", "user": "U8", "tab": "home"})
    calls = await slack.wait_for("views.publish", count=3, timeout=10)
    assert len(calls) == 3
    first, second = retry_waits.seconds
    assert 0.5 <= first < 1.5 and 1 <= second < 2  # backing off: 0.5 s, then 1 s, + jitter


async def test_url_verification_echoes_the_challenge(driver: SlackDriver) -> None:
    response = await driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


# --- bad input -------------------------------------------------------------------------

COMMAND_BODY = urlencode(
    {
        "team_id": "T0001",
        "user_id": "U0001",
        "command": "/okr",
        "text": "help",
        "channel_id": "C0001",
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.invalid/x",
    }
)


@pytest.mark.parametrize(
    "how",
    ["missing signature", "wrong signature", "stale timestamp", "future timestamp", "no timestamp"],
)
async def test_bad_signatures_get_401_and_change_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, how: str
) -> None:
    before = await _row_counts(bot)
    now = int(time.time())
    kwargs: dict = {  # type: ignore[type-arg]
        "missing signature": {"sign": False, "timestamp": now},
        "wrong signature": {"signature": "v0=" + "0" * 64, "timestamp": now},
        "stale timestamp": {"timestamp": now - 301},
        "future timestamp": {"timestamp": now + 301},
        "no timestamp": {"sign": False},
    }[how]
    response = await driver.raw(COMMAND_BODY, "application/x-www-form-urlencoded", **kwargs)
    assert response.status == 401
    assert "help" not in response.text.lower()
    assert slack.calls == []
    assert await _row_counts(bot) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        ('{"type": "event_callback", ', "application/json"),
        ("[]", "application/json"),
    ],
)
async def test_malformed_signed_bodies_get_400_not_500(
    bot: Runtime,
    driver: SlackDriver,
    caplog: pytest.LogCaptureFixture,
    body: str,
    content_type: str,
) -> None:
    before = await _row_counts(bot)
    with caplog.at_level(logging.WARNING):
        response = await driver.raw(body, content_type)
    assert response.status == 400
    assert [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()] == [
        f"malformed {content_type} body of {len(body)} bytes"
    ]
    assert await _row_counts(bot) == before


async def test_malformed_unsigned_body_is_401(driver: SlackDriver) -> None:
    response = await driver.raw(
        "payload=%7Bnot-json", "application/x-www-form-urlencoded", sign=False
    )
    assert response.status == 401


def _warnings(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if needle in r.getMessage()]


async def test_unknown_action_is_acked_and_logged_once(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await driver.block_action("no_such_action_42", value="x")
        assert response.status == 200
    assert len(_warnings(caplog, "no_such_action_42")) == 1


async def test_unknown_view_submission_is_acked_and_logged_once(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await driver.view_submission("no_such_view_42", {})
        assert response.status == 200
        assert response.text in ("", "{}") or response.json() in (None, {})
    assert len(_warnings(caplog, "no_such_view_42")) == 1


async def test_unknown_options_request_gets_an_empty_list(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await driver.block_suggestion("no_such_select_42", "acme")
        assert response.status == 200
        assert response.json() == {"options": []}
    assert len(_warnings(caplog, "no_such_select_42")) == 1


async def test_unsubscribed_event_is_acked_so_slack_does_not_retry(driver: SlackDriver) -> None:
    response = await driver.event({"type": "reaction_added", "user": "U1", "reaction": "tada"})
    assert response.status == 200


# --- health ----------------------------------------------------------------------------


async def test_healthz_reports_database_state(bot: Runtime) -> None:
    url = f"http://127.0.0.1:{bot.port}/healthz"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            assert response.status == 200
            assert await response.json() == {"ok": True}
        assert bot.engine is not None
        async with bot.engine.begin() as conn:
            await conn.execute(text("DELETE FROM alembic_version"))
        async with http.get(url) as response:
            assert response.status == 503
            assert await response.json() == {"ok": False, "database": "not migrated"}
