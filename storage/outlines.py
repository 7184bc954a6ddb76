"""Read models: objectives as `okr.outline` cards and trees, in a fixed number of queries.

However many objectives a request shows, it costs one query per table involved (key
results, check-ins, revisions, teams, cycles, parents), never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.cycles import CycleSpan, cycle_bounds_utc
from okr.outline import CheckInNote, KRLine, ObjectiveCard, TargetChange, TreeNode, kr_line
from okr.progress import KRKind, objective_progress
from okr.quota import AwaySpell
from storage.away import away_spells_of
from storage.checkins import live_checkins
from storage.models import Cycle, KeyResult, Objective, TargetRevision, Team
from storage.objectives import key_results_of, objectives_of_cycle

MAX_DEPTH = 30  # deeper alignment chains are cut here; Slack shows far fewer levels anyway


async def _by_id(session: AsyncSession, model: type, workspace_id: str, ids: Collection[int]):  # type: ignore[no-untyped-def]
    if not ids:
        return {}
    rows = await session.exec(
        select(model).where(model.workspace_id == workspace_id, col(model.id).in_(list(ids)))
    )
    return {row.id: row for row in rows}


async def _history(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> dict[int, tuple[CheckInNote, ...]]:
    """Live check-ins per KR, oldest first (deleted and replaced ones left out)."""
    found: dict[int, list[CheckInNote]] = defaultdict(list)
    for c in await live_checkins(session, workspace_id, kr_ids):
        found[c.key_result_id].append(
            CheckInNote(
                c.id or 0,
                c.value,
                c.confidence,
                c.note,
                c.user_id,
                c.created_at,
                edited=c.edited_at is not None,
                period_key=c.period_key,
            )
        )
    return {kr_id: tuple(notes) for kr_id, notes in found.items()}


async def _revisions(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> dict[int, tuple[TargetChange, ...]]:
    found: dict[int, list[TargetChange]] = defaultdict(list)
    if kr_ids:
        rows = await session.exec(
            select(TargetRevision)
            .where(
                TargetRevision.workspace_id == workspace_id,
                col(TargetRevision.key_result_id).in_(list(kr_ids)),
            )
            .order_by(col(TargetRevision.changed_at), col(TargetRevision.id))
        )
        for r in rows:
            found[r.key_result_id].append(
                TargetChange(r.old_target, r.new_target, r.reason, r.changed_by, r.changed_at)
            )
    return {kr_id: tuple(changes) for kr_id, changes in found.items()}


def cycle_window(cycle: Cycle, timezone: str) -> tuple[datetime, datetime]:
    """The cycle's start and end instants in the given zone, for expected progress."""
    return cycle_bounds_utc(CycleSpan(cycle.name, cycle.start_date, cycle.end_date), timezone)


async def objective_cards(
    session: AsyncSession,
    workspace_id: str,
    objectives: Sequence[Objective],
    *,
    at: datetime,
    default_timezone: str,
) -> list[ObjectiveCard]:
    """Cards for `objectives`, in their order, with KRs, pace, trend and target history."""
    if not objectives:
        return []
    objective_ids = [o.id for o in objectives if o.id is not None]
    krs = await key_results_of(session, workspace_id, objective_ids)
    kr_ids = [kr.id for rows in krs.values() for kr in rows if kr.id is not None]
    history = await _history(session, workspace_id, kr_ids)
    revisions = await _revisions(session, workspace_id, kr_ids)
    away = await _away_of_quota_owners(session, workspace_id, krs.values())
    teams = await _by_id(session, Team, workspace_id, {o.team_id for o in objectives if o.team_id})
    cycles = await _by_id(session, Cycle, workspace_id, {o.cycle_id for o in objectives})
    parent_ids = {o.parent_id for o in objectives if o.parent_id} - set(objective_ids)
    parents = await _by_id(session, Objective, workspace_id, parent_ids)
    parents.update({o.id: o for o in objectives})
    cards = []
    for objective in objectives:
        team = teams.get(objective.team_id) if objective.team_id else None
        cycle = cycles[objective.cycle_id]
        zone = team.timezone if team else default_timezone
        start, end = cycle_window(cycle, zone)
        parent = parents.get(objective.parent_id) if objective.parent_id else None
        cards.append(
            ObjectiveCard(
                id=objective.id or 0,
                title=objective.title,
                description=objective.description,
                level=objective.level,
                owner_id=objective.owner_id,
                team_id=objective.team_id,
                team_name=team.name if team else None,
                cycle_id=cycle.id or 0,
                cycle_name=cycle.name,
                parent_id=objective.parent_id,
                parent_title=parent.title if parent else None,
                krs=tuple(
                    _line(
                        kr,
                        history.get(kr.id or 0, ()),
                        revisions.get(kr.id or 0, ()),
                        (start, end, zone),
                        at,
                        away.get(kr.owner_id, ()),
                    )
                    for kr in krs.get(objective.id or 0, [])
                ),
                archived=objective.archived_at is not None,
            )
        )
    return cards


async def _away_of_quota_owners(
    session: AsyncSession, workspace_id: str, krs: Iterable[Sequence[KeyResult]]
) -> dict[str, tuple[AwaySpell, ...]]:
    """The away spells of the owners of quota KRs (the only kind they change)."""
    owners = {kr.owner_id for rows in krs for kr in rows if kr.kind == KRKind.QUOTA}
    return await away_spells_of(session, workspace_id, owners)


def _line(
    kr: KeyResult,
    history: tuple[CheckInNote, ...],
    revisions: tuple[TargetChange, ...],
    window: tuple[datetime, datetime, str],
    at: datetime,
    away: tuple[AwaySpell, ...] = (),
) -> KRLine:
    start, end, zone = window
    return kr_line(
        id=kr.id or 0,
        title=kr.title,
        kind=kr.kind,
        unit=kr.unit,
        currency=kr.currency,
        start=kr.start_value,
        target=kr.target_value,
        original_target=kr.original_target,
        current=kr.current_value,
        owner_id=kr.owner_id,
        weight=kr.weight,
        confidence=kr.confidence,
        history=history,
        cycle_start=start,
        cycle_end=end,
        at=at,
        baseline=kr.baseline,
        revisions=revisions,
        period=kr.period,
        due_date=kr.due_date,
        timezone=zone,
        away=away,
        unit_word=kr.unit_word,
        target_text=kr.target_text,
    )


async def alignment_tree(
    session: AsyncSession,
    workspace_id: str,
    cycle: Cycle,
    *,
    at: datetime,
    default_timezone: str,
) -> list[TreeNode]:
    """The cycle's objectives as a forest: company at the roots, aligned ones beneath.

    An objective whose parent is missing, archived or in another cycle becomes a root, so
    nothing disappears from the tree.
    """
    assert cycle.id is not None
    objectives = await objectives_of_cycle(session, workspace_id, cycle.id)
    ids = {o.id for o in objectives}
    krs = await key_results_of(session, workspace_id, ids)  # type: ignore[arg-type]
    history = await _history(
        session, workspace_id, [kr.id for rows in krs.values() for kr in rows if kr.id]
    )
    teams = await _by_id(session, Team, workspace_id, {o.team_id for o in objectives if o.team_id})
    away = await _away_of_quota_owners(session, workspace_id, krs.values())
    progress_of: dict[int, float] = {}
    for objective in objectives:
        team = teams.get(objective.team_id) if objective.team_id else None
        zone = team.timezone if team else default_timezone
        window = (*cycle_window(cycle, zone), zone)
        lines = [
            _line(kr, history.get(kr.id or 0, ()), (), window, at, away.get(kr.owner_id, ()))
            for kr in krs.get(objective.id or 0, [])
        ]
        progress_of[objective.id or 0] = objective_progress((k.progress, k.weight) for k in lines)
    children: dict[int | None, list[Objective]] = defaultdict(list)
    for objective in objectives:
        parent = objective.parent_id if objective.parent_id in ids else None
        children[parent].append(objective)

    reached: set[int] = set()

    def node(objective: Objective, depth: int) -> TreeNode:
        oid = objective.id or 0
        reached.add(oid)
        team = teams.get(objective.team_id) if objective.team_id else None
        kids = [c for c in children.get(oid, []) if c.id not in reached]
        return TreeNode(
            id=oid,
            title=objective.title,
            level=objective.level,
            owner_id=objective.owner_id,
            team_name=team.name if team else None,
            progress=progress_of[oid],
            children=tuple(node(c, depth + 1) for c in kids) if depth < MAX_DEPTH else (),
        )

    level_rank = {"company": 0, "team": 1, "personal": 2}
    roots = sorted(children.get(None, []), key=lambda o: (level_rank.get(o.level, 3), o.id))
    forest = [node(root, 0) for root in roots]
    # A loop of alignments (only possible through concurrent edits) has no root: show its
    # members as roots rather than lose them.
    forest += [node(o, 0) for o in objectives if (o.id or 0) not in reached]
    return forest
