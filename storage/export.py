"""What an export reads: a cycle's objectives (all, some teams', or one person's), their
key results, live check-ins (an edit's replacement, not the row it replaced) and target
revisions, and the names of the people in them. A fixed number of queries however much
is exported; the formats are okr.export's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.export import CheckInRow, KeyResultRow, ObjectiveRow, RevisionRow
from storage.checkins import live_checkins
from storage.models import Cycle, TargetRevision
from storage.objectives import (
    key_results_of,
    objectives_of_cycle,
    objectives_of_teams,
    objectives_owned_or_with_krs_of,
)
from storage.rhythm import people
from storage.teams import teams_by_id


async def cycle_named(session: AsyncSession, workspace_id: str, name: str) -> Cycle | None:
    """The workspace's cycle called `name` (trimmed, any case), the latest if several."""
    rows = await session.exec(
        select(Cycle)
        .where(Cycle.workspace_id == workspace_id, func.lower(Cycle.name) == name.strip().lower())
        .order_by(col(Cycle.start_date).desc())
    )
    return rows.first()


async def cycle_names(session: AsyncSession, workspace_id: str) -> list[str]:
    """Every stored cycle's name, latest first: what an unknown name is told to pick from."""
    rows = await session.exec(
        select(Cycle.name)
        .where(Cycle.workspace_id == workspace_id)
        .order_by(col(Cycle.start_date).desc())
    )
    return list(dict.fromkeys(rows))


async def export_rows(
    session: AsyncSession,
    workspace_id: str,
    cycle: Cycle,
    *,
    team_ids: Collection[int] | None = None,
    owner: str | None = None,
) -> list[ObjectiveRow]:
    """The cycle's objectives with everything under them: of `team_ids` when given, else
    of `owner` (theirs and those holding a KR of theirs) when given, else all."""
    assert cycle.id is not None
    if team_ids is not None:
        objectives = await objectives_of_teams(session, workspace_id, team_ids, cycle.id)
    elif owner is not None:
        objectives = await objectives_owned_or_with_krs_of(session, workspace_id, owner, cycle.id)
    else:
        objectives = await objectives_of_cycle(session, workspace_id, cycle.id)
    by_objective_krs = await key_results_of(
        session, workspace_id, [o.id for o in objectives if o.id]
    )
    krs = [kr for group in by_objective_krs.values() for kr in group]
    kr_ids = [kr.id for kr in krs if kr.id is not None]
    checkins = await live_checkins(session, workspace_id, kr_ids)
    revisions = await _revisions(session, workspace_id, kr_ids)
    teams = await teams_by_id(session, workspace_id, {o.team_id for o in objectives if o.team_id})
    users = {o.owner_id for o in objectives} | {kr.owner_id for kr in krs}
    users |= {c.user_id for c in checkins} | {r.changed_by for r in revisions}
    names = {u: p.real_name for u, p in (await people(session, workspace_id, users)).items()}

    by_kr_checkins: dict[int, list[CheckInRow]] = defaultdict(list)
    for c in checkins:
        by_kr_checkins[c.key_result_id].append(
            CheckInRow(
                c.created_at,
                c.user_id,
                names.get(c.user_id, ""),
                c.value,
                c.confidence,
                c.note,
                c.period_key,
                c.edited_at is not None,
            )
        )
    by_kr_revisions: dict[int, list[RevisionRow]] = defaultdict(list)
    for r in revisions:
        by_kr_revisions[r.key_result_id].append(
            RevisionRow(
                r.changed_at,
                r.changed_by,
                names.get(r.changed_by, ""),
                r.old_target,
                r.new_target,
                r.reason,
            )
        )
    by_objective: dict[int, list[KeyResultRow]] = defaultdict(list)
    for kr in krs:
        assert kr.id is not None
        by_objective[kr.objective_id].append(
            KeyResultRow(
                kr.id,
                kr.title,
                kr.kind,
                kr.owner_id,
                names.get(kr.owner_id, ""),
                kr.unit,
                kr.currency,
                kr.unit_word,
                kr.start_value,
                kr.target_value,
                kr.original_target,
                kr.current_value,
                kr.confidence,
                tuple(by_kr_checkins[kr.id]),
                tuple(by_kr_revisions[kr.id]),
            )
        )
    return [
        ObjectiveRow(
            o.id,
            cycle.name,
            teams[o.team_id].name if o.team_id in teams else "",
            o.title,
            o.level,
            o.owner_id,
            names.get(o.owner_id, ""),
            tuple(by_objective[o.id]),
        )
        for o in objectives
        if o.id is not None
    ]


async def _revisions(
    session: AsyncSession, workspace_id: str, kr_ids: Sequence[int]
) -> list[TargetRevision]:
    if not kr_ids:
        return []
    rows = await session.exec(
        select(TargetRevision)
        .where(
            TargetRevision.workspace_id == workspace_id,
            col(TargetRevision.key_result_id).in_(list(kr_ids)),
        )
        .order_by(col(TargetRevision.changed_at), col(TargetRevision.id))
    )
    return list(rows)
