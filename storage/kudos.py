"""Kudos given in a team channel: stored when posted, read back for the week's digest."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import KeyResult, Kudos


async def add_kudos(
    session: AsyncSession,
    workspace_id: str,
    *,
    team_id: int | None,
    giver: str,
    receiver: str,
    text: str,
    now: datetime,
    key_result_id: int | None = None,
) -> Kudos:
    """Keep one kudos (the caller commits, and records where it was posted once it is)."""
    kudos = Kudos(
        workspace_id=workspace_id,
        team_id=team_id,
        giver=giver,
        receiver=receiver,
        text=text,
        key_result_id=key_result_id,
        created_at=now,
    )
    session.add(kudos)
    await session.flush()
    return kudos


async def kudos_between(
    session: AsyncSession, workspace_id: str, team_id: int, since: datetime, until: datetime
) -> list[Kudos]:
    """The team's kudos given in [since, until), oldest first: the digest lists the week's."""
    rows = await session.exec(
        select(Kudos)
        .where(
            Kudos.workspace_id == workspace_id,
            Kudos.team_id == team_id,
            col(Kudos.created_at) >= since,
            col(Kudos.created_at) < until,
        )
        .order_by(col(Kudos.created_at), col(Kudos.id))
    )
    return list(rows.all())


async def record_post(
    session: AsyncSession, kudos: Kudos, channel_id: str | None, message_ts: str | None
) -> None:
    """Where the kudos was posted (the caller commits)."""
    kudos.channel_id = channel_id
    kudos.message_ts = message_ts
    session.add(kudos)
    await session.flush()


async def key_result_for_kudos(
    session: AsyncSession, workspace_id: str, kr_id: int
) -> KeyResult | None:
    """The key result a *Give kudos* button names, unless it is gone or archived."""
    return (
        await session.exec(
            select(KeyResult).where(
                KeyResult.workspace_id == workspace_id,
                KeyResult.id == kr_id,
                col(KeyResult.archived_at).is_(None),
            )
        )
    ).first()
