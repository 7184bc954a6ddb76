"""Delivering through the ledger with the real Web API client against the fake Slack.

Every case runs on SQLite and PostgreSQL. The client is the bot's own (`build_client`,
with its retry handlers and counts); its waits between retries are recorded, not slept
(`retry_waits`), so a test exhausting them takes no seconds and the 429 case still proves
the Retry-After wait.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.slack_client import MAX_RETRIES, build_client
from scheduler import ledger
from scheduler.deliver import Item, Outcome, Result, Send, deliver, deliver_all
from scheduler.ledger import DeliveryKey
from storage.engine import SessionFactory, create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import Delivery
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock, RecordedWaits
from tests.fakeslack import FakeSlack
from tests.ledger_rows import leave_posted

KEY = DeliveryKey("T1", "prompt", "U1", "2026-W48")
LEASE = timedelta(minutes=5)
REQUESTS_PER_CALL = 1 + MAX_RETRIES


async def open_ledger(url: str, now: datetime) -> tuple[AsyncEngine, SessionFactory]:
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


@pytest.fixture
def client(slack: FakeSlack, retry_waits: RecordedWaits) -> AsyncWebClient:
    return build_client("xoxb-test", slack.url, retry_sleep=retry_waits)


def post(client: AsyncWebClient, channel: str, text: str = "Time for your check-in") -> Send:
    return lambda: client.chat_postMessage(channel=channel, text=text)


async def send_once(
    client: AsyncWebClient,
    sessions: SessionFactory,
    now: datetime,
    *,
    key: DeliveryKey = KEY,
    channel: str = "U1",
    owner: str = "a",
) -> Outcome:
    return await deliver(
        client, sessions, key, now=now, send=post(client, channel), lease=LEASE, owner=owner
    )


def successes(slack: FakeSlack) -> list[object]:
    return [c for c in slack.calls_to("chat.postMessage") if c.ok]


async def test_delivers_once_and_records_where(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    outcome = await send_once(client, sessions, clock())
    assert outcome.result is Result.SENT
    assert outcome.channel_id == slack.dm_channel("U1")  # the DM's D... id, for chat.update
    assert outcome.message_ts is not None and outcome.attempts == 1
    assert slack.message(outcome.channel_id, outcome.message_ts) is not None
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.channel_id, row.message_ts) == (
        "sent",
        outcome.channel_id,
        outcome.message_ts,
    )
    assert row.sent_at == clock()
    for later in (clock(), clock() + LEASE * 2, clock() + timedelta(days=7)):
        again = await send_once(client, sessions, later, owner="b")
        assert again.result is Result.ALREADY_DONE
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_5xx_beyond_the_client_retries_backs_off_in_time_and_is_sent_once(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", status=503, times=10)

    async def attempt(result: Result, calls: int, *, retry_in: timedelta | None = None) -> None:
        outcome = await send_once(client, sessions, clock())
        assert outcome.result is result
        assert len(slack.calls_to("chat.postMessage")) == calls
        row = await ledger.status_of(sessions, KEY)
        assert row is not None
        if retry_in is not None:  # kept claimed until the backoff ends, with the reason
            assert (row.status, row.error, row.lease_until) == (
                "claimed",
                "service_unavailable",
                clock() + retry_in,
            )

    await attempt(Result.FAILED_TRANSIENT, REQUESTS_PER_CALL, retry_in=timedelta(minutes=1))
    clock.advance(seconds=59)  # still backing off: nothing is sent
    await attempt(Result.ALREADY_DONE, REQUESTS_PER_CALL)
    clock.advance(seconds=1)
    await attempt(Result.FAILED_TRANSIENT, 2 * REQUESTS_PER_CALL, retry_in=timedelta(minutes=2))
    clock.advance(minutes=1)
    await attempt(Result.ALREADY_DONE, 2 * REQUESTS_PER_CALL)
    clock.advance(minutes=1)
    await attempt(Result.SENT, 11)
    clock.advance(minutes=30)
    await attempt(Result.ALREADY_DONE, 11)
    assert len(successes(slack)) == 1
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and (row.status, row.attempts, row.error) == ("sent", 3, None)


async def test_a_retry_after_beyond_the_client_retries_is_honoured_by_the_backoff(
    sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    bare = build_client("xoxb-test", slack.url)
    bare.retry_handlers = []  # the 429 reaches the ledger, as after the client gave up
    slack.fail("chat.postMessage", status=429, retry_after=300, times=1)
    first = await send_once(bare, sessions, clock())
    assert first.result is Result.FAILED_TRANSIENT
    row = await ledger.status_of(sessions, KEY)
    assert row is not None and row.lease_until == clock() + timedelta(seconds=300)
    assert (await send_once(bare, sessions, clock.advance(minutes=4))).result is (
        Result.ALREADY_DONE
    )
    assert (await send_once(bare, sessions, clock.advance(minutes=1))).result is Result.SENT
    assert len(successes(slack)) == 1


async def test_429_is_retried_by_the_client_after_retry_after(
    client: AsyncWebClient,
    sessions: SessionFactory,
    slack: FakeSlack,
    clock: FakeClock,
    retry_waits: RecordedWaits,
) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    outcome = await send_once(client, sessions, clock())
    assert outcome.result is Result.SENT and outcome.attempts == 1
    limited, delivered = slack.calls_to("chat.postMessage")
    assert (limited.fault, limited.response_headers.get("Retry-After")) == ("http_429", "1")
    [wait] = retry_waits.seconds
    assert delivered.ok and 1 <= wait < 2  # Retry-After: 1 honoured, plus slack_sdk's jitter
    assert len(successes(slack)) == 1


async def test_channel_not_found_is_permanent_and_recorded(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.strict_channels = True
    key = DeliveryKey("T1", "digest", "C404", "2026-W48")
    outcome = await send_once(client, sessions, clock(), key=key, channel="C404")
    assert outcome.result is Result.FAILED_PERMANENT
    assert outcome.error == "channel_not_found"
    assert outcome.unreachable and not outcome.installation_broken
    row = await ledger.status_of(sessions, key)
    assert row is not None and (row.status, row.error) == ("failed", "channel_not_found")
    again = await send_once(client, sessions, clock.advance(days=1), key=key, channel="C404")
    assert again.result is Result.ALREADY_DONE
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("error", ["is_archived", "not_in_channel", "user_disabled"])
async def test_unreachable_recipients_are_permanent(
    client: AsyncWebClient,
    sessions: SessionFactory,
    slack: FakeSlack,
    clock: FakeClock,
    error: str,
) -> None:
    slack.add_channel("CARCHIVED", is_archived=True)
    slack.add_channel("COUTSIDE", is_member=False)
    slack.add_user("UGONE", deleted=True)
    channel = {"is_archived": "CARCHIVED", "not_in_channel": "COUTSIDE"}.get(error, "UGONE")
    key = DeliveryKey("T1", "digest", channel, "2026-W48")
    outcome = await send_once(client, sessions, clock(), key=key, channel=channel)
    assert (outcome.result, outcome.error, outcome.unreachable) == (
        Result.FAILED_PERMANENT,
        error,
        True,
    )


async def test_a_revoked_token_flags_the_installation_and_is_sent_once_fixed(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.valid_tokens = {"xoxb-someone-else"}
    outcome = await send_once(client, sessions, clock())
    assert (outcome.result, outcome.error) == (Result.FAILED_TRANSIENT, "invalid_auth")
    assert outcome.installation_broken and not outcome.unreachable
    row = await ledger.status_of(sessions, KEY)  # kept, not failed: nobody is given up on
    assert row is not None and (row.status, row.error) == ("claimed", "invalid_auth")
    slack.valid_tokens = {"xoxb-test"}
    fixed = await send_once(client, sessions, clock.advance(minutes=1))
    assert (fixed.result, fixed.attempts) == (Result.SENT, 2)
    assert len(successes(slack)) == 1


@pytest.mark.parametrize("error", ["account_inactive", "token_revoked", "missing_scope"])
async def test_deliver_all_stops_a_fan_out_at_a_token_problem(
    client: AsyncWebClient,
    sessions: SessionFactory,
    slack: FakeSlack,
    clock: FakeClock,
    error: str,
) -> None:
    slack.fail("chat.postMessage", error=error, times=100)
    items = [
        Item(
            client,
            sessions,
            DeliveryKey("T1", "prompt", f"U{i}", "2026-W48"),
            post(client, f"U{i}"),
            clock(),
            "a",
        )
        for i in range(20)
    ]
    outcomes = await deliver_all(items, concurrency=1)
    assert outcomes[0].installation_broken
    assert [o.result for o in outcomes[1:]] == [Result.DEFERRED] * 19
    assert {o.error for o in outcomes} == {error}
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await count_rows(sessions) == {"claimed": 1}  # the rest were never claimed


async def test_an_unknown_slack_error_is_retried_not_lost(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", error="something_new", times=1)
    first = await send_once(client, sessions, clock())
    assert (first.result, first.error) == (Result.FAILED_TRANSIENT, "something_new")
    second = await send_once(client, sessions, clock.advance(minutes=1))
    assert second.result is Result.SENT and second.attempts == 2
    assert len(successes(slack)) == 1


async def test_a_connection_error_is_transient(
    sessions: SessionFactory, clock: FakeClock, retry_waits: RecordedWaits
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = build_client("xoxb-test", f"http://127.0.0.1:{port}/api/", retry_sleep=retry_waits)
    outcome = await send_once(dead, sessions, clock())
    assert outcome.result is Result.FAILED_TRANSIENT
    assert outcome.error is not None and "ClientConnectorError" in outcome.error
    assert len(retry_waits.seconds) == MAX_RETRIES  # the client retried before giving up
    row = await ledger.status_of(sessions, KEY)
    retry_at = clock() + timedelta(minutes=1)
    assert row is not None and (row.status, row.lease_until) == ("claimed", retry_at)


async def test_a_timeout_is_transient(
    sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    impatient = build_client("xoxb-test", slack.url, timeout=1)
    slack.delay("chat.postMessage", 1.5, times=1)
    outcome = await send_once(impatient, sessions, clock())
    assert outcome.result is Result.FAILED_TRANSIENT
    assert outcome.error is not None and outcome.error.startswith("timeout")


async def test_a_bug_in_send_is_transient_and_logged(
    client: AsyncWebClient,
    sessions: SessionFactory,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> AsyncSlackResponse:
        raise KeyError("team_channel")

    outcome = await deliver(client, sessions, KEY, now=clock(), send=broken, owner="a")
    assert (outcome.result, outcome.error) == (Result.FAILED_TRANSIENT, "KeyError: 'team_channel'")
    assert "raised unexpectedly" in caplog.text


async def test_a_lease_shorter_than_one_request_is_refused(
    client: AsyncWebClient, sessions: SessionFactory, clock: FakeClock
) -> None:
    with pytest.raises(ValueError, match="lease"):
        await deliver(
            client,
            sessions,
            KEY,
            now=clock(),
            send=post(client, "U1"),
            lease=timedelta(seconds=5),
            owner="a",
        )
    assert await ledger.status_of(sessions, KEY) is None


# ------------------------------------------------------------------ crashes and races


async def test_a_crash_after_posting_never_posts_twice(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    dead = await ledger.claim(sessions, KEY, now=clock(), lease=LEASE, owner="dead")
    assert dead is not None
    posted = await client.chat_postMessage(channel="U1", text="Time for your check-in")
    await leave_posted(sessions, dead, channel_id=posted["channel"], message_ts=posted["ts"])
    # ...and the process dies before mark_sent.
    early = await send_once(client, sessions, clock() + timedelta(minutes=1), owner="b")
    assert early.result is Result.ALREADY_DONE  # the lease still runs
    outcome = await send_once(client, sessions, clock.advance(minutes=6), owner="b")
    assert outcome.result is Result.SENT
    assert (outcome.channel_id, outcome.message_ts) == (posted["channel"], posted["ts"])
    assert len(slack.calls_to("chat.postMessage")) == 1
    row = await ledger.status_of(sessions, KEY)
    assert row is not None
    assert (row.status, row.attempts, row.claimed_by, row.message_ts) == (
        "sent",
        2,
        "b",
        posted["ts"],
    )


async def test_a_crash_before_posting_is_sent_after_the_lease(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    assert await ledger.claim(sessions, KEY, now=clock(), lease=LEASE, owner="dead")
    assert (await send_once(client, sessions, clock(), owner="b")).result is Result.ALREADY_DONE
    outcome = await send_once(client, sessions, clock.advance(minutes=6), owner="b")
    assert outcome.result is Result.SENT and outcome.attempts == 2
    assert len(slack.calls_to("chat.postMessage")) == 1


CONCURRENT = 20


async def race(
    client: AsyncWebClient, replicas: list[SessionFactory], now: datetime
) -> list[Outcome]:
    start = asyncio.Event()

    async def one(i: int) -> Outcome:
        await start.wait()
        factory = replicas[i % len(replicas)]
        return await send_once(client, factory, now, owner=f"replica-{i}")

    tasks = [asyncio.create_task(one(i)) for i in range(CONCURRENT)]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


@pytest.fixture
async def two_replicas(db_url: str, clock: FakeClock) -> AsyncIterator[list[SessionFactory]]:
    """Two engines on one database (PostgreSQL from `postgres_url`, or one SQLite file)."""
    opened = [await open_ledger(db_url, clock()) for _ in range(2)]
    yield [factory for _, factory in opened]
    for engine, _ in opened:
        await engine.dispose()


async def test_concurrent_deliveries_of_one_key_post_once(
    client: AsyncWebClient, two_replicas: list[SessionFactory], slack: FakeSlack, clock: FakeClock
) -> None:
    slack.delay("chat.postMessage", 0.2)  # the winner is still sending while others claim
    outcomes = await race(client, two_replicas, clock())
    assert Counter(o.result for o in outcomes) == {
        Result.SENT: 1,
        Result.ALREADY_DONE: CONCURRENT - 1,
    }
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_concurrent_retries_of_a_failed_send_post_once(
    client: AsyncWebClient, two_replicas: list[SessionFactory], slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", status=503, times=REQUESTS_PER_CALL)
    first = await send_once(client, two_replicas[0], clock())
    assert first.result is Result.FAILED_TRANSIENT
    outcomes = await race(client, two_replicas, clock.advance(minutes=1))
    [sent] = [o for o in outcomes if o.result is Result.SENT]
    assert sent.attempts == 2
    assert len(successes(slack)) == 1


# ------------------------------------------------------------------------ fan-out


async def count_rows(sessions: SessionFactory) -> Counter[str]:
    async with sessions() as session:
        rows = await session.exec(
            select(Delivery.status, func.count()).group_by(Delivery.status)  # type: ignore[arg-type]
        )
        return Counter(dict(rows.all()))


async def test_deliver_all_isolates_a_permanent_failure(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.add_channel("C0137", is_archived=True)
    in_flight, peak = 0, 0

    def counted(channel: str) -> Send:
        async def send() -> AsyncSlackResponse:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await client.chat_postMessage(channel=channel, text="Digest")
            finally:
                in_flight -= 1

        return send

    items = [
        Item(
            client=client,
            sessions=sessions,
            key=DeliveryKey("T1", "digest", f"C{i:04d}", "2026-W48"),
            send=counted(f"C{i:04d}"),
            now=clock(),
            owner="a",
        )
        for i in range(200)
    ]
    outcomes = await deliver_all(items, concurrency=8)
    assert [o.key for o in outcomes] == [item.key for item in items]
    assert Counter(o.result for o in outcomes) == {Result.SENT: 199, Result.FAILED_PERMANENT: 1}
    [failed] = [o for o in outcomes if o.result is Result.FAILED_PERMANENT]
    assert (failed.key.recipient, failed.error, failed.unreachable) == (
        "C0137",
        "is_archived",
        True,
    )
    assert 1 < peak <= 8
    assert await count_rows(sessions) == {"sent": 199, "failed": 1}
    assert len(slack.calls_to("chat.postMessage")) == 200

    again = await deliver_all(items)
    assert {o.result for o in again} == {Result.ALREADY_DONE}
    assert len(slack.calls_to("chat.postMessage")) == 200


async def test_deliver_all_survives_exceptions_from_any_item(
    client: AsyncWebClient, sessions: SessionFactory, slack: FakeSlack, clock: FakeClock
) -> None:
    def item(workspace: str, recipient: str) -> Item:
        key = DeliveryKey(workspace, "nudge", recipient, "2026-W48")
        return Item(client, sessions, key, post(client, recipient), clock(), "a")

    items = [
        item("T1", "U1"),
        item("TUNKNOWN", "U2"),  # no workspace row: the claim itself raises (foreign key)
        item("T1", "U3"),
    ]
    outcomes = await deliver_all(items, concurrency=2)
    assert [o.result for o in outcomes] == [
        Result.SENT,
        Result.FAILED_TRANSIENT,
        Result.SENT,
    ]
    assert outcomes[1].error is not None and "IntegrityError" in outcomes[1].error
    assert len(slack.calls_to("chat.postMessage")) == 2
    with pytest.raises(ValueError, match="concurrency"):
        await deliver_all(items, concurrency=0)
