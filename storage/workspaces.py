"""The workspace row every other row hangs from, created the first time it is seen, and
whether its sends are paused by a token problem."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Workspace


async def ensure_workspace(session: AsyncSession, workspace_id: str, now: datetime) -> Workspace:
    """Get the workspace, inserting it if new; safe when two requests race to create it.

    Read first: this runs on most requests, and a write on each would serialise them on
    SQLite."""
    found = await session.get(Workspace, workspace_id)
    if found is not None:
        return found
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.exec(  # type: ignore[call-overload]
        insert(Workspace)
        .values(id=workspace_id, name="", fiscal_year_start_month=1, created_at=now)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    workspace = await session.get(Workspace, workspace_id)
    assert workspace is not None
    return workspace


async def pause_workspace(
    session: AsyncSession, workspace_id: str, reason: str, now: datetime
) -> bool:
    """Mark the workspace's sends paused because Slack refused its token; True when it
    was not paused before (the caller then logs and reports it, once)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id, col(Workspace.paused_since).is_(None))
        .values(paused_reason=reason[:255], paused_since=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


async def resume_workspace(session: AsyncSession, workspace_id: str) -> Workspace | None:
    """Lift the pause; the workspace as it was while paused, or None when it was not."""
    found = await session.get(Workspace, workspace_id, populate_existing=True)
    if found is None or found.paused_since is None:
        return None
    was = Workspace.model_validate(found.model_dump())
    await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id)
        .values(paused_reason=None, paused_since=None)
        .execution_options(synchronize_session=False)
    )
    return was


async def paused_workspaces(session: AsyncSession) -> list[Workspace]:
    """Workspaces whose sends are paused by a token problem, oldest pause first."""
    result = await session.exec(
        select(Workspace)
        .where(col(Workspace.paused_since).is_not(None))
        .order_by(col(Workspace.paused_since))
    )
    return list(result.all())
