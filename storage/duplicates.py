"""The rows the duplicate check reads: other teams' live key results of one cycle, and the
few it ends up naming.

`duplicate_candidates` is one statement whatever the workspace's size, reading only the
columns the comparison needs (id, title, unit, currency, period) of the rows that could
match at all: measured like one of the KRs being saved, and sharing a word with one of
them. The scoring happens in memory (handlers/duplicates.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol, cast

from sqlalchemy import and_, any_, func, or_
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.duplicates import MeasureKey
from okr.kr_reading import StoredKR
from storage.dependencies import add_dependency
from storage.models import KeyResult, KRDependency, Objective, Team


class Candidate(NamedTuple):
    """Another team's KR as the comparison reads it."""

    id: int
    title: str
    unit: str
    currency: str | None
    period: str | None


class NamedKR(StoredKR, Protocol):
    """A hinted KR as `named_krs` reads it: what its sentence needs (okr.kr_reading's
    StoredKR, the columns labelled so), its id, owner and team's name."""

    @property
    def id(self) -> int: ...
    @property
    def owner_id(self) -> str: ...
    @property
    def team_name(self) -> str | None: ...


def _measure_filter(measures: Collection[MeasureKey]) -> ColumnElement[bool]:
    """KRs of one of `measures` (unit, currency of money, quota period)."""
    alternatives = []
    for unit, currency, period in sorted(measures, key=repr):
        parts = [KeyResult.unit == unit]
        if currency is not None:
            parts.append(KeyResult.currency == currency)
        parts.append(
            col(KeyResult.period).is_(None) if period is None else KeyResult.period == period
        )
        alternatives.append(and_(*parts))
    return or_(*alternatives)


def _pattern(word: str) -> str:
    """`%word%` for LIKE, its wildcards escaped (a token is letters and digits; this is
    for a `_` or `%` a processor ever lets through)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def duplicate_candidates(
    session: AsyncSession,
    workspace_id: str,
    cycle_id: int,
    *,
    exclude_team_ids: Collection[int],
    measures: Collection[MeasureKey],
    words: Collection[str],
) -> list[Candidate]:
    """Live KRs of live team objectives of `cycle_id`, of teams other than
    `exclude_team_ids`, measured like one of `measures`, whose lowercased title contains
    one of `words` (lowercase: a title sharing no word cannot be a duplicate, so most rows
    stay in the database): one statement."""
    if not measures or not words:
        return []
    patterns = [_pattern(word) for word in sorted(words)]
    title = col(KeyResult.title)
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        # SQLite's LIKE ignores ASCII case by itself (lower() per row would double the scan)
        shares_a_word = or_(*(title.like(p, escape="\\") for p in patterns))
    else:  # lower() once per row, not one ILIKE per word: a third of the scan's time
        shares_a_word = func.lower(title).like(any_(pg_array(patterns)))
    objectives = (
        select(Objective.id)
        .join(Team, col(Team.id) == Objective.team_id)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.archived_at).is_(None),
            col(Team.archived_at).is_(None),
            col(Objective.team_id).not_in(list(exclude_team_ids)),
        )
    )
    # Only key_results is scanned, its cheap tests first; the cycle's objectives are one
    # set the database builds once, not a join per row. The workspace is the objectives'
    # (a KR is in its objective's): testing it on key_results too made PostgreSQL, without
    # statistics yet, AND its workspace index into every objective's lookup (11 s at 20,000).
    statement = select(
        KeyResult.id, KeyResult.title, KeyResult.unit, KeyResult.currency, KeyResult.period
    ).where(
        _measure_filter(measures),
        shares_a_word,
        col(KeyResult.archived_at).is_(None),
        col(KeyResult.objective_id).in_(objectives),
    )
    return [Candidate._make(row) for row in (await session.exec(statement)).all()]


async def named_krs(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> dict[int, NamedKR]:
    """A few KRs by id (archived ones too), with their owner and team's name (None for
    an objective without a team): one statement."""
    if not kr_ids:
        return {}
    statement = (
        select(
            KeyResult.id,
            KeyResult.title,
            KeyResult.kind,
            KeyResult.unit,
            KeyResult.currency,
            col(KeyResult.start_value).label("start"),
            col(KeyResult.target_value).label("target"),
            KeyResult.unit_word,
            col(KeyResult.target_text).label("relative_target"),
            KeyResult.period,
            KeyResult.due_date,
            KeyResult.owner_id,
            col(Team.name).label("team_name"),
        )
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .outerjoin(Team, col(Team.id) == Objective.team_id)
        .where(KeyResult.workspace_id == workspace_id, col(KeyResult.id).in_(list(kr_ids)))
    )
    rows = (await session.exec(statement)).all()
    return {row.id: cast(NamedKR, row) for row in rows}


async def depends_on(
    session: AsyncSession, workspace_id: str, pairs: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Which (downstream KR, upstream KR) pairs are already dependencies: one statement."""
    if not pairs:
        return set()
    downstream = {down for down, _up in pairs}
    statement = select(KRDependency.downstream_kr_id, KRDependency.upstream_kr_id).where(
        KRDependency.workspace_id == workspace_id,
        col(KRDependency.downstream_kr_id).in_(list(downstream)),
    )
    found = {(down, up) for down, up in (await session.exec(statement)).all() if down is not None}
    return found & set(pairs)


async def add_dependency_once(
    session: AsyncSession,
    workspace_id: str,
    *,
    downstream_kr_id: int,
    upstream_kr_id: int,
    created_by: str,
    now: datetime,
    need: str = "",
) -> KRDependency | None:
    """`add_dependency` for a button two clicks may race on: None when the same pair was
    stored first by the other click (the unique constraint decides; the caller commits)."""
    try:
        async with session.begin_nested():
            return await add_dependency(
                session,
                workspace_id,
                upstream_kr_id=upstream_kr_id,
                downstream_kr_id=downstream_kr_id,
                created_by=created_by,
                now=now,
                need=need,
            )
    except IntegrityError:
        return None
