"""Teams and their rosters. Every query filters on the workspace: a team id from another
workspace behaves exactly as one that does not exist.

A lead is a member whose role is "lead"; a user appears once per team. Lists leave out
archived teams; lookups by id or name find them (an archived team still holds its name).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.i18n import EN
from okr.team_rhythm import DEFAULT_RHYTHM, TeamRhythm
from storage.models import Team, TeamMember
from storage.people import langs_of

LEAD = "lead"
MEMBER = "member"


def rhythm_of(team: Team) -> TeamRhythm:
    """The team's stored rhythm as the one value the modal and the scheduler share."""
    return TeamRhythm(
        checkin_weekday=team.checkin_weekday,
        checkin_time=team.checkin_time,
        nudge_enabled=team.nudge_enabled,
        nudge_weekday=team.nudge_weekday,
        nudge_time=team.nudge_time,
        digest_weekday=team.digest_weekday,
        digest_time=team.digest_time,
    )


class TeamNotFound(LookupError):
    """The team id does not exist in this workspace."""


async def get_team(session: AsyncSession, workspace_id: str, team_id: int) -> Team | None:
    """The team with this id in this workspace, or None (also for another workspace's id)."""
    result = await session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id)
    )
    return result.first()


async def teams_by_id(
    session: AsyncSession, workspace_id: str, team_ids: Collection[int]
) -> dict[int, Team]:
    """The teams with these ids in this workspace, by id, in one query (missing ids absent)."""
    if not team_ids:
        return {}
    result = await session.exec(
        select(Team).where(Team.workspace_id == workspace_id, col(Team.id).in_(list(team_ids)))
    )
    return {team.id: team for team in result.all() if team.id is not None}


async def list_teams(session: AsyncSession, workspace_id: str) -> list[Team]:
    """The workspace's teams that are not archived, by name."""
    result = await session.exec(
        select(Team)
        .where(Team.workspace_id == workspace_id, col(Team.archived_at).is_(None))
        .order_by(func.lower(Team.name), col(Team.id))
    )
    return list(result.all())


async def team_names(session: AsyncSession) -> list[str]:
    """The names of the teams that are not archived, in every workspace, sorted: what an
    operator may name in `okr-bot jobs run --team`."""
    result = await session.exec(select(Team.name).where(col(Team.archived_at).is_(None)).distinct())
    return sorted(result.all(), key=str.lower)


async def teams_of_user(session: AsyncSession, workspace_id: str, user_id: str) -> list[Team]:
    """Teams (not archived) where the user is a member or a lead, by name."""
    return await _teams_with(session, workspace_id, user_id, lead_only=False)


async def teams_led_by(session: AsyncSession, workspace_id: str, user_id: str) -> list[Team]:
    """Teams (not archived) the user leads, by name."""
    return await _teams_with(session, workspace_id, user_id, lead_only=True)


async def _teams_with(
    session: AsyncSession, workspace_id: str, user_id: str, *, lead_only: bool
) -> list[Team]:
    query = (
        select(Team)
        .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
        .where(
            Team.workspace_id == workspace_id,
            TeamMember.workspace_id == workspace_id,
            TeamMember.user_id == user_id,
            col(Team.archived_at).is_(None),
        )
        .order_by(func.lower(Team.name), col(Team.id))
    )
    if lead_only:
        query = query.where(TeamMember.role == LEAD)
    return list((await session.exec(query)).all())


async def team_by_channel(session: AsyncSession, workspace_id: str, channel_id: str) -> Team | None:
    """The team whose home is this channel (the oldest, should several share it)."""
    result = await session.exec(
        select(Team)
        .where(
            Team.workspace_id == workspace_id,
            Team.channel_id == channel_id,
            col(Team.archived_at).is_(None),
        )
        .order_by(col(Team.id))
    )
    return result.first()


async def team_by_name(session: AsyncSession, workspace_id: str, name: str) -> Team | None:
    """The team called `name`, compared trimmed and case-insensitively ("sales" = "Sales")."""
    result = await session.exec(
        select(Team)
        .where(Team.workspace_id == workspace_id, func.lower(Team.name) == name.strip().lower())
        .order_by(col(Team.id))
    )
    return result.first()


async def team_roster(
    session: AsyncSession, workspace_id: str, team_id: int
) -> tuple[list[str], list[str]]:
    """(leads, members including the leads), each in the order they were added."""
    result = await session.exec(
        select(TeamMember.user_id, TeamMember.role)
        .where(TeamMember.workspace_id == workspace_id, TeamMember.team_id == team_id)
        .order_by(col(TeamMember.id))
    )
    rows = list(result.all())
    return [user for user, role in rows if role == LEAD], [user for user, _ in rows]


async def leads_of(
    session: AsyncSession, workspace_id: str, team_ids: Collection[int]
) -> dict[int, list[str]]:
    """Each team's leads, in one query however many teams; teams without leads are absent."""
    if not team_ids:
        return {}
    result = await session.exec(
        select(TeamMember.team_id, TeamMember.user_id)
        .where(
            TeamMember.workspace_id == workspace_id,
            col(TeamMember.team_id).in_(list(team_ids)),
            TeamMember.role == LEAD,
        )
        .order_by(col(TeamMember.team_id), col(TeamMember.id))
    )
    leads: dict[int, list[str]] = {}
    for team_id, user_id in result.all():
        leads.setdefault(team_id, []).append(user_id)
    return leads


async def is_lead(session: AsyncSession, workspace_id: str, team_id: int, user_id: str) -> bool:
    """Whether the user leads this team (of this workspace)."""
    result = await session.exec(
        select(TeamMember.id).where(
            TeamMember.workspace_id == workspace_id,
            TeamMember.team_id == team_id,
            TeamMember.user_id == user_id,
            TeamMember.role == LEAD,
        )
    )
    return result.first() is not None


def roster(leads: Iterable[str], members: Iterable[str]) -> list[tuple[str, str]]:
    """(user, role) pairs: each lead once as "lead", then the other members once (pure)."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for user, role in [*((u, LEAD) for u in leads), *((u, MEMBER) for u in members)]:
        if user and user not in seen:
            seen.add(user)
            out.append((user, role))
    return out


async def save_team(
    session: AsyncSession,
    workspace_id: str,
    *,
    team_id: int | None,
    name: str,
    channel_id: str | None,
    timezone: str,
    leads: Collection[str],
    members: Collection[str],
    author: str,
    now: datetime,
    rhythm: TeamRhythm | None = None,
    lang: str | None = None,
) -> Team:
    """Create the team (team_id None) or update it, and replace its roster.

    `lang` is the language of its channel posts; None keeps the team's, or gives a new team
    its author's (their `/okr lang`, else their Slack locale's, else English).

    The rhythm is written with the rest; None keeps the team's rhythm, or gives a new team
    DEFAULT_RHYTHM. Everything happens in the caller's transaction: nothing is committed.
    Raises TeamNotFound for an id not in this workspace, ValueError without a lead or for a
    rhythm with problems (the tick would trip over them later, far from whoever stored
    them); a duplicate name surfaces as the database's IntegrityError when the session
    flushes.
    """
    people = roster(leads, members)
    if not any(role == LEAD for _, role in people):
        raise ValueError("a team needs at least one lead")
    problems = rhythm.problems() if rhythm is not None else []
    if problems:
        raise ValueError("bad " + "; ".join(f"{field}: {why}" for field, why in problems))
    name = name.strip()
    if team_id is None:
        team = Team(
            workspace_id=workspace_id,
            name=name,
            channel_id=channel_id,
            timezone=timezone,
            created_by=author,
            created_at=now,
            lang=lang or (await langs_of(session, workspace_id, [author])).get(author, EN),
        )
        _write_rhythm(team, rhythm or DEFAULT_RHYTHM)
        session.add(team)
        await session.flush()
    else:
        found = await get_team(session, workspace_id, team_id)
        if found is None:
            raise TeamNotFound(team_id)
        team = found
        team.name = name
        team.channel_id = channel_id
        team.timezone = timezone
        if lang is not None:
            team.lang = lang
        if rhythm is not None:
            _write_rhythm(team, rhythm)
        session.add(team)
        await session.flush()
        await session.exec(  # type: ignore[call-overload]
            delete(TeamMember).where(
                col(TeamMember.workspace_id) == workspace_id,
                col(TeamMember.team_id) == team.id,
            )
        )
    assert team.id is not None
    session.add_all(
        TeamMember(workspace_id=workspace_id, team_id=team.id, user_id=user, role=role)
        for user, role in people
    )
    await session.flush()
    return team


def _write_rhythm(team: Team, rhythm: TeamRhythm) -> None:
    """The rhythm into the team's columns (rhythm_of reads them back)."""
    team.checkin_weekday = rhythm.checkin_weekday
    team.checkin_time = rhythm.checkin_time
    team.nudge_enabled = rhythm.nudge_enabled
    team.nudge_weekday = rhythm.nudge_weekday
    team.nudge_time = rhythm.nudge_time
    team.digest_weekday = rhythm.digest_weekday
    team.digest_time = rhythm.digest_time
