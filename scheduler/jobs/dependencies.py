"""Dependencies between teams: a warning when a KR others depend on slips, and the
monthly cross-team review to each lead whose team has dependencies.

Warnings: each tick reads the current cycle's dependencies once (a fixed number of
queries), records each upstream KR's status change with one conditional UPDATE (so two
replicas record it once, `storage.dependencies.record_upstream_status`), and warns the
downstream KR's owner and their team's leads for each recorded slip, through the ledger
keyed by dependency, change count and person: one DM per change, however many replicas
tick. The upstream team is not warned: it knows its own KR. The check runs on the minute
tick only (not also after each check-in): one path to the ledger keys, a minute late at
most, and with no dependencies in a workspace it costs two queries.

Review: on the first working day of each month (the team's zone and calendar: weekends,
public holidays and paused weeks skipped), at its check-in time, one DM per lead per month.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from blocks.dependency_review import review_message
from blocks.dependency_warning import warning_message
from okr.calendar import WorkCalendar
from okr.dates import weekday_day_month_year
from okr.dependency_status import DependencyLine, first_working_day, next_recorded, warns
from okr.i18n import use_lang
from okr.rhythm import local_instant, local_today, parse_hhmm
from scheduler import ledger
from scheduler.deliver import Item, Outcome
from scheduler.job import Context, ScheduledJob, teams_for
from storage.cycles import current_cycle
from storage.dependencies import dependencies_in_cycle, dependency_states, record_upstream_status
from storage.dependency_lines import dependency_lines, team_dependency_lines
from storage.models import Person, Team
from storage.objectives import objectives_of_teams
from storage.people import lang_of
from storage.rhythm import deliveries, people
from storage.team_calendar import calendars
from storage.teams import leads_of

WARNING = "dep_warning"
REVIEW = "dep_review"
#: How long after its instant a month's review may still go out (a bot down longer skips it).
REVIEW_WINDOW = timedelta(hours=24)


def _in_lang(person: Person | None, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`build()` in the reader's language (their `/okr lang`, else their Slack locale)."""
    with use_lang(lang_of(person)):
        return build()


async def warn(ctx: Context, workspace_id: str, now: datetime, team: str | None) -> list[Outcome]:
    """Record the upstream status changes seen now, and send the warnings still owed."""
    async with ctx.deps.sessions() as session:
        cycle = await current_cycle(session, workspace_id, now.date())
        await session.commit()
        assert cycle.id is not None
        views = await dependencies_in_cycle(session, workspace_id, cycle.id)
        lines = await dependency_lines(
            session, workspace_id, views, at=now, default_timezone=ctx.deps.default_timezone
        )
        if team is not None:
            lines = [line for line in lines if line.downstream_team == team]
        for line in lines:
            status = next_recorded(line.recorded, line.status)
            if status is not None:
                await record_upstream_status(
                    session, workspace_id, line.id, seen_changes=line.changes, status=status
                )
        await session.commit()
        states = await dependency_states(session, workspace_id, [line.id for line in lines])
        owed = [(line, states[line.id]) for line in lines if warns(states[line.id][0])]
        team_ids = {line.downstream_team_id for line, _s in owed} - {None}
        leads = await leads_of(session, workspace_id, {t for t in team_ids if t is not None})
        sent = await deliveries(
            session, workspace_id, WARNING, {f"{line.id}:{n}" for line, (_s, n) in owed}
        )
        recipients = {line.id: _warned(line, leads) for line, _s in owed}
        persons = await people(session, workspace_id, {u for us in recipients.values() for u in us})
    items = []
    for line, (status, changes) in owed:
        period = f"{line.id}:{changes}"
        for user in recipients[line.id]:
            if not ledger.pending(sent.get((user, period)), now):
                continue
            key = ledger.DeliveryKey(workspace_id, WARNING, user, period)
            message = _warning(persons.get(user), line, str(status))
            items.append(ctx.sender.post(key, user, message))
    return await ctx.sender.deliver_to_people(workspace_id, items)


def _warning(
    person: Person | None, line: DependencyLine, status: str
) -> Callable[[], dict[str, Any]]:
    return lambda: _in_lang(person, lambda: warning_message(line, status))


def _warned(line: DependencyLine, leads: Mapping[int, Sequence[str]]) -> list[str]:
    """Who hears of a slip: the downstream KR's owner and their team's leads, each once;
    never the upstream KR's owner (whose call it was)."""
    team_leads = leads.get(line.downstream_team_id, []) if line.downstream_team_id else []
    found = dict.fromkeys([line.downstream_owner, *team_leads])
    found.pop(line.upstream.owner_id, None)
    return list(found)


async def review(ctx: Context, workspace_id: str, now: datetime, team: str | None) -> list[Outcome]:
    """This month's cross-team review to each lead of a team whose day it is."""
    async with ctx.deps.sessions() as session:
        teams = await teams_for(session, workspace_id, team, with_channel=False)
        days_off = await calendars(session, workspace_id, teams, (now - timedelta(days=8)).date())
        due = {t.id: day for t in teams if (day := _review_day(t, now, days_off)) is not None}
        if not due:
            return []
        cycle = await current_cycle(session, workspace_id, now.date())
        await session.commit()
        assert cycle.id is not None
        leads = await leads_of(session, workspace_id, [t for t in due if t is not None])
        by_lead: dict[str, dict[int, DependencyLine]] = {}
        lead_teams: dict[str, set[int]] = {}
        for t in teams:
            if t.id not in due or t.id not in leads:
                continue
            objectives = await objectives_of_teams(session, workspace_id, [t.id], cycle.id)
            lines = await team_dependency_lines(
                session, workspace_id, objectives, at=now, default_timezone=t.timezone
            )
            for lead in leads[t.id] if lines else []:
                by_lead.setdefault(lead, {}).update({line.id: line for line in lines})
                lead_teams.setdefault(lead, set()).add(t.id)
        periods = {_month(day) for day in due.values()}
        sent = await deliveries(session, workspace_id, REVIEW, periods)
        persons = await people(session, workspace_id, list(by_lead))
    items: list[Item] = []
    for lead, found in by_lead.items():
        day = min(due[t] for t in lead_teams[lead])
        if not ledger.pending(sent.get((lead, _month(day))), now):
            continue
        key = ledger.DeliveryKey(workspace_id, REVIEW, lead, _month(day))
        build = _review(persons.get(lead), day, lead_teams[lead], list(found.values()))
        items.append(ctx.sender.post(key, lead, build))
    return await ctx.sender.deliver_to_people(workspace_id, items)


def _review(
    person: Person | None, day: date, team_ids: set[int], lines: list[DependencyLine]
) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        return review_message(weekday_day_month_year(day), team_ids, lines)

    return lambda: _in_lang(person, build)


def _month(day: date) -> str:
    """The ledger period of a month's review: "2026-12" (the team's local month)."""
    return f"{day.year}-{day.month:02d}"


def _review_day(team: Team, now: datetime, days_off: Mapping[int, WorkCalendar]) -> date | None:
    """The local day of this month's review of `team`, if it is due now (within its window)."""
    if team.id is None:
        return None
    zone = ZoneInfo(team.timezone)
    today = local_today(now, team.timezone)
    day = first_working_day(today.year, today.month, days_off[team.id])
    if day is None:
        return None
    due = local_instant(day, parse_hhmm(team.checkin_time), zone)
    return day if due <= now < due + REVIEW_WINDOW else None


WARNINGS_JOB = ScheduledJob(
    "dependency-warnings",
    "a DM to the teams depending on a key result when it slips",
    warn,
)
REVIEW_JOB = ScheduledJob(
    "dependency-review",
    "the monthly cross-team review to each lead whose team has dependencies",
    review,
)
