"""The workspace row every other row hangs from, created the first time it is seen."""

from __future__ import annotations

from datetime import datetime

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
