"""The harness itself: FakeSlack against real slack_sdk clients, SlackDriver against Bolt.

If these fail, every flow test built on the harness means nothing, so they check the
harness answers and records what real Slack would, not just that it runs.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack_client import retry_handlers
from tests.clock import RecordedWaits
from tests.driver import SlackDriver, select_value, text_value
from tests.fakeslack import DEFAULT_SCOPES, FakeSlack

SECRET = "test-signing-secret"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Q3* revenue"}}]
MODAL = {
    "type": "modal",
    "callback_id": "okr_set",
    "private_metadata": "team=T1",
    "title": {"type": "plain_text", "text": "Set an OKR"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "objective",
            "label": {"type": "plain_text", "text": "Objective"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def web_client(
    slack: FakeSlack,
    token: str | None = "xoxb-test",
    waits: RecordedWaits | None = None,
    **kw: Any,
) -> AsyncWebClient:
    """slack_sdk's client with the bot's retry handlers, recording their waits."""
    return AsyncWebClient(
        base_url=slack.url,
        token=token,
        retry_handlers=retry_handlers(sleep=waits or RecordedWaits()),
        **kw,
    )


@pytest.fixture
def client(slack: FakeSlack, retry_waits: RecordedWaits) -> AsyncWebClient:
    return web_client(slack, waits=retry_waits)


# ---------------------------------------------------------------- recording and parsing


async def test_json_form_and_query_args_are_recorded_decoded(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    sent = await client.chat_postMessage(channel="C1", text="hi", blocks=BLOCKS)
    await client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "f", "blocks": json.dumps(BLOCKS)}
    )
    slack.add_user("U1")
    await client.users_info(user="U1")

    as_json, as_form = slack.calls_to("chat.postMessage")
    assert as_json.content_type == "application/json"
    assert as_json.args == {"channel": "C1", "text": "hi", "blocks": BLOCKS}
    assert as_form.content_type == "application/x-www-form-urlencoded"
    assert as_form.args["blocks"] == BLOCKS
    [info] = slack.calls_to("users.info")
    assert (info.http_method, info.args) == ("GET", {"user": "U1"})
    assert all(c.token == "xoxb-test" for c in slack.calls)
    assert as_json.header("authorization") == "Bearer xoxb-test"

    assert sent["channel"] == "C1"
    assert sent["message"]["blocks"] == BLOCKS
    assert sent["message"]["bot_id"] == "B0001"
    ts1, ts2 = (c.response["ts"] for c in slack.calls_to("chat.postMessage"))
    assert float(ts1) < float(ts2) and ts1.split(".")[1].isdigit() and len(ts1) == 17
    assert slack.message("C1", ts1)["text"] == "hi"


async def test_multipart_file_fields_are_recorded(slack: FakeSlack, client: AsyncWebClient) -> None:
    await client.api_call(
        "api.test", data={"note": "x"}, files={"file": io.BytesIO(b"col1,col2\n1,2\n")}
    )
    [call] = slack.calls_to("api.test")
    assert call.content_type == "multipart/form-data"
    assert call.args == {"note": "x"}
    assert call.files["file"].content == b"col1,col2\n1,2\n"


async def test_missing_token_is_not_authed_and_unknown_method_is_recorded(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as e:
        await web_client(slack, token=None).auth_test()
    assert e.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as e:
        await client.api_call("okrs.frobnicate", params={"x": "1"})
    assert e.value.response["error"] == "unknown_method"
    assert [(c.method, c.token, c.ok) for c in slack.calls] == [
        ("auth.test", None, False),
        ("okrs.frobnicate", "xoxb-test", False),
    ]


async def test_auth_test_reports_identity_and_scopes(client: AsyncWebClient) -> None:
    resp = await client.auth_test()
    assert (resp["team_id"], resp["user_id"], resp["bot_id"]) == ("T0001", "UBOT", "B0001")
    assert resp.headers["x-oauth-scopes"].split(",") == list(DEFAULT_SCOPES)
    async with FakeSlack(scopes=["chat:write"]) as narrow:
        resp = await web_client(narrow).auth_test()
        assert resp.headers["x-oauth-scopes"] == "chat:write"


async def test_wait_for_returns_calls_and_times_out_with_the_recorded_methods(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.views_open(trigger_id="1.2.x", view=MODAL)

    task = asyncio.create_task(later())
    [call] = await slack.wait_for("views.open", timeout=2)
    await task
    assert call.args["view"]["callback_id"] == "okr_set"
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*\['views\.open'\]"):
        await slack.wait_for("chat.postMessage", timeout=0.1)
    slack.reset()
    assert slack.calls == []


# ---------------------------------------------------------------- scripted faults


async def test_429_with_retry_after_is_retried_by_slack_sdk(
    slack: FakeSlack, client: AsyncWebClient, retry_waits: RecordedWaits
) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    resp = await client.chat_postMessage(channel="C1", text="digest")
    [wait] = retry_waits.seconds
    assert resp["ok"] and 1 <= wait < 2  # Retry-After: 1 honoured, plus slack_sdk's jitter
    first, second = slack.calls_to("chat.postMessage")
    assert (first.status, first.fault, first.response["error"]) == (429, "http_429", "ratelimited")
    assert first.response_headers == {"Retry-After": "1"}
    assert second.fault is None and second.ok
    assert second.args == first.args == {"channel": "C1", "text": "digest"}


async def test_5xx_is_retried_then_succeeds(
    slack: FakeSlack, client: AsyncWebClient, retry_waits: RecordedWaits
) -> None:
    slack.fail("users.info", status=500, times=1)
    slack.fail("users.info", status=503, times=1)
    resp = await client.users_info(user="UBOT")
    assert resp["user"]["is_bot"] is True
    assert [(c.status, c.fault) for c in slack.calls_to("users.info")] == [
        (500, "http_500"),
        (503, "http_503"),
        (200, None),
    ]
    assert len(retry_waits.seconds) == 2  # backed off before each retry


async def test_scripted_slack_error_applies_only_to_matching_calls(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.fail(
        "chat.postMessage",
        error="channel_not_found",
        times=None,
        match=lambda a: a.get("channel") == "C_GONE",
    )
    await client.chat_postMessage(channel="C1", text="ok")
    for _ in range(2):
        with pytest.raises(SlackApiError) as e:
            await client.chat_postMessage(channel="C_GONE", text="lost")
        assert e.value.response["error"] == "channel_not_found"
    assert [c.fault for c in slack.calls_to("chat.postMessage")] == [
        None,
        "error:channel_not_found",
        "error:channel_not_found",
    ]
    slack.reset()
    await client.chat_postMessage(channel="C_GONE", text="back")  # reset drops the fault


async def test_delay_makes_the_client_time_out(slack: FakeSlack) -> None:
    slack.delay("auth.test", 1.0, times=1)
    with pytest.raises(asyncio.TimeoutError):
        await web_client(slack, timeout=0.2).auth_test()  # type: ignore[arg-type]
    [call] = slack.calls_to("auth.test")
    assert call.delayed == 1.0
    assert (await web_client(slack).auth_test())["ok"]  # times=1: next one is prompt


# ---------------------------------------------------------------- stateful methods


async def test_users_info_returns_configured_tz_and_locale_only_when_asked(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.add_user("U123", tz="Asia/Shanghai", locale="zh-CN", is_admin=True, real_name="Li Wei")
    user = (await client.users_info(user="U123", include_locale=True))["user"]
    assert (user["tz"], user["tz_offset"], user["locale"]) == ("Asia/Shanghai", 28800, "zh-CN")
    assert user["is_admin"] is True and user["deleted"] is False and user["team_id"] == "T0001"
    assert user["real_name"] == "Li Wei"
    assert "locale" not in (await client.users_info(user="U123"))["user"]
    with pytest.raises(SlackApiError) as e:
        await client.users_info(user="U404")
    assert e.value.response["error"] == "user_not_found"


async def test_conversations_members_paginates_with_slack_sdk_cursor_loop(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    members = [f"U{i}" for i in range(5)]
    slack.add_channel("C1", name="sales", members=members)
    pages = [
        page["members"] async for page in await client.conversations_members(channel="C1", limit=2)
    ]
    assert pages == [["U0", "U1"], ["U2", "U3"], ["U4"]]
    assert [c.args.get("cursor") is None for c in slack.calls] == [True, False, False]


async def test_channels_dms_and_posting_rules(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C1", name="sales", is_member=False)
    slack.add_channel("C2", name="old", is_archived=True)
    info = (await client.conversations_info(channel="C1"))["channel"]
    assert (info["name"], info["is_member"], info["is_archived"]) == ("sales", False, False)
    for channel, error in [("C1", "not_in_channel"), ("C2", "is_archived")]:
        with pytest.raises(SlackApiError) as e:
            await client.chat_postMessage(channel=channel, text="x")
        assert e.value.response["error"] == error
    with pytest.raises(SlackApiError) as e:
        await client.conversations_info(channel="C404")
    assert e.value.response["error"] == "channel_not_found"

    dm = (await client.conversations_open(users="U9"))["channel"]["id"]
    assert dm.startswith("D") and dm == slack.dm_channel("U9")
    assert (await client.conversations_open(users="U9"))["channel"]["id"] == dm
    posted = await client.chat_postMessage(channel="U9", text="Check in?")
    assert posted["channel"] == dm  # a user id posts into the DM; the answer names it


async def test_chat_update_needs_the_channel_id_and_a_posted_ts(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="U9", text="Check in?")
    with pytest.raises(SlackApiError) as e:
        await client.chat_update(channel="U9", ts=posted["ts"], text="done")
    assert e.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as e:
        await client.chat_update(channel=posted["channel"], ts="1.000001", text="done")
    assert e.value.response["error"] == "message_not_found"
    await client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Done", blocks=BLOCKS)
    assert slack.message(posted["channel"], posted["ts"])["blocks"] == BLOCKS
    eph = await client.chat_postEphemeral(channel="C1", user="U9", text="psst")
    assert eph["message_ts"]
    await client.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert slack.message(posted["channel"], posted["ts"]) is None
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(channel="C1", text="x", blocks=BLOCKS * 51)
    assert e.value.response["error"] == "invalid_blocks"


async def test_views_echo_the_view_and_enforce_hash(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    view = (await client.views_open(trigger_id="1.2.x", view=MODAL))["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert (view["callback_id"], view["private_metadata"], view["type"]) == (
        "okr_set",
        "team=T1",
        "modal",
    )
    assert view["blocks"] == MODAL["blocks"]
    updated = (await client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL))["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    with pytest.raises(SlackApiError) as e:
        await client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)
    assert e.value.response["error"] == "hash_conflict"
    too_long = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as e:
        await client.views_push(trigger_id="1.2.x", view=too_long)
    assert e.value.response["error"] == "invalid_arguments"
    home = {"type": "home", "blocks": BLOCKS}
    first = (await client.views_publish(user_id="U1", view=home))["view"]
    again = (await client.views_publish(user_id="U1", view=home))["view"]
    assert first["id"] == again["id"] and slack.home_views["U1"]["blocks"] == BLOCKS


async def test_response_url_posts_are_recorded(slack: FakeSlack) -> None:
    hook = AsyncWebhookClient(slack.response_url("cmd-1"))
    resp = await hook.send(text="Saved", response_type="ephemeral", replace_original=False)
    assert resp.status_code == 200 and json.loads(resp.body) == {"ok": True}
    [call] = slack.calls_to("response_url")
    assert call.path.endswith("/cmd-1")
    assert call.args == {"text": "Saved", "response_type": "ephemeral", "replace_original": False}


async def test_files_upload_v2_flow(slack: FakeSlack, client: AsyncWebClient) -> None:
    resp = await client.files_upload_v2(
        content="objective,progress\nGrow,0.4\n",
        filename="okrs.csv",
        channel="C1",
        title="Q3 export",
    )
    assert resp["file"]["title"] == "Q3 export"
    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    get_url, upload, complete = slack.calls
    assert get_url.args["filename"] == "okrs.csv" and get_url.args["length"] == "28"
    assert upload.body == b"objective,progress\nGrow,0.4\n"
    assert complete.args["files"] == [{"id": resp["file"]["id"], "title": "Q3 export"}]
    stored = slack.uploads[resp["file"]["id"]]
    assert stored["content"] == upload.body and stored["channels"] == ["C1"]


# ---------------------------------------------------------------- socket mode


async def test_socket_mode_client_connects_receives_and_acks(slack: FakeSlack) -> None:
    seen: list[dict[str, Any]] = []

    async def on_message(
        c: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None
    ) -> None:
        seen.append(message)

    async def on_request(c: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        text = req.payload.get("text", "")
        await c.send_socket_mode_response(
            SocketModeResponse(envelope_id=req.envelope_id, payload={"text": f"got {text}"})
        )

    with pytest.raises(SlackApiError) as e:
        await web_client(slack).apps_connections_open(app_token="xoxb-test")
    assert e.value.response["error"] == "not_allowed_token_type"

    sm = SocketModeClient(app_token="xapp-1-A0001-test", web_client=web_client(slack))
    sm.message_listeners.append(on_message)  # type: ignore[arg-type]
    sm.socket_mode_request_listeners.append(on_request)  # type: ignore[arg-type]
    try:
        await sm.connect()
        ack = await slack.socket_send("slash_commands", {"command": "/okr", "text": "list"})
        assert ack["payload"] == {"text": "got list"} and ack["envelope_id"]
        assert seen[0]["type"] == "hello"
        assert seen[1]["type"] == "slash_commands" and seen[1]["accepts_response_payload"]
        opened = slack.calls_to("apps.connections.open")[-1]
        assert opened.token == "xapp-1-A0001-test" and opened.ok
        assert slack.calls_to("socket_ack")[-1].args == ack
    finally:
        await sm.close()


# ---------------------------------------------------------------- driver against Bolt


@dataclass
class BoltHarness:
    """A bare Bolt app served over aiohttp on loopback, plus what its listeners saw."""

    app: AsyncApp
    url: str
    seen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def saw(self, key: str, body: dict[str, Any]) -> None:
        self.seen.setdefault(key, []).append(body)


@pytest.fixture
async def bolt(slack: FakeSlack) -> AsyncIterator[BoltHarness]:
    app = AsyncApp(signing_secret=SECRET, client=web_client(slack))
    harness = BoltHarness(app=app, url="")

    @app.command("/okr")
    async def okr(ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        harness.saw("command", body)
        await ack(f"OKR help for {body['user_id']}")
        if body["text"] == "set":
            await client.views_open(trigger_id=body["trigger_id"], view=MODAL)
        if body["text"] == "later":
            await respond("done later")

    @app.action("checkin")
    async def checkin(ack: Any, body: dict[str, Any]) -> None:
        harness.saw("action", body)
        await ack()

    @app.view("okr_set")
    async def submitted(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        harness.saw("view", body)
        objective = view["state"]["values"]["objective"]["text"]["value"]
        if not objective:
            await ack(response_action="errors", errors={"objective": "Required"})
        else:
            await ack()

    @app.view_closed("okr_set")
    async def closed(ack: Any, body: dict[str, Any]) -> None:
        harness.saw("closed", body)
        await ack()

    @app.options("owner")
    async def owners(ack: Any, body: dict[str, Any]) -> None:
        harness.saw("options", body)
        await ack(options=[{"text": {"type": "plain_text", "text": body["value"]}, "value": "U1"}])

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        harness.saw("event", event)
        await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": BLOCKS})

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    harness.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield harness
    finally:
        await runner.cleanup()


@pytest.fixture
async def driver(bolt: BoltHarness, slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    async with SlackDriver(bolt.url, SECRET, response_urls=slack.response_url) as d:
        yield d


async def test_signed_command_is_acked_with_text(
    bolt: BoltHarness, driver: SlackDriver, slack: FakeSlack
) -> None:
    resp = await driver.command("", user_id="U42")
    assert resp.status == 200
    # ack("text") alone is answered as text/plain, not JSON
    assert (resp.text, resp.headers["Content-Type"]) == ("OKR help for U42", "text/plain")
    body = bolt.seen["command"][0]
    assert (body["command"], body["team_id"], body["channel_id"]) == ("/okr", "T0001", "C0001")
    assert body["trigger_id"] and body["is_enterprise_install"] == "false"
    assert [c.method for c in slack.calls] == ["auth.test"]  # Bolt authorizes lazily

    await driver.command("later")
    [hook] = await slack.wait_for("response_url")
    assert hook.args["text"] == "done later"


@pytest.mark.parametrize("case", ["wrong", "missing", "stale", "no_timestamp"])
async def test_unsigned_or_stale_requests_get_401(
    case: str, bolt: BoltHarness, driver: SlackDriver, slack: FakeSlack
) -> None:
    body = "command=%2Fokr&text=&user_id=U1&team_id=T0001"
    if case == "wrong":
        resp = await driver.raw(body, signature="v0=" + "0" * 64)
    elif case == "missing":
        resp = await driver.raw(body, sign=False)
    elif case == "no_timestamp":
        resp = await driver.raw(body, send_timestamp=False)
    else:
        stale = SlackDriver(bolt.url, SECRET, clock=lambda: time.time() - 301)
        async with stale:
            resp = await stale.command("")
    assert resp.status == 401
    assert resp.json() == {"error": "invalid request"}
    assert "command" not in bolt.seen and slack.calls == []  # rejected before auth.test
    assert (await driver.raw(body)).status == 200  # the same body signed now is fine


async def test_interactions_reach_their_listeners(
    bolt: BoltHarness, driver: SlackDriver, slack: FakeSlack
) -> None:
    await driver.command("set", user_id="U7")
    [opened] = await slack.wait_for("views.open")
    assert opened.args["trigger_id"] == bolt.seen["command"][0]["trigger_id"]
    view = opened.response["view"]

    resp = await driver.view_submission(
        "okr_set", {"objective": {"text": text_value("")}}, user_id="U7", view=view
    )
    assert resp.status == 200
    assert resp.json() == {"response_action": "errors", "errors": {"objective": "Required"}}
    resp = await driver.view_submission(
        "okr_set", {"objective": {"text": text_value("Grow ARR")}}, user_id="U7", view=view
    )
    assert resp.status == 200 and resp.text == ""
    submitted = bolt.seen["view"][-1]
    assert submitted["view"]["id"] == view["id"] and submitted["view"]["hash"] == view["hash"]
    assert submitted["view"]["private_metadata"] == "team=T1"
    assert submitted["user"]["id"] == "U7"

    message = slack.add_message("D1", text="Monday check-in")
    resp = await driver.block_action(
        "checkin", "kr-1", user_id="U7", message=message, channel_id="D1"
    )
    assert resp.status == 200
    action_body = bolt.seen["action"][0]
    assert action_body["actions"][0]["value"] == "kr-1"
    assert action_body["container"]["message_ts"] == message["ts"]
    assert action_body["response_url"].startswith(slack.base_url)

    await driver.block_action(
        "checkin", view=view, state_values={"owner": {"pick": select_value("U1", "Ann")}}
    )
    assert (
        bolt.seen["action"][1]["view"]["state"]["values"]["owner"]["pick"]["selected_option"][
            "value"
        ]
        == "U1"
    )
    assert (await driver.view_closed("okr_set", view=view)).status == 200
    assert bolt.seen["closed"][0]["view"]["id"] == view["id"]

    resp = await driver.block_suggestion("owner", "An")
    assert resp.json()["options"][0]["text"]["text"] == "An"


async def test_events_and_url_verification(
    bolt: BoltHarness, driver: SlackDriver, slack: FakeSlack
) -> None:
    resp = await driver.url_verification("challenge-123")
    assert (resp.status, resp.json()) == (200, {"challenge": "challenge-123"})
    resp = await driver.event(
        {"type": "app_home_opened", "user": "U5", "tab": "home", "channel": "D5", "event_ts": "1.2"}
    )
    assert resp.status == 200
    [published] = await slack.wait_for("views.publish")
    assert published.args["user_id"] == "U5"
    assert published.args["team_id"] == "T0001"  # Bolt's per-request client adds it
    assert bolt.seen["event"][0]["tab"] == "home"


async def test_rate_limit_mode_answers_429_past_the_caps(slack: FakeSlack) -> None:
    """What bench/fanout.py runs against: a workspace cap and one call a second a channel."""
    slack.rate_limit("chat.postMessage", per_second=3, per_channel_per_second=1)
    bare = AsyncWebClient(token="xoxb-test", base_url=slack.url, retry_handlers=[])
    answers = []
    for channel in ["C1", "C1", "C2", "C3", "C4"]:
        try:
            await bare.chat_postMessage(channel=channel, text="hi")
            answers.append("ok")
        except SlackApiError as exc:
            assert exc.response.status_code == 429
            assert int(exc.response.headers["Retry-After"]) >= 1
            answers.append("429")
    assert answers == ["ok", "429", "ok", "ok", "429"]  # C1 twice; then the cap of 3
