"""Monday fan-out: 50 teams, 5,000 key-result owners with 3 KRs each.

(1) The fake Slack answers at once: time and peak memory to deliver all 5,000 prompts,
    on SQLite and PostgreSQL.
(2) The fake Slack enforces a rate limit (a workspace cap per second and 1 call a second
    per channel, answering 429 with Retry-After): total time against the minimum that
    limit allows, as a ratio, with the count delivered and duplicates.
(3) Time to build one digest for a team with 100 objectives and 12 weeks of check-ins, in
    English and Chinese (`--lang`, alternating run by run on one database), and with
    `--baseline REF` against REF's own bench run in a copy of REF's tree (bench/baseline.py),
    alternating round by round: the code before issue 14 is `--baseline 891602a`.

    .venv/bin/python bench/fanout.py [--owners 5000] [--cap 100] [--skip-postgres]
                                     [--digest-only] [--lang en|zh|both]
                                     [--baseline 891602a] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.baseline import figure, run_at
from blocks.digest import digest_message
from bot.runtime import Runtime
from okr.digest import assemble_digest
from okr.i18n import LANGS, use_lang
from storage.cycles import current_cycle
from storage.models import CheckIn, KeyResult, Objective, Team, TeamMember
from storage.objectives import objectives_of_teams
from storage.outlines import cycle_window, objective_cards
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.conftest import make_settings
from tests.databases import postgres_database
from tests.fakeslack import FakeSlack

WORKSPACE = "T0001"
TEAMS = 50
MONDAY_NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def owner(n: int) -> str:
    return f"U{n:06d}"


async def seed(bot: Runtime, owners: int) -> None:
    """50 teams (UTC, check-in Monday 09:00); each owner in one team with one objective
    of 3 KRs."""
    assert bot.deps is not None
    now = bot.deps.clock()
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, WORKSPACE, now)
        cycle = await current_cycle(session, WORKSPACE, now.date())
        await session.exec(
            insert(Team),
            params=[  # type: ignore[call-overload]
                {
                    "workspace_id": WORKSPACE,
                    "name": f"Team {t:02d}",
                    "channel_id": f"C{t:05d}",
                    "timezone": "UTC",
                    "created_by": "U0ADMIN",
                    "created_at": now,
                }
                for t in range(TEAMS)
            ],
        )
        await session.exec(
            insert(TeamMember),
            params=[  # type: ignore[call-overload]
                {
                    "workspace_id": WORKSPACE,
                    "team_id": 1 + n % TEAMS,
                    "user_id": owner(n),
                    "role": "lead" if n < TEAMS else "member",
                }
                for n in range(owners)
            ],
        )
        await session.exec(
            insert(Objective),
            params=[  # type: ignore[call-overload]
                {
                    "workspace_id": WORKSPACE,
                    "cycle_id": cycle.id,
                    "team_id": 1 + n % TEAMS,
                    "level": "personal",
                    "title": f"Objective of {owner(n)}",
                    "description": "",
                    "owner_id": owner(n),
                    "created_by": owner(n),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(owners)
            ],
        )
        krs = [
            {
                "workspace_id": WORKSPACE,
                "objective_id": n + 1,
                "position": k,
                "title": f"KR {k}",
                "kind": "increase",
                "unit": "number",
                "start_value": 0.0,
                "target_value": 100.0,
                "original_target": 100.0,
                "current_value": 10.0 * k,
                "weight": 1.0,
                "owner_id": owner(n),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(owners)
            for k in range(3)
        ]
        for start in range(0, len(krs), 5000):
            chunk = krs[start : start + 5000]
            await session.exec(insert(KeyResult), params=chunk)  # type: ignore[call-overload]
        await session.commit()


async def fan_out(url: str, owners: int, *, cap: float | None) -> dict[str, float]:
    """Deliver Monday's prompts; with `cap`, against a rate-limited fake."""
    async with FakeSlack() as slack:
        if cap is not None:
            slack.rate_limit("chat.postMessage", per_second=cap, per_channel_per_second=1)
        rate = str(cap * 0.98) if cap is not None else "1000"
        settings = make_settings(url, slack.url, SLACK_POSTS_PER_SECOND=rate)
        async with Runtime(
            settings, clock=FakeClock(MONDAY_NINE), host="127.0.0.1", port=0, scheduler=False
        ) as bot:
            await seed(bot, owners)
            assert bot.rhythm is not None
            bot.rhythm.sender.concurrency = 32
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            counts = Counter(await bot.rhythm.run("checkins", MONDAY_NINE))
            elapsed = time.perf_counter() - start
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        posted = Counter(c.response["channel"] for c in slack.calls_to("chat.postMessage") if c.ok)
        limited = sum(1 for c in slack.calls_to("chat.postMessage") if c.status == 429)
    return {
        "seconds": elapsed,
        "sent": counts.get("sent", 0),
        "delivered": len(posted),
        "duplicates": sum(n - 1 for n in posted.values()),
        "rate_limited": limited,
        "peak_rss_mb": rss_after / 1024,
        "rss_growth_mb": (rss_after - rss_before) / 1024,
    }


async def digest_build(
    url: str, runs: int = 20, langs: tuple[str, ...] = ("en",)
) -> dict[str, float]:
    """Median seconds to load and build one team's digest: 100 objectives x 3 KRs, 12
    weekly check-ins each, in each of `langs` (alternating, on the same database; `runs`
    builds in all)."""
    async with FakeSlack() as slack:
        start_of_cycle = datetime(2026, 10, 1, tzinfo=UTC)
        at = start_of_cycle + timedelta(weeks=12, days=2)
        async with Runtime(
            make_settings(url, slack.url),
            clock=FakeClock(at),
            scheduler=False,
            host="127.0.0.1",
            port=0,
        ) as bot:
            await seed(bot, 100 * TEAMS)  # team 1 holds 100 objectives
            assert bot.deps is not None
            # Objective n (1-based) belongs to team 1 + (n - 1) % 50 and holds KRs 3n-2..3n.
            team_one_krs = [
                kr
                for n in range(1, 100 * TEAMS + 1)
                if (n - 1) % TEAMS == 0
                for kr in range(3 * n - 2, 3 * n + 1)
            ]
            async with bot.deps.sessions() as session:
                rows = [
                    {
                        "workspace_id": WORKSPACE,
                        "key_result_id": kr_id,
                        "user_id": owner((kr_id - 1) // 3),
                        "value": 8.0 * week,
                        "confidence": "on_track",
                        "note": "",
                        "created_at": start_of_cycle + timedelta(weeks=week),
                    }
                    for kr_id in team_one_krs
                    for week in range(12)
                ]
                for first in range(0, len(rows), 5000):
                    await session.exec(insert(CheckIn), params=rows[first : first + 5000])  # type: ignore[call-overload]
                await session.commit()
            times: dict[str, list[float]] = {lang: [] for lang in langs}
            # `runs` builds in all, shared by the languages, as many as a one-language run
            # (and its baseline) makes: the process's heap grows alike. Each language goes
            # first every other time, so the garbage one build leaves falls on both alike.
            for n in range(max(1, runs // len(langs))):
                for lang in langs if n % 2 == 0 else langs[::-1]:
                    with use_lang(lang):
                        t0 = time.perf_counter()
                        message, objectives = await _one_digest(bot, at)
                        times[lang].append(time.perf_counter() - t0)
            assert len(objectives) == 100 and len(message["blocks"]) <= 50
    return {lang: statistics.median(spent) for lang, spent in times.items()}


async def _one_digest(bot: Runtime, at: datetime) -> tuple[dict[str, Any], list[Objective]]:
    """Load team 1's cards and build its digest message, in the current language."""
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        cycle = await current_cycle(session, WORKSPACE, at.date())
        objectives = await objectives_of_teams(session, WORKSPACE, [1], cycle.id or 0)
        cards = await objective_cards(session, WORKSPACE, objectives, at=at, default_timezone="UTC")
    begin, end = cycle_window(cycle, "UTC")
    owners = {kr.owner_id for card in cards for kr in card.krs}
    data = assemble_digest(
        team_name="Team 00",
        cycle_name=cycle.name,
        cycle_start=begin,
        cycle_end=end,
        cards=cards,
        at=at,
        since=at - timedelta(days=7),
        checked_in=owners,
        owners=owners,
    )
    return digest_message(data), objectives


async def main(
    owners: int,
    cap: float,
    skip_postgres: bool,
    digest_only: bool = False,
    langs: tuple[str, ...] = ("en",),
    baseline: str | None = None,
    rounds: int = 3,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if not digest_only:
            await deliveries(tmp, owners, cap, skip_postgres)
        print("(3) one digest: a team of 100 objectives x 3 KRs, 12 weekly check-ins each")
        if baseline is None:
            medians = await digest_build(f"sqlite+aiosqlite:///{tmp}/c.db", langs=langs)
            print(f"    sqlite      median {_by_lang(medians)}")
        else:
            await compare_digest(tmp, langs, baseline, rounds)
        if not skip_postgres:
            with postgres_database() as url:
                if url is not None:
                    medians = await digest_build(url, langs=langs)
                    print(f"    postgresql  median {_by_lang(medians)}")


def _by_lang(medians: dict[str, float]) -> str:
    """`en 378.0 ms · zh 380.1 ms (zh/en 1.01x)`."""
    text = " · ".join(f"{lang} {seconds * 1000:.1f} ms" for lang, seconds in medians.items())
    if "en" in medians and "zh" in medians:
        text += f" (zh/en {medians['zh'] / medians['en']:.2f}x)"
    return text


async def compare_digest(tmp: str, langs: tuple[str, ...], baseline: str, rounds: int) -> None:
    """Figure (3) on SQLite, now in `langs` and with `baseline`'s code, round by round."""
    now: dict[str, list[float]] = {lang: [] for lang in langs}
    before: list[float] = []
    for n in range(rounds):
        medians = await digest_build(f"sqlite+aiosqlite:///{tmp}/c{n}.db", langs=langs)
        for lang, seconds in medians.items():
            now[lang].append(seconds * 1000)
        output = run_at(baseline, "bench/fanout.py", "--digest-only", "--skip-postgres")
        before.append(figure(output, r"sqlite\s+median ([\d.]+) ms"))
        print(f"    round {n + 1}: {_by_lang(medians)} · before ({baseline}) {before[-1]:.1f} ms")
    old = statistics.median(before)
    shown = {lang: statistics.median(ms) / 1000 for lang, ms in now.items()}
    print(f"    sqlite      median of {rounds} rounds: {_by_lang(shown)}; before {old:.1f} ms")
    # Paired by round (the machine's load moves between rounds, hardly within one).
    for lang, ms in now.items():
        ratio = statistics.median(m / b for m, b in zip(ms, before, strict=True))
        print(f"    {lang}/before  {ratio:.2f}x, median of the rounds' ratios (target 1.1x)")
    if "en" in now and "zh" in now:
        pairs = zip(now["zh"], now["en"], strict=True)
        print(f"    zh/en      {statistics.median(z / e for z, e in pairs):.2f}x, likewise")


async def deliveries(tmp: str, owners: int, cap: float, skip_postgres: bool) -> None:
    """Figures (1) and (2): the Monday fan-out, at once and under a rate limit."""
    print(f"(1) {owners} owners x 3 KRs in {TEAMS} teams; the fake Slack answers at once")
    rows = {"sqlite": await fan_out(f"sqlite+aiosqlite:///{tmp}/a.db", owners, cap=None)}
    if not skip_postgres:
        with postgres_database() as url:
            if url is not None:
                rows["postgresql"] = await fan_out(url, owners, cap=None)
    for name, r in rows.items():
        print(
            f"    {name:10} {r['seconds']:7.1f} s  {r['sent'] / r['seconds']:6.0f}/s  "
            f"delivered {r['delivered']}  duplicates {r['duplicates']}  "
            f"peak RSS {r['peak_rss_mb']:.0f} MB (+{r['rss_growth_mb']:.0f} MB)"
        )
    print(
        f"(2) rate limit: {cap:g} chat.postMessage a second for the workspace, 1 a "
        "second per channel; the bot paces at 98 % of it"
    )
    r = await fan_out(f"sqlite+aiosqlite:///{tmp}/b.db", owners, cap=cap)
    minimum = owners / cap
    print(
        f"    sqlite      {r['seconds']:7.1f} s against a minimum of {minimum:.1f} s: "
        f"ratio {r['seconds'] / minimum:.3f}x; delivered {r['delivered']}, "
        f"duplicates {r['duplicates']}, 429s answered {r['rate_limited']:.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=5000)
    parser.add_argument("--cap", type=float, default=100.0)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--digest-only", action="store_true", help="only figure (3)")
    parser.add_argument("--lang", choices=[*LANGS, "both"], default="en", help="figure (3)")
    parser.add_argument("--baseline", help="git ref to compare figure (3) with (891602a)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds against --baseline")
    args = parser.parse_args()
    langs = LANGS if args.lang == "both" else (args.lang,)
    asyncio.run(
        main(
            args.owners,
            args.cap,
            args.skip_postgres,
            args.digest_only,
            langs,
            args.baseline,
            args.rounds,
        )
    )
