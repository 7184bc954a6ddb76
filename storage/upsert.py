"""INSERT ... ON CONFLICT, written once for SQLite and PostgreSQL.

Both databases take the same statement, but SQLAlchemy builds it with each dialect's own
`insert`; the session's engine says which. Race-safe creation (a workspace, a quarter, a
check-in submitted twice, a delivery claimed by two replicas) and refreshing a person all
go through here, so that choice is made in one place. Callers chain `.values(...)` (and
`.returning(...)` to learn whether the row was new) as on any insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

DialectInsert = postgresql.Insert | sqlite.Insert


def insert_new(
    session: AsyncSession, model: type[SQLModel], *, unique: Sequence[str]
) -> DialectInsert:
    """INSERT ... ON CONFLICT (`unique`) DO NOTHING: a row that exists stays as it is."""
    return _insert(session, model).on_conflict_do_nothing(index_elements=list(unique))


def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    *,
    unique: Sequence[str],
    update: Mapping[str, Any],
) -> DialectInsert:
    """INSERT ... ON CONFLICT (`unique`) DO UPDATE SET `update`: insert, or refresh the row."""
    return _insert(session, model).on_conflict_do_update(
        index_elements=list(unique), set_=dict(update)
    )


def _insert(session: AsyncSession, model: type[SQLModel]) -> DialectInsert:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
