"""`okr-bot sandbox` over real HTTP: the page's API in front of the real bot, its Slack
stand-in, signed requests between them, and the sandbox's clock driving the scheduler.

Each test starts the sandbox in-process on free ports and talks to it as the page does
(token header, same Origin), reading what the page would draw from /api/state and the
server-sent events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from blocks import ids
from blocks.checkin_modal import value_block
from okr.display import Measure, pair_text
from okr.i18n import ZH, use_lang
from okr.values import Unit
from sandbox import demo, workspace
from sandbox.runner import NO_RESPONSE, Sandbox
from sandbox.server import TOKEN_HEADER, HostRefused, PageServer
from storage.models import AwaySpell, CheckIn, KeyResult, Objective, TargetRevision
from tests.forms import fill

LIN, RAVI, ANNA = workspace.LIN.id, workspace.RAVI.id, workspace.ANNA.id


class Page:
    """What the sandbox page does over HTTP: reads, POSTs with its token, an event stream."""

    def __init__(self, server: PageServer, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session
        self.url = server.url
        self.token = server.token

    async def post(
        self, path: str, body: Any, *, token: str | None = "page", origin: str | None = "own"
    ) -> tuple[int, dict[str, Any]]:
        headers = {}
        if token is not None:
            headers[TOKEN_HEADER] = self.token if token == "page" else token
        if origin is not None:
            headers["Origin"] = self.url if origin == "own" else origin
        async with self.session.post(self.url + path, json=body, headers=headers) as resp:
            return resp.status, await resp.json()

    async def state(self, user: str) -> dict[str, Any]:
        async with self.session.get(f"{self.url}/api/state", params={"user": user}) as resp:
            assert resp.status == 200
            return await resp.json()

    @contextlib.asynccontextmanager
    async def events(self, user: str) -> AsyncIterator[Events]:
        async with self.session.get(f"{self.url}/api/events", params={"user": user}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            stream = Events(resp)
            await stream.connected.wait()
            try:
                yield stream
            finally:
                stream.task.cancel()


class Events:
    """Server-sent events of one person's stream, collected as they come."""

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self.seen: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self._arrived = asyncio.Condition()
        self.task = asyncio.ensure_future(self._read(resp))

    async def _read(self, resp: aiohttp.ClientResponse) -> None:
        async for raw in resp.content:
            line = raw.decode().strip()
            if line.startswith(": connected"):
                self.connected.set()
            if line.startswith("data: "):
                async with self._arrived:
                    self.seen.append(json.loads(line[6:]))
                    self._arrived.notify_all()

    async def wait_for(self, kind: str, predicate: Any = None, timeout: float = 10.0) -> dict:  # noqa: ASYNC109
        def found() -> dict[str, Any] | None:
            for event in self.seen:
                if event["type"] == kind and (predicate is None or predicate(event)):
                    return event
            return None

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: found() is not None), timeout)
        event = found()
        assert event is not None
        return event


@contextlib.asynccontextmanager
async def running(demo_data: bool = False, **kw: Any) -> AsyncIterator[tuple[Sandbox, Page]]:
    lines: list[str] = []
    box = await Sandbox(demo=demo_data, echo=lines.append, **kw).start()
    box.terminal = lines  # type: ignore[attr-defined]
    server = await PageServer(box, port=0).start()
    try:
        async with aiohttp.ClientSession() as session:
            yield box, Page(server, session)
    finally:
        await server.stop()
        await box.stop()


@pytest.fixture
async def sandbox() -> AsyncIterator[tuple[Sandbox, Page]]:
    async with running() as both:
        yield both


@pytest.fixture
async def demo_sandbox() -> AsyncIterator[tuple[Sandbox, Page]]:
    async with running(demo_data=True) as both:
        yield both


def texts(state: dict[str, Any], channel: str) -> list[str]:
    return [m["text"] for m in state["messages"][channel]]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**element, "block_id": block.get("block_id")}
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def until(check: Any, timeout: float = 10.0) -> Any:  # noqa: ASYNC109
    """Poll `check` (async, returning a truthy value when done) until it is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


# ---------------------------------------------------------------------- the page and safety


async def test_page_carries_its_token(sandbox: tuple[Sandbox, Page]) -> None:
    _box, page = sandbox
    async with page.session.get(page.url + "/") as resp:
        assert resp.status == 200
        html = await resp.text()
    found = re.findall(r'<meta name="sandbox-token" content="([^"]+)">', html)
    assert found == [page.token]


async def test_a_post_without_the_token_is_refused(sandbox: tuple[Sandbox, Page]) -> None:
    box, page = sandbox
    before = len(box.api.calls)
    status, body = await page.post("/api/command", {"user": RAVI, "text": "help"}, token=None)
    assert (status, body["ok"]) == (403, False)
    status, _ = await page.post("/api/command", {"user": RAVI, "text": "help"}, token="guessed")
    assert status == 403
    await asyncio.sleep(0.2)
    assert box.api.calls[before:] == []  # the bot was never asked


async def test_a_post_from_another_origin_is_refused(sandbox: tuple[Sandbox, Page]) -> None:
    _box, page = sandbox
    status, body = await page.post("/api/home", {"user": RAVI}, origin="http://evil.example.com")
    assert (status, body["ok"]) == (403, False)
    assert (await page.state(RAVI))["home"] is None


async def test_another_host_name_is_refused(sandbox: tuple[Sandbox, Page]) -> None:
    """A site rebinding its DNS name to 127.0.0.1 cannot read the page (and its token)."""
    _box, page = sandbox
    headers = {"Host": f"evil.example.com:{page.server.port}"}
    async with page.session.get(page.url + "/", headers=headers) as resp:
        assert resp.status == 403
        assert page.token not in await resp.text()


async def test_another_address_needs_host_flag(sandbox: tuple[Sandbox, Page]) -> None:
    box, _page = sandbox
    with pytest.raises(HostRefused, match="--host"):
        PageServer(box, host="0.0.0.0", port=0)
    assert PageServer(box, host="0.0.0.0", port=0, remote=True).host == "0.0.0.0"


def post_status(url: str, token: str, origin: str) -> int:
    request = urllib.request.Request(
        url + "/api/home",
        data=json.dumps({"user": RAVI}).encode(),
        headers={TOKEN_HEADER: token, "Origin": origin, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_command_line_warns_and_stops_cleanly_on_ctrl_c() -> None:
    """`okr-bot sandbox` needs no Slack settings, prints the address, and Ctrl-C ends it
    with exit code 0; --host another address warns that there is no authentication."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert re.fullmatch(r"okr-bot sandbox: open http://127\.0\.0\.1:\d+\n", line), line
        url = line.split("open ", 1)[1].strip()
        with urllib.request.urlopen(url + "/") as resp:
            token = re.findall(r'name="sandbox-token" content="([^"]+)"', resp.read().decode())
        assert token
        # the page works from the address it was opened at; another Origin is refused
        assert post_status(url, token[0], url) == 200
        assert post_status(url, token[0], "http://evil.example.com") == 403
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopping" in out
    assert "no authentication" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------- through the bot


async def test_a_command_reaches_the_bot_and_its_answer_the_page(
    sandbox: tuple[Sandbox, Page],
) -> None:
    box, page = sandbox
    dm = box.dm(RAVI)
    async with page.events(RAVI) as events, page.events(ANNA) as anna:
        status, body = await page.post(
            "/api/command", {"user": RAVI, "channel": dm, "text": "/okr help"}
        )
        assert status == 200 and body["ok"], body
        event = await events.wait_for("message", lambda e: e["message"]["channel"] == dm)
    answer = event["message"]
    assert answer["ephemeral"] is True and "/okr set" in answer["text"]
    assert body["ephemeral"]["ts"] == answer["ts"]
    # the signed request was the bot's: the answer is the bot's help, shown to Ravi only
    assert answer["text"] in texts(await page.state(RAVI), dm)
    assert dm not in (await page.state(ANNA))["messages"]
    assert not [e for e in anna.seen if e["type"] == "message"]


async def test_opening_home_publishes_it(sandbox: tuple[Sandbox, Page]) -> None:
    _box, page = sandbox
    async with page.events(LIN) as events:
        status, _ = await page.post("/api/home", {"user": LIN})
        assert status == 200
        event = await events.wait_for("home")
    assert event["view"]["type"] == "home"
    state = await page.state(LIN)
    assert state["home"]["id"] == event["view"]["id"]
    assert (await page.state(RAVI))["home"] is None


async def test_a_bot_that_does_not_answer_is_an_error_on_the_page_and_the_terminal(
    sandbox: tuple[Sandbox, Page],
) -> None:
    box, page = sandbox
    assert box.runtime is not None
    await box.runtime.stop()  # the bot is down: its port refuses connections
    async with page.events(RAVI) as events:
        status, body = await page.post("/api/command", {"user": RAVI, "text": "help"})
        event = await events.wait_for("error")
    assert (status, body) == (502, {"ok": False, "error": NO_RESPONSE})
    assert event == {"type": "error", "text": NO_RESPONSE}
    assert any(NO_RESPONSE in line and "/okr help" in line for line in box.terminal)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- the demo quarter


async def count(box: Sandbox, model: type, *where: Any) -> int:
    async with box.deps.sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return (await session.exec(query)).one()


async def kr_id(box: Sandbox, title: str) -> int:
    async with box.deps.sessions() as session:
        kr = (await session.exec(select(KeyResult).where(KeyResult.title == title))).one()
    assert kr.id is not None
    return kr.id


async def test_the_demo_seeds_a_quarter(demo_sandbox: tuple[Sandbox, Page]) -> None:
    box, _page = demo_sandbox
    assert await count(box, Objective) == 4
    assert await count(box, Objective, Objective.level == "personal") == 2
    assert await count(box, KeyResult, KeyResult.kind == "quota") == 2
    assert await count(box, KeyResult, KeyResult.currency == "USD") == 4
    assert await count(box, KeyResult, KeyResult.kind == "stay_below") == 1
    # 8 weeks of two KRs each for Ravi and Lin, 7 for Anna (one week away)
    assert await count(box, CheckIn) == 2 * (8 + 8 + 7)
    async with box.deps.sessions() as session:
        [revision] = (await session.exec(select(TargetRevision))).all()
        [away] = (await session.exec(select(AwaySpell))).all()
    assert (revision.old_target, revision.new_target) == (1_500_000, demo.REVISED_TARGET)
    assert revision.reason == demo.REVISION_REASON
    assert away.user_id == ANNA and (away.last_day - away.first_day).days == 4
    # "now" is in week 9 of the cycle: eight full weeks of check-ins behind it
    async with box.deps.sessions() as session:
        last = (await session.exec(select(func.max(CheckIn.created_at)))).one()
    assert timedelta(0) < box.clock() - last.replace(tzinfo=box.clock().tzinfo) < timedelta(days=7)


async def test_friday_brings_the_digest_from_the_demo_data(
    demo_sandbox: tuple[Sandbox, Page],
) -> None:
    box, page = demo_sandbox
    channel = workspace.SALES_EAST_CHANNEL
    async with page.events(LIN) as events:
        status, body = await page.post("/api/clock", {"jump": "friday", "user": LIN})
        assert status == 200, body
        digest = await events.wait_for("message", lambda e: e["message"]["channel"] == channel)
        clock = await events.wait_for("clock")
    assert clock["now"] == body["now"]
    assert body["now"].startswith(str(box.clock().date()))
    # Friday 16:05 in Lin's zone
    assert "T08:05:00" in body["now"]
    text = json.dumps(digest["message"]["blocks"], ensure_ascii=False)
    assert "Sales East" in digest["message"]["text"]
    assert "Grow East region revenue" in text  # titles stay as typed
    # Lin's last check-in, against the revised target, in the team's language (Chinese)
    with use_lang(ZH):
        value, target = pair_text(366_000, demo.REVISED_TARGET, Measure(Unit.CURRENCY, "USD"))
    assert value in text and target in text, text
    assert digest["message"]["text"] in texts(await page.state(RAVI), channel)


async def test_a_rep_checks_in_from_the_monday_prompt(
    demo_sandbox: tuple[Sandbox, Page],
) -> None:
    """Anna's prompt is due on the first tick; Check in opens the modal; a bad value is a
    field error in it; the fixed value closes it and turns the prompt to done."""
    box, page = demo_sandbox
    dm = box.dm(ANNA)
    soon = (box.clock() + timedelta(minutes=1)).isoformat()
    status, _ = await page.post("/api/clock", {"at": soon, "user": ANNA})
    assert status == 200
    state = await page.state(ANNA)
    [prompt] = [m for m in state["messages"][dm] if "Weekly check-in" in m["text"]]
    [check_in] = [b for b in buttons(prompt) if b["action_id"] == ids.CHECK_IN]

    async with page.events(ANNA) as events:
        status, body = await page.post(
            "/api/action",
            {
                "user": ANNA,
                "source": "message",
                "channel": dm,
                "ts": prompt["ts"],
                "action": {
                    "type": "button",
                    "action_id": check_in["action_id"],
                    "block_id": check_in["block_id"],
                    "value": check_in.get("value"),
                },
            },
        )
        assert status == 200, body
        [view] = (await events.wait_for("views", lambda e: e["views"]))["views"]
        assert view["callback_id"] == ids.CHECK_IN_VIEW

        revenue = value_block(await kr_id(box, "Close new deals in DACH"))
        bad = fill(view, {revenue: "lots"})
        status, body = await page.post(
            "/api/submit", {"user": ANNA, "view_id": view["id"], "values": bad}
        )
        assert status == 200 and list(body["errors"]) == [revenue], body
        errored = await events.wait_for(
            "views", lambda e: e["views"] and e["views"][0].get("errors")
        )
        assert errored["views"][0]["errors"] == body["errors"]
        assert [v["id"] for v in (await page.state(ANNA))["views"]] == [view["id"]]

        good = fill(view, {revenue: "175000"})
        status, body = await page.post(
            "/api/submit", {"user": ANNA, "view_id": view["id"], "values": good}
        )
        assert (status, body) == (200, {"ok": True})
        await events.wait_for("views", lambda e: e["views"] == [])
        changed = await events.wait_for(
            "message_changed", lambda e: e["message"]["ts"] == prompt["ts"]
        )
    assert changed["message"]["edited"] is True
    assert changed["message"]["text"] != prompt["text"]
    assert ids.CHECK_IN not in [b["action_id"] for b in buttons(changed["message"])]
    assert (await page.state(ANNA))["views"] == []
    revenue_id = await kr_id(box, "Close new deals in DACH")
    async with box.deps.sessions() as session:
        kr = await session.get(KeyResult, revenue_id)
    assert kr is not None and kr.current_value == 175_000


async def test_suggestions_come_from_the_bot_with_what_the_modal_holds(
    demo_sandbox: tuple[Sandbox, Page],
) -> None:
    """/okr set's "Aligns to" search reads the chosen cycle from the view's state: the page
    sends what the modal holds, and the bot's answer comes back as the options."""
    box, page = demo_sandbox
    async with page.events(RAVI) as events:
        status, _ = await page.post("/api/command", {"user": RAVI, "text": "set"})
        assert status == 200
        [view] = (await events.wait_for("views", lambda e: e["views"]))["views"]
    [align] = [
        b
        for b in view["blocks"]
        if b["type"] == "input" and b["element"].get("action_id") == ids.ALIGN_TO
    ]
    ask = {
        "user": RAVI,
        "view_id": view["id"],
        "action_id": ids.ALIGN_TO,
        "block_id": align["block_id"],
        "value": "east",
    }
    status, body = await page.post("/api/options", {**ask, "state": {"values": fill(view)}})
    assert status == 200, body
    found = [o["text"]["text"] for o in body["options"]] + [
        o["text"]["text"] for g in body.get("option_groups", []) for o in g["options"]
    ]
    assert any("Grow East region revenue" in text for text in found), body
    assert box.api.views[view["id"]]["state"]["values"] == fill(view)
