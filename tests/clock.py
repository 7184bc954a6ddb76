"""A clock tests set by hand, and a sleep that only records, so nothing waits for real
time to pass."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class FakeClock:
    """Callable like `storage.context.system_clock`; starts at a fixed Monday morning."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("use an aware datetime")
        self.now = when

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class RecordedWaits:
    """A `bot.slack_client.Sleep` for the client's retry handlers: each wait is recorded
    and none is slept, so a test proves how long the bot would wait (Retry-After honoured,
    the back-off) without spending that time."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        await asyncio.sleep(0)  # still yield, as a real wait does
