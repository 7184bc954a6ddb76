"""The delivery ledger on both backends: claims, leases, take-overs, final states, races."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler import ledger
from scheduler.ledger import MAX_ATTEMPTS, Claim, DeliveryKey
from storage.engine import SessionFactory, create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.ledger_rows import leave_posted

LEASE = timedelta(minutes=5)
KEY = DeliveryKey("T1", "prompt", "U1", "2026-W48")


async def open_ledger(url: str, now: datetime) -> tuple[AsyncEngine, SessionFactory]:
    """A migrated database with workspace T1, as the scheduler of one replica sees it."""
    engine = create_engine(url)
    await upgrade_to_head(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        await ensure_workspace(session, "T1", now)
        await session.commit()
    return engine, sessions


@pytest.fixture
async def sessions(db_url: str, clock: FakeClock) -> AsyncIterator[SessionFactory]:
    engine, factory = await open_ledger(db_url, clock())
    yield factory
    await engine.dispose()


async def claim(sessions: SessionFactory, now: datetime, owner: str = "a") -> Claim | None:
    return await ledger.claim(sessions, KEY, now=now, lease=LEASE, owner=owner)


async def test_first_claim_wins_and_is_recorded(sessions: SessionFactory, clock: FakeClock) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    assert (won.key, won.owner, won.attempts) == (KEY, "a", 1)
    assert won.lease_until == clock() + LEASE
    assert not won.posted
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.attempts, row.claimed_by) == ("claimed", 1, "a")
    assert (row.claimed_at, row.lease_until) == (clock(), clock() + LEASE)
    assert row.sent_at is None and row.error is None


async def test_second_claim_is_refused_while_the_lease_runs(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    assert await claim(sessions, clock(), "a") is not None
    assert await claim(sessions, clock(), "a") is None  # not even the same owner twice
    assert await claim(sessions, clock(), "b") is None
    assert await claim(sessions, clock() + LEASE - timedelta(seconds=1), "b") is None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.claimed_by, row.attempts) == ("a", 1)


async def test_other_keys_are_independent(sessions: SessionFactory, clock: FakeClock) -> None:
    assert await claim(sessions, clock()) is not None
    for other in (
        DeliveryKey("T1", "nudge", "U1", "2026-W48"),
        DeliveryKey("T1", "prompt", "U2", "2026-W48"),
        DeliveryKey("T1", "prompt", "U1", "2026-W49"),
    ):
        assert await ledger.claim(sessions, other, now=clock(), lease=LEASE, owner="a")


async def test_expired_lease_is_taken_over(sessions: SessionFactory, clock: FakeClock) -> None:
    first = await claim(sessions, clock(), "a")
    assert first is not None
    clock.advance(minutes=6)
    second = await claim(sessions, clock(), "b")
    assert second is not None
    assert (second.id, second.owner, second.attempts) == (first.id, "b", 2)
    assert second.lease_until == clock() + LEASE
    # the dead sender wakes up: its writes are fenced off, the new owner's are not
    assert not await ledger.mark_sent(
        sessions, first, now=clock(), channel_id="D1", message_ts="1.0"
    )
    assert await ledger.mark_failed(sessions, first, now=clock(), error="x", permanent=True) is None
    assert await ledger.mark_sent(sessions, second, now=clock(), channel_id="D1", message_ts="2.0")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.attempts, row.claimed_by, row.message_ts) == ("sent", 2, "b", "2.0")


async def test_lease_ends_exactly_at_lease_until(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    assert await claim(sessions, clock(), "a") is not None
    taken = await claim(sessions, clock() + LEASE, "b")
    assert taken is not None and taken.attempts == 2


async def test_sent_stays_sent(sessions: SessionFactory, clock: FakeClock) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    assert await ledger.mark_sent(sessions, won, now=clock(), channel_id="D1", message_ts="1.5")
    for later in (clock(), clock() + LEASE * 2, clock() + timedelta(days=400)):
        assert await claim(sessions, later, "b") is None
    assert not await ledger.mark_skipped(sessions, KEY, now=clock() + LEASE * 2, reason="late")
    assert not await ledger.mark_sent(sessions, won, now=clock(), channel_id="D9", message_ts="9")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.sent_at, row.channel_id, row.message_ts) == (
        "sent",
        clock(),
        "D1",
        "1.5",
    )


async def test_permanent_failure_is_never_retried(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    status = await ledger.mark_failed(
        sessions, won, now=clock(), error="channel_not_found", permanent=True
    )
    assert status == "failed"
    for later in (clock(), clock() + LEASE * 2, clock() + timedelta(days=30)):
        assert await claim(sessions, later, "b") is None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.error) == ("failed", "channel_not_found")


async def test_transient_failure_is_retried_by_the_next_claim(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    status = await ledger.mark_failed(
        sessions, won, now=clock(), error="service_unavailable", permanent=False
    )
    assert status == "claimed"
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.lease_until, row.error) == ("claimed", clock(), "service_unavailable")
    retry = await claim(sessions, clock() + timedelta(minutes=1), "a")
    assert retry is not None and retry.attempts == 2
    assert await ledger.mark_sent(sessions, retry, now=clock(), channel_id="C1", message_ts="3.0")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.attempts, row.error) == ("sent", 2, None)


async def test_transient_failures_give_up_after_max_attempts(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    statuses = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        won = await claim(sessions, clock.advance(minutes=1))
        assert won is not None and won.attempts == attempt
        statuses.append(
            await ledger.mark_failed(sessions, won, now=clock(), error="boom", permanent=False)
        )
    assert statuses == ["claimed"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert await claim(sessions, clock.advance(hours=1)) is None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


async def test_senders_that_keep_dying_are_given_up(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        won = await claim(sessions, clock(), f"replica-{attempt}")
        assert won is not None and won.attempts == attempt
        clock.advance(minutes=6)  # ...and crashes without a word
    assert await claim(sessions, clock(), "last") is None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and row.status == "failed"
    assert row.error is not None and row.error.startswith(f"gave up after {MAX_ATTEMPTS}")


async def test_a_posted_message_survives_the_take_over(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    first = await claim(sessions, clock(), "a")
    assert first is not None
    await leave_posted(sessions, first, channel_id="D1", message_ts="1700000000.1")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.message_ts) == ("claimed", "1700000000.1")
    second = await claim(sessions, clock.advance(minutes=6), "b")
    assert second is not None
    assert second.posted
    assert (second.channel_id, second.message_ts, second.attempts) == ("D1", "1700000000.1", 2)


async def test_skip_a_stale_delivery(
    sessions: SessionFactory, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="scheduler.ledger"):
        assert await ledger.mark_skipped(sessions, KEY, now=clock(), reason="window closed")
    assert "window closed" in caplog.text
    assert not await ledger.mark_skipped(sessions, KEY, now=clock(), reason="again")
    assert await claim(sessions, clock.advance(days=1)) is None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.error, row.attempts) == ("skipped", "window closed", 0)


async def test_skip_leaves_a_live_claim_alone_and_takes_a_lapsed_one(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    live = await claim(sessions, clock(), "a")
    assert live is not None
    assert not await ledger.mark_skipped(sessions, KEY, now=clock(), reason="stale")
    assert await ledger.mark_skipped(sessions, KEY, now=clock() + LEASE, reason="stale")
    assert not await ledger.mark_sent(sessions, live, now=clock(), channel_id="D", message_ts="1")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.error) == ("skipped", "stale")


async def test_skip_finishes_a_lapsed_claim_that_was_posted_as_sent(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    won = await claim(sessions, clock(), "a")
    assert won is not None
    await leave_posted(sessions, won, channel_id="D1", message_ts="5.0")
    assert not await ledger.mark_skipped(sessions, KEY, now=clock() + LEASE, reason="stale")
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.message_ts) == ("sent", "5.0")


async def test_status_of_an_unknown_key_is_none(sessions: SessionFactory) -> None:
    assert await ledger.status_of(sessions, KEY) is None


async def test_long_errors_fit_the_column_on_every_backend(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    await ledger.mark_failed(sessions, won, now=clock(), error="x" * 1000, permanent=True)
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and row.error is not None and len(row.error) == 255


def test_keys_and_owners_are_checked_before_the_database() -> None:
    with pytest.raises(ValueError, match="recipient"):
        DeliveryKey("T1", "prompt", "U" * 65, "2026-W48")
    with pytest.raises(ValueError, match="period"):
        DeliveryKey("T1", "prompt", "U1", "")
    owner = ledger.process_owner()
    assert 0 < len(owner) <= 64 and owner != ledger.process_owner()


async def test_claim_refuses_a_bad_owner_or_lease(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    with pytest.raises(ValueError, match="owner"):
        await ledger.claim(sessions, KEY, now=clock(), lease=LEASE, owner="")
    with pytest.raises(ValueError, match="lease"):
        await ledger.claim(sessions, KEY, now=clock(), lease=timedelta(0), owner="a")


# ------------------------------------------------------------------------- races

REPLICAS = 4
CLAIMERS = 20
RACED_KEYS = [DeliveryKey("T1", "digest", f"C{i}", "2026-W48") for i in range(3)]


@pytest.fixture
async def replicas(db_url: str, clock: FakeClock) -> AsyncIterator[list[SessionFactory]]:
    """Separate engines on one database: separate connections, as separate processes have.

    Each engine opens its connections before the race, so the claims race in the database
    rather than in connection set-up.
    """
    opened = [await open_ledger(db_url, clock()) for _ in range(REPLICAS)]
    for engine, _ in opened:
        async with AsyncExitStack() as stack:
            for _ in range(CLAIMERS // REPLICAS):
                conn = await stack.enter_async_context(engine.connect())
                await conn.exec_driver_sql("SELECT 1")
    yield [factory for _, factory in opened]
    for engine, _ in opened:
        await engine.dispose()


async def race(
    replicas: list[SessionFactory], key: DeliveryKey, now: datetime
) -> list[Claim | None]:
    start = asyncio.Event()

    async def one(i: int) -> Claim | None:
        await start.wait()
        factory = replicas[i % len(replicas)]
        return await ledger.claim(factory, key, now=now, lease=LEASE, owner=f"replica-{i}")

    tasks = [asyncio.create_task(one(i)) for i in range(CLAIMERS)]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


async def test_concurrent_claims_have_one_winner(
    replicas: list[SessionFactory], clock: FakeClock
) -> None:
    for key in RACED_KEYS:
        results = await race(replicas, key, clock())
        winners = [r for r in results if r is not None]
        assert len(winners) == 1, key
        assert winners[0].attempts == 1


async def test_concurrent_take_overs_have_one_winner(
    replicas: list[SessionFactory], clock: FakeClock
) -> None:
    for key in RACED_KEYS:
        assert await ledger.claim(replicas[0], key, now=clock(), lease=LEASE, owner="dead")
    later = clock() + LEASE + timedelta(seconds=1)
    for key in RACED_KEYS:
        results = await race(replicas, key, later)
        winners = [r for r in results if r is not None]
        assert len(winners) == 1, key
        assert winners[0].attempts == 2
        row = await ledger.status_of(replicas[1], key)
        assert row is not None and (row.claimed_by, row.attempts) == (winners[0].owner, 2)


async def test_a_transient_failure_holds_the_claim_until_its_retry_time(
    sessions: SessionFactory, clock: FakeClock
) -> None:
    won = await claim(sessions, clock())
    assert won is not None
    retry_at = clock() + timedelta(minutes=4)
    status = await ledger.mark_failed(
        sessions, won, now=clock(), error="http_503", permanent=False, retry_at=retry_at
    )
    assert status == "claimed"
    assert await claim(sessions, clock.advance(minutes=3), owner="b") is None
    again = await claim(sessions, clock.advance(minutes=1), owner="b")
    assert again is not None and again.attempts == 2
