"""Cycles: fiscal quarters created on first use, and custom cycles an admin adds.

The current cycle for a day is the custom cycle containing it, else the fiscal quarter
containing it (per the workspace's fiscal-year start month). Quarters are inserted with
INSERT ... ON CONFLICT DO NOTHING on (workspace_id, start_date, end_date), so concurrent
requests (or replicas) asking for the same quarter end up with one row.

"Today" is a local calendar date: callers compute it in the team's time zone
(`okr.cycles.today_in`). Every function needs the workspace row to exist
(storage.workspaces.ensure_workspace) and none commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.cycle_rules import ExistingCycle
from okr.cycles import CycleSpan, next_quarter, quarter_for
from storage.models import Cycle, Workspace
from storage.upsert import insert_new


async def fiscal_start_month(session: AsyncSession, workspace_id: str) -> int:
    """The month (1-12) the workspace's fiscal year starts in."""
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise LookupError(f"workspace {workspace_id} is not stored yet: call ensure_workspace")
    return workspace.fiscal_year_start_month


async def _ensure_quarter(session: AsyncSession, workspace_id: str, span: CycleSpan) -> Cycle:
    """The stored cycle with exactly these days, inserted as a quarter when missing."""
    await session.exec(  # type: ignore[call-overload]
        insert_new(session, Cycle, unique=["workspace_id", "start_date", "end_date"]).values(
            workspace_id=workspace_id,
            name=span.name,
            start_date=span.start,
            end_date=span.end,
            is_custom=False,
        )
    )
    result = await session.exec(
        select(Cycle).where(
            Cycle.workspace_id == workspace_id,
            Cycle.start_date == span.start,
            Cycle.end_date == span.end,
        )
    )
    return result.one()


async def _custom_containing(session: AsyncSession, workspace_id: str, day: date) -> Cycle | None:
    result = await session.exec(
        select(Cycle)
        .where(
            Cycle.workspace_id == workspace_id,
            col(Cycle.is_custom).is_(True),
            col(Cycle.start_date) <= day,
            col(Cycle.end_date) >= day,
        )
        .order_by(col(Cycle.start_date).desc(), col(Cycle.id))
    )
    return result.first()


async def current_cycle(session: AsyncSession, workspace_id: str, today: date) -> Cycle:
    """The custom cycle containing `today`, else its fiscal quarter (stored on first use)."""
    custom = await _custom_containing(session, workspace_id, today)
    if custom is not None:
        return custom
    month = await fiscal_start_month(session, workspace_id)
    return await _ensure_quarter(session, workspace_id, quarter_for(today, month))


async def cycle_for(session: AsyncSession, workspace_id: str, cycle_id: int) -> Cycle | None:
    """The cycle with this id in this workspace, or None (also for another workspace's id)."""
    result = await session.exec(
        select(Cycle).where(Cycle.workspace_id == workspace_id, Cycle.id == cycle_id)
    )
    return result.first()


async def previous_cycle(session: AsyncSession, workspace_id: str, cycle: Cycle) -> Cycle | None:
    """The cycle that ended last before `cycle` started (the stretch check's "last cycle")."""
    result = await session.exec(
        select(Cycle)
        .where(Cycle.workspace_id == workspace_id, col(Cycle.end_date) < cycle.start_date)
        .order_by(col(Cycle.end_date).desc())
        .limit(1)
    )
    return result.first()


async def selectable_cycles(session: AsyncSession, workspace_id: str, today: date) -> list[Cycle]:
    """What OKRs can be set for: the current cycle first, then by start date the current and
    next quarters (both stored if missing) and every custom cycle that has not ended."""
    month = await fiscal_start_month(session, workspace_id)
    current = await current_cycle(session, workspace_id, today)
    this_quarter = quarter_for(today, month)
    quarters = [
        await _ensure_quarter(session, workspace_id, this_quarter),
        await _ensure_quarter(session, workspace_id, next_quarter(this_quarter, month)),
    ]
    result = await session.exec(
        select(Cycle).where(
            Cycle.workspace_id == workspace_id,
            col(Cycle.is_custom).is_(True),
            col(Cycle.end_date) >= today,
        )
    )
    others = {c.id: c for c in [*quarters, *result.all()] if c.id != current.id}
    return [current, *sorted(others.values(), key=lambda c: (c.start_date, c.end_date, c.id))]


async def custom_cycles(
    session: AsyncSession, workspace_id: str, *, ending_on_or_after: date | None = None
) -> list[Cycle]:
    """Custom cycles by start date, optionally only those not ended before a day."""
    statement = select(Cycle).where(
        Cycle.workspace_id == workspace_id, col(Cycle.is_custom).is_(True)
    )
    if ending_on_or_after is not None:
        statement = statement.where(col(Cycle.end_date) >= ending_on_or_after)
    result = await session.exec(statement.order_by(col(Cycle.start_date), col(Cycle.id)))
    return list(result.all())


async def cycle_conflicts(
    session: AsyncSession, workspace_id: str, name: str, start: date | None, end: date | None
) -> list[ExistingCycle]:
    """The stored cycles a new custom cycle could clash with (same name, overlapping custom
    cycle, same days), for okr.cycle_rules.validate_custom_cycle; one query."""
    clauses = [func.lower(Cycle.name) == name.strip().lower()]
    if start is not None and end is not None:
        clauses.append(
            (col(Cycle.is_custom).is_(True))
            & (col(Cycle.start_date) <= end)
            & (col(Cycle.end_date) >= start)
        )
        clauses.append((col(Cycle.start_date) == start) & (col(Cycle.end_date) == end))
    result = await session.exec(
        select(Cycle)
        .where(Cycle.workspace_id == workspace_id, or_(*clauses))
        .order_by(col(Cycle.start_date), col(Cycle.id))
    )
    return [ExistingCycle(c.name, c.start_date, c.end_date, c.is_custom) for c in result.all()]


async def set_fiscal_start(session: AsyncSession, workspace_id: str, month: int) -> Workspace:
    """Set the month (1-12) the workspace's fiscal year starts in.

    Quarters already stored keep their days (OKRs hang on them); quarters created from now
    on follow the new calendar.
    """
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"fiscal year start month must be 1-12, got {month!r}")
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise LookupError(f"workspace {workspace_id} is not stored yet: call ensure_workspace")
    workspace.fiscal_year_start_month = month
    session.add(workspace)
    await session.flush()
    return workspace


async def create_custom_cycle(
    session: AsyncSession, workspace_id: str, name: str, start: date, end: date
) -> Cycle:
    """Store a custom cycle; validate it first (okr.cycle_rules). Same days as a stored
    cycle surface as the database's IntegrityError on flush."""
    cycle = Cycle(
        workspace_id=workspace_id,
        name=name.strip(),
        start_date=start,
        end_date=end,
        is_custom=True,
    )
    session.add(cycle)
    await session.flush()
    return cycle
