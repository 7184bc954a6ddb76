"""Writing objectives and key results, and the lookups their validation needs.

Every function takes the workspace id and filters on it: an id from another workspace
behaves exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.drafts import KRDraft, LastSave, ObjectiveDraft, TargetChange
from okr.outline import Level
from okr.periods import Period
from okr.progress import KRKind
from okr.quota import QuotaBasis, Reading, period_average
from okr.values import Unit
from storage.checkins import live_checkins
from storage.models import Cycle, KeyResult, Objective, TargetRevision

SEARCH_LIMIT = 100  # Slack shows at most 100 options


async def get_objective(
    session: AsyncSession, workspace_id: str, objective_id: int, *, archived: bool = False
) -> Objective | None:
    """The objective, or None when it is missing, archived, or in another workspace."""
    query = select(Objective).where(
        Objective.workspace_id == workspace_id, Objective.id == objective_id
    )
    if not archived:
        query = query.where(col(Objective.archived_at).is_(None))
    return (await session.exec(query)).first()


async def key_results_of(
    session: AsyncSession, workspace_id: str, objective_ids: Collection[int]
) -> dict[int, list[KeyResult]]:
    """Active KRs per objective, in row order, in one query."""
    found: dict[int, list[KeyResult]] = {oid: [] for oid in objective_ids}
    if not objective_ids:
        return found
    rows = await session.exec(
        select(KeyResult)
        .where(
            KeyResult.workspace_id == workspace_id,
            col(KeyResult.objective_id).in_(list(objective_ids)),
            col(KeyResult.archived_at).is_(None),
        )
        .order_by(col(KeyResult.objective_id), col(KeyResult.position), col(KeyResult.id))
    )
    for kr in rows:
        found[kr.objective_id].append(kr)
    return found


def _due_date(draft: KRDraft, cycle: Cycle | None) -> date | None:
    """A milestone's typed due date placed in its cycle (checked before storing)."""
    if draft.due is None or cycle is None:
        return None
    return draft.due.within(cycle.start_date, cycle.end_date)


def _new_kr(
    workspace_id: str,
    objective_id: int,
    draft: KRDraft,
    position: int,
    now: datetime,
    cycle: Cycle | None,
) -> KeyResult:
    return KeyResult(
        workspace_id=workspace_id,
        objective_id=objective_id,
        position=position,
        title=draft.title,
        kind=draft.kind.value,
        unit=draft.unit.value,
        currency=draft.currency,
        start_value=draft.start,
        target_value=draft.target,
        original_target=draft.target,
        current_value=draft.start,
        baseline=draft.baseline,
        weight=draft.weight,
        owner_id=draft.owner_id,
        period=draft.period.value if draft.period else None,
        due_date=_due_date(draft, cycle),
        unit_word=draft.unit_word,
        target_text=draft.relative_target,
        created_at=now,
        updated_at=now,
    )


async def create_objective(
    session: AsyncSession,
    workspace_id: str,
    draft: ObjectiveDraft,
    *,
    author_id: str,
    now: datetime,
    submission_key: str | None = None,
) -> tuple[Objective, list[KeyResult]] | None:
    """Insert the objective and its KRs; the caller commits (one transaction).

    `submission_key` (the modal's view id) is unique per workspace: when an objective with
    it exists already, nothing is inserted and None is returned (a repeated submission,
    even one racing the first; the session is rolled back then)."""
    if submission_key is not None and await _by_submission(session, workspace_id, submission_key):
        return None
    objective = Objective(
        workspace_id=workspace_id,
        cycle_id=draft.cycle_id,
        team_id=draft.team_id,
        parent_id=draft.parent_id,
        level=draft.level,
        title=draft.title,
        description=draft.description,
        owner_id=author_id,
        created_by=author_id,
        created_at=now,
        updated_at=now,
        updated_by=author_id,
        submission_key=submission_key,
    )
    session.add(objective)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        if submission_key is not None and await _by_submission(
            session, workspace_id, submission_key
        ):
            return None
        raise
    assert objective.id is not None
    cycle = await session.get(Cycle, draft.cycle_id)
    krs = [_new_kr(workspace_id, objective.id, kr, i, now, cycle) for i, kr in enumerate(draft.krs)]
    session.add_all(krs)
    await session.flush()
    return objective, krs


async def _by_submission(session: AsyncSession, workspace_id: str, key: str) -> bool:
    found = await session.exec(
        select(Objective.id).where(
            Objective.workspace_id == workspace_id, Objective.submission_key == key
        )
    )
    return found.first() is not None


@dataclass(frozen=True)
class TargetEdit:
    """A KR whose target the edit changes: it needs the reason the form asks for."""

    kr: KeyResult
    new_target: float


def target_edits(existing: Sequence[KeyResult], draft: ObjectiveDraft) -> list[TargetEdit]:
    """Which of `existing` KRs the draft gives a different target."""
    by_id = {kr.id: kr for kr in existing}
    return [
        TargetEdit(by_id[d.kr_id], d.target)
        for d in draft.krs
        if d.kr_id in by_id and by_id[d.kr_id].target_value != d.target
    ]


class StaleObjective(Exception):
    """The objective was saved by someone else since the edit was drawn (its version
    moved on), or a KR the edit names is gone: nothing of the edit is applied."""


async def update_objective(
    session: AsyncSession,
    workspace_id: str,
    objective: Objective,
    existing: Sequence[KeyResult],
    draft: ObjectiveDraft,
    *,
    version: int,
    author_id: str,
    now: datetime,
) -> list[TargetRevision]:
    """Apply an edit drawn from `version` of the objective: fields, KR changes, new rows,
    removed rows archived, and a revision (old, new, reason, who, when) for every changed
    target. The caller commits.

    The version moves on in the same statement that checks it, so of two saves drawn from
    one version only the first applies; the other raises StaleObjective, as does a row
    naming a KR that is no longer active (it is never recreated as a new KR)."""
    assert objective.id is not None
    by_id = {kr.id: kr for kr in existing}
    if any(d.kr_id is not None and d.kr_id not in by_id for d in draft.krs):
        raise StaleObjective(f"objective {objective.id}: a key result of the edit is gone")
    claimed = await session.exec(  # type: ignore[call-overload]
        update(Objective)
        .where(
            col(Objective.id) == objective.id,
            Objective.workspace_id == workspace_id,
            Objective.version == version,
        )
        .values(version=version + 1, updated_by=author_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise StaleObjective(f"objective {objective.id} was saved since version {version}")
    objective.version, objective.updated_by = version + 1, author_id
    objective.title = draft.title
    objective.description = draft.description
    objective.level = draft.level
    objective.team_id = draft.team_id
    objective.cycle_id = draft.cycle_id
    objective.parent_id = draft.parent_id
    objective.updated_at = now
    revisions: list[TargetRevision] = []
    assert objective.id is not None
    cycle = await session.get(Cycle, draft.cycle_id)
    for position, d in enumerate(draft.krs):
        kr = by_id.get(d.kr_id) if d.kr_id is not None else None
        if kr is None:
            session.add(_new_kr(workspace_id, objective.id, d, position, now, cycle))
            continue
        if kr.target_value != d.target:
            assert kr.id is not None
            revisions.append(
                TargetRevision(
                    workspace_id=workspace_id,
                    key_result_id=kr.id,
                    old_target=kr.target_value,
                    new_target=d.target,
                    reason=d.reason or draft.reason,
                    changed_by=author_id,
                    changed_at=now,
                )
            )
        kr.title, kr.kind, kr.unit, kr.currency = d.title, d.kind.value, d.unit.value, d.currency
        kr.start_value, kr.target_value, kr.baseline = d.start, d.target, d.baseline
        kr.weight, kr.owner_id, kr.position, kr.updated_at = d.weight, d.owner_id, position, now
        kr.period, kr.due_date = (d.period.value if d.period else None), _due_date(d, cycle)
        kr.unit_word, kr.target_text = d.unit_word, d.relative_target
        session.add(kr)
    for kr_id in draft.removed_kr_ids:
        if kr_id in by_id:
            by_id[kr_id].archived_at = now
            session.add(by_id[kr_id])
    session.add(objective)
    session.add_all(revisions)
    await session.flush()
    return revisions


async def last_save(session: AsyncSession, workspace_id: str, objective: Objective) -> LastSave:
    """What the objective's latest save did: the targets it changed, the KRs it removed
    and added (all stamped with that save's time), who made it and when."""
    assert objective.id is not None
    at = objective.updated_at
    krs = list(
        await session.exec(
            select(KeyResult).where(
                KeyResult.workspace_id == workspace_id, KeyResult.objective_id == objective.id
            )
        )
    )
    by_id = {kr.id: kr for kr in krs}
    revisions = await session.exec(
        select(TargetRevision)
        .where(
            TargetRevision.workspace_id == workspace_id,
            col(TargetRevision.key_result_id).in_(list(by_id)),
            TargetRevision.changed_at == at,
        )
        .order_by(col(TargetRevision.id))
    )
    targets = []
    for revision in revisions:
        kr = by_id[revision.key_result_id]
        targets.append(
            TargetChange(kr.id or 0, kr.title, revision.new_target, Unit(kr.unit), kr.currency)
        )
    fresh = objective.created_at != at
    return LastSave(
        by=objective.updated_by,
        at=at,
        version=objective.version,
        targets=tuple(targets),
        removed=tuple((kr.id or 0, kr.title) for kr in krs if kr.archived_at == at),
        added=tuple(kr.title for kr in krs if fresh and kr.created_at == at),
    )


async def archive_objective(
    session: AsyncSession, objective: Objective, now: datetime, *, by: str
) -> None:
    """Archive the objective; objectives aligned to it keep their link but show it archived.
    It counts as a save: an edit modal drawn before it is refused."""
    objective.archived_at = now
    objective.updated_at = now
    objective.updated_by = by
    objective.version += 1
    session.add(objective)
    await session.flush()


async def search_objectives(
    session: AsyncSession,
    workspace_id: str,
    cycle_id: int,
    text: str,
    *,
    exclude_id: int | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Objective]:
    """Objectives of a cycle whose title contains `text` (any case), company level first."""
    query = select(Objective).where(
        Objective.workspace_id == workspace_id,
        Objective.cycle_id == cycle_id,
        col(Objective.archived_at).is_(None),
    )
    words = text.strip().lower().split()
    for word in words[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Objective.title).like(f"%{escaped}%", escape="\\"))
    if exclude_id is not None:
        query = query.where(Objective.id != exclude_id)
    level_order = case(
        (Objective.level == Level.COMPANY, 0), (Objective.level == Level.TEAM, 1), else_=2
    )
    query = query.order_by(level_order, col(Objective.title), col(Objective.id)).limit(limit)
    return list(await session.exec(query))


async def descends_from(
    session: AsyncSession, workspace_id: str, candidate_id: int, ancestor_id: int
) -> bool:
    """Whether `candidate_id` sits under `ancestor_id` (aligning to it would make a loop)."""
    seen: set[int] = set()
    current: int | None = candidate_id
    while current is not None and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        current = (
            await session.exec(
                select(Objective.parent_id).where(
                    Objective.workspace_id == workspace_id, Objective.id == current
                )
            )
        ).first()
    return False


async def previous_results(
    session: AsyncSession,
    workspace_id: str,
    previous_cycle: Cycle | None,
    wanted: Collection[tuple[str, str]],
) -> dict[tuple[str, str], float]:
    """Last cycle's result of each (owner, KR title) asked for: the stretch check's
    baseline when none was typed; for a quota, its mean count per period with a reading.
    Titles match without regard to case."""
    if previous_cycle is None or not wanted:
        return {}
    owners = {owner for owner, _ in wanted}
    rows = await session.exec(
        select(KeyResult)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .where(
            KeyResult.workspace_id == workspace_id,
            Objective.cycle_id == previous_cycle.id,
            col(KeyResult.owner_id).in_(owners),
            col(KeyResult.archived_at).is_(None),
        )
    )
    want = {(owner, title.lower()) for owner, title in wanted}
    found = [kr for kr in rows if (kr.owner_id, kr.title.lower()) in want]
    averages = await _quota_averages(
        session, workspace_id, previous_cycle, [kr for kr in found if kr.kind == KRKind.QUOTA]
    )
    results: dict[tuple[str, str], float] = {}
    for kr in found:
        value = averages.get(kr.id or 0) if kr.kind == KRKind.QUOTA else kr.current_value
        if value is not None:
            results[(kr.owner_id, kr.title.lower())] = value
    return results


async def _quota_averages(
    session: AsyncSession, workspace_id: str, cycle: Cycle, krs: Sequence[KeyResult]
) -> dict[int, float]:
    """Each quota KR's mean count per period with a reading over `cycle`."""
    if not krs:
        return {}
    readings: dict[int, list[Reading]] = {kr.id or 0: [] for kr in krs}
    for c in await live_checkins(session, workspace_id, list(readings)):
        readings[c.key_result_id].append(Reading(c.period_key, c.created_at, c.value))
    averages = {}
    for kr in krs:
        period = Period(kr.period or Period.WEEK)
        basis = QuotaBasis(kr.target_value, period, "UTC", cycle.start_date, cycle.end_date)
        average = period_average(basis, readings[kr.id or 0])
        if average is not None:
            averages[kr.id or 0] = average
    return averages


async def objectives_owned_or_with_krs_of(
    session: AsyncSession, workspace_id: str, user_id: str, cycle_id: int
) -> list[Objective]:
    """A person's objectives in a cycle: those they own and those holding a KR they own."""
    has_my_kr = (
        select(KeyResult.objective_id)
        .where(
            KeyResult.workspace_id == workspace_id,
            KeyResult.owner_id == user_id,
            col(KeyResult.archived_at).is_(None),
        )
        .scalar_subquery()
    )
    rows = await session.exec(
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.archived_at).is_(None),
            or_(Objective.owner_id == user_id, col(Objective.id).in_(has_my_kr)),
        )
        .order_by(col(Objective.id))
    )
    return list(rows)


async def objectives_of_teams(
    session: AsyncSession, workspace_id: str, team_ids: Collection[int], cycle_id: int
) -> list[Objective]:
    if not team_ids:
        return []
    rows = await session.exec(
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.team_id).in_(list(team_ids)),
            col(Objective.archived_at).is_(None),
        )
        .order_by(col(Objective.id))
    )
    return list(rows)


async def objectives_of_cycle(
    session: AsyncSession, workspace_id: str, cycle_id: int
) -> list[Objective]:
    rows = await session.exec(
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.archived_at).is_(None),
        )
        .order_by(col(Objective.id))
    )
    return list(rows)


async def objectives_of_krs(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> list[Objective]:
    """The objectives holding these KRs (archived ones too), in one query."""
    if not kr_ids:
        return []
    holding = select(KeyResult.objective_id).where(
        KeyResult.workspace_id == workspace_id, col(KeyResult.id).in_(list(kr_ids))
    )
    rows = await session.exec(
        select(Objective)
        .where(Objective.workspace_id == workspace_id, col(Objective.id).in_(holding))
        .order_by(col(Objective.id))
    )
    return list(rows)


async def key_result_in(
    session: AsyncSession, workspace_id: str, key_result_id: int
) -> KeyResult | None:
    """One key result of the workspace by id (archived ones too: a message may outlive it)."""
    kr = await session.get(KeyResult, key_result_id)
    return kr if kr is not None and kr.workspace_id == workspace_id else None
