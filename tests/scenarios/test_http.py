"""The bot over real HTTP, as Slack drives it: signed requests in, Web API calls out."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import quote, urlencode

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
    # Answered inside the ack: no Web API call beyond Bolt's one-time auth.test and the one
    # users.info that learns the language of someone never seen (tests/scenarios/test_lang.py)
    assert {c.method for c in slack.calls} <= {"auth.test", "users.info"}
    assert len(slack.calls_to("users.info")) <= 1


async def test_commands_mentioning_payload_are_read_as_commands(driver: SlackDriver) -> None:
    """Bolt's own parser takes any form containing "payload" for an interaction."""
    response = await driver.command(text="payload", channel_name="payload-ops")
    assert response.status == 200
    assert "I don't know `payload`" in _section_texts(response.json())


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


# --- hostile HTTP: refused before Bolt, no traceback, one short line ------------------

DEEP_JSON = '{"a":' * 100_000 + "1" + "}" * 100_000


def _assert_quiet(caplog: pytest.LogCaptureFixture, secret: str = "") -> list[str]:
    """No ERROR and no traceback in the log; every line short and free of the body.
    Returns the WARNING lines."""
    records = caplog.records
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in records if r.exc_info] == []
    assert all(len(r.getMessage()) < 200 for r in records)
    if secret:
        assert not any(secret in r.getMessage() for r in records)
    return [r.getMessage() for r in records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    ("how", "status", "reason"),
    [
        ("timestamp not a number", 401, "X-Slack-Request-Timestamp is not a number"),
        ("timestamp in exponent form", 401, "X-Slack-Request-Timestamp is not a number"),
        ("no timestamp", 401, "no X-Slack-Request-Timestamp"),
        ("signature not ASCII", 401, "invalid or expired signature"),
        ("body not UTF-8", 400, "the body is not UTF-8"),
        ("unknown charset", 400, "the body's charset is not UTF-8"),
        ("deeply nested JSON", 401, "invalid or expired signature"),
        ("oversized body", 413, "body over 1048576 bytes"),
    ],
)
async def test_strangers_hostile_requests_are_refused_before_bolt(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    how: str,
    status: int,
    reason: str,
) -> None:
    before = await _row_counts(bot)
    form = "application/x-www-form-urlencoded"
    now = int(time.time())
    body, content_type, kwargs = {
        "timestamp not a number": ("x", form, {"timestamp": "abc", "signature": "v0=0"}),
        "timestamp in exponent form": ("x", form, {"timestamp": "1e9", "signature": "v0=0"}),
        "no timestamp": ("x", form, {"send_timestamp": False, "signature": "v0=0"}),
        "signature not ASCII": (COMMAND_BODY, form, {"timestamp": now, "signature": "v0=\u00e9"}),
        "body not UTF-8": (b"text=\xff\xfe", form, {"signature": "v0=0"}),
        "unknown charset": (COMMAND_BODY, form + "; charset=no-such-charset", {}),
        "deeply nested JSON": (DEEP_JSON, "application/json", {"signature": "v0=0"}),
        "oversized body": ("text=" + "a" * 1_100_000, form, {"signature": "v0=0"}),
    }[how]
    with caplog.at_level(logging.DEBUG):
        response = await driver.raw(body, content_type, **kwargs)
    assert response.status == status
    assert _assert_quiet(caplog, secret="aaaaaaaa") == [
        f"refused a request from 127.0.0.1 with {status}: {reason}"
    ]
    assert slack.calls == []
    assert await _row_counts(bot) == before


NESTED = {
    "JSON": (DEEP_JSON, "application/json"),
    "form payload": ("payload=" + quote("[" * 100_000 + "]" * 100_000), "form"),
    "form payload past the limit": (
        "payload=" + quote('{"type":"x","a":' * 65 + "1" + "}" * 65),
        "form",
    ),
}


@pytest.mark.parametrize("how", list(NESTED))
async def test_signed_deeply_nested_bodies_get_400(
    bot: Runtime, driver: SlackDriver, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    body, content_type = NESTED[how]
    content_type = content_type.replace("form", "application/x-www-form-urlencoded")
    before = await _row_counts(bot)
    with caplog.at_level(logging.DEBUG):
        response = await driver.raw(body, content_type)
    assert response.status == 400
    assert _assert_quiet(caplog) == [
        f"malformed {content_type} body of {len(body)} bytes: nested deeper than 64 levels"
    ]
    assert await _row_counts(bot) == before


def _out_of_shape(driver: SlackDriver, how: str) -> tuple[str, str]:
    """(body, content type) of a signed request whose JSON is out of Slack's shape."""
    submission = {
        "type": "view_submission",
        "team": driver.team(),
        "user": driver.user("U0001"),
        "api_app_id": driver.api_app_id,
        "view": driver.view("okr_set"),
    }
    action = {
        "type": "block_actions",
        "team": driver.team(),
        "user": driver.user("U0001"),
        "actions": [{"action_id": "checkin_open", "block_id": "b", "type": "button"}],
    }
    event = {"type": "event_callback", "team_id": driver.team_id, "is_ext_shared_channel": True}
    payload: dict = {  # type: ignore[type-arg]
        "view is a string": {**submission, "view": "okr_set"},
        "view has no type": {
            **submission,
            "view": {k: v for k, v in submission["view"].items() if k != "type"},
        },
        "no type": {k: v for k, v in submission.items() if k != "type"},
        "actions empty": {**action, "actions": []},
        "actions a string": {**action, "actions": "checkin_open"},
        "team a list": {**action, "team": [driver.team_id]},
        "event a string": {**event, "event": "app_home_opened"},
        "event without type": {**event, "event": {"user": "U1"}},
        "JSON without type": {"team_id": driver.team_id, "event": {"type": "app_home_opened"}},
    }[how]
    if how.startswith(("event", "JSON")):
        return json.dumps(payload), "application/json"
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("view is a string", "view is not an object or null"),
        ("view has no type", "view.type is missing or not a string"),
        ("no type", "no type"),
        ("actions empty", "actions.0.action_id is missing or not a string"),
        ("actions a string", "actions is not a list"),
        ("team a list", "team is not a string, an object or null"),
        ("event a string", "event is not an object"),
        ("event without type", "event.type is missing or not a string"),
        ("JSON without type", "no type"),
    ],
)
async def test_signed_bodies_out_of_shape_get_400_not_500(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    how: str,
    problem: str,
) -> None:
    before = await _row_counts(bot)
    body, content_type = _out_of_shape(driver, how)
    with caplog.at_level(logging.DEBUG):
        response = await driver.raw(body, content_type)
        await asyncio.sleep(0.1)  # anything Bolt started after an ack would log by now
    assert response.status == 400
    assert _assert_quiet(caplog) == [
        f"malformed {content_type} body of {len(body)} bytes: {problem}"
    ]
    assert {c.method for c in slack.calls} <= {"auth.test"}
    assert await _row_counts(bot) == before


async def test_bad_signatures_are_logged_once_a_minute_per_source(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    body = "text=" + "SECRET" * 30_000
    with caplog.at_level(logging.DEBUG):
        for _ in range(5):
            response = await driver.raw(body, signature="v0=" + "0" * 64)
            assert response.status == 401
        response = await driver.raw(body, timestamp="abc", signature="v0=0")
        assert response.status == 401
    assert _assert_quiet(caplog, secret="SECRET") == [
        "refused a request from 127.0.0.1 with 401: invalid or expired signature"
    ]


async def test_slacks_unsigned_ssl_check_is_answered(driver: SlackDriver) -> None:
    response = await driver.raw("ssl_check=1&token=fake-verification-token", sign=False)
    assert response.status == 200


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
