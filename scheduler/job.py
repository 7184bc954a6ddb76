"""What a scheduled job is, and the per-workspace loop every job runs in.

A job is a name and one function: given a workspace and a time, work out what is due
there and deliver it. `run_job` runs it over every workspace and counts the outcomes;
the jobs themselves live one to a module in `scheduler/jobs/`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler.deliver import Outcome
from scheduler.owners import Owners
from scheduler.pauses import paused_ids
from scheduler.sending import Sender
from storage.context import Deps
from storage.models import Team
from storage.rhythm import workspaces
from storage.teams import list_teams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What every job works with: the deps, the sender, and the owners (read once a tick)."""

    deps: Deps
    sender: Sender
    owners: Owners


#: Delivers what is due in one workspace as of `now`, for the team of that name or all.
DeliverIn = Callable[[Context, str, datetime, str | None], Awaitable[list[Outcome]]]


@dataclass(frozen=True)
class ScheduledJob:
    """One job of the weekly rhythm."""

    #: How `okr-bot jobs run` names it.
    name: str
    #: One line for `okr-bot jobs run --help`.
    summary: str
    deliver: DeliverIn


async def workspace_ids(deps: Deps) -> list[str]:
    """The workspaces a job looks at: those with an objective or a team (paused ones
    included: `run_job` leaves those out)."""
    async with deps.sessions() as session:
        return await workspaces(session)


async def teams_for(
    session: AsyncSession, workspace_id: str, team_name: str | None, *, with_channel: bool
) -> list[Team]:
    """The teams a job posts for: the one called `team_name` or all, and with
    `with_channel` only those that have set a channel."""
    return [
        t
        for t in await list_teams(session, workspace_id)
        if (t.channel_id or not with_channel) and (team_name is None or t.name == team_name)
    ]


async def run_job(
    ctx: Context, job: ScheduledJob, now: datetime, team: str | None = None
) -> Counter[str]:
    """`job` in every workspace whose sends are not paused, as of `now` (for one team by
    name, or all), then what it gave up on reported; counts its outcomes by result."""
    outcomes: list[Outcome] = []
    paused = await paused_ids(ctx.deps)
    for workspace_id in await workspace_ids(ctx.deps):
        if workspace_id in paused:  # its token is refused: nothing would go out
            continue
        outcomes += await job.deliver(ctx, workspace_id, now, team)
        await ctx.sender.report_given_up(workspace_id)
    counts = Counter(o.result.value for o in outcomes)
    if outcomes:
        log.info("%s at %s: %s", job.name, now.isoformat(), dict(sorted(counts.items())))
    return counts
