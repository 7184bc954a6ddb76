"""Each reader's language, remembered for a minute, so that answering a request costs no
query for it (the `/okr` ack is measured against a bare Bolt ack: bench/ack_latency.py).

A change made through this process (`/okr lang`) replaces the entry at once; one made
through another replica reaches this one when the entry expires, within `TTL_S`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: How long a language is trusted without reading the person's row again.
TTL_S = 60.0
#: How many people are remembered (the oldest half is dropped when full).
MAX_ENTRIES = 10_000

Key = tuple[str, str]


class LangCache:
    """(workspace, user) -> language, each entry for `ttl` seconds."""

    def __init__(
        self,
        ttl: float = TTL_S,
        size: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: dict[Key, tuple[float, str]] = {}

    def get(self, key: Key) -> str | None:
        found = self._entries.get(key)
        if found is None or found[0] <= self.clock():
            return None
        return found[1]

    def put(self, key: Key, lang: str) -> None:
        if len(self._entries) >= self.size:
            for old in list(self._entries)[: self.size // 2]:
                del self._entries[old]
        self._entries.pop(key, None)
        self._entries[key] = (self.clock() + self.ttl, lang)
