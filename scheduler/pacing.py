"""Pacing a fan-out to Slack's rate limits instead of running into them.

Slack limits chat.postMessage per workspace (and per channel). Hitting the limit costs a
429 and a Retry-After pause for that one request while the others keep hitting it, so a
fan-out paces itself: a token bucket at the configured rate, and a pause for everyone
when Slack says Retry-After anyway (the client's retry handler reports it here).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """At most `rate` sends a second, shared by every concurrent sender of a fan-out."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._clock = clock
        self._next = clock()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Wait for this sender's turn."""
        async with self._lock:
            now = self._clock()
            turn = max(self._next, now)
            self._next = turn + 1 / self.rate
        if turn > now:
            await asyncio.sleep(turn - now)

    def pause(self, seconds: float) -> None:
        """Slack answered 429: nobody sends before `seconds` from now."""
        self._next = max(self._next, self._clock() + seconds)
