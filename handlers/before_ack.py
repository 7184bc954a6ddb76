"""Storing a submission before its ack, within Slack's 3 s.

A check-in, a new objective or an edit is stored before Slack is answered, so the modal
closes only once the work is in the database; when the database is busy or down, the
modal stays open and says so (handlers/failures.py answers it) and nothing is stored.

Two bounds keep the answer in time. The store's SQLite writes wait at most 2 s for the
write lock (`store_session`), then fail by themselves with nothing stored: cancelling a
SQLite statement that waits for the lock cannot stop it. And the whole store runs as its
own task with a 2.5 s budget (`in_time`): past it, the task is cancelled (on PostgreSQL
the server aborts the statement and the transaction rolls back) while the listener
answers, then waits for the task to end (`OutOfTime.settled`), so shutdown knows the work
is still running. Why not `asyncio.timeout` around the store: leaving its block waits for
the cancelled store's clean-up, which can outlast Slack's deadline.

Cancelled in the middle of its commit, a store may have been saved after all; the person
is told it was not, and when they submit again the repeat is recognised by its view id
(check-ins, new objectives) or refused as stale with who changed what (edits).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from storage.context import Deps
from storage.engine import AsyncSession, waiting_at_most

#: Slack waits 3 s for the answer to a submission; what storing it may take of that.
STORE_BUDGET_S = 2.5
#: How long a SQLite write of such a store waits for the lock: well inside the budget.
STORE_LOCK_WAIT_S = 2.0

T = TypeVar("T")


class OutOfTime(Exception):
    """The store did not finish within its budget and was cancelled: nothing is saved."""

    def __init__(self, task: asyncio.Task[Any], budget_s: float) -> None:
        super().__init__(f"the database did not answer within {budget_s:g} s")
        self._task: asyncio.Task[Any] | None = task

    async def settled(self) -> None:
        """Wait until the cancelled store has ended (its transaction rolled back), then let
        go of it: the task holds the statement it was cancelled in, and a SQLite
        connection whose statement is still held keeps its lock."""
        task, self._task = self._task, None
        if task is not None:
            await asyncio.wait({task})


def store_session(deps: Deps) -> AsyncSession:
    """A session for a store made before the ack: its SQLite writes give up on a database
    locked by someone else within STORE_LOCK_WAIT_S. Its writes go in a `write_turn`."""
    return waiting_at_most(deps.sessions, STORE_LOCK_WAIT_S)


async def in_time(work: Coroutine[Any, Any, T], budget_s: float = STORE_BUDGET_S) -> T:
    """`work`'s result if it finishes within `budget_s`; its exception if it fails; else
    OutOfTime, with `work` cancelled."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task}, timeout=budget_s)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task.done():
        return task.result()
    task.cancel()
    raise OutOfTime(task, budget_s)
