"""Ack latency of `/okr` over real HTTP: the bot against a bare Bolt app that only acks.

Both run in this process on loopback against the fake Slack, and requests alternate
between them so machine noise hits both alike. Prints p50 / p99 per app and the ratios.
`--lang both` sends every other `/okr` from a person whose Slack locale is zh-CN (the bot
answers them in Chinese) and prints each language's figures and the zh/en ratio;
`--baseline REF` also runs REF's own copy of this bench (bench/baseline.py), round by round
with this one, for the figure before issue 14 (`--baseline 891602a`).

    .venv/bin/python bench/ack_latency.py [-n 500] [--lang en|zh|both]
                                          [--baseline 891602a] [--rounds 3]
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

from bench.baseline import figure, run_at
from bot.runtime import Runtime
from okr.i18n import LANGS
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack

WARMUP = 20
#: Who sends the `/okr` of each language: the fake Slack knows their locale.
SENDERS = {"en": ("U0BENCHEN", "en-US"), "zh": ("U0BENCHZH", "zh-CN")}


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


async def timed(driver: SlackDriver, text: str, user: str = "U0001") -> float:
    start = time.perf_counter()
    response = await driver.command(text=text, user_id=user)
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"unexpected {response.status}: {response.text[:200]}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(n: int, langs: tuple[str, ...]) -> dict[str, list[float]]:
    """Seconds per request: `/okr` from a person of each of `langs` and the bare app's ack,
    in turn."""
    times: dict[str, list[float]] = {lang: [] for lang in langs} | {"bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlack() as slack:
            for lang in langs:
                slack.add_user(SENDERS[lang][0], tz="UTC", locale=SENDERS[lang][1])
            settings = make_settings(f"sqlite+aiosqlite:///{tmp}/bench.db", slack.url)
            async with Runtime(settings, host="127.0.0.1", port=0) as bot:
                bare_runner, bare_port = await start_bare_app(slack.url)
                okr = SlackDriver(f"http://127.0.0.1:{bot.port}", SIGNING_SECRET)
                bare = SlackDriver(f"http://127.0.0.1:{bare_port}", SIGNING_SECRET)
                try:
                    for _ in range(WARMUP):
                        for lang in langs:
                            await timed(okr, "", SENDERS[lang][0])
                        await timed(bare, "")
                    for _ in range(n):
                        for lang in langs:
                            times[lang].append(await timed(okr, "", SENDERS[lang][0]))
                        times["bare"].append(await timed(bare, ""))
                finally:
                    await okr.close()
                    await bare.close()
                    await bare_runner.cleanup()
    return times


async def main(n: int, langs: tuple[str, ...]) -> dict[str, float]:
    """Print one run's figures; return the p50 (ms) of each language and of the bare app."""
    times = await measure(n, langs)
    ms = 1000.0
    p50 = {key: statistics.median(spent) * ms for key, spent in times.items()}
    p99 = {key: percentile(spent, 0.99) * ms for key, spent in times.items()}
    print(f"requests per app: {n} (after {WARMUP} warm-up), sequential, keep-alive, loopback")
    for lang in langs:
        print(f"okr-bot  /okr help ({lang}): p50 {p50[lang]:7.2f} ms   p99 {p99[lang]:7.2f} ms")
    bare_p50, bare_p99 = p50["bare"], p99["bare"]
    print(f"bare Bolt ack-only : p50 {bare_p50:7.2f} ms   p99 {bare_p99:7.2f} ms")
    for lang in langs:
        print(
            f"ratio okr/bare ({lang}): p50 {p50[lang] / bare_p50:5.2f}x     "
            f"p99 {p99[lang] / bare_p99:5.2f}x"
        )
    if "en" in p50 and "zh" in p50:
        print(f"ratio zh/en        : p50 {p50['zh'] / p50['en']:5.2f}x")
    worst = max(p99[lang] for lang in langs)
    print(f"Slack's deadline   : 3000 ms; okr-bot p99 uses {worst / 3000:.2%} of it")
    return p50


async def compare(n: int, langs: tuple[str, ...], baseline: str, rounds: int) -> None:
    """`rounds` runs of this bench and of `baseline`'s, in turn; medians of their p50s."""
    now: dict[str, list[float]] = {key: [] for key in (*langs, "bare")}
    before: dict[str, list[float]] = {"okr": [], "bare": []}
    for round_number in range(rounds):
        print(f"--- round {round_number + 1}: now")
        for key, value in (await main(n, langs)).items():
            now[key].append(value)
        output = run_at(baseline, "bench/ack_latency.py", "-n", str(n))
        before["okr"].append(figure(output, r"okr-bot\s+/okr help\s*: p50\s+([\d.]+) ms"))
        before["bare"].append(figure(output, r"bare Bolt ack-only\s*: p50\s+([\d.]+) ms"))
        print(
            f"--- round {round_number + 1}: {baseline}: p50 {before['okr'][-1]:.2f} ms "
            f"(bare {before['bare'][-1]:.2f} ms)"
        )
    old, old_bare = (statistics.median(before[key]) for key in ("okr", "bare"))
    bare = statistics.median(now["bare"])
    print(
        f"=== medians of {rounds} rounds' p50: before ({baseline}) {old:.2f} ms "
        f"(bare {old_bare:.2f} ms); bare now {bare:.2f} ms"
    )
    for lang in langs:
        mine = statistics.median(now[lang])
        print(
            f"    {lang}: {mine:.2f} ms, {mine / old:.2f}x before "
            f"(over bare: {mine / bare:.2f}x now, {old / old_bare:.2f}x before)"
        )
    if "en" in now and "zh" in now:
        en, zh = statistics.median(now["en"]), statistics.median(now["zh"])
        print(f"    zh/en {zh / en:.2f}x (target: zh within 1.1x of en, both within 1.1x before)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="requests per app (default 500)")
    parser.add_argument("--lang", choices=[*LANGS, "both"], default="en")
    parser.add_argument("--baseline", help="git ref to compare with, its own bench (891602a)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds against --baseline")
    args = parser.parse_args()
    chosen = LANGS if args.lang == "both" else (args.lang,)
    if args.baseline:
        asyncio.run(compare(args.n, chosen, args.baseline, args.rounds))
    else:
        asyncio.run(main(args.n, chosen))
