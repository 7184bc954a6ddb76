"""The workspace row every other row hangs from, created the first time it is seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
