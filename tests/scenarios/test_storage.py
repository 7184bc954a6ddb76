"""Storage on both backends: migrations match the models, pragmas, types, constraints."""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, session_factory
from storage.migrate import current_revision, head_revision, is_at_head, upgrade_to_head
from storage.models import ALL_TABLES, Cycle, Delivery, Objective, Team, Workspace

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(db_url)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


async def test_migrations_reach_head_and_match_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    assert await current_revision(engine) == head_revision()
    assert await is_at_head(engine)

    def diff(sync_conn):  # type: ignore[no-untyped-def]
        with warnings.catch_warnings():
            # SQLite cannot reflect the lower(name) index, so Alembic skips comparing it
            # there (PostgreSQL compares it); the case test below proves it exists.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            return compare_metadata(MigrationContext.configure(sync_conn), ALL_TABLES)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_upgrade_is_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    await upgrade_to_head(engine)
    assert await is_at_head(engine)


async def test_every_table_carries_the_workspace(engine) -> None:  # type: ignore[no-untyped-def]
    def tables(sync_conn):  # type: ignore[no-untyped-def]
        inspector = inspect(sync_conn)
        return {
            name: {c["name"] for c in inspector.get_columns(name)}
            for name in inspector.get_table_names()
            if name != "alembic_version"
        }

    async with engine.connect() as conn:
        found = await conn.run_sync(tables)
    expected = {
        "workspaces",
        "people",
        "teams",
        "team_members",
        "cycles",
        "objectives",
        "key_results",
        "check_ins",
        "target_revisions",
        "deliveries",
        "away_spells",
        "team_pauses",
        "kudos",
        "kr_dependencies",
    }
    assert set(found) == expected
    for name, columns in found.items():
        assert "workspace_id" in columns or name == "workspaces", name


async def test_times_come_back_aware_in_utc(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    shanghai = timezone(timedelta(hours=8))
    async with sessions() as session:
        session.add(Workspace(id="T1", name="Acme", created_at=NOW.astimezone(shanghai)))
        await session.commit()
    async with sessions() as session:
        stored = (await session.exec(select(Workspace))).one()  # type: ignore[attr-defined]
    assert stored.created_at == NOW
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(engine) -> None:  # type: ignore[no-untyped-def]
    async with session_factory(engine)() as session:
        session.add(Workspace(id="T1", created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive"):
            await session.commit()


async def test_ledger_claims_are_unique(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(Workspace(id="T1", created_at=NOW))
        await session.commit()

    def claim() -> Delivery:
        return Delivery(
            workspace_id="T1",
            kind="prompt",
            recipient="U1",
            period="2026-W48",
            claimed_at=NOW,
            lease_until=NOW + timedelta(minutes=5),
        )

    async with sessions() as session:
        session.add(claim())
        await session.commit()
    async with sessions() as session:
        session.add(claim())
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_foreign_keys_are_enforced(engine) -> None:  # type: ignore[no-untyped-def]
    async with session_factory(engine)() as session:
        session.add(
            Cycle(
                workspace_id="T-missing",
                name="Q1",
                start_date=date(2026, 1, 1),
                end_date=date(2026, 3, 31),
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_deleting_a_workspace_cascades(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(Workspace(id="T1", created_at=NOW))
        await session.flush()
        cycle = Cycle(
            workspace_id="T1", name="Q4", start_date=date(2026, 10, 1), end_date=date(2026, 12, 31)
        )
        session.add(cycle)
        await session.flush()
        session.add(
            Objective(
                workspace_id="T1",
                cycle_id=cycle.id,
                level="team",
                title="Grow",
                owner_id="U1",
                created_by="U1",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        await session.commit()
    async with sessions() as session:
        await session.exec(delete(Workspace).where(Workspace.id == "T1"))  # type: ignore[call-overload]
        await session.commit()
        left = (await session.exec(select(func.count()).select_from(Objective))).one()
    assert left == 0


async def test_sqlite_connections_get_their_pragmas(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, fks, busy) == ("wal", 1, SQLITE_BUSY_TIMEOUT_MS)
    assert SQLITE_BUSY_TIMEOUT_MS >= 5000


async def test_replicas_migrating_at_once_both_succeed(postgres_url: str | None) -> None:
    """Two replicas starting together on one fresh PostgreSQL database must not both
    create the tables (SQLite is one process's file: not a replica set-up)."""
    if postgres_url is None:
        pytest.skip("no PostgreSQL reachable")
    db_url = postgres_url
    wiper = create_engine(db_url)
    async with wiper.begin() as conn:  # start from an empty schema
        names = ", ".join(f'"{t.name}"' for t in ALL_TABLES.sorted_tables)
        await conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
    await wiper.dispose()
    engines = [create_engine(db_url) for _ in range(2)]
    try:
        await asyncio.gather(*(upgrade_to_head(e) for e in engines))
        assert await is_at_head(engines[0])
    finally:
        for e in engines:
            await e.dispose()


async def test_team_names_are_unique_whatever_their_case(engine) -> None:  # type: ignore[no-untyped-def]
    """Two leads saving "Sales" and "sales" at once: the app's own check can race, the
    index cannot."""
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(Workspace(id="T1", created_at=NOW))
        await session.flush()
        session.add(Team(workspace_id="T1", name="Sales", created_by="U1", created_at=NOW))
        await session.commit()
    async with sessions() as session:
        session.add(Team(workspace_id="T1", name="sales", created_by="U2", created_at=NOW))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with sessions() as session:
        session.add(Workspace(id="T2", created_at=NOW))
        await session.flush()
        session.add(Team(workspace_id="T2", name="sales", created_by="U3", created_at=NOW))
        await session.commit()  # another workspace may use the name
