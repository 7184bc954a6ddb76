"""What the weekly rhythm reads: who owns what, who checked in, what was delivered.

Each function is one query for a whole workspace, however many people it covers, so a
tick over thousands of owners stays a handful of statements.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CheckIn, Cycle, Delivery, KeyResult, Objective, Person, Team, TeamMember


async def workspaces(session: AsyncSession) -> list[str]:
    """Workspaces with at least one objective or team."""
    with_objectives = await session.exec(select(Objective.workspace_id).distinct())
    with_teams = await session.exec(select(Team.workspace_id).distinct())
    return sorted(set(with_objectives) | set(with_teams))


async def home_team(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, Team]:
    """Each person's team for the rhythm: the first (oldest) team they belong to."""
    if not user_ids:
        return {}
    rows = await session.exec(
        select(TeamMember.user_id, Team)
        .join(Team, col(Team.id) == TeamMember.team_id)
        .where(
            TeamMember.workspace_id == workspace_id,
            col(TeamMember.user_id).in_(list(user_ids)),
            col(Team.archived_at).is_(None),
        )
        .order_by(col(Team.id))
    )
    found: dict[str, Team] = {}
    for user_id, team in rows:
        found.setdefault(user_id, team)
    return found


async def people(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, Person]:
    if not user_ids:
        return {}
    rows = await session.exec(
        select(Person).where(
            Person.workspace_id == workspace_id, col(Person.user_id).in_(list(user_ids))
        )
    )
    return {p.user_id: p for p in rows}


async def _people_or_new(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, Person]:
    """The stored people, and new unsaved rows for those never looked up: one query."""
    found = await people(session, workspace_id, user_ids)
    for user_id in user_ids:
        found.setdefault(user_id, Person(workspace_id=workspace_id, user_id=user_id))
    return found


async def active_krs(
    session: AsyncSession, workspace_id: str, cycle_ids: Collection[int]
) -> list[tuple[KeyResult, Objective]]:
    """Key results that can be checked in on, in the given cycles."""
    if not cycle_ids:
        return []
    rows = await session.exec(
        select(KeyResult, Objective)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .where(
            KeyResult.workspace_id == workspace_id,
            col(KeyResult.archived_at).is_(None),
            col(Objective.archived_at).is_(None),
            col(Objective.cycle_id).in_(list(cycle_ids)),
        )
        .order_by(col(Objective.id), col(KeyResult.position), col(KeyResult.id))
    )
    return list(rows)


async def deliveries(
    session: AsyncSession, workspace_id: str, kind: str, periods: Collection[str]
) -> dict[tuple[str, str], Delivery]:
    """Ledger rows of one kind for the given periods, by (recipient, period)."""
    if not periods:
        return {}
    rows = await session.exec(
        select(Delivery).where(
            Delivery.workspace_id == workspace_id,
            Delivery.kind == kind,
            col(Delivery.period).in_(list(periods)),
        )
    )
    return {(d.recipient, d.period): d for d in rows}


async def last_checkins(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str]
) -> dict[str, datetime]:
    """When each person last checked in (live check-ins only)."""
    if not user_ids:
        return {}
    rows = await session.exec(
        select(CheckIn.user_id, func.max(CheckIn.created_at))
        .where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.user_id).in_(list(user_ids)),
            col(CheckIn.deleted_at).is_(None),
        )
        .group_by(col(CheckIn.user_id))
    )
    found = {}
    for user_id, when in rows:
        found[user_id] = _aware(when)
    return found


def _aware(when: datetime | str) -> datetime:
    """func.max() skips the column type on SQLite: turn its text back into a UTC time."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def last_sent(
    session: AsyncSession, workspace_id: str, kind: str, recipient: str
) -> Delivery | None:
    return (
        await session.exec(
            select(Delivery)
            .where(
                Delivery.workspace_id == workspace_id,
                Delivery.kind == kind,
                Delivery.recipient == recipient,
                Delivery.status == "sent",
            )
            .order_by(col(Delivery.sent_at).desc())
            .limit(1)
        )
    ).first()


async def recent_sent_to(
    session: AsyncSession,
    workspace_id: str,
    kinds: Collection[str],
    recipient: str,
    since: datetime,
) -> list[Delivery]:
    """A person's prompts and nudges sent since a moment (to turn them to done)."""
    rows = await session.exec(
        select(Delivery).where(
            Delivery.workspace_id == workspace_id,
            col(Delivery.kind).in_(list(kinds)),
            Delivery.recipient == recipient,
            Delivery.status == "sent",
            col(Delivery.sent_at) >= since,
            col(Delivery.message_ts).is_not(None),
        )
    )
    return list(rows)


async def mark_inactive(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str], now: datetime
) -> None:
    """People Slack says are gone: no more prompts until users.info says otherwise."""
    for person in (await _people_or_new(session, workspace_id, user_ids)).values():
        person.inactive = True
        person.refreshed_at = now
        session.add(person)
    await session.flush()


async def ended_cycles(
    session: AsyncSession, workspace_id: str, since: datetime, until: datetime
) -> list[Cycle]:
    """Cycles whose last day falls between two dates (inclusive)."""
    rows = await session.exec(
        select(Cycle).where(
            Cycle.workspace_id == workspace_id,
            col(Cycle.end_date) >= since.date(),
            col(Cycle.end_date) <= until.date(),
        )
    )
    return list(rows)


async def close_cycles(session: AsyncSession, workspace_id: str, now: datetime) -> int:
    """Mark cycles closed once their last day is over everywhere on Earth (UTC-12 ends a
    day 12 h after UTC does): from then on their check-ins are final."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Cycle)
        .where(
            Cycle.workspace_id == workspace_id,
            col(Cycle.closed_at).is_(None),
            col(Cycle.end_date) < (now.astimezone(UTC) - timedelta(days=1, hours=12)).date(),
        )
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def set_rest(
    session: AsyncSession, workspace_id: str, user_id: str, **fields: object
) -> Person:
    """Record a snooze, a skipped week or an away date for a person (created if new)."""
    allowed = {"snoozed_until", "skipped_week", "away_until"}
    if set(fields) - allowed:
        raise ValueError(f"unknown fields {sorted(set(fields) - allowed)}")
    person = (await _people_or_new(session, workspace_id, [user_id]))[user_id]
    for name, value in fields.items():
        setattr(person, name, value)
    session.add(person)
    await session.flush()
    return person


async def inactive_to_recheck(
    session: AsyncSession, workspace_id: str, refreshed_before: datetime, limit: int
) -> list[str]:
    """People marked inactive whose profile is older than `refreshed_before`: asked
    again so someone reactivated in Slack comes back by themselves."""
    rows = await session.exec(
        select(Person.user_id)
        .where(
            Person.workspace_id == workspace_id,
            col(Person.inactive).is_(True),
            col(Person.refreshed_at).is_(None) | (col(Person.refreshed_at) < refreshed_before),
        )
        .order_by(col(Person.refreshed_at))
        .limit(limit)
    )
    return list(rows)


async def admins(
    session: AsyncSession, workspace_id: str, configured: Collection[str]
) -> list[str]:
    """Who is told about a whole-workspace failure: the configured admins and the Slack
    admins and owners the bot knows of, active ones only, in a stable order."""
    rows = await session.exec(
        select(Person.user_id, Person.is_admin, Person.inactive).where(
            Person.workspace_id == workspace_id,
            col(Person.is_admin).is_(True) | col(Person.user_id).in_(list(configured)),
        )
    )
    known = {user_id: (is_admin, inactive) for user_id, is_admin, inactive in rows}
    found = {u for u in configured if not known.get(u, (False, False))[1]}
    found |= {u for u, (is_admin, inactive) in known.items() if is_admin and not inactive}
    return sorted(found)
