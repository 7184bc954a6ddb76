"""The database going wrong under a running bot, for real: another connection holding the
write lock, or the bot's sessions pointed at a database that cannot be reached."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from bot.runtime import Runtime
from storage.engine import create_engine


@asynccontextmanager
async def write_lock_held(db_url: str, table: str) -> AsyncIterator[None]:
    """Another connection holds the write lock until the block ends: on SQLite a
    `BEGIN IMMEDIATE` (every writer waits for it, up to the busy timeout), on PostgreSQL
    `LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` (every reader and writer of `table` waits)."""
    if db_url.startswith("sqlite"):
        other = sqlite3.connect(db_url.split(":///", 1)[1], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    conn = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await conn.execute("BEGIN")
        await conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield
        await conn.execute("ROLLBACK")
    finally:
        await conn.close()


@asynccontextmanager
async def database_unreachable(bot: Runtime, tmp_path: Path) -> AsyncIterator[None]:
    """The bot's sessions open connections to a database that is not there until the
    block ends: a SQLite file in a folder that does not exist, or a PostgreSQL port
    nothing listens on."""
    assert bot.deps is not None and bot.engine is not None
    if bot.settings.database_url.startswith("sqlite"):
        dead = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'okr.db'}")
    else:
        dead = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/okr")
    bot.deps.sessions.configure(bind=dead)
    try:
        yield
    finally:
        bot.deps.sessions.configure(bind=bot.engine)
        await dead.dispose()


async def settled(bot: Runtime, limit_s: float = 20.0) -> None:
    """Wait until no listener is at work (stores rolled back, posts made)."""
    for _ in range(int(limit_s / 0.02)):
        if bot.listener_tasks.running == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{bot.listener_tasks.running} listener(s) still running")
