"""The listeners Bolt is running after their ack, so shutdown can let them finish.

With process_before_response off, Bolt acks, answers Slack, and lets the listener go on
(storing a submission, posting its confirmation) in a task it keeps no handle to. Its
listener runner calls a start handler inside that task just before the listener: ours
remembers the task, so `drain` waits for exactly those tasks and nothing else.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)


class ListenerTasks(AsyncListenerStartHandler):
    """Bolt's start handler for one app, remembering each listener's task until it ends."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._then: AsyncListenerStartHandler | None = None

    def watch(self, app: AsyncApp) -> None:
        """Become `app`'s listener start handler, still running the one it had."""
        runner = app.listener_runner
        self._then = runner.listener_start_handler
        runner.listener_start_handler = self

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        if self._then is not None:
            await self._then.handle(request=request, response=response)

    @property
    def running(self) -> int:
        """How many listeners are still at work."""
        return len(self._running)

    async def drain(self, limit_s: float) -> list[str]:
        """Wait up to `limit_s` for the listeners still at work; log by name (listener, user
        and workspace, as handlers/failures.py names each task) those that were not done,
        and return those names."""
        if not self._running:
            return []
        _, still = await asyncio.wait(set(self._running), timeout=limit_s)
        names = sorted(task.get_name() for task in still)
        if names:
            log.error(
                "shut down after %g s with %d listener(s) unfinished: %s",
                limit_s,
                len(names),
                "; ".join(names),
            )
        return names
