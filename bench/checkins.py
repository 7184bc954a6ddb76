"""Check-ins under load, and scoring at scale.

(1) 1,000 check-in submissions (one per rep, each their own KR) sent over HTTP with 50 in
flight, against SQLite and PostgreSQL: p50 / p99 ack time (the ack comes once the
check-in is stored), submissions stored per second (until the last one is committed and
its Home tab published), the counts stored, and the submissions refused (errors).
(2) Scoring a team of 1,000 KRs with 12 weekly check-ins each (progress, pace, status,
forecast, trend, objective progress, calibration): median time.

    .venv/bin/python bench/checkins.py [-n 1000] [--in-flight 50]
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


def scoring(krs: int = 1000, weeks: int = 12, runs: int = 20) -> float:
    """Median seconds to score a team's 1,000 KRs with 12 weekly check-ins each."""
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end, at = start + timedelta(days=92), start + timedelta(days=weeks * 7)
    histories = [
        tuple(
            CheckInNote(
                w, float(k % 7 + w * 8), "on_track", "", "U1", start + timedelta(days=7 * w)
            )
            for w in range(weeks)
        )
        for k in range(krs)
    ]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        lines = [
            kr_line(
                id=k,
                title="KR",
                kind="increase",
                unit="number",
                currency=None,
                start=0.0,
                target=100.0,
                original_target=100.0,
                current=histories[k][-1].value,
                owner_id="U1",
                weight=1.0,
                confidence="on_track",
                history=histories[k],
                cycle_start=start,
                cycle_end=end,
                at=at,
            )
            for k in range(krs)
        ]
        objective_progress((line.progress, line.weight) for line in lines)
        calibration([line.score for line in lines])
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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
    print(f"scoring 1,000 KRs x 12 weekly check-ins: median {scoring() * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.in_flight))
