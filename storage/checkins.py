"""Check-ins: storing them (once, however often Slack retries), editing and deleting the
latest one, and the KR state they move (current value, confidence, reached_at)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.periods import Period
from okr.progress import KRKind
from okr.quota import QuotaBasis
from okr.values import Unit
from storage.models import CheckIn, Cycle, KeyResult, Objective, Team
from storage.upsert import insert_new


@dataclass(frozen=True)
class ActiveKR:
    """A key result its owner can check in on now, with what the modal shows of it."""

    kr: KeyResult
    objective: Objective


async def active_krs_of(
    session: AsyncSession, workspace_id: str, user_id: str, cycle_id: int
) -> list[ActiveKR]:
    """The person's KRs in the cycle, neither they nor their objective archived, in the
    order of their objectives."""
    rows = await session.exec(
        select(KeyResult, Objective)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .where(
            KeyResult.workspace_id == workspace_id,
            KeyResult.owner_id == user_id,
            col(KeyResult.archived_at).is_(None),
            Objective.cycle_id == cycle_id,
            col(Objective.archived_at).is_(None),
        )
        .order_by(col(Objective.id), col(KeyResult.position), col(KeyResult.id))
    )
    return [ActiveKR(kr, objective) for kr, objective in rows]


@dataclass(frozen=True)
class Measure:
    """How a KR's values are read: enough to validate a check-in before Slack's 3 s."""

    kind: KRKind
    unit: Unit
    currency: str | None
    target: float
    quota_basis: QuotaBasis | None = None
    """A quota's period, cycle days and zone: its readings name one of the cycle's periods."""
    unit_word: str | None = None
    """What a count counts: `40 prospects` reads on it, `40 calls` is an error naming both."""


async def checkable(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    kr_ids: Sequence[int],
    default_timezone: str = "UTC",
) -> tuple[dict[int, str | None], dict[int, Measure]]:
    """For each asked KR id: None when the user may check in on it now, else why not;
    and how each KR's values are read. One query. Ids of another workspace read as
    missing."""
    problems: dict[int, str | None] = {
        kr_id: "That key result does not exist any more." for kr_id in kr_ids
    }
    measures: dict[int, Measure] = {}
    rows = await session.exec(
        select(KeyResult, Objective, Cycle, Team.timezone)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .join(Cycle, col(Cycle.id) == Objective.cycle_id)
        .join(Team, col(Team.id) == Objective.team_id, isouter=True)
        .where(KeyResult.workspace_id == workspace_id, col(KeyResult.id).in_(list(kr_ids)))
    )
    for kr, objective, cycle, timezone in rows:
        if kr.archived_at is not None or objective.archived_at is not None:
            problems[kr.id or 0] = "This key result was archived: nothing to check in."
        elif cycle.closed_at is not None:
            problems[kr.id or 0] = f"{cycle.name} is closed: its key results are final."
        elif kr.owner_id != user_id:
            problems[kr.id or 0] = "Only this key result's owner checks in on it."
        else:
            problems[kr.id or 0] = None
            basis = None
            if kr.kind == KRKind.QUOTA:
                basis = QuotaBasis(
                    kr.target_value,
                    Period(kr.period or Period.WEEK),
                    timezone or default_timezone,
                    cycle.start_date,
                    cycle.end_date,
                )
            measures[kr.id or 0] = Measure(
                KRKind(kr.kind), Unit(kr.unit), kr.currency, kr.target_value, basis, kr.unit_word
            )
    return problems, measures


@dataclass(frozen=True)
class Entry:
    """What one KR's check-in says."""

    key_result_id: int
    value: float
    confidence: str | None
    note: str
    period_key: str | None = None
    """The period a quota reading counts for."""


async def record(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    entries: Sequence[Entry],
    *,
    submission_key: str,
    now: datetime,
) -> list[int]:
    """Store one check-in per entry and move each KR to its new value and confidence.

    The (KR, submission_key) pair is unique: a submission Slack delivers twice, or two
    clicks racing, store once; the KR ids that were new are returned. The caller commits.
    """
    stored: list[int] = []
    for entry in entries:
        result = await session.exec(  # type: ignore[call-overload]
            insert_new(session, CheckIn, unique=["key_result_id", "submission_key"])
            .values(
                workspace_id=workspace_id,
                key_result_id=entry.key_result_id,
                user_id=user_id,
                value=entry.value,
                confidence=entry.confidence,
                note=entry.note,
                period_key=entry.period_key,
                submission_key=submission_key,
                created_at=now,
            )
            .returning(CheckIn.id)
        )
        if result.first() is None:
            continue
        stored.append(entry.key_result_id)
        await session.exec(  # type: ignore[call-overload]
            update(KeyResult)
            .where(KeyResult.id == entry.key_result_id, KeyResult.workspace_id == workspace_id)
            .values(current_value=entry.value, confidence=entry.confidence, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return stored


async def live_checkins(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> list[CheckIn]:
    """The KRs' check-ins that are neither deleted nor replaced, by KR, oldest first; one
    query however many KRs."""
    if not kr_ids:
        return []
    rows = await session.exec(
        select(CheckIn)
        .where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.key_result_id).in_(list(kr_ids)),
            col(CheckIn.deleted_at).is_(None),
        )
        .order_by(col(CheckIn.key_result_id), col(CheckIn.created_at), col(CheckIn.id))
    )
    return list(rows)


async def reported_krs(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> set[int]:
    """Which of the KRs have a live check-in: the others have no reading to repeat."""
    if not kr_ids:
        return set()
    rows = await session.exec(
        select(CheckIn.key_result_id)
        .where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.key_result_id).in_(list(kr_ids)),
            col(CheckIn.deleted_at).is_(None),
        )
        .distinct()
    )
    return set(rows)


async def claim_reached(session: AsyncSession, kr_id: int, now: datetime) -> bool:
    """Mark the KR as having reached its target; True only for the first caller, so the
    celebration is posted once however many check-ins cross the line."""
    result = await session.exec(  # type: ignore[call-overload]
        update(KeyResult)
        .where(KeyResult.id == kr_id, col(KeyResult.reached_at).is_(None))
        .values(reached_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def live_checkin(session: AsyncSession, workspace_id: str, checkin_id: int) -> CheckIn | None:
    """The check-in with this id in this workspace, unless it was deleted or replaced."""
    return (
        await session.exec(
            select(CheckIn).where(
                CheckIn.workspace_id == workspace_id,
                CheckIn.id == checkin_id,
                col(CheckIn.deleted_at).is_(None),
            )
        )
    ).first()


async def latest_checkin(session: AsyncSession, workspace_id: str, kr_id: int) -> CheckIn | None:
    """The KR's most recent check-in that is neither deleted nor replaced."""
    return (
        await session.exec(
            select(CheckIn)
            .where(
                CheckIn.workspace_id == workspace_id,
                CheckIn.key_result_id == kr_id,
                col(CheckIn.deleted_at).is_(None),
            )
            .order_by(col(CheckIn.created_at).desc(), col(CheckIn.id).desc())
            .limit(1)
        )
    ).first()


async def _refresh_current(session: AsyncSession, workspace_id: str, kr_id: int) -> None:
    """The KR's current value and confidence are those of its latest live check-in, or
    its start value when none is left."""
    kr = await session.get(KeyResult, kr_id)
    assert kr is not None
    latest = await latest_checkin(session, workspace_id, kr_id)
    kr.current_value = latest.value if latest else kr.start_value
    kr.confidence = latest.confidence if latest else None
    session.add(kr)


async def replace_checkin(
    session: AsyncSession,
    old: CheckIn,
    *,
    value: float,
    confidence: str | None,
    note: str,
    now: datetime,
) -> CheckIn:
    """An edit: the old row stays (deleted, pointing at its replacement), the new one is
    marked edited and keeps the original time and period, so the week it counts for does
    not move."""
    new = CheckIn(
        workspace_id=old.workspace_id,
        key_result_id=old.key_result_id,
        user_id=old.user_id,
        value=value,
        confidence=confidence,
        note=note,
        period_key=old.period_key,
        created_at=old.created_at,
        edited_at=now,
    )
    session.add(new)
    await session.flush()
    old.deleted_at = now
    old.replaced_by_id = new.id
    session.add(old)
    await session.flush()
    await _refresh_current(session, old.workspace_id, old.key_result_id)
    return new


async def delete_checkin(session: AsyncSession, old: CheckIn, *, now: datetime) -> None:
    """Soft delete: the row is kept for the record, and the KR falls back a check-in."""
    old.deleted_at = now
    session.add(old)
    await session.flush()
    await _refresh_current(session, old.workspace_id, old.key_result_id)
