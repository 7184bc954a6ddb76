"""APScheduler wiring: one tick a minute that runs every job as of the injected clock.

Jobs compute from the database what is due at `now`, so the tick itself holds no state and
a test can call `tick()` with any clock instead of waiting for the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from storage.context import Deps

log = logging.getLogger(__name__)

Job = Callable[[Deps, datetime], Awaitable[None]]


class Ticker:
    """Runs `jobs` once a minute; a failing job is logged and never stops the others."""

    def __init__(self, deps: Deps, jobs: Sequence[Job]) -> None:
        self._deps = deps
        self._jobs = list(jobs)
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(
            self.tick,
            CronTrigger(second=0, timezone="UTC"),
            id="tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
        )

    async def tick(self) -> None:
        now = self._deps.clock()
        for job in self._jobs:
            try:
                await job(self._deps, now)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s failed at %s", getattr(job, "__name__", job), now)

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
