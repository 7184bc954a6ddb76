"""What a team's calendar reads and writes: its paused weeks, and whether anything was
reported in a cycle (a cycle's first digest waits for a first reading). The rules that
use them are `okr.calendar`'s.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.calendar import WorkCalendar
from storage.models import CheckIn, KeyResult, Objective, Team, TeamPause
from storage.upsert import insert_new


async def paused_weeks(
    session: AsyncSession, workspace_id: str, team_ids: Collection[int], since: date
) -> dict[int, frozenset[date]]:
    """Each team's paused weeks (their Mondays) from `since` on, in one query."""
    if not team_ids:
        return {}
    rows = await session.exec(
        select(TeamPause.team_id, TeamPause.week_start).where(
            TeamPause.workspace_id == workspace_id,
            col(TeamPause.team_id).in_(list(team_ids)),
            col(TeamPause.week_start) >= since,
        )
    )
    found: dict[int, set[date]] = {}
    for team_id, week in rows:
        found.setdefault(team_id, set()).add(week)
    return {team_id: frozenset(weeks) for team_id, weeks in found.items()}


async def calendars(
    session: AsyncSession, workspace_id: str, teams: Collection[Team], since: date
) -> dict[int, WorkCalendar]:
    """Each team's working calendar: its holiday country and its paused weeks from `since`."""
    ids = [t.id for t in teams if t.id is not None]
    paused = await paused_weeks(session, workspace_id, ids, since)
    return {
        t.id: WorkCalendar(t.holiday_country, paused.get(t.id, frozenset()))
        for t in teams
        if t.id is not None
    }


async def pause_week(
    session: AsyncSession, workspace_id: str, team_id: int, week: date, by: str, now: datetime
) -> bool:
    """Pause the team's week starting on Monday `week`; False when it already was."""
    result = await session.exec(  # type: ignore[call-overload]
        insert_new(session, TeamPause, unique=["team_id", "week_start"])
        .values(workspace_id=workspace_id, team_id=team_id, week_start=week, paused_by=by)
        .values(created_at=now)
        .returning(col(TeamPause.id))
    )
    return result.first() is not None


async def unpause_from(
    session: AsyncSession, workspace_id: str, team_id: int, since: date
) -> list[date]:
    """Lift the team's pauses of the week starting `since` and later; the weeks lifted."""
    weeks = sorted(
        (await paused_weeks(session, workspace_id, [team_id], since)).get(team_id, frozenset())
    )
    await session.exec(  # type: ignore[call-overload]
        delete(TeamPause).where(
            col(TeamPause.workspace_id) == workspace_id,
            col(TeamPause.team_id) == team_id,
            col(TeamPause.week_start) >= since,
        )
    )
    return weeks


async def reported_in_cycle(
    session: AsyncSession, workspace_id: str, team_id: int, cycle_id: int
) -> bool:
    """Whether anyone has checked in on one of the team's key results in the cycle."""
    row = await session.exec(
        select(CheckIn.id)
        .join(KeyResult, col(KeyResult.id) == CheckIn.key_result_id)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .where(
            CheckIn.workspace_id == workspace_id,
            Objective.team_id == team_id,
            Objective.cycle_id == cycle_id,
            col(CheckIn.deleted_at).is_(None),
        )
        .limit(1)
    )
    return row.first() is not None


async def set_holiday_country(session: AsyncSession, team: Team, country: str | None) -> None:
    """The country whose public holidays the team does not work (None: none). No commit."""
    team.holiday_country = country
    session.add(team)
    await session.flush()
