"""Logging set-up: one line per event, level from LOG_LEVEL."""

from __future__ import annotations

import logging

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _DropTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that our
    client (same token, plus base URL and retries) wins; that is intended, so drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


#: One instance, so configuring twice adds it once (a logger keeps a filter only once).
_TOKEN_SKIPPED = _DropTokenSkippedWarning()


def configure(level: int) -> None:
    logging.basicConfig(level=level, format=FORMAT, force=True)
    # Bolt logs every unhandled request with a long code suggestion; ours are logged once
    # by handlers.fallback, so keep Bolt to real problems.
    logging.getLogger("slack_bolt").setLevel(max(level, logging.WARNING))
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_TOKEN_SKIPPED)
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    # Alembic logs "Context impl" on every health check; migrations are logged by us.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
    logging.getLogger("aiohttp.access").setLevel(max(level, logging.WARNING))
