"""A clock tests set by hand, so nothing waits for real time to pass."""

from __future__ import annotations

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
