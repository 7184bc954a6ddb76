"""The planning reminder: a week before the next quarter starts, each team's leads are
asked to set its OKRs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from blocks.cycle_close import planning_reminder
from okr.i18n import use_lang
from okr.rhythm import PROMPT_WINDOW, State, planning_slot
from scheduler import ledger
from scheduler.deliver import Outcome
from scheduler.job import Context, ScheduledJob, teams_for
from storage.cycles import fiscal_start_month
from storage.models import Team
from storage.people import langs_of
from storage.rhythm import deliveries
from storage.teams import leads_of, rhythm_of


async def deliver(
    ctx: Context, workspace_id: str, now: datetime, team: str | None
) -> list[Outcome]:
    """The reminders due now, one to each lead of each team."""
    async with ctx.deps.sessions() as session:
        teams = await teams_for(session, workspace_id, team, with_channel=False)
        leads = await leads_of(session, workspace_id, [t.id for t in teams if t.id])
        month = await fiscal_start_month(session, workspace_id)
        langs = await langs_of(
            session, workspace_id, sorted({u for us in leads.values() for u in us})
        )
        wanted = [
            reminder
            for t in teams
            for reminder in _reminders(workspace_id, t, leads.get(t.id or 0, []), month, now, langs)
        ]
        sent = await deliveries(
            session, workspace_id, "planning", {key.period for key, _ in wanted}
        )
    items = [
        ctx.sender.post(key, key.recipient, message)
        for key, message in wanted
        if ledger.pending(sent.get((key.recipient, key.period)), now)
    ]
    return await ctx.sender.deliver(items)


def _reminders(
    workspace_id: str,
    team: Team,
    leads: list[str],
    month: int,
    now: datetime,
    langs: Mapping[str, str],
) -> list[tuple[ledger.DeliveryKey, dict[str, Any]]]:
    """The team's reminder to each of its leads (in their language), when it is due now."""
    upcoming, slot = planning_slot(now, team.timezone, rhythm_of(team).checkin_time, month)
    if slot.state(now, PROMPT_WINDOW) is not State.DUE:
        return []
    reminders = []
    for lead in leads:
        with use_lang(langs.get(lead)):
            message = planning_reminder(
                team_name=team.name, next_cycle_name=upcoming.name, starts=upcoming.start
            )
        reminders.append((ledger.DeliveryKey(workspace_id, "planning", lead, slot.period), message))
    return reminders


JOB = ScheduledJob(
    "planning", "a reminder to leads to plan, a week before the next quarter", deliver
)
