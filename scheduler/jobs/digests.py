"""The team digest: on the team's digest day, this week's progress in the team's channel
and who has not checked in privately to each lead. `/okr digest` posts it on demand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from blocks.digest import digest_message, week_text
from blocks.participation import lead_message
from okr.calendar import empty_first_week, replaced_by_close
from okr.digest import DigestData, DigestKudos, assemble_digest
from okr.i18n import EN, use_lang
from okr.rhythm import (
    DIGEST_WINDOW,
    State,
    checked_in_this_week,
    is_resting,
    local_today,
    week_began,
    week_key,
)
from scheduler import ledger
from scheduler.channel_problems import reports_to_leads
from scheduler.chart_posts import chart_post
from scheduler.deliver import Outcome, Result
from scheduler.job import Context, ScheduledJob, teams_for
from storage.cycles import current_cycle
from storage.dependency_lines import waiting_on_others
from storage.kudos import kudos_between
from storage.models import Person, Team
from storage.objectives import objectives_of_teams
from storage.outlines import cycle_window, objective_cards
from storage.participation import no_change_only, team_week
from storage.people import langs_of
from storage.rhythm import (
    deliveries,
    ended_cycles,
    last_checkins,
    last_sent,
    people,
)
from storage.team_calendar import calendars, reported_in_cycle
from storage.teams import leads_of, rhythm_of


async def deliver(
    ctx: Context, workspace_id: str, now: datetime, team: str | None
) -> list[Outcome]:
    """The digests due now; one whose window closed unsent is recorded as skipped."""
    async with ctx.deps.sessions() as session:
        teams = await teams_for(session, workspace_id, team, with_channel=True)
        days_off = await calendars(session, workspace_id, teams, (now - timedelta(days=8)).date())
        slots = {
            t.id: slot
            for t in teams
            if (slot := rhythm_of(t).digest_slot(now, t.timezone, days_off[t.id])) is not None
        }
        sent = await deliveries(session, workspace_id, "digest", {s.period for s in slots.values()})
    outcomes = []
    for t in teams:
        slot = slots.get(t.id)
        if slot is None:  # a paused week, or a holiday with no working day left in it
            continue
        key = ledger.DeliveryKey(workspace_id, "digest", f"team:{t.id}", slot.period)
        if not ledger.pending(sent.get((key.recipient, slot.period)), now):
            continue
        state = slot.state(now, DIGEST_WINDOW)
        if state is State.STALE:
            await ctx.sender.skip_stale(key, slot, now)
        elif state is State.DUE:
            reason = await _not_wanted(ctx, workspace_id, t, slot.due)
            if reason is not None:
                await ledger.mark_skipped(ctx.deps.sessions, key, now=now, reason=reason)
                continue
            outcomes += await post_digest(ctx, workspace_id, t, now, slot.period)
    return outcomes


async def _not_wanted(ctx: Context, workspace_id: str, team: Team, due: datetime) -> str | None:
    """Why this week's digest is not posted (okr.calendar's rules), or None: a cycle-close
    summary goes out this week instead, or the cycle's first week has nothing reported."""
    assert team.id is not None
    day = local_today(due, team.timezone)
    async with ctx.deps.sessions() as session:
        ended = await ended_cycles(
            session,
            workspace_id,
            due - timedelta(days=8),
            due + timedelta(days=7),
        )
        closes = [c.end_date + timedelta(days=1) for c in ended]
        if replaced_by_close(day, closes):
            return "replaced by the cycle-close summary"
        cycle = await current_cycle(session, workspace_id, day)
        await session.commit()
        assert cycle.id is not None
        reported = await reported_in_cycle(session, workspace_id, team.id, cycle.id)
    if empty_first_week(day, cycle.start_date, reported):
        return "the cycle's first week, nothing reported yet"
    return None


async def digest_now(ctx: Context, workspace_id: str, team: Team, now: datetime) -> bool:
    """`/okr digest`: this week's digest now, recorded like a scheduled one (so the
    next digest's "change since" starts here); True when it reached the channel."""
    outcomes = await post_digest(
        ctx, workspace_id, team, now, f"manual:{now.strftime('%Y%m%dT%H%M%S')}"
    )
    return bool(outcomes) and outcomes[0].result is Result.SENT


async def post_digest(
    ctx: Context, workspace_id: str, team: Team, now: datetime, period: str
) -> list[Outcome]:
    """The team's digest to its channel, and who is missing to each lead privately."""
    assert team.id is not None and team.channel_id
    data, leads = await _digest_of(ctx, workspace_id, team, now)
    sender = ctx.sender
    key = ledger.DeliveryKey(workspace_id, "digest", f"team:{team.id}", period)
    with use_lang(team.lang):  # a channel post: the team's language
        post = await chart_post(
            ctx,
            workspace_id,
            key,
            team.channel_id,
            lambda with_charts: digest_message(data, with_charts=with_charts),
        )
    [posted] = await sender.deliver([post])
    to_leads = await _lead_dms(ctx, workspace_id, team, now, data, leads) if leads else {}
    items = [
        sender.post(
            ledger.DeliveryKey(workspace_id, "digest_leads", f"{team.id}:{lead}", period),
            lead,
            to_leads[lead],
        )
        for lead in leads
    ]
    items += reports_to_leads(sender, workspace_id, team, leads, posted, period)
    return [posted, *await sender.deliver(items)]


async def _digest_of(
    ctx: Context, workspace_id: str, team: Team, now: datetime
) -> tuple[DigestData, list[str]]:
    """The digest's content as of `now`, and the team's leads."""
    assert team.id is not None
    async with ctx.deps.sessions() as session:
        cycle = await current_cycle(session, workspace_id, local_today(now, team.timezone))
        await session.commit()
        assert cycle.id is not None
        objectives = await objectives_of_teams(session, workspace_id, [team.id], cycle.id)
        cards = await objective_cards(
            session, workspace_id, objectives, at=now, default_timezone=team.timezone
        )
        owners = {kr.owner_id for card in cards for kr in card.krs}
        persons = await people(session, workspace_id, owners)
        resting = _resting(persons, team, now)
        owners -= resting
        checked = await last_checkins(session, workspace_id, owners)
        week_began_at = week_began(now, team.timezone)
        repeats = await no_change_only(session, workspace_id, owners, week_began_at)
        previous = await last_sent(session, workspace_id, "digest", f"team:{team.id}")
        leads = (await leads_of(session, workspace_id, [team.id])).get(team.id, [])
        since = previous.sent_at if previous else None
        given = await kudos_between(
            session, workspace_id, team.id, since or week_began_at, now + timedelta(seconds=1)
        )
        waiting = await waiting_on_others(
            session, workspace_id, team.id, objectives, at=now, default_timezone=team.timezone
        )
    start, end = cycle_window(cycle, team.timezone)
    data = assemble_digest(
        team_name=team.name,
        cycle_name=cycle.name,
        cycle_start=start,
        cycle_end=end,
        cards=cards,
        at=now,
        since=since,
        checked_in={
            u for u, when in checked.items() if checked_in_this_week(when, now, team.timezone)
        },
        owners=owners,
        no_change=repeats,
        away=len({u for u in resting if not persons[u].inactive}),
        timezone=team.timezone,
        kudos=[DigestKudos(k.giver, k.receiver, k.text) for k in given],
        names={u: p.real_name for u, p in persons.items() if p.real_name},
    )
    return replace(data, waiting=waiting), leads


async def _lead_dms(
    ctx: Context, workspace_id: str, team: Team, now: datetime, data: DigestData, leads: list[str]
) -> dict[str, dict[str, Any]]:
    """Each lead's DM, in their own language: each KR owner of the digest's objectives this
    week, by name (built once per language)."""
    assert team.id is not None
    cards = [o.card for o in data.objectives]
    async with ctx.deps.sessions() as session:
        members = await team_week(session, workspace_id, cards, now, team.timezone)
        langs = await langs_of(session, workspace_id, leads)
    built: dict[str, dict[str, Any]] = {}
    for lang in {langs.get(lead, EN) for lead in leads}:
        with use_lang(lang):
            built[lang] = lead_message(
                team_id=team.id,
                team_name=team.name,
                cycle_name=data.cycle_name,
                week_label=week_text(data),
                members=members,
            )
    return {lead: built[langs.get(lead, EN)] for lead in leads}


def _resting(persons: Mapping[str, Person], team: Team, now: datetime) -> set[str]:
    """Owners the digest does not count as missing: gone, away, or skipping this week."""
    week = week_key(local_today(now, team.timezone))
    return {
        user_id
        for user_id, p in persons.items()
        if p.inactive or is_resting(p.away_until, p.skipped_week, now, p.tz or team.timezone, week)
    }


JOB = ScheduledJob(
    "digests", "the team's weekly digest in its channel; who is missing, to its leads", deliver
)
