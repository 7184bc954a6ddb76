"""The sandbox's own cost: a click sent the page's way against the same click sent by the
test driver straight to the bot, with the `--demo` data loaded.

Page path: POST /api/action (Anna's *Check in* on her Monday prompt, with the page's token
and Origin) until the modal reaches her server-sent event stream. Direct path: the same
block_actions payload signed into the bot's /slack/events until the stand-in records the
bot's views.open. The two alternate so machine noise hits both alike; each modal is closed
before the next click. Also times the first page load (GET / and GET /api/state). The
browser's own part (a real click, the page redrawn) is measured by the browser tests.

    .venv/bin/python bench/sandbox.py [-n 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blocks import ids
from sandbox import workspace
from sandbox.runner import Sandbox
from sandbox.server import TOKEN_HEADER, PageServer
from sandbox.slack_api import Change

ANNA = workspace.ANNA.id
#: The stand-in's modal stack the direct path's views go on, so that Anna's page stream
#: only ever carries the page path's modals.
DIRECT = "bench-direct"
WARMUP = 5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(n: int) -> None:
    box = await Sandbox(demo=True, echo=print).start()
    page = await PageServer(box, port=0).start()
    opened: asyncio.Queue[str] = asyncio.Queue()

    def on_change(change: Change) -> None:
        if change["type"] == "views" and change["user"] == DIRECT and change["views"]:
            opened.put_nowait(change["views"][-1]["id"])

    box.listen(on_change)
    try:
        async with aiohttp.ClientSession() as session:
            loads = []
            for _ in range(10):
                start = time.perf_counter()
                async with session.get(page.url + "/") as resp:
                    await resp.read()
                async with session.get(page.url + "/api/state", params={"user": ANNA}) as resp:
                    await resp.read()
                loads.append(time.perf_counter() - start)
            headers = {TOKEN_HEADER: page.token, "Origin": page.url}
            at = (box.clock()).isoformat()
            await session.post(
                page.url + "/api/clock", json={"at": at, "user": ANNA}, headers=headers
            )
            dm = box.dm(ANNA)
            prompt = next(
                m for m in box.api.messages_in(dm) if "Weekly check-in" in m.get("text", "")
            )
            button = next(
                {**e, "block_id": b.get("block_id")}
                for b in prompt["blocks"]
                if b["type"] == "actions"
                for e in b["elements"]
                if e.get("action_id") == ids.CHECK_IN
            )
            body = {
                "user": ANNA,
                "source": "message",
                "channel": dm,
                "ts": prompt["ts"],
                "action": {k: button.get(k) for k in ("type", "action_id", "block_id", "value")},
            }
            async with session.get(
                page.url + "/api/events", params={"user": ANNA}, timeout=None
            ) as stream:
                page_times, direct_times = [], []
                for i in range(WARMUP + n):
                    page_t = await page_click(session, page.url, headers, body, stream)
                    box.api.close_views(ANNA)
                    direct_t = await direct_click(box, prompt, button, opened)
                    box.api.close_views(DIRECT)
                    if i >= WARMUP:
                        page_times.append(page_t)
                        direct_times.append(direct_t)
    finally:
        await page.stop()
        await box.stop()
    load_ms = statistics.median(loads) * 1000
    print(f"first page load (GET / + /api/state), median of 10: {load_ms:.1f} ms")
    title = f"click -> modal, {n} clicks"
    print(f"{title:<34} {'page':>9} {'direct':>9} {'ratio':>7}")
    for label, q in (("p50", 0.5), ("p99", 0.99)):
        p, d = pct(page_times, q), pct(direct_times, q)
        print(f"{label:<34} {p * 1000:>7.1f}ms {d * 1000:>7.1f}ms {p / d:>6.2f}x")


async def page_click(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    body: dict[str, Any],
    stream: aiohttp.ClientResponse,
) -> float:
    """POST the click as the page does; time until the modal's views event is read."""
    start = time.perf_counter()
    async with session.post(url + "/api/action", json=body, headers=headers) as resp:
        assert resp.status == 200, await resp.text()
    async for raw in stream.content:
        line = raw.decode().strip()
        if line.startswith("data: "):
            event = json.loads(line[6:])
            if event["type"] == "views" and event["views"]:
                return time.perf_counter() - start
    raise AssertionError("the event stream ended")


async def direct_click(
    box: Sandbox, prompt: dict[str, Any], button: dict[str, Any], opened: asyncio.Queue[str]
) -> float:
    """The same click signed straight into the bot; time until views.open is recorded."""
    assert box.requests is not None
    trigger = box.requests.trigger_id()
    box.api.remember_trigger(trigger, DIRECT)
    start = time.perf_counter()
    response = await box.requests.block_action(
        ids.CHECK_IN,
        button.get("value"),
        user_id=ANNA,
        block_id=button["block_id"],
        message=prompt,
        channel_id=box.dm(ANNA),
        trigger_id=trigger,
    )
    assert response.status == 200
    await asyncio.wait_for(opened.get(), 10)
    return time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="clicks per path (default 50)")
    asyncio.run(main(parser.parse_args().n))
