"""Dependencies as `okr.dependency_status.DependencyLine`s: both ends, both teams, the
upstream KR as a line (value, status, notes), in a fixed number of queries however many."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from okr.dependency_status import OFF_TRACK, DependencyLine
from storage.dependencies import DependencyView, dependencies_touching, get_dependency
from storage.models import Objective, Team
from storage.objectives import key_results_of
from storage.outlines import objective_cards
from storage.teams import teams_by_id


async def dependency_lines(
    session: AsyncSession,
    workspace_id: str,
    views: Sequence[DependencyView],
    *,
    at: datetime,
    default_timezone: str,
) -> list[DependencyLine]:
    """`views` as lines, in their order (the upstream KRs read as of `at`)."""
    if not views:
        return []
    upstream = {v.upstream.objective.id: v.upstream.objective for v in views}
    cards = await objective_cards(
        session, workspace_id, list(upstream.values()), at=at, default_timezone=default_timezone
    )
    krs = {kr.id: kr for card in cards for kr in card.krs}
    team_ids = {v.upstream.objective.team_id for v in views} | {
        v.downstream_objective.team_id for v in views
    }
    teams = await teams_by_id(session, workspace_id, {t for t in team_ids if t is not None})
    lines = []
    for v in views:
        dep, up_team, down = v.dependency, v.upstream.objective.team_id, v.downstream_objective
        line = krs.get(v.upstream.kr.id or 0)
        if line is None or dep.id is None:
            continue
        down_kr = v.downstream_kr
        lines.append(
            DependencyLine(
                id=dep.id,
                upstream=line,
                upstream_team_id=up_team,
                upstream_team=teams[up_team].name if up_team in teams else None,
                downstream_title=down_kr.title if down_kr is not None else down.title,
                downstream_owner=down_kr.owner_id if down_kr is not None else down.owner_id,
                downstream_team_id=down.team_id,
                downstream_team=teams[down.team_id].name if down.team_id in teams else None,
                need=dep.need,
                acknowledged_by=dep.acknowledged_by,
                recorded=dep.upstream_status,
                changes=dep.status_changes,
            )
        )
    return lines


async def team_dependency_lines(
    session: AsyncSession,
    workspace_id: str,
    objectives: Sequence[Objective],
    *,
    at: datetime,
    default_timezone: str,
) -> list[DependencyLine]:
    """Every dependency of `objectives` (a team's) both ways: theirs on other teams' KRs,
    and other teams' on their KRs; each dependency once."""
    ids = [o.id for o in objectives if o.id is not None]
    krs = await key_results_of(session, workspace_id, ids)
    kr_ids = [kr.id for rows in krs.values() for kr in rows if kr.id is not None]
    views = await dependencies_touching(session, workspace_id, kr_ids=kr_ids, objective_ids=ids)
    return await dependency_lines(
        session, workspace_id, views, at=at, default_timezone=default_timezone
    )


async def waiting_on_others(
    session: AsyncSession,
    workspace_id: str,
    team_id: int,
    objectives: Sequence[Objective],
    *,
    at: datetime,
    default_timezone: str,
) -> tuple[DependencyLine, ...]:
    """The team digest's "Waiting on other teams": the at-risk KRs of other teams that
    `objectives` (the team's) depend on, worst first."""
    lines = await team_dependency_lines(
        session, workspace_id, objectives, at=at, default_timezone=default_timezone
    )
    waiting = [
        line
        for line in lines
        if line.at_risk and line.downstream_team_id == team_id and line.upstream_team_id != team_id
    ]
    return tuple(sorted(waiting, key=lambda line: line.status != OFF_TRACK))


async def dependency_line(
    session: AsyncSession,
    workspace_id: str,
    dependency_id: int,
    *,
    at: datetime,
    default_timezone: str,
) -> DependencyLine | None:
    """One dependency as a line (*Discuss* on a warning), or None when it is gone (removed,
    another workspace's, or an end archived)."""
    row = await get_dependency(session, workspace_id, dependency_id)
    if row is None:
        return None
    views = await dependencies_touching(session, workspace_id, kr_ids=[row.upstream_kr_id])
    found = [v for v in views if v.dependency.id == dependency_id]
    lines = await dependency_lines(
        session, workspace_id, found, at=at, default_timezone=default_timezone
    )
    return lines[0] if lines else None


async def lead_dependencies(
    session: AsyncSession,
    workspace_id: str,
    team: Team,
    objectives: Sequence[Objective],
    at: datetime,
) -> tuple[DependencyLine, ...]:
    """A lead's Home section of `team`: its dependencies both ways (of `objectives`, those
    shown, the team's own picked out)."""
    own = [o for o in objectives if o.team_id == team.id]
    lines = await team_dependency_lines(
        session, workspace_id, own, at=at, default_timezone=team.timezone
    )
    return tuple(lines)
