"""Cycle close: the day after a cycle ends, the team's summary with grades and a
retrospective button in its channel; once the cycle is over everywhere on Earth, the
company objectives' summary in the company channel (or to the admins); cycles over
everywhere are closed."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product
from typing import Any

from blocks.company_close import company_close_message
from blocks.cycle_close import close_summary
from okr.company_close import COMPANY, assemble_company_close, company_close_slot
from okr.digest import assemble_close, weekly_trend
from okr.i18n import use_lang
from okr.rhythm import CLOSE_WINDOW, State, close_slot
from scheduler import ledger
from scheduler.channel_problems import reports_to_leads
from scheduler.chart_posts import chart_post
from scheduler.deliver import Outcome
from scheduler.job import Context, ScheduledJob, teams_for
from storage.models import Cycle, Team
from storage.objectives import objectives_of_cycle, objectives_of_teams
from storage.outlines import cycle_window, objective_cards
from storage.rhythm import admins, close_cycles, deliveries, ended_cycles
from storage.teams import leads_of, rhythm_of
from storage.workspaces import get_workspace

#: How far back a cycle may have ended and still get its summary (its window is 7 days,
#: the margin covers every time zone).
ENDED_SINCE = timedelta(days=9)
ENDED_UNTIL = timedelta(days=1)
#: The ledger kind of the company objectives' summary.
COMPANY_CLOSE = "company_close"


async def deliver(
    ctx: Context, workspace_id: str, now: datetime, team: str | None
) -> list[Outcome]:
    """The close summaries due now, one per team and ended cycle."""
    async with ctx.deps.sessions() as session:
        teams = await teams_for(session, workspace_id, team, with_channel=True)
        cycles = await ended_cycles(session, workspace_id, now - ENDED_SINCE, now + ENDED_UNTIL)
        sent = await deliveries(
            session, workspace_id, "cycle_close", {f"cycle:{c.id}" for c in cycles}
        )
        await close_cycles(session, workspace_id, now)
        await session.commit()
    outcomes = []
    for t, cycle in product(teams, cycles):
        assert cycle.id is not None
        slot = close_slot(cycle.end_date, t.timezone, rhythm_of(t).digest_time, cycle.id)
        key = ledger.DeliveryKey(workspace_id, "cycle_close", f"team:{t.id}", slot.period)
        if ledger.pending(sent.get((key.recipient, key.period)), now) and (
            slot.state(now, CLOSE_WINDOW) is State.DUE
        ):
            outcomes += await _close(ctx, workspace_id, t, cycle, key)
    if team is None:  # `jobs run --team` sends that team's summaries only
        for cycle in cycles:
            outcomes += await _company_close(ctx, workspace_id, cycle, now)
    return outcomes


async def _company_close(
    ctx: Context, workspace_id: str, cycle: Cycle, now: datetime
) -> list[Outcome]:
    """The company objectives' summary, with each aligned team objective's score, to the
    company channel, or to each admin by DM when none is set; once, through the ledger."""
    assert cycle.id is not None
    slot = company_close_slot(cycle.end_date, cycle.id)
    if slot.state(now, CLOSE_WINDOW) is not State.DUE:
        return []
    async with ctx.deps.sessions() as session:
        workspace = await get_workspace(session, workspace_id)
        channel = workspace.company_channel_id if workspace is not None else None
        recipients = (
            [channel] if channel else await admins(session, workspace_id, ctx.deps.admin_user_ids)
        )
        keys = {
            r: ledger.DeliveryKey(workspace_id, COMPANY_CLOSE, r, slot.period) for r in recipients
        }
        sent = await deliveries(session, workspace_id, COMPANY_CLOSE, {slot.period})
        waiting = [r for r, k in keys.items() if ledger.pending(sent.get((r, k.period)), now)]
        if not waiting:
            return []
        everything = await objectives_of_cycle(session, workspace_id, cycle.id)
        company = {o.id for o in everything if o.level == COMPANY}
        objectives = [o for o in everything if o.id in company or o.parent_id in company]
        cards = await objective_cards(
            session,
            workspace_id,
            objectives,
            at=ctx.deps.clock(),
            default_timezone=ctx.deps.default_timezone,
        )
    data = assemble_company_close(cycle.name, cards)
    if not data.objectives:  # no company objectives: nothing to summarise, ever
        for r in waiting:
            await ledger.mark_skipped(
                ctx.deps.sessions, keys[r], now=now, reason="no company objectives"
            )
        return []
    message = company_close_message(data)
    sender = ctx.sender
    return await sender.deliver([sender.post(keys[r], r, message) for r in waiting])


async def _close(
    ctx: Context, workspace_id: str, team: Team, cycle: Cycle, key: ledger.DeliveryKey
) -> list[Outcome]:
    assert team.id is not None and cycle.id is not None and team.channel_id
    async with ctx.deps.sessions() as session:
        objectives = await objectives_of_teams(session, workspace_id, [team.id], cycle.id)
        cards = await objective_cards(
            session,
            workspace_id,
            objectives,
            at=ctx.deps.clock(),
            default_timezone=team.timezone,
        )
        leads = (await leads_of(session, workspace_id, [team.id])).get(team.id, [])
    data = assemble_close(team_name=team.name, cycle_name=cycle.name, cards=cards)
    start, end = cycle_window(cycle, team.timezone)
    trend = weekly_trend(cards, start, end, min(ctx.deps.clock(), end), team.timezone)
    team_id, cycle_id = team.id, cycle.id

    def message(with_charts: bool) -> dict[str, Any]:
        return close_summary(
            data, team_id=team_id, cycle_id=cycle_id, trend=trend, with_charts=with_charts
        )

    sender = ctx.sender
    with use_lang(team.lang):  # a channel post: the team's language
        post = await chart_post(ctx, workspace_id, key, team.channel_id, message)
    [posted] = await sender.deliver([post])
    reports = reports_to_leads(sender, workspace_id, team, leads, posted, key.period)
    return [posted, *await sender.deliver(reports)]


JOB = ScheduledJob(
    "cycle-close", "an ended cycle's summary and retrospective; closes the cycle", deliver
)
