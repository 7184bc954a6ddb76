"""The workspace row every other row hangs from, created the first time it is seen, and
whether its sends are paused by a token problem."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Workspace
from storage.upsert import insert_new


async def ensure_workspace(session: AsyncSession, workspace_id: str, now: datetime) -> Workspace:
    """Get the workspace, inserting it if new; safe when two requests race to create it.

    Read first: this runs on most requests, and a write on each would serialise them on
    SQLite."""
    found = await session.get(Workspace, workspace_id)
    if found is not None:
        return found
    await session.exec(  # type: ignore[call-overload]
        insert_new(session, Workspace, unique=["id"]).values(
            id=workspace_id, name="", fiscal_year_start_month=1, created_at=now
        )
    )
    workspace = await session.get(Workspace, workspace_id)
    assert workspace is not None
    return workspace


async def pause_workspace(
    session: AsyncSession, workspace_id: str, reason: str, now: datetime
) -> bool:
    """Pause the workspace's sends because Slack refused its token; True when it was not
    paused already (the caller then logs it, once). Does not commit."""
    workspace = await session.get(Workspace, workspace_id, populate_existing=True)
    if workspace is None or workspace.paused:
        return False
    result = await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id)
        .where(
            col(Workspace.paused_since).is_(None)
            | (
                col(Workspace.resumed_at).is_not(None)
                & (Workspace.resumed_at >= Workspace.paused_since)
            )
        )
        .values(paused_reason=reason[:255], paused_since=now, resumed_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


async def resume_workspace(session: AsyncSession, workspace_id: str, now: datetime) -> bool:
    """Lift the pause; True when it was paused (the caller tells the admins). Does not
    commit. The reason and start stay, so late reports can say what the pause cost."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id, col(Workspace.paused_since).is_not(None))
        .where(
            col(Workspace.resumed_at).is_(None) | (Workspace.resumed_at < Workspace.paused_since)
        )
        .values(resumed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace | None:
    """The workspace as stored now (not a copy the session read earlier)."""
    return await session.get(Workspace, workspace_id, populate_existing=True)


async def paused_workspaces(session: AsyncSession) -> list[Workspace]:
    """Workspaces whose sends are paused by a token problem now, oldest pause first."""
    result = await session.exec(
        select(Workspace)
        .where(col(Workspace.paused_since).is_not(None))
        .order_by(col(Workspace.paused_since))
    )
    return [w for w in result.all() if w.paused]


async def set_company_channel(
    session: AsyncSession, workspace_id: str, channel_id: str | None
) -> None:
    """Where the company objectives' cycle-close summary goes (None: the admins by DM).
    Does not commit."""
    await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id)
        .values(company_channel_id=channel_id)
        .execution_options(synchronize_session=False)
    )


async def charts_refused(session: AsyncSession, workspace_id: str) -> bool:
    """Whether Slack refused a chart (`invalid_blocks`) from this workspace before: its
    messages then go without charts."""
    workspace = await session.get(Workspace, workspace_id)
    return workspace is not None and workspace.charts_refused_at is not None


async def refuse_charts(session: AsyncSession, workspace_id: str, now: datetime) -> bool:
    """Remember that Slack refused a chart from this workspace; True the first time (the
    caller logs it once). Does not commit."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Workspace)
        .where(col(Workspace.id) == workspace_id, col(Workspace.charts_refused_at).is_(None))
        .values(charts_refused_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)
