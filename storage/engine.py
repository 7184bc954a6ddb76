"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg).

SQLite gets WAL, a busy timeout and foreign keys on every new connection, because those
pragmas are per connection and the pool opens connections lazily.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

#: How long a SQLite writer waits for the write lock. Every write is a short transaction,
#: but a Monday burst (dozens of check-ins while the scheduler records deliveries) queues
#: them on one file; waiting beats failing a rep's check-in with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15000

SessionFactory = async_sessionmaker[AsyncSession]

#: What the floors above name from here instead of importing SQLAlchemy themselves: the
#: session type storage functions take, and the error a unique constraint raises when two
#: saves race (it surfaces at flush or commit).
__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "AsyncSession",
    "IntegrityError",
    "SessionFactory",
    "create_engine",
    "session_factory",
]


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url`, tuned for the backend it names."""
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded attributes after commit: no lazy loads in async code."""
    return async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)
