"""Alembic environment: run with the connection handed over by storage.migrate, or
build an async engine from `sqlalchemy.url` when Alembic's own CLI is used."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from storage.engine import create_engine
from storage.models import ALL_TABLES

config = context.config
target_metadata = ALL_TABLES


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url (or use `okr-bot migrate`)")
    asyncio.run(_run_with_url(url))


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; use `okr-bot migrate`")
run_migrations_online()
