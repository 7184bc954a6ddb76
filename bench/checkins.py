"""Check-ins under load, and scoring at scale.

(1) 1,000 check-in submissions (one per rep, each their own KR) sent over HTTP with 50 in
flight, against SQLite and PostgreSQL: p50 / p99 ack time (the ack comes once the
check-in is stored), submissions stored per second (until the last one is committed and
its Home tab published), the counts stored, and the submissions refused (errors).
(2) Scoring a team of 1,000 KRs with 12 weekly check-ins each (progress, pace, status,
forecast, trend, objective progress, calibration): median time; beside it, in the same
run, teams whose KRs are half and all weekly quotas with 13 weekly periods each.

    .venv/bin/python bench/checkins.py [-n 1000] [--in-flight 50] [--scoring-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blocks import ids
from blocks.checkin_modal import value_block
from bot.runtime import Runtime
from okr.outline import CheckInNote, kr_line
from okr.periods import Period, periods_between
from okr.progress import calibration, objective_progress
from storage.cycles import current_cycle
from storage.models import CheckIn, KeyResult, Objective
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.conftest import SIGNING_SECRET, make_settings
from tests.databases import postgres_database
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack

WORKSPACE = "T0001"


def rep(n: int) -> str:
    return f"U{n:06d}"


async def seed(bot: Runtime, reps: int) -> None:
    assert bot.deps is not None
    now = bot.deps.clock()
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, WORKSPACE, now)
        cycle = await current_cycle(session, WORKSPACE, now.date())
        await session.exec(
            insert(Objective),
            params=[  # type: ignore[call-overload]
                {
                    "workspace_id": WORKSPACE,
                    "cycle_id": cycle.id,
                    "level": "personal",
                    "title": f"Objective of {rep(n)}",
                    "description": "",
                    "owner_id": rep(n),
                    "created_by": rep(n),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(reps)
            ],
        )
        await session.exec(
            insert(KeyResult),
            params=[  # type: ignore[call-overload]
                {
                    "workspace_id": WORKSPACE,
                    "objective_id": n + 1,
                    "position": 0,
                    "title": "Pipeline created",
                    "kind": "increase",
                    "unit": "number",
                    "start_value": 0.0,
                    "target_value": 100.0,
                    "original_target": 100.0,
                    "current_value": 0.0,
                    "weight": 1.0,
                    "owner_id": rep(n),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(reps)
            ],
        )
        await session.commit()


async def submissions(url: str, n: int, in_flight: int) -> dict[str, float]:
    async with (
        FakeSlack() as slack,
        Runtime(make_settings(url, slack.url), clock=FakeClock(), host="127.0.0.1", port=0) as bot,
    ):
        await seed(bot, n)
        gate = asyncio.Semaphore(in_flight)
        acks: list[float] = []
        failures = 0
        async with SlackDriver(f"http://127.0.0.1:{bot.port}", SIGNING_SECRET) as driver:

            async def submit(i: int) -> None:
                nonlocal failures
                kr_id = i + 1
                state = {
                    value_block(kr_id): {
                        "value": {"type": "plain_text_input", "value": str(10 + i % 50)}
                    }
                }
                async with gate:
                    start = time.perf_counter()
                    response = await driver.view_submission(
                        ids.CHECK_IN_VIEW,
                        state,
                        user_id=rep(i),
                        view_id=f"V{i:08d}",
                        private_metadata=json.dumps({"kr_ids": [kr_id], "source": {}}),
                    )
                    acks.append(time.perf_counter() - start)
                    if response.status != 200 or response.text.strip():
                        failures += 1

            start = time.perf_counter()
            await asyncio.gather(*(submit(i) for i in range(n)))
            # A refused submission (the modal's error) publishes no Home tab.
            await slack.wait_for("views.publish", count=n - failures, timeout=600)
            elapsed = time.perf_counter() - start
        assert bot.deps is not None
        async with bot.deps.sessions() as session:
            stored = (await session.exec(select(func.count()).select_from(CheckIn))).one()
    acks.sort()
    return {
        "p50": statistics.median(acks) * 1000,
        "p99": acks[min(len(acks) - 1, round(0.99 * (len(acks) - 1)))] * 1000,
        "per_s": n / elapsed,
        "stored": stored,
        "errors": failures,
    }


QUOTA_ZONE = "Europe/Stockholm"


def _history(k: int, kind: str, weeks: int, start: datetime) -> tuple[CheckInNote, ...]:
    """A KR's weekly check-ins; a quota's name the week they count for, the Monday after."""
    if kind != "quota":
        return tuple(
            CheckInNote(
                w, float(k % 7 + w * 8), "on_track", "", "U1", start + timedelta(days=7 * w)
            )
            for w in range(weeks)
        )
    spans = periods_between(start.date(), (start + timedelta(days=91)).date(), Period.WEEK)
    return tuple(
        CheckInNote(
            w,
            float(30 + (k + w) % 30),
            "on_track",
            "",
            "U1",
            start + timedelta(days=7 * w + 4),
            period_key=spans[w].key,
        )
        for w in range(weeks)
    )


def _team(krs: int, weeks: int, quota_share: float) -> list[dict[str, object]]:
    """kr_line's arguments for a team's `krs` KRs with `weeks` weekly check-ins each; the
    first `quota_share` of them are weekly quotas (50 a week), the rest increase KRs."""
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end, at = start + timedelta(days=92), start + timedelta(days=weeks * 7)
    quotas = round(krs * quota_share)
    team = []
    for k in range(krs):
        kind = "quota" if k < quotas else "increase"
        history = _history(k, kind, weeks, start)
        target = 50.0 if kind == "quota" else 100.0
        team.append(
            {
                "id": k,
                "title": "KR",
                "kind": kind,
                "unit": "number",
                "currency": None,
                "start": 0.0,
                "target": target,
                "original_target": target,
                "current": history[-1].value,
                "owner_id": "U1",
                "weight": 1.0,
                "confidence": "on_track",
                "history": history,
                "cycle_start": start,
                "cycle_end": end,
                "at": at,
                "period": "week" if kind == "quota" else None,
                "timezone": QUOTA_ZONE,
            }
        )
    return team


def _score(team: list[dict[str, object]]) -> float:
    """Seconds to score one team: every KR line, objective progress, calibration."""
    t0 = time.perf_counter()
    lines = [kr_line(**kr) for kr in team]  # type: ignore[arg-type]
    objective_progress((line.progress, line.weight) for line in lines)
    calibration([line.score for line in lines])
    return time.perf_counter() - t0


def scoring(runs: int = 20) -> dict[str, float]:
    """Median seconds to score 1,000 KRs: increase KRs with 12 weekly check-ins (the
    figure before quotas), and teams with half and all of them weekly quotas over 13
    weekly periods. The cases take turns run by run, so the machine's load weighs on all
    of them alike."""
    teams = {
        "increase": _team(1000, 12, 0.0),
        "half quotas": _team(1000, 13, 0.5),
        "all quotas": _team(1000, 13, 1.0),
    }
    times: dict[str, list[float]] = {name: [] for name in teams}
    for _ in range(runs):
        for name, team in teams.items():
            times[name].append(_score(team))
    return {name: statistics.median(taken) for name, taken in times.items()}


def print_scoring() -> None:
    """The increase-only team beside teams with quota KRs, measured in the same run."""
    medians = scoring()
    base = medians["increase"]
    print(f"scoring 1,000 KRs x 12 weekly check-ins (increase): median {base * 1000:.1f} ms")
    for name in ("half quotas", "all quotas"):
        took = medians[name]
        print(
            f"scoring 1,000 KRs, {name} x 13 weekly periods: "
            f"median {took * 1000:.1f} ms ({took / base:.2f}x the increase-only case)"
        )


async def main(n: int, in_flight: int) -> None:
    print(f"{n} check-in submissions over HTTP, {in_flight} in flight, fake Slack on loopback")
    print(
        f"{'database':11} {'ack p50':>9} {'ack p99':>9} {'stored/s':>9} {'stored':>7} {'errors':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rows = {"sqlite": await submissions(f"sqlite+aiosqlite:///{tmp}/b.db", n, in_flight)}
    with postgres_database() as url:
        if url is not None:
            rows["postgresql"] = await submissions(url, n, in_flight)
    for name, r in rows.items():
        print(
            f"{name:11} {r['p50']:7.1f}ms {r['p99']:7.1f}ms {r['per_s']:9.1f} "
            f"{r['stored']:7d} {r['errors']:7d}"
        )
    print_scoring()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--scoring-only", action="store_true", help="only the scoring figures")
    args = parser.parse_args()
    if args.scoring_only:
        print_scoring()
    else:
        asyncio.run(main(args.n, args.in_flight))
