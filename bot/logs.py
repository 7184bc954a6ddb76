"""Logging set-up: one line per event, level from LOG_LEVEL."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: int) -> None:
    logging.basicConfig(level=level, format=FORMAT, force=True)
    # Bolt logs every unhandled request with a long code suggestion; ours are logged once
    # by handlers.fallback, so keep Bolt to real problems.
    logging.getLogger("slack_bolt").setLevel(max(level, logging.WARNING))
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    # Alembic logs "Context impl" on every health check; migrations are logged by us.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
    logging.getLogger("aiohttp.access").setLevel(max(level, logging.WARNING))
