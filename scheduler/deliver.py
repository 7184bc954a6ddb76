"""Send one scheduled Slack message exactly once, through the delivery ledger.

`deliver` claims the key, calls `send()` (which posts or updates through the Web API
client), and records the message's ts and the "sent" status in one write the moment the
answer comes back. The client's own retry handlers already absorbed short 429/5xx and
connection trouble, so a failure that reaches here is classified once:

- permanent: the recipient is gone or unreachable, or the request itself is wrong; never
  retried (the caller reports it to a person);
- transient: kept claimed with its lease ending after a backoff that grows in time
  (`retry_delay`: 1, 2, 4 ... minutes, at most an hour, never before Slack's Retry-After),
  so the first tick after that retries it, until its window closes;
- the installation is broken (a token problem: `account_inactive`, `invalid_auth` ...):
  kept claimed like a transient failure, marks nobody, and `deliver_all` stops the rest of
  the fan-out at once, since every send in the workspace would fail alike.

What is left is the one unavoidable window: a post Slack accepted whose answer never
reached us (a timeout after the write) looks like a transient failure. Posts carry
metadata naming their key, and a retry first looks for that post (`find`), so it is
recorded rather than posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from scheduler import ledger
from scheduler.ledger import Claim, DeliveryKey
from storage.engine import SessionFactory

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)

Send = Callable[[], Awaitable[AsyncSlackResponse]]
#: Looks in Slack for a message an earlier, interrupted attempt may have posted.
Find = Callable[[], Awaitable[tuple[str, str] | None]]

#: The recipient cannot be reached: tell the team lead once, or mark the member inactive.
#: A person problem, unlike a token problem below.
RECIPIENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
    }
)
#: The installation is broken (token, scopes, workspace access): every delivery will fail
#: until an operator fixes it, and then every one should go out. `account_inactive` is
#: Slack's word for the bot token's own account, not for the recipient.
INSTALLATION_ERRORS = frozenset(
    {
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "team_access_not_granted",
    }
)
#: The request itself is wrong: sending the same payload again gets the same answer.
REQUEST_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
    }
)
PERMANENT_ERRORS = RECIPIENT_ERRORS | REQUEST_ERRORS

#: The first retry of a transient failure waits this long; each next one twice as long.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


class Result(StrEnum):
    SENT = "sent"
    ALREADY_DONE = "already_done"
    FAILED_PERMANENT = "failed_permanent"
    FAILED_TRANSIENT = "failed_transient"
    #: Not tried: the workspace's token failed on another send of the same fan-out.
    DEFERRED = "deferred"


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """How long a delivery that failed on its `attempts`-th try waits before the next.

    Doubling from a minute, capped at an hour: a five-minute Slack outage costs a few
    tries, a day-long one about thirty, and a Retry-After Slack asked for is honoured."""
    doubled = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 12))
    delay = min(doubled, LONGEST_RETRY)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


@dataclass(frozen=True)
class Outcome:
    """What one `deliver` call did. ALREADY_DONE: sent, failed or skipped before, or being
    sent right now by another claimer; either way nothing for this caller to do."""

    result: Result
    key: DeliveryKey
    error: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    attempts: int = 0

    @property
    def unreachable(self) -> bool:
        """The recipient is gone, archived or not joined: report it, don't retry it."""
        return self.result is Result.FAILED_PERMANENT and self.error in RECIPIENT_ERRORS

    @property
    def installation_broken(self) -> bool:
        """Token or scopes are wrong: every delivery in the workspace will fail alike
        (kept claimed and retried after a backoff, so it goes out once that is fixed)."""
        return self.result is Result.FAILED_TRANSIENT and self.error in INSTALLATION_ERRORS


async def deliver(
    client: AsyncWebClient,
    sessions: SessionFactory,
    key: DeliveryKey,
    *,
    now: datetime,
    send: Send,
    lease: timedelta = DEFAULT_LEASE,
    owner: str,
    find: Find | None = None,
) -> Outcome:
    """Claim `key`, send it, record it; never post a message the ledger saw posted.

    A claim taken over from a sender that died may have posted without recording it (the
    process was killed during the request). `find`, when given, looks for that message in
    Slack first (by the metadata the send put on it), so it is recorded, not posted twice.

    `client` is the one `send` talks through; a lease that could lapse during a single
    request of it would let another replica post the same message, so that is refused.
    """
    if lease.total_seconds() <= (client.timeout or 0):
        raise ValueError(f"lease {lease} must outlast one request ({client.timeout} s)")
    held = await ledger.claim(sessions, key, now=now, lease=lease, owner=owner)
    if held is None:
        return Outcome(Result.ALREADY_DONE, key)
    if held.posted:
        # An earlier attempt posted and died before marking it sent: finish, don't repost.
        return await _finish(sessions, held, now, held.channel_id, held.message_ts)
    if held.attempts > 1 and find is not None:
        try:
            found = await find()
        except Exception as exc:  # looking is a courtesy: post rather than lose it
            log.warning("could not look for an earlier post of %s: %r", key, exc)
            found = None
        if found is not None:
            channel_id, message_ts = found
            return await _finish(sessions, held, now, channel_id, message_ts)
    try:
        response = await send()
    except Exception as exc:  # CancelledError is not one: the claim then lapses
        return await _failed(sessions, held, now, exc)
    # One write records the ts and the "sent" status together: a crash before it is the
    # same crash as before a separate "posted" mark would have been (and `find` covers it).
    channel_id, message_ts = _where(response)
    return await _finish(sessions, held, now, channel_id, message_ts)


@dataclass(frozen=True)
class Item:
    """One delivery for `deliver_all`: the arguments of one `deliver` call."""

    client: AsyncWebClient
    sessions: SessionFactory
    key: DeliveryKey
    send: Send
    now: datetime
    owner: str
    lease: timedelta = DEFAULT_LEASE
    find: Find | None = None

    async def run(self) -> Outcome:
        return await deliver(
            self.client,
            self.sessions,
            self.key,
            now=self.now,
            send=self.send,
            lease=self.lease,
            owner=self.owner,
            find=self.find,
        )


async def deliver_all(items: Iterable[Item], *, concurrency: int = 8) -> list[Outcome]:
    """Deliver every item, at most `concurrency` at a time; outcomes in the items' order.

    One item's failure, even an exception from the database, becomes that item's
    FAILED_TRANSIENT outcome and never stops the others (its claim lapses and is retried).
    A token problem is different: every send would fail alike, so the items not yet
    started are left unclaimed (DEFERRED) for the tick after the token works again.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    gate = asyncio.Semaphore(concurrency)
    broken: list[Outcome] = []

    async def one(item: Item) -> Outcome:
        async with gate:
            if broken:
                return Outcome(Result.DEFERRED, item.key, error=broken[0].error)
            try:
                outcome = await item.run()
            except Exception as exc:
                log.exception("delivery %s raised", item.key)
                return Outcome(Result.FAILED_TRANSIENT, item.key, error=_describe(exc))
            if outcome.installation_broken:
                broken.append(outcome)
            return outcome

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(item)) for item in items]
    outcomes = [task.result() for task in tasks]
    if outcomes:
        counts = Counter(outcome.result.value for outcome in outcomes)
        log.info("delivered %d: %s", len(outcomes), dict(sorted(counts.items())))
    return outcomes


def classify(exc: Exception) -> tuple[bool, str]:
    """(permanent, error) for a failed send.

    HTTP 429 and 5xx reaching here outlived the client's retries: transient. A Slack error
    is permanent when it is known to repeat for this message; a token problem is not (it
    is fixed once for the whole workspace), and an unknown error is retried until the
    window closes rather than a message lost to a guess.
    """
    if isinstance(exc, SlackApiError):
        status, error = _status_and_error(exc.response)
        if status == 429 or status >= 500:
            return False, error or f"http_{status}"
        return error in PERMANENT_ERRORS, error or f"http_{status}"
    if isinstance(exc, TimeoutError):  # asyncio's, and aiohttp's ServerTimeoutError
        return False, f"timeout: {_describe(exc)}"
    return False, _describe(exc)


async def _finish(
    sessions: SessionFactory,
    held: Claim,
    now: datetime,
    channel_id: str | None,
    message_ts: str | None,
) -> Outcome:
    await ledger.mark_sent(sessions, held, now=now, channel_id=channel_id, message_ts=message_ts)
    return Outcome(Result.SENT, held.key, None, channel_id, message_ts, held.attempts)


async def _failed(sessions: SessionFactory, held: Claim, now: datetime, exc: Exception) -> Outcome:
    permanent, error = classify(exc)
    if not isinstance(exc, SlackApiError | TimeoutError | OSError | aiohttp.ClientError):
        log.error("sending %s raised unexpectedly", held.key, exc_info=exc)
    retry_at = now + retry_delay(held.attempts, _retry_after(exc))
    status = await ledger.mark_failed(
        sessions, held, now=now, error=error, permanent=permanent, retry_at=retry_at
    )
    if status == ledger.FAILED:
        return Outcome(Result.FAILED_PERMANENT, held.key, error, attempts=held.attempts)
    log.info(
        "delivery %s failed (attempt %d), will retry at %s: %s",
        held.key,
        held.attempts,
        retry_at.isoformat(),
        error,
    )
    return Outcome(Result.FAILED_TRANSIENT, held.key, error, attempts=held.attempts)


def _retry_after(exc: Exception) -> float | None:
    """Seconds Slack asked us to wait (a 429 the client's own retries did not outlast)."""
    if not isinstance(exc, SlackApiError):
        return None
    headers = getattr(exc.response, "headers", None) or {}
    try:
        value = headers.get("Retry-After") or headers.get("retry-after")
        return float(value) if value is not None else None
    except (TypeError, ValueError, AttributeError):
        return None


def _where(response: AsyncSlackResponse) -> tuple[str | None, str | None]:
    """The channel and ts a chat.* answer names (DMs answer with the D... channel)."""
    channel = response.get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    ts = response.get("ts") or response.get("message_ts")
    return (
        channel if isinstance(channel, str) else None,
        ts if isinstance(ts, str) else None,
    )


def _status_and_error(response: Any) -> tuple[int, str | None]:
    """From an AsyncSlackResponse, or the raw aiohttp response slack_sdk sometimes attaches."""
    status = getattr(response, "status_code", None) or getattr(response, "status", None) or 0
    error = None
    if hasattr(response, "get"):
        try:
            error = response.get("error")
        except (TypeError, AttributeError):
            error = None
    return int(status), error if isinstance(error, str) else None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
