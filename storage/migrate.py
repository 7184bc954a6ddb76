"""Alembic, driven from code: `okr-bot migrate`, start-up, health checks and tests.

Several replicas may start at once against one PostgreSQL database, so the upgrade runs
under a transaction-scoped advisory lock; the second replica waits, then finds head.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Arbitrary constant key for pg_advisory_xact_lock ("okr" in ASCII).
ADVISORY_LOCK_KEY = 0x6F6B72

log = logging.getLogger(__name__)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, with no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every pending migration."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        before = await conn.run_sync(_revision_of)
        await conn.run_sync(_upgrade)
    head = head_revision()
    if before != head:
        log.info("database migrated from %s to %s", before or "empty", head)


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_revision_of)


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def is_at_head(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
