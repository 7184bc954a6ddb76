"""Ledger rows written straight to the table, for states today's senders never leave."""

from __future__ import annotations

from scheduler.ledger import Claim
from storage.engine import SessionFactory
from storage.models import Delivery


async def leave_posted(
    sessions: SessionFactory, claim: Claim, *, channel_id: str | None, message_ts: str
) -> None:
    """The claim's row records its post but not "sent": what a sender of releases that
    recorded the post first, and the status after, left when it died in between. The
    ledger must still never post such a message again."""
    async with sessions() as session:
        row = await session.get(Delivery, claim.id)
        assert row is not None and row.status == "claimed"
        row.channel_id, row.message_ts = channel_id, message_ts
        session.add(row)
        await session.commit()
