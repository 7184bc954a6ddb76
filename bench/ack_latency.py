"""Ack latency of `/okr` over real HTTP: the bot against a bare Bolt app that only acks.

Both run in this process on loopback against the fake Slack, and requests alternate
between them so machine noise hits both alike. Prints p50 / p99 per app and the ratios.

    .venv/bin/python bench/ack_latency.py [-n 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.runtime import Runtime
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack

WARMUP = 20


async def start_bare_app(slack_url: str) -> tuple[web.AppRunner, int]:
    """The baseline: Bolt's own request path with one listener that only acks."""
    app = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=AsyncWebClient(token=BOT_TOKEN, base_url=slack_url),
    )

    @app.command("/okr")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def timed(driver: SlackDriver, text: str) -> float:
    start = time.perf_counter()
    response = await driver.command(text=text)
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"unexpected {response.status}: {response.text[:200]}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlack() as slack:
            settings = make_settings(f"sqlite+aiosqlite:///{tmp}/bench.db", slack.url)
            async with Runtime(settings, host="127.0.0.1", port=0) as bot:
                bare_runner, bare_port = await start_bare_app(slack.url)
                okr = SlackDriver(f"http://127.0.0.1:{bot.port}", SIGNING_SECRET)
                bare = SlackDriver(f"http://127.0.0.1:{bare_port}", SIGNING_SECRET)
                try:
                    for _ in range(WARMUP):
                        await timed(okr, "")
                        await timed(bare, "")
                    okr_times: list[float] = []
                    bare_times: list[float] = []
                    for _ in range(n):
                        okr_times.append(await timed(okr, ""))
                        bare_times.append(await timed(bare, ""))
                finally:
                    await okr.close()
                    await bare.close()
                    await bare_runner.cleanup()
    ms = 1000.0
    okr_p50, okr_p99 = statistics.median(okr_times) * ms, percentile(okr_times, 0.99) * ms
    bare_p50, bare_p99 = statistics.median(bare_times) * ms, percentile(bare_times, 0.99) * ms
    print(f"requests per app: {n} (after {WARMUP} warm-up), sequential, keep-alive, loopback")
    print(f"okr-bot  /okr help : p50 {okr_p50:7.2f} ms   p99 {okr_p99:7.2f} ms")
    print(f"bare Bolt ack-only : p50 {bare_p50:7.2f} ms   p99 {bare_p99:7.2f} ms")
    print(f"ratio okr/bare     : p50 {okr_p50 / bare_p50:5.2f}x     p99 {okr_p99 / bare_p99:5.2f}x")
    print(f"Slack's deadline   : 3000 ms; okr-bot p99 uses {okr_p99 / 3000:.2%} of it")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="requests per app (default 500)")
    asyncio.run(main(parser.parse_args().n))
