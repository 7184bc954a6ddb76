"""The registered jobs at work: the minute tick, one job on demand (`okr-bot jobs run`)
and `/okr digest`, all through the same ledger.

Every message goes through the ledger (scheduler.deliver), keyed by workspace, kind,
recipient and period, so two replicas ticking together, a restart, or an operator's
`okr-bot jobs run` never send one twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from okr.participation import NudgeAnswer
from scheduler import runner
from scheduler.job import Context, run_job
from scheduler.jobs import JOBS, digests, job_named, nudges
from scheduler.owners import Owners
from scheduler.pacing import Pacer
from scheduler.pauses import resume_accepted
from scheduler.people_refresh import refresh_people
from scheduler.sending import Sender
from storage.context import Deps
from storage.models import Team

log = logging.getLogger(__name__)


class Scheduler:
    """The registry's jobs with what they share: the sender (Slack client, pacer and this
    process's ledger identity) and the owners read once a tick."""

    def __init__(
        self,
        deps: Deps,
        client: AsyncWebClient,
        pacer: Pacer,
        *,
        concurrency: int = 8,
    ) -> None:
        self.sender = Sender(deps, client, pacer, concurrency=concurrency)
        self.context = Context(deps, self.sender, Owners(deps.default_timezone))

    async def tick(self, now: datetime) -> dict[str, Counter[str]]:
        """The minute: paused workspaces resumed if Slack takes their token again,
        people's zones refreshed, then every job in order, reading the owners once for
        all; each job's outcome counts by name. A job that fails is logged, left out of
        the counts, and does not stop the others."""
        await resume_accepted(self.sender, now)
        await self.refresh_people(now)
        counts: dict[str, Counter[str]] = {}
        with self.context.owners.shared():
            for job in JOBS:
                try:
                    counts[job.name] = await run_job(self.context, job, now)
                except Exception:
                    log.exception("rhythm job %s failed at %s", job.name, now)
        return counts

    def ticker_jobs(self) -> list[runner.Job]:
        """The tick as the Ticker runs it, once a minute."""

        async def tick(_deps: Deps, now: datetime) -> None:
            await self.tick(now)

        return [tick]

    async def run(self, name: str, now: datetime, team: str | None = None) -> Counter[str]:
        """The job called `name` as of `now` (optionally for one team by name); counts its
        outcomes. A paused workspace is first asked whether its token works again."""
        job = job_named(name)
        await resume_accepted(self.sender, now)
        return await run_job(self.context, job, now, team)

    async def refresh_people(self, now: datetime) -> int:
        """Owners' time zones refreshed from Slack, a few per tick."""
        ctx = self.context
        return await refresh_people(ctx.deps, self.sender.client, ctx.owners, now)

    async def digest_now(self, workspace_id: str, team: Team, now: datetime) -> bool:
        """`/okr digest`: see `digests.digest_now`."""
        return await digests.digest_now(self.context, workspace_id, team, now)

    async def nudge_now(self, workspace_id: str, user_id: str, now: datetime) -> NudgeAnswer:
        """A lead's *Nudge now*: see `nudges.nudge_now`."""
        return await nudges.nudge_now(self.context, workspace_id, user_id, now)
