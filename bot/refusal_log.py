"""A log of refused requests that a stranger cannot flood: one short line per source a minute.

Anyone can send requests with a bad signature, as fast and as large as they like; logging
each (Bolt logs the whole body) lets them fill the disk and bury what matters. A real
misconfiguration (a wrong SLACK_SIGNING_SECRET) still shows: every minute, with a count.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

#: At most one line per source in this many seconds.
WINDOW_S = 60.0
#: Sources remembered at once; beyond it, new sources share one line a window.
MAX_SOURCES = 1024
OTHER_SOURCES = "other sources"


@dataclass
class _Window:
    started: float
    quiet: int = 0


class RefusalLog:
    """Logs a refusal as one WARNING line per source per window, saying how many refusals
    from that source went unlogged since its previous line."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        window_s: float = WINDOW_S,
        max_sources: int = MAX_SOURCES,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._window_s = window_s
        self._max_sources = max_sources
        self._now = now
        self._windows: dict[str, _Window] = {}

    def refused(self, source: str | None, status: int, reason: str) -> None:
        """Note that a request from `source` was answered `status` because of `reason`
        (a short fixed text: never the body or headers)."""
        now = self._now()
        key = self._key(source or "unknown", now)
        window = self._windows.get(key)
        if window is not None and now - window.started < self._window_s:
            window.quiet += 1
            return
        quiet = (
            f"; {window.quiet} more refused since its last line" if window and window.quiet else ""
        )
        self._windows[key] = _Window(now)
        self._log.warning("refused a request from %s with %d: %s%s", key, status, reason, quiet)

    def _key(self, source: str, now: float) -> str:
        """`source`, or the shared key while too many sources are remembered. Windows that
        ended are forgotten first (with any count they had not reported yet)."""
        if source in self._windows or len(self._windows) < self._max_sources:
            return source
        ended = [k for k, w in self._windows.items() if now - w.started >= self._window_s]
        for key in ended:
            del self._windows[key]
        return source if len(self._windows) < self._max_sources else OTHER_SOURCES
