"""Dependencies between teams' key results: kept, read both ways, acknowledged, removed.

One row says "this KR (or this whole objective) depends on that other team's KR". Each
read takes a set of ids and is one SQL statement, so a list, a Home tab or a digest with
many KRs costs the same number of queries as one with a few.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, literal, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.dependencies import KREnd
from storage.models import Cycle, KeyResult, KRDependency, Objective, Team


@dataclass(frozen=True)
class DependencyEnd:
    """One side of a dependency as a line shows it: the KR, its objective and team."""

    kr: KeyResult
    objective: Objective


@dataclass(frozen=True)
class DependencyView:
    """A dependency with both its ends loaded (the downstream end is an objective's when
    the whole objective depends, then `downstream_kr` is None)."""

    dependency: KRDependency
    upstream: DependencyEnd
    downstream_objective: Objective
    downstream_kr: KeyResult | None


async def add_dependency(
    session: AsyncSession,
    workspace_id: str,
    *,
    upstream_kr_id: int,
    created_by: str,
    now: datetime,
    downstream_kr_id: int | None = None,
    downstream_objective_id: int | None = None,
    need: str = "",
) -> KRDependency:
    """Keep one dependency (the caller validated it with `okr.dependencies` and commits)."""
    if (downstream_kr_id is None) == (downstream_objective_id is None):
        raise ValueError("a dependency has exactly one downstream end")
    row = KRDependency(
        workspace_id=workspace_id,
        downstream_kr_id=downstream_kr_id,
        downstream_objective_id=downstream_objective_id,
        upstream_kr_id=upstream_kr_id,
        need=need,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_dependency(
    session: AsyncSession, workspace_id: str, dependency_id: int
) -> KRDependency | None:
    row = await session.get(KRDependency, dependency_id)
    return row if row is not None and row.workspace_id == workspace_id else None


async def remove_dependency(session: AsyncSession, workspace_id: str, dependency_id: int) -> bool:
    """Delete one dependency; False when there was none (the caller commits)."""
    row = await get_dependency(session, workspace_id, dependency_id)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def acknowledge(
    session: AsyncSession, workspace_id: str, dependency_id: int, user_id: str, now: datetime
) -> KRDependency | None:
    """Mark a dependency acknowledged by the upstream side (first acknowledgement kept)."""
    row = await get_dependency(session, workspace_id, dependency_id)
    if row is not None and row.acknowledged_at is None:
        row.acknowledged_by = user_id
        row.acknowledged_at = now
        session.add(row)
        await session.flush()
    return row


async def dependencies_touching(
    session: AsyncSession,
    workspace_id: str,
    *,
    kr_ids: Collection[int] = (),
    objective_ids: Collection[int] = (),
) -> list[DependencyView]:
    """Every dependency with either end among `kr_ids` (upstream or downstream KR) or whose
    downstream is one of `objective_ids`, or whose downstream KR belongs to one of them:
    one statement, both ends loaded. Archived KRs' and objectives' links are left out."""
    if not kr_ids and not objective_ids:
        return []
    up_kr = aliased(KeyResult)
    up_obj = aliased(Objective)
    down_kr = aliased(KeyResult)
    down_obj = aliased(Objective)
    ids, objectives = list(kr_ids), list(objective_ids)
    statement = (
        select(KRDependency, up_kr, up_obj, down_obj, down_kr)
        .join(up_kr, col(up_kr.id) == KRDependency.upstream_kr_id)
        .join(up_obj, col(up_obj.id) == up_kr.objective_id)
        .outerjoin(down_kr, col(down_kr.id) == KRDependency.downstream_kr_id)
        .join(
            down_obj,
            or_(
                col(down_obj.id) == KRDependency.downstream_objective_id,
                col(down_obj.id) == down_kr.objective_id,
            ),
        )
        .where(
            KRDependency.workspace_id == workspace_id,
            col(up_kr.archived_at).is_(None),
            col(up_obj.archived_at).is_(None),
            col(down_obj.archived_at).is_(None),
            col(down_kr.archived_at).is_(None),
            or_(
                col(KRDependency.upstream_kr_id).in_(ids),
                col(KRDependency.downstream_kr_id).in_(ids),
                col(down_obj.id).in_(objectives),
            ),
        )
        .order_by(col(KRDependency.id))
    )
    rows = (await session.exec(statement)).all()
    return [
        DependencyView(dep, DependencyEnd(kr, obj), dobj, dkr) for dep, kr, obj, dobj, dkr in rows
    ]


async def dependencies_in_cycle(
    session: AsyncSession, workspace_id: str, cycle_id: int
) -> list[DependencyView]:
    """Every live dependency whose downstream objective is in `cycle_id` (the company map,
    the monthly review, the warning job): one statement."""
    ids = select(Objective.id).where(
        Objective.workspace_id == workspace_id,
        Objective.cycle_id == cycle_id,
        col(Objective.archived_at).is_(None),
    )
    objective_ids: Sequence[int] = [i for i in (await session.exec(ids)).all() if i is not None]
    return await dependencies_touching(session, workspace_id, objective_ids=objective_ids)


# --- the warning job's record of the upstream status (scheduler.jobs.dependencies) -------


async def record_upstream_status(
    session: AsyncSession, workspace_id: str, dependency_id: int, *, seen_changes: int, status: str
) -> bool:
    """Record `status` as the upstream KR's, counting one more change, only if nobody did
    since `seen_changes` was read: one conditional UPDATE, so of two replicas seeing the
    same change exactly one records it (True for that one; the caller commits)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(KRDependency)
        .where(
            KRDependency.workspace_id == workspace_id,
            KRDependency.id == dependency_id,
            KRDependency.status_changes == seen_changes,
        )
        .values(upstream_status=status, status_changes=KRDependency.status_changes + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


async def dependency_states(
    session: AsyncSession, workspace_id: str, dependency_ids: Collection[int]
) -> dict[int, tuple[str | None, int]]:
    """(upstream_status, status_changes) of each dependency as stored now, in one query."""
    if not dependency_ids:
        return {}
    rows = await session.exec(
        select(KRDependency.id, KRDependency.upstream_status, KRDependency.status_changes).where(
            KRDependency.workspace_id == workspace_id,
            col(KRDependency.id).in_(list(dependency_ids)),
        )
    )
    return {i: (status, changes) for i, status, changes in rows.all() if i is not None}


# --- choosing, checking and keeping a KR's dependencies (the Details modal, the save) ---

#: The "Depends on" select shows at most this many KRs (Slack's own limit is 100).
OPTIONS_LIMIT = 100


@dataclass(frozen=True)
class KROption:
    """A KR offered in the "Depends on" select: its id, team (None: personal), title."""

    kr_id: int
    team_name: str | None
    title: str


async def kr_options(
    session: AsyncSession,
    workspace_id: str,
    cycle_id: int,
    text: str,
    *,
    own_team_id: int | None,
    exclude_objective_id: int | None = None,
    limit: int = OPTIONS_LIMIT,
) -> list[KROption]:
    """Live KRs of `cycle_id` whose title holds every typed word, other teams' first (one
    statement, through the objectives' (workspace, cycle) index)."""
    query = (
        select(KeyResult.id, Team.name, KeyResult.title, Objective.team_id)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .outerjoin(Team, col(Team.id) == Objective.team_id)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.archived_at).is_(None),
            col(KeyResult.archived_at).is_(None),
        )
    )
    for word in text.strip().lower().split()[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(KeyResult.title).like(f"%{escaped}%", escape="\\"))
    if exclude_objective_id is not None:
        query = query.where(Objective.id != exclude_objective_id)
    own = case((Objective.team_id == own_team_id, 1), else_=0) if own_team_id else literal(0)
    query = query.order_by(own, col(Team.name), col(KeyResult.title), col(KeyResult.id))
    rows = (await session.exec(query.limit(limit))).all()
    return [KROption(kr_id or 0, team, title) for kr_id, team, title, _team in rows]


async def kr_ends(session: AsyncSession, kr_ids: Collection[int]) -> dict[int, KREnd]:
    """What the rules need of each KR in `kr_ids`, whatever its workspace (a crafted id
    from another one is refused by the rules, not missed): one statement."""
    if not kr_ids:
        return {}
    query = (
        select(KeyResult, Objective, Cycle)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .join(Cycle, col(Cycle.id) == Objective.cycle_id)
        .where(col(KeyResult.id).in_(list(kr_ids)))
    )
    return {
        kr.id or 0: KREnd(
            id=kr.id or 0,
            workspace_id=kr.workspace_id,
            objective_id=objective.id or 0,
            archived=kr.archived_at is not None or objective.archived_at is not None,
            cycle_start=cycle.start_date,
            cycle_end=cycle.end_date,
            title=kr.title,
        )
        for kr, objective, cycle in (await session.exec(query)).all()
    }


async def dependency_edges(session: AsyncSession, workspace_id: str) -> dict[int, set[int]]:
    """Every KR of the workspace and the KRs it depends on (a whole objective's link counts
    for each of its KRs): the graph a new link is checked against, one statement."""
    member = aliased(KeyResult)
    query = (
        select(KRDependency.downstream_kr_id, member.id, KRDependency.upstream_kr_id)
        .outerjoin(member, col(member.objective_id) == KRDependency.downstream_objective_id)
        .where(KRDependency.workspace_id == workspace_id)
    )
    edges: dict[int, set[int]] = {}
    for kr_id, member_id, upstream in (await session.exec(query)).all():
        for down in (kr_id, member_id):
            if down is not None:
                edges.setdefault(down, set()).add(upstream)
    return edges


async def set_dependencies(
    session: AsyncSession,
    workspace_id: str,
    wanted: Mapping[int, Mapping[int, str]],
    *,
    created_by: str,
    now: datetime,
) -> list[KRDependency]:
    """Make each KR of `wanted` depend on exactly its KRs (downstream id -> upstream id ->
    what we need): new links added, dropped ones deleted, changed needs kept, one read
    for all of them. Returns the new links (their upstream leads are told); the caller
    commits."""
    if not wanted:
        return []
    query = select(KRDependency).where(
        KRDependency.workspace_id == workspace_id,
        col(KRDependency.downstream_kr_id).in_(list(wanted)),
    )
    existing = {
        (row.downstream_kr_id, row.upstream_kr_id): row for row in (await session.exec(query)).all()
    }
    for (down, upstream), row in existing.items():
        needs = wanted.get(down or 0, {})
        if upstream not in needs:
            await session.delete(row)
        elif row.need != needs[upstream]:
            row.need = needs[upstream]
            session.add(row)
    added = [
        KRDependency(
            workspace_id=workspace_id,
            downstream_kr_id=down,
            upstream_kr_id=upstream,
            need=need,
            created_by=created_by,
            created_at=now,
        )
        for down, needs in wanted.items()
        for upstream, need in needs.items()
        if (down, upstream) not in existing
    ]
    session.add_all(added)
    await session.flush()
    return added
