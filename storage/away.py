"""The days people said they were away: kept as spells, so a quota can leave the periods
its owner was away for out of its mean long after the "away until" date has passed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.quota import AwaySpell as Spell
from storage.models import AwaySpell


async def record_away(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    first_day: date,
    last_day: date,
    now: datetime,
) -> None:
    """Keep that the person is away from `first_day` to `last_day` (local dates, inclusive).
    The caller commits."""
    session.add(
        AwaySpell(
            workspace_id=workspace_id,
            user_id=user_id,
            first_day=first_day,
            last_day=last_day,
            created_at=now,
        )
    )
    await session.flush()


async def away_spells_of(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, tuple[Spell, ...]]:
    """Each person's away spells, oldest first; one query however many people."""
    found: dict[str, list[Spell]] = defaultdict(list)
    if user_ids:
        rows = await session.exec(
            select(AwaySpell)
            .where(
                AwaySpell.workspace_id == workspace_id,
                col(AwaySpell.user_id).in_(list(set(user_ids))),
            )
            .order_by(col(AwaySpell.first_day), col(AwaySpell.id))
        )
        for row in rows:
            found[row.user_id].append((row.first_day, row.last_day))
    return {user_id: tuple(spells) for user_id, spells in found.items()}
