"""Authoring at scale: a workspace with 5,000 objectives and 20,000 key results.

Times, over real HTTP against the fake Slack, from the signed request to the Web API call
that completes it: `/okr set` until views.open, the alignment search until its options
come back, `/okr list` until its response_url post, the Home tab until views.publish, for
a person with 20 key results. Also counts the SQL statements each request runs, at two
workspace sizes, to show they do not grow with the number of rows.

First it reads 10,000 key-result sentences (every form, English and Chinese, a few refused)
with okr.kr_sentence.read_kr and prints the rate: sentences per second, median of 5 runs.

    .venv/bin/python bench/authoring.py [--objectives 5000] [--runs 30]
        [--database sqlite|postgresql] [--sentences 10000] [--sentences-only]

With `--duplicates` it measures only issue 15's duplicate check instead: `/okr set`'s
submit (signed view_submission until the author's confirmation is posted) with 20,000
other teams' KRs in the cycle (`--duplicate-krs`), with and without the check, interleaved
in the same run (median of `--runs` each, and their ratio), and the SQL statements of one
submit at 1,000 and at 20,000 KRs.

    .venv/bin/python bench/authoring.py --duplicates [--duplicate-krs 20000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import handlers.objective_set as objective_set
from blocks import ids
from bot.runtime import Runtime
from okr.kr_sentence import KRReading, read_kr
from storage.cycles import current_cycle
from storage.models import KeyResult, Objective, Team, TeamMember
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.conftest import SIGNING_SECRET, make_settings
from tests.databases import postgres_database
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill

T = TypeVar("T")
WORKSPACE = "T0001"
ME = "U0BENCH"
TEAMS = 50
KRS_PER_OBJECTIVE = 4


async def seed_teams(session: Any, now: datetime, names: list[str], role: str) -> None:
    """Teams named `names` (channels C0000, C0001, …), ME in the first one as `role`."""
    await session.exec(
        insert(Team),
        params=[
            {
                "workspace_id": WORKSPACE,
                "name": name,
                "channel_id": f"C{t:04d}",
                "timezone": "UTC",
                "created_by": ME,
                "created_at": now,
            }
            for t, name in enumerate(names)
        ],
    )
    await session.exec(
        insert(TeamMember),
        params=[{"workspace_id": WORKSPACE, "team_id": 1, "user_id": ME, "role": role}],
    )


async def seed(bot: Runtime, objectives: int) -> None:
    """`objectives` objectives with 4 KRs each; 5 of them (20 KRs) owned by ME."""
    assert bot.deps is not None
    now = bot.deps.clock()
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, WORKSPACE, now)
        cycle = await current_cycle(session, WORKSPACE, now.date())
        await seed_teams(session, now, [f"Team {t:02d}" for t in range(TEAMS)], "member")
        rows = []
        for n in range(objectives):
            owner = ME if n < 5 else f"U{n % 400:05d}"
            level = "company" if n < 20 else ("team" if n % 3 else "personal")
            rows.append(
                {
                    "workspace_id": WORKSPACE,
                    "cycle_id": cycle.id,
                    "team_id": 1 + n % TEAMS,
                    "parent_id": None if n < 20 else 1 + n % 20,
                    "level": level,
                    "title": f"Objective {n}: grow pipeline in region {n % 97}",
                    "description": "",
                    "owner_id": owner,
                    "created_by": owner,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        await session.exec(insert(Objective), params=rows)
        krs = []
        for n in range(objectives):
            owner = ME if n < 5 else f"U{n % 400:05d}"
            for k in range(KRS_PER_OBJECTIVE):
                krs.append(
                    {
                        "workspace_id": WORKSPACE,
                        "objective_id": n + 1,
                        "position": k,
                        "title": f"KR {k} of {n}",
                        "kind": "increase",
                        "unit": "number",
                        "start_value": 0.0,
                        "target_value": 100.0,
                        "original_target": 100.0,
                        "current_value": float((n * 7 + k * 13) % 120),
                        "weight": 1.0,
                        "owner_id": owner,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        for start in range(0, len(krs), 5000):
            await session.exec(insert(KeyResult), params=krs[start : start + 5000])
        await session.commit()


class StatementCounter:
    """Counts the SQL statements the bot's engine runs."""

    def __init__(self, bot: Runtime) -> None:
        assert bot.engine is not None
        self.count = 0
        event.listen(bot.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def measure(
    counter: StatementCounter,
    slack: FakeSlack,
    method: str,
    send: Callable[[], Awaitable[Any]],
    runs: int,
) -> tuple[float, int]:
    """Median seconds from send() until `method` is called once more, and the statements
    of the last run."""
    times, statements = [], 0
    for _ in range(runs):
        before = len(slack.calls_to(method))
        counter.count = 0
        start = time.perf_counter()
        result = await send()
        if getattr(result, "status", 200) != 200:
            raise SystemExit(f"{method}: HTTP {result.status} {result.text[:200]}")
        if method != "options":
            await slack.wait_for(method, count=before + 1, timeout=30)
        times.append(time.perf_counter() - start)
        statements = counter.count
    return statistics.median(times), statements


async def run(objectives: int, runs: int, url: str) -> dict[str, tuple[float, int]]:
    async with FakeSlack() as slack:
        slack.add_user(ME, tz="UTC")
        clock = FakeClock()
        async with Runtime(
            make_settings(url, slack.url), clock=clock, host="127.0.0.1", port=0
        ) as bot:
            await seed(bot, objectives)
            counter = StatementCounter(bot)
            async with SlackDriver(
                f"http://127.0.0.1:{bot.port}", SIGNING_SECRET, response_urls=slack.response_url
            ) as driver:
                await driver.command(text="set", user_id=ME)  # warm caches (users.info)
                view = (await slack.wait_for("views.open"))[-1].response["view"]
                suggestion_view = {**view, "state": {"values": fill(view)}}

                async def search() -> Any:
                    answer = await driver.block_suggestion(
                        ids.ALIGN_TO, "region 42", user_id=ME, view=suggestion_view
                    )
                    if not answer.json()["options"]:
                        raise SystemExit("the search found nothing")
                    return answer

                return {
                    "/okr set → views.open": await measure(
                        counter,
                        slack,
                        "views.open",
                        lambda: driver.command(text="set", user_id=ME),
                        runs,
                    ),
                    "align search → options": await measure(
                        counter, slack, "options", search, runs
                    ),
                    "/okr list (20 KRs) → response": await measure(
                        counter,
                        slack,
                        "response_url",
                        lambda: driver.command(text="list", user_id=ME),
                        runs,
                    ),
                    "Home tab (20 KRs) → views.publish": await measure(
                        counter,
                        slack,
                        "views.publish",
                        lambda: driver.event(
                            {"type": "app_home_opened", "user": ME, "tab": "home"}
                        ),
                        runs,
                    ),
                }


#: main before issue 11 (the nine-inputs-per-KR modal): "today's figure" for views.open.
BASELINE = "c38c514"
ROOT = Path(__file__).resolve().parents[1]


def _module_from_git(ref: str, path: str, name: str, renames: dict[str, str]) -> Any:
    """The module `path` as it was at `ref`, loaded as `name` (imports renamed)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for old, new in renames.items():
        source = source.replace(old, new)
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source, f"{ref}:{path}", "exec"), module.__dict__)
    return module


def previous_open(ref: str) -> Callable[..., Awaitable[None]]:
    """`open_set_modal` of `ref`, with its own modal builder."""
    _module_from_git(ref, "blocks/objective_form.py", "bench_previous_form", {})
    renames = {"from blocks.objective_form import": "from bench_previous_form import"}
    module = _module_from_git(ref, "handlers/objective_set.py", "bench_previous_set", renames)

    async def open_previous(*args: Any, template_first: bool = False, **kw: Any) -> None:
        await module.open_set_modal(*args, **kw)

    return open_previous


async def compare_open(runs: int, url: str, ref: str) -> tuple[float, float, int, int]:
    """Median ms of `/okr set` → views.open now and with `ref`'s modal, interleaved, and the
    input blocks of each modal."""
    current, previous = objective_set.open_set_modal, previous_open(ref)
    async with FakeSlack() as slack:
        slack.add_user(ME, tz="UTC")
        async with Runtime(
            make_settings(url, slack.url), clock=FakeClock(), host="127.0.0.1", port=0
        ) as bot:
            await seed(bot, 500)
            async with SlackDriver(f"http://127.0.0.1:{bot.port}", SIGNING_SECRET) as driver:
                times: dict[str, list[float]] = {"now": [], "before": []}
                inputs: dict[str, int] = {}
                for n in range(2 * runs + 2):
                    which = "now" if n % 2 == 0 else "before"
                    objective_set.open_set_modal = current if which == "now" else previous
                    before = len(slack.calls_to("views.open"))
                    start = time.perf_counter()
                    await driver.command(text="set", user_id=ME, channel_id="C0000")
                    [*_, call] = await slack.wait_for("views.open", count=before + 1, timeout=30)
                    if n >= 2:  # the first of each warms caches
                        times[which].append(time.perf_counter() - start)
                    blocks = call.response["view"]["blocks"]
                    inputs[which] = sum(b["type"] == "input" for b in blocks)
                objective_set.open_set_modal = current
    now, before = (statistics.median(times[k]) * 1000 for k in ("now", "before"))
    return now, before, inputs["now"], inputs["before"]


async def print_open_comparison(runs: int, database: str, ref: str) -> None:
    if database == "postgresql":
        with postgres_database() as url:
            if url is None:
                raise SystemExit("no PostgreSQL reachable (set TEST_POSTGRES_URL)")
            now, before, inputs_now, inputs_before = await compare_open(runs, url, ref)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            now, before, inputs_now, inputs_before = await compare_open(runs, url, ref)
    print(
        f"/okr set → views.open ({database}, median of {runs} interleaved runs): "
        f"{now:.1f} ms now ({inputs_now} input blocks) vs {before:.1f} ms with the modal of "
        f"{ref} ({inputs_before} input blocks): {now / before:.2f}x (issue 11: at most 1.2x)"
    )


async def on_database(database: str, work: Callable[[str], Awaitable[T]]) -> T:
    """`work` on a fresh database of `database`'s kind (its URL given), dropped after."""
    if database == "postgresql":
        with postgres_database() as url:
            if url is None:
                raise SystemExit("no PostgreSQL reachable (set TEST_POSTGRES_URL)")
            return await work(url)
    with tempfile.TemporaryDirectory() as tmp:
        return await work(f"sqlite+aiosqlite:///{tmp}/bench.db")


async def main(objectives: int, runs: int, database: str) -> None:
    small = max(50, objectives // 10)
    results = {}
    for size in (small, objectives):
        results[size] = await on_database(database, lambda url: run(size, runs, url))  # noqa: B023
    print(f"database: {database}; median of {runs} runs; fake Slack on loopback")
    print(f"{'request':36} {'objectives':>10} {'median ms':>10} {'SQL statements':>15}")
    for name in results[objectives]:
        for size in (small, objectives):
            seconds, statements = results[size][name]
            print(f"{name:36} {size:>10} {seconds * 1000:>10.1f} {statements:>15}")
    print(
        f"workspace: {objectives} objectives, {objectives * KRS_PER_OBJECTIVE} key results, "
        f"{TEAMS} teams; today {date.today().isoformat()}"
    )


#: Every form of a KR sentence, both languages; {n} {a} {b} {p} {d} vary per sentence.
SENTENCE_FORMS = (
    "Increase quarterly revenue from ${a}k to ${b}k",
    "Grow quarterly sales {p}% over ${a}k",
    "Sign {n} new contracts",
    "Contact {n} new prospects every week",
    "Sign {n} contracts per month",
    "Keep churn below {p}%",
    "Hold CSAT above {p}%",
    "Reduce the sales cycle from {b} to {a} days",
    "Launch the partner program by {d} Nov",
    "Launch the partner program",
    "Book 20 meetings with new enterprise prospects",
    "季度销售额从{a}万元增长到{b}万元",
    "季度销售额在{a}万元基础上增长{p}%",
    "每周联系{n}个潜在客户",
    "每月签约{n}单",
    "客户流失率保持在{p}%以下",
    "每周联系五十个潜在客户",
    "上线渠道合作计划",
    "Sign {n} contracts worth ${a}k",  # refused: two numbers without from/to
    "Sign {n} contracts per day",  # refused: a period the bot does not know
)
SENTENCE_CYCLE = (date(2026, 10, 1), date(2026, 12, 31))


def kr_sentences(count: int) -> list[str]:
    """`count` sentences cycling through every form, with varying numbers."""
    return [
        SENTENCE_FORMS[i % len(SENTENCE_FORMS)].format(
            n=10 + i % 90, a=100 + i % 400, b=600 + i % 400, p=1 + i % 40, d=1 + i % 28
        )
        for i in range(count)
    ]


def parse_rate(count: int, runs: int = 5) -> tuple[float, int]:
    """Median sentences per second `read_kr` reads over `runs` runs of `count` sentences,
    and how many of them it read as key results (the rest are refused with a message)."""
    sentences = kr_sentences(count)
    first, last = SENTENCE_CYCLE
    rates, read = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        readings = [read_kr(text, cycle_start=first, cycle_end=last) for text in sentences]
        rates.append(count / (time.perf_counter() - start))
        read = sum(isinstance(r, KRReading) for r in readings)
    return statistics.median(rates), read


def print_parse_rate(count: int, runs: int = 5) -> None:
    rate, read = parse_rate(count, runs)
    print(
        f"read_kr: {count:,} KR sentences ({len(SENTENCE_FORMS)} forms, English and Chinese; "
        f"{read:,} read, {count - read:,} refused): {rate:,.0f} sentences/s, median of {runs} runs"
    )


# --- issue 15: the duplicate check at 20,000 KRs ---------------------------------------------

#: Seeded KR titles: segment × what is counted × participle × region, all different, and
#: all monthly counts like the submitted ones, so none is filtered out before scoring (the
#: check's worst case).
SEGMENTS = ("Enterprise", "Mid-market", "SMB", "Partner", "Public sector")
COUNTED = (
    "accounts", "calls", "campaigns", "case studies", "contracts", "deals", "demos",
    "downloads", "events", "invoices", "leads", "meetings", "opportunities", "orders",
    "pilots", "proposals", "quotes", "referrals", "renewals", "reviews", "signups",
    "tickets", "trials", "upsells", "webinars",
)  # fmt: skip
PARTICIPLES = (
    "closed", "booked", "created", "won", "sourced", "qualified", "handled", "launched",
    "sent", "approved",
)  # fmt: skip
REGIONS = tuple(f"region {r}" for r in ("North", "South", "East", "West", "Central")) + tuple(
    f"district {n}" for n in range(15)
)
#: What the bench's author submits: three monthly counts, the first one near-identical to
#: a KR marketing has (seeded at every size, so every submit gets the same hint).
SUBMITTED = (
    "Generate 200 MQLs per month",
    "Sign 12 renewals per month",
    "Run 4 webinars per month",
)


def seeded_titles(count: int) -> list[str]:
    titles = [
        f"{s} {c} {p} in {r}"
        for r in REGIONS
        for p in PARTICIPLES
        for c in COUNTED
        for s in SEGMENTS
    ]
    if count > len(titles):
        raise SystemExit(f"at most {len(titles)} seeded titles")
    return titles[:count]


async def seed_duplicates(bot: Runtime, count: int) -> None:
    """TEAMS teams; ME in the first; `count` monthly-count KRs across the other teams' team
    objectives of the current cycle, 4 per objective, one of them marketing's MQLs."""
    assert bot.deps is not None
    now = bot.deps.clock()
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, WORKSPACE, now)
        cycle = await current_cycle(session, WORKSPACE, now.date())
        names = ["Sales", "Marketing", *(f"Team {t:02d}" for t in range(2, TEAMS))]
        await seed_teams(session, now, names, "lead")
        objectives = (count + KRS_PER_OBJECTIVE - 1) // KRS_PER_OBJECTIVE
        await session.exec(
            insert(Objective),
            params=[
                {
                    "workspace_id": WORKSPACE,
                    "cycle_id": cycle.id,
                    "team_id": 2 + n % (TEAMS - 1),
                    "level": "team",
                    "title": f"Objective {n}",
                    "description": "",
                    "owner_id": f"U{n % 400:05d}",
                    "created_by": f"U{n % 400:05d}",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(objectives)
            ],
        )
        titles = ["MQLs generated", *seeded_titles(count - 1)]
        krs = [
            {
                "workspace_id": WORKSPACE,
                "objective_id": 1 + n // KRS_PER_OBJECTIVE,
                "position": n % KRS_PER_OBJECTIVE,
                "title": title,
                "kind": "quota",
                "unit": "number",
                "period": "month",
                "start_value": 0.0,
                "target_value": 100.0,
                "original_target": 100.0,
                "current_value": 0.0,
                "weight": 1.0,
                "owner_id": f"U{n % 400:05d}",
                "created_at": now,
                "updated_at": now,
            }
            for n, title in enumerate(titles)
        ]
        for start in range(0, len(krs), 5000):
            await session.exec(insert(KeyResult), params=krs[start : start + 5000])
        await session.commit()
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # what autovacuum does within a minute of such a load: the planner's statistics
            await session.exec(text("ANALYZE"))
            await session.commit()


async def _no_hints(*_args: Any, **_kw: Any) -> list[Any]:
    return []


async def run_duplicates(count: int, runs: int, url: str) -> dict[str, Any]:
    """Median ms of the submit with and without the check (interleaved), the statements of
    one submit each way, and the hints the last submit got."""
    checked = objective_set.check_saved
    async with FakeSlack() as slack:
        slack.add_user(ME, tz="UTC")
        async with Runtime(
            make_settings(url, slack.url), clock=FakeClock(), host="127.0.0.1", port=0
        ) as bot:
            await seed_duplicates(bot, count)
            counter = StatementCounter(bot)
            async with SlackDriver(f"http://127.0.0.1:{bot.port}", SIGNING_SECRET) as driver:
                await driver.command(text="set", user_id=ME, channel_id="C0000")
                view = (await slack.wait_for("views.open"))[-1].response["view"]
                typed = {"title": "Grow East region revenue"}
                typed.update({f"kr{n}_sentence": line for n, line in enumerate(SUBMITTED)})
                values = fill(view, typed)
                times: dict[str, list[float]] = {"with": [], "without": [], "hint": []}
                statements: dict[str, int] = {}
                hinted = 0

                def to_me(args: dict[str, Any]) -> bool:
                    return args.get("channel") == ME

                for n in range(2 * runs + 2):
                    which = "with" if n % 2 == 0 else "without"
                    objective_set.check_saved = checked if which == "with" else _no_hints
                    posts = len(slack.calls_to("chat.postMessage", match=to_me))
                    homes = len(slack.calls_to("views.publish"))
                    updates = len(slack.calls_to("chat.update"))
                    counter.count = 0
                    start = time.perf_counter()
                    answer = await driver.view_submission(
                        ids.SET_OBJECTIVE_VIEW,
                        values,
                        user_id=ME,
                        view={**view, "id": f"VBENCH{n:05d}"},
                    )
                    if answer.status != 200 or answer.text.strip():
                        raise SystemExit(f"submit: HTTP {answer.status} {answer.text[:300]}")
                    await slack.wait_for(
                        "chat.postMessage", count=posts + 1, match=to_me, timeout=60
                    )
                    confirmed = time.perf_counter() - start
                    if which == "with":
                        [*_, update] = await slack.wait_for(
                            "chat.update", count=updates + 1, timeout=60
                        )
                        hint_shown = time.perf_counter() - start
                        blocks = update.response["message"]["blocks"]
                        hinted = sum(
                            (b.get("accessory") or {}).get("action_id") == ids.DEPEND_INSTEAD
                            for b in blocks
                        )
                    await slack.wait_for("views.publish", count=homes + 1, timeout=60)
                    if n >= 2:  # the first of each warms caches
                        times[which].append(confirmed)
                        if which == "with":
                            times["hint"].append(hint_shown)
                    statements[which] = counter.count
            objective_set.check_saved = checked
    return {
        "hint": statistics.median(times["hint"]) * 1000,
        "with": statistics.median(times["with"]) * 1000,
        "without": statistics.median(times["without"]) * 1000,
        "statements": statements,
        "hinted": hinted,
    }


async def print_duplicates(count: int, runs: int, database: str) -> None:
    results = {}
    for size in (1000, count):
        results[size] = await on_database(
            database,
            lambda url: run_duplicates(size, runs, url),  # noqa: B023
        )
    print(
        f"/okr set submit ({database}; {len(SUBMITTED)} KRs submitted; median of {runs} "
        "interleaved runs each way; fake Slack on loopback; ms from the signed "
        "view_submission until the author's confirmation is posted, and until the check's "
        "chat.update adds its hints)"
    )
    print(
        f"{'other teams KRs':>16} {'confirm with':>13} {'without':>8} {'ratio':>6} "
        f"{'hints shown':>12} {'ratio':>6} {'SQL with':>9} {'without':>8} {'hints':>6}"
    )
    for size, r in results.items():
        s = r["statements"]
        print(
            f"{size:>16,} {r['with']:>13.1f} {r['without']:>8.1f} "
            f"{r['with'] / r['without']:>5.2f}x {r['hint']:>12.1f} "
            f"{r['hint'] / r['without']:>5.2f}x {s['with']:>9} {s['without']:>8} "
            f"{r['hinted']:>6}"
        )
    print(
        "issue 15: the submit within 1.3x at 20,000 KRs, the same number of statements "
        "at every size (SQL: one whole submit, its Home tab included)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--sentences-only", action="store_true", help="only the parse rate")
    parser.add_argument("--baseline", default=BASELINE, help="git ref of today's modal")
    parser.add_argument(
        "--open-only", action="store_true", help="only /okr set → views.open against --baseline"
    )
    parser.add_argument(
        "--duplicates", action="store_true", help="only issue 15's duplicate check (submit)"
    )
    parser.add_argument("--duplicate-krs", type=int, default=20_000)
    args = parser.parse_args()
    if args.duplicates:
        asyncio.run(print_duplicates(args.duplicate_krs, args.runs, args.database))
        raise SystemExit(0)
    print_parse_rate(args.sentences)
    if args.sentences_only:
        raise SystemExit(0)
    asyncio.run(print_open_comparison(args.runs, args.database, args.baseline))
    if args.open_only:
        raise SystemExit(0)
    asyncio.run(main(args.objectives, args.runs, args.database))
