"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg).

SQLite gets WAL, a busy timeout and foreign keys on every new connection, because those
pragmas are per connection and the pool opens connections lazily. Stores with a deadline
(a submission stored before Slack's 3 s) get a shorter wait for the write lock
(`waiting_at_most`) and take turns for it within the process (`write_turn`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from weakref import WeakKeyDictionary

from asyncpg.exceptions import (
    InsufficientResourcesError,
    OperatorInterventionError,
    PostgresConnectionError,
)
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import SessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.orm.session import Session

#: How long a SQLite writer waits for the write lock. Every write is a short transaction,
#: but a Monday burst (dozens of check-ins while the scheduler records deliveries) queues
#: them on one file; waiting beats failing a rep's check-in with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15000

SessionFactory = async_sessionmaker[AsyncSession]

#: What the floors above name from here instead of importing SQLAlchemy themselves: the
#: session type storage functions take, the error a unique constraint raises when two
#: saves race (it surfaces at flush or commit), and how to tell an outage from a bug.
__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "AsyncSession",
    "IntegrityError",
    "SessionFactory",
    "create_engine",
    "session_factory",
    "unreachable",
    "waiting_at_most",
    "write_turn",
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
    return async_sessionmaker(
        engine, expire_on_commit=False, class_=AsyncSession, sync_session_class=_Session
    )


#: Where a session notes how long its SQLite writes may wait for the lock.
_LOCK_WAIT_S = "lock_wait_s"


def waiting_at_most(sessions: SessionFactory, lock_wait_s: float) -> AsyncSession:
    """A session for a store with a deadline (a submission stored before Slack's 3 s):
    on SQLite its writes wait at most `lock_wait_s` for the write lock instead of the busy
    timeout, then fail with "database is locked" (rolled back, nothing stored).

    Cancelling a SQLite statement that waits for the lock does not stop it, and the
    connection it leaves behind keeps the lock once it gets it, until the statement is
    freed; failing in time by itself leaves nothing behind. PostgreSQL's lock waits are
    cancelled cleanly (the server aborts the statement): there this is a plain session."""
    return sessions(info={_LOCK_WAIT_S: lock_wait_s})


#: One queue per SQLite engine for the writes of `write_turn`.
_WRITERS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


@asynccontextmanager
async def write_turn(session: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, the writes (and commit) in this block take turns with every other
    `write_turn` of this process, first come first served, instead of polling for the
    write lock against each other: SQLite's busy handler is not fair, so under a burst of
    check-ins some waited for seconds while later ones went first. A write cancelled while
    it waits for its turn has touched nothing. PostgreSQL locks rows, not the database:
    there this does nothing."""
    engine = session.bind.sync_engine
    if engine.dialect.name != "sqlite":
        yield
        return
    async with _WRITERS.setdefault(engine, asyncio.Lock()):
        yield


class _Session(Session):
    """The sync session under each AsyncSession: it carries the lock-wait hook below."""


@event.listens_for(_Session, "after_begin")
def _lock_wait(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    """Set the SQLite busy timeout this session asked for (the engine's otherwise) on the
    connection it begins with; a connection remembers its setting, so the PRAGMA runs only
    when the setting changes."""
    if connection.dialect.name != "sqlite":
        return
    wait_s = session.info.get(_LOCK_WAIT_S)
    busy_ms = SQLITE_BUSY_TIMEOUT_MS if wait_s is None else int(wait_s * 1000)
    remembered = connection.connection.info
    if remembered.get("busy_timeout_ms", SQLITE_BUSY_TIMEOUT_MS) != busy_ms:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
        remembered["busy_timeout_ms"] = busy_ms


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be used right now (down, refusing
    connections, locked past the busy timeout, out of pooled connections) rather than that
    a statement is wrong: the first is worth trying again in a minute, the second is not.

    While connecting, asyncpg raises its own errors unwrapped (a server shutting down, too
    many connections) and refusals as the builtin ConnectionError, which the Slack
    client's errors are not (aiohttp's are not ConnectionError subclasses)."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | ConnectionError):
        return True
    if isinstance(exc, _CONNECTING):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


_CONNECTING = (PostgresConnectionError, OperatorInterventionError, InsufficientResourcesError)
