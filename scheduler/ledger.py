"""The delivery ledger: claim a scheduled message in `deliveries` before sending it.

The row's unique key (workspace, kind, recipient, period) is what makes a prompt, nudge or
digest go out once across restarts and replicas sharing one database. Statuses:

    (none) --claim--> claimed --mark_sent--> sent              (final)
                      claimed --mark_failed(permanent)--> failed (final)
                      claimed --mark_failed(transient)--> claimed, lease ends at retry_at
                      claimed, lease over --claim--> claimed, attempts + 1, new owner
                      claimed, lease over, attempts >= MAX_ATTEMPTS --claim--> failed
    (none) or claimed, lease over --mark_skipped--> skipped (final)

A claim is held by an owner until `lease_until`; a sender that dies leaves a claim whose
lease runs out, and the next claim takes it over. Every write after the claim is fenced
on (owner, attempts), the values the claim was won with, so a sender whose lease was
taken over cannot overwrite what its successor records. Each call is its own short
transaction, committed before it returns: a crash can only ever leave a lapsing claim.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import SessionFactory
from storage.models import Delivery
from storage.upsert import insert_new

log = logging.getLogger(__name__)

CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"

#: Claims of one delivery (first try, retries, take-overs) before it is given up as failed.
#: A safety net only: transient failures back off in time (scheduler.deliver.retry_delay)
#: and a delivery is given up when its window closes, which a 24 h window reaches after
#: about 30 attempts. This bounds a sender that keeps dying mid-send.
MAX_ATTEMPTS = 40

_KEY_COLUMNS = ["workspace_id", "kind", "recipient", "period"]
_LIMITS = {"workspace_id": 32, "kind": 32, "recipient": 64, "period": 64}
_MAX_ERROR = 255
_MAX_OWNER = 64
_MAX_SLACK_ID = 32


@dataclass(frozen=True)
class DeliveryKey:
    """What is delivered once: e.g. ("T1", "prompt", "U123", "2026-W48").

    Lengths are checked here because PostgreSQL rejects an over-long value while SQLite
    stores it, and a key must mean the same thing on both.
    """

    workspace_id: str
    kind: str
    recipient: str
    period: str

    def __post_init__(self) -> None:
        for name, limit in _LIMITS.items():
            value = getattr(self, name)
            if not value or len(value) > limit:
                raise ValueError(f"DeliveryKey.{name} must be 1 to {limit} characters: {value!r}")

    def __str__(self) -> str:
        return f"{self.kind}/{self.recipient}/{self.period}@{self.workspace_id}"


@dataclass(frozen=True)
class Claim:
    """A won claim: the right to send `key` until `lease_until`.

    `channel_id`/`message_ts` are set when the row records a post but not its "sent"
    status: the message must then not be posted again. Today's senders write both at once
    (`mark_sent`); such a row is what releases that recorded the post first left behind.
    """

    id: int
    key: DeliveryKey
    owner: str
    attempts: int
    lease_until: datetime
    channel_id: str | None = None
    message_ts: str | None = None

    @property
    def posted(self) -> bool:
        return self.message_ts is not None


def pending(row: Delivery | None, now: datetime) -> bool:
    """Whether a delivery still has to be made: never claimed, or claimed by a sender
    whose lease ran out (it died, or Slack failed it transiently)."""
    if row is None:
        return True
    return row.status == CLAIMED and row.lease_until <= now


def process_owner() -> str:
    """A claim owner naming this process (host, pid and a random tag), for `claimed_by`."""
    tag = f":{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return socket.gethostname()[: _MAX_OWNER - len(tag)] + tag


async def claim(
    sessions: SessionFactory, key: DeliveryKey, *, now: datetime, lease: timedelta, owner: str
) -> Claim | None:
    """Claim `key` for `owner` until now + lease, or None when it is not ours to send.

    None means: already sent, failed or skipped, or claimed by someone whose lease still
    runs. A claim whose lease ran out is taken over by a conditional UPDATE on the exact
    row version read (status, lease and attempts), so of two racing take-overs one wins.
    """
    _check_owner(owner)
    if lease <= timedelta(0):
        raise ValueError("a lease must be positive")
    async with sessions() as session:
        inserted = await _insert_claim(session, key, now=now, lease=lease, owner=owner)
        if inserted is not None:
            await session.commit()
            return Claim(inserted, key, owner, 1, now + lease)
        row = await _get(session, key)
        if row is None or row.id is None:  # deleted in between (workspace removed)
            return None
        if row.status != CLAIMED or row.lease_until > now:
            return None
        if row.attempts >= MAX_ATTEMPTS and row.message_ts is None:
            await _give_up(session, row, now=now)
            await session.commit()
            return None
        # RETURNING reads channel/ts from the row as updated, not as selected above, so a
        # post recorded on the claim (see `Claim`) is never missed.
        result = await session.exec(
            _fenced_update(row.id, owner=row.claimed_by, attempts=row.attempts)
            .where(Delivery.lease_until <= now)  # type: ignore[arg-type]
            .values(
                attempts=row.attempts + 1,
                claimed_by=owner,
                claimed_at=now,
                lease_until=now + lease,
            )
            .returning(Delivery.channel_id, Delivery.message_ts)  # type: ignore[arg-type]
            .execution_options(synchronize_session=False)
        )
        taken = result.first()
        await session.commit()
    if taken is None:
        return None
    log.info("took over %s (attempt %d) from %s", key, row.attempts + 1, row.claimed_by)
    return Claim(row.id, key, owner, row.attempts + 1, now + lease, taken[0], taken[1])


async def mark_sent(
    sessions: SessionFactory,
    claim: Claim,
    *,
    now: datetime,
    channel_id: str | None,
    message_ts: str | None,
) -> bool:
    """Finish the delivery: status "sent", for good. False when the claim was lost."""
    return await _fenced(
        sessions,
        claim,
        "mark_sent",
        status=SENT,
        sent_at=now,
        channel_id=_clip(channel_id, _MAX_SLACK_ID),
        message_ts=message_ts,
        error=None,
    )


async def mark_failed(
    sessions: SessionFactory,
    claim: Claim,
    *,
    now: datetime,
    error: str,
    permanent: bool,
    retry_at: datetime | None = None,
) -> str | None:
    """Record a failed send; return the status the delivery now has (None: claim lost).

    Permanent: "failed", never retried. Transient: stays "claimed" with the lease ending
    at `retry_at` (default now), so the first claim after that takes it over and tries
    again: the backoff lives in the row and holds across ticks, restarts and replicas.
    The attempt that reaches MAX_ATTEMPTS turns it "failed" instead.
    """
    status = FAILED if permanent or claim.attempts >= MAX_ATTEMPTS else CLAIMED
    until = now if retry_at is None or retry_at < now else retry_at
    done = await _fenced(
        sessions, claim, "mark_failed", status=status, lease_until=until, error=_clip(error)
    )
    if not done:
        return None
    if status == FAILED:
        log.warning("delivery %s failed after %d attempt(s): %s", claim.key, claim.attempts, error)
    return status


async def mark_skipped(
    sessions: SessionFactory, key: DeliveryKey, *, now: datetime, reason: str
) -> bool:
    """Give up on a delivery whose window has closed (say, after downtime), and log it.

    Inserts a "skipped" row, or turns a lapsed claim into one. A delivery already final,
    or claimed by a live sender, is left alone (False). A lapsed claim whose message was
    posted is finished as "sent" instead, since the message is in Slack.
    """
    reason = _clip(reason) or "skipped"
    async with sessions() as session:
        inserted = await session.exec(  # type: ignore[call-overload]
            insert_new(session, Delivery, unique=_KEY_COLUMNS)
            .values(
                **_key_values(key),
                status=SKIPPED,
                attempts=0,
                claimed_by="",
                claimed_at=now,
                lease_until=now,
                error=reason,
            )
            .returning(Delivery.id)  # type: ignore[arg-type]
        )
        if inserted.first() is not None:
            await session.commit()
            log.info("skipped %s: %s", key, reason)
            return True
        row = await _get(session, key)
        if row is None or row.id is None or row.status != CLAIMED or row.lease_until > now:
            return False
        posted = row.message_ts is not None
        stmt = _fenced_update(row.id, owner=row.claimed_by, attempts=row.attempts).where(
            Delivery.lease_until <= now  # type: ignore[arg-type]
        )
        if posted:
            stmt = stmt.values(status=SENT, sent_at=now)
        else:  # unless its sender records a post this very moment
            stmt = stmt.where(Delivery.message_ts.is_(None)).values(  # type: ignore[union-attr]
                status=SKIPPED, error=reason
            )
        done = await _execute(session, stmt)
        await session.commit()
    if done and posted:
        log.info("finished %s as sent: an earlier attempt posted it (%s)", key, row.message_ts)
        return False
    if done:
        log.info("skipped %s (lapsed claim by %s): %s", key, row.claimed_by, reason)
    return done


async def status_of(sessions: SessionFactory, key: DeliveryKey) -> Delivery | None:
    """The ledger row for `key`, or None when nothing was ever claimed or skipped."""
    async with sessions() as session:
        return await _get(session, key)


# ---------------------------------------------------------------------------- internals


async def _insert_claim(
    session: AsyncSession, key: DeliveryKey, *, now: datetime, lease: timedelta, owner: str
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, None if it exists."""
    result = await session.exec(  # type: ignore[call-overload]
        insert_new(session, Delivery, unique=_KEY_COLUMNS)
        .values(
            **_key_values(key),
            status=CLAIMED,
            attempts=1,
            claimed_by=owner,
            claimed_at=now,
            lease_until=now + lease,
        )
        .returning(Delivery.id)  # type: ignore[arg-type]
    )
    row = result.first()
    return None if row is None else int(row[0])


async def _get(session: AsyncSession, key: DeliveryKey) -> Delivery | None:
    result = await session.exec(
        select(Delivery).where(
            Delivery.workspace_id == key.workspace_id,
            Delivery.kind == key.kind,
            Delivery.recipient == key.recipient,
            Delivery.period == key.period,
        )
    )
    return result.first()


async def _give_up(session: AsyncSession, row: Delivery, *, now: datetime) -> None:
    """A claim that lapsed MAX_ATTEMPTS times: its senders keep dying, so stop trying."""
    assert row.id is not None
    stmt = _fenced_update(row.id, owner=row.claimed_by, attempts=row.attempts).where(
        Delivery.lease_until <= now,  # type: ignore[arg-type]
        Delivery.message_ts.is_(None),  # type: ignore[union-attr]
    )
    error = _clip(f"gave up after {row.attempts} attempts; last: {row.error or 'lease lapsed'}")
    if await _execute(session, stmt.values(status=FAILED, error=error)):
        log.warning("delivery %s/%s/%s %s", row.kind, row.recipient, row.period, error)


def _fenced_update(row_id: int, *, owner: str, attempts: int) -> Update:
    """UPDATE of a claimed row only while it is still held by `owner` at `attempts`."""
    return update(Delivery).where(
        Delivery.id == row_id,  # type: ignore[arg-type]
        Delivery.status == CLAIMED,  # type: ignore[arg-type]
        Delivery.claimed_by == owner,  # type: ignore[arg-type]
        Delivery.attempts == attempts,  # type: ignore[arg-type]
    )


async def _fenced(sessions: SessionFactory, claim: Claim, action: str, **values: Any) -> bool:
    """Apply `values` to the claim's row if `claim` still holds it; commit at once."""
    async with sessions() as session:
        stmt = _fenced_update(claim.id, owner=claim.owner, attempts=claim.attempts)
        done = await _execute(session, stmt.values(**values))
        await session.commit()
    if not done:
        log.warning(
            "%s: claim on %s (attempt %d) by %s was lost",
            action,
            claim.key,
            claim.attempts,
            claim.owner,
        )
    return done


async def _execute(session: AsyncSession, stmt: Update) -> bool:
    """Run a single-row UPDATE; True when it matched (rowcount is exact on both backends).

    The session's copy of the row is left as it was read: callers reason about what they
    saw before the update, not about what the ORM would evaluate after it.
    """
    result = await session.exec(stmt, execution_options={"synchronize_session": False})
    return result.rowcount == 1


def _key_values(key: DeliveryKey) -> dict[str, str]:
    return {name: getattr(key, name) for name in _KEY_COLUMNS}


def _check_owner(owner: str) -> None:
    if not owner or len(owner) > _MAX_OWNER:
        raise ValueError(f"a claim owner must be 1 to {_MAX_OWNER} characters: {owner!r}")


def _clip(text: str | None, limit: int = _MAX_ERROR) -> str | None:
    """Fit a column: PostgreSQL would reject what SQLite silently stores."""
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"
