"""How a job sends: ledger items that post with metadata naming their key, delivered in a
batch, with the people Slack calls gone marked so nobody prompts them again (and their
leads told), a token problem pausing the workspace, and what a closing window gives up
on kept for the report to the people who should know.

Every post carries its ledger key in its metadata, so a claim taken over from a killed
process first looks for the message it may have posted (`Item.find`) instead of posting
it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from okr.rhythm import Slot
from scheduler import ledger, undelivered
from scheduler.deliver import Item, Outcome, Result, deliver_all
from scheduler.pacing import Pacer
from scheduler.pauses import pause_on_token_problem
from scheduler.undelivered import GivenUp
from storage.context import Deps
from storage.rhythm import mark_inactive

log = logging.getLogger(__name__)

#: Errors that mean the person is gone: stop prompting them. Not `account_inactive`: Slack
#: says that of the bot token's own account (a token problem, see scheduler.pauses).
GONE = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot"})
METADATA_TYPE = "okr_delivery"
#: How many messages of the history `find` reads for an earlier post.
HISTORY_LIMIT = 50

#: A message, or a function building it once its claim is won.
Message = dict[str, Any] | Callable[[], dict[str, Any]]


def key_text(key: ledger.DeliveryKey) -> str:
    """The key as the post's metadata names it."""
    return f"{key.kind}|{key.recipient}|{key.period}"


class Sender:
    """The Slack client, the pacer and this process's ledger identity, shared by every
    job; `concurrency` is how many posts of a batch are under way at once."""

    def __init__(
        self, deps: Deps, client: AsyncWebClient, pacer: Pacer, *, concurrency: int = 8
    ) -> None:
        self.deps = deps
        self.client = client
        self.pacer = pacer
        self.concurrency = concurrency
        self.owner = ledger.process_owner()
        self._given_up: dict[str, list[GivenUp]] = {}

    def post(
        self,
        key: ledger.DeliveryKey,
        channel: str,
        message: Message,
        *,
        plain: Message | None = None,
        on_refused: Callable[[], Awaitable[None]] | None = None,
    ) -> Item:
        """A ledger item posting `message` to `channel` (a user id posts to their DM); a
        callable message is built only when its claim is won.

        `plain` is the same message without the blocks Slack may not know (charts): when
        Slack answers `invalid_blocks`, which posts nothing, `on_refused` is awaited and
        `plain` is posted instead, within the same claim, so the key still sends one
        message."""
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key_text(key)}}

        async def send() -> Any:
            body = message() if callable(message) else message
            await self.pacer.wait()
            try:
                return await self.client.chat_postMessage(
                    channel=channel, metadata=metadata, **body
                )
            except SlackApiError as exc:
                if plain is None or exc.response.get("error") != "invalid_blocks":
                    raise
                log.warning("Slack refused %s's blocks (%s): posting it plain", key, exc)
            if on_refused is not None:
                await on_refused()
            body = plain() if callable(plain) else plain
            await self.pacer.wait()
            return await self.client.chat_postMessage(channel=channel, metadata=metadata, **body)

        async def find() -> tuple[str, str] | None:
            return await self._find(key, channel)

        return Item(
            self.client, self.deps.sessions, key, send, self.deps.clock(), self.owner, find=find
        )

    async def _find(self, key: ledger.DeliveryKey, channel: str) -> tuple[str, str] | None:
        """(channel, ts) of an earlier post of `key` in `channel`'s recent history."""
        target = channel
        if channel.startswith(("U", "W")):
            opened = await self.client.conversations_open(users=channel)
            target = opened["channel"]["id"]
        history = await self.client.conversations_history(
            channel=target, limit=HISTORY_LIMIT, include_all_metadata=True
        )
        for posted in history.get("messages", []):
            payload = (posted.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key_text(key):
                return target, posted["ts"]
        return None

    async def deliver(self, items: Sequence[Item]) -> list[Outcome]:
        """Deliver a batch, `concurrency` at a time; outcomes in the items' order. A token
        problem pauses the workspace (the batch itself stopped at it)."""
        if not items:
            return []
        outcomes = await deliver_all(items, concurrency=self.concurrency)
        await pause_on_token_problem(self.deps, outcomes)
        return outcomes

    async def deliver_to_people(self, workspace_id: str, items: Sequence[Item]) -> list[Outcome]:
        """Deliver DMs to key-result owners; those Slack says are gone are marked inactive,
        so no job prompts them again, and their leads are told."""
        outcomes = await self.deliver(items)
        gone = [o for o in outcomes if o.result is Result.FAILED_PERMANENT and o.error in GONE]
        if gone:
            users = [o.key.recipient for o in gone]
            async with self.deps.sessions() as session:
                await mark_inactive(session, workspace_id, users, self.deps.clock())
                await session.commit()
            log.warning("marked inactive after Slack said they are gone: %s", users)
            await undelivered.report_gone(self, workspace_id, gone)
        return outcomes

    async def skip_stale(self, key: ledger.DeliveryKey, slot: Slot, now: datetime) -> None:
        """Record that `key`'s window closed before it was sent. After the bot's own
        downtime that is only logged; when Slack kept failing it, or the workspace's
        sends were paused meanwhile, it is kept for `report_given_up`."""
        row = await ledger.status_of(self.deps.sessions, key)
        skipped = await ledger.mark_skipped(
            self.deps.sessions, key, now=now, reason=f"stale: was due {slot.due.isoformat()}"
        )
        if not skipped:
            return
        async with self.deps.sessions() as session:
            entry = await undelivered.given_up(session, key, row, slot.due, now)
        if entry is not None:
            self._given_up.setdefault(key.workspace_id, []).append(entry)

    async def report_given_up(self, workspace_id: str) -> list[Outcome]:
        """Tell the leads (or admins) what this workspace's jobs gave up on since the last
        report."""
        return await undelivered.report_given_up(
            self, workspace_id, self._given_up.pop(workspace_id, [])
        )
