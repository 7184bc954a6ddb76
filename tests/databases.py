"""Test databases: a fresh SQLite file per test, and one fresh PostgreSQL database per run.

The PostgreSQL server outlives test runs (and CI shares it), so each run creates a database
of its own with a unique name and drops it at the end; between tests its tables are
truncated. Without a reachable server those cases skip, unless OKR_REQUIRE_POSTGRES is set
(CI), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import asyncpg
from sqlalchemy import text

from storage.engine import create_engine
from storage.migrate import is_at_head, upgrade_to_head
from storage.models import ALL_TABLES

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_SERVER)


def postgres_required() -> bool:
    return os.environ.get("OKR_REQUIRE_POSTGRES", "") not in {"", "0", "false"}


def _with_database(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(server_url(), timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _blocking(coro: Coroutine[Any, Any, None]) -> None:
    """Run `coro` to completion on a private loop: session fixtures may be set up from
    inside the test's running loop, where asyncio.run() is not allowed."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """Yield the async URL of a fresh, migrated database, or None when there is no server."""
    name = f"okr_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        _blocking(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if postgres_required():
            raise RuntimeError(f"PostgreSQL at {server_url()} is required: {exc!r}") from exc
        yield None
        return
    url = _with_database(server_url(), name).replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        _blocking(_migrate(url))
        yield url
    finally:
        _blocking(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def reset_database(url: str) -> None:
    """Empty every table between tests (PostgreSQL; SQLite tests get a new file instead).

    A test may leave the schema itself changed (the health check test forgets the
    migration stamp); then the schema is dropped and migrated again.
    """
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in ALL_TABLES.sorted_tables)
    try:
        if await is_at_head(engine):
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
