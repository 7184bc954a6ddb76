"""What this week's participation is read from: the owners' live check-ins since the week
began (a *No change* click told apart by its submission key) and what they said about the
week (away, skipped). One query each, however many owners."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.outline import ObjectiveCard
from okr.participation import (
    MemberWeek,
    Rest,
    WeekCheckIn,
    is_no_change,
    member_weeks,
    owners_of,
)
from okr.rhythm import week_began
from storage.models import CheckIn
from storage.rhythm import people


async def week_checkins(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str], since: datetime
) -> list[WeekCheckIn]:
    """The people's live check-ins made at or after `since`, oldest first."""
    if not user_ids:
        return []
    rows = await session.exec(
        select(CheckIn.user_id, CheckIn.key_result_id, CheckIn.created_at, CheckIn.submission_key)
        .where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.user_id).in_(list(user_ids)),
            col(CheckIn.deleted_at).is_(None),
            col(CheckIn.created_at) >= since,
        )
        .order_by(col(CheckIn.created_at), col(CheckIn.id))
    )
    return [WeekCheckIn(user, kr_id, at, is_no_change(key)) for user, kr_id, at, key in rows]


async def no_change_only(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str], since: datetime
) -> set[str]:
    """Of `user_ids`, those whose live check-ins since `since` were all *No change* clicks
    (at least one): checked in, but not an update."""
    only: dict[str, bool] = {}
    for checkin in await week_checkins(session, workspace_id, user_ids, since):
        only[checkin.user_id] = only.get(checkin.user_id, True) and checkin.no_change
    return {user_id for user_id, repeat in only.items() if repeat}


async def rests(
    session: AsyncSession, workspace_id: str, user_ids: Collection[str], default_timezone: str
) -> dict[str, Rest]:
    """What each person said about their week (away, skipped) and whether they are gone;
    people the bot never looked up rest in `default_timezone` with nothing said."""
    found = await people(session, workspace_id, user_ids)
    return {
        user_id: Rest(p.away_until, p.skipped_week, p.tz or default_timezone, p.inactive)
        for user_id, p in found.items()
    }


async def team_week(
    session: AsyncSession,
    workspace_id: str,
    cards: Sequence[ObjectiveCard],
    now: datetime,
    timezone: str,
) -> tuple[MemberWeek, ...]:
    """Each KR owner of the team's `cards` this week (the week of `timezone`, the team's,
    where the times of their check-ins are read too)."""
    owners = owners_of(cards)
    since = week_began(now, timezone)
    local = ZoneInfo(timezone)
    checkins = [
        replace(c, at=c.at.astimezone(local))
        for c in await week_checkins(session, workspace_id, owners, since)
    ]
    said = await rests(session, workspace_id, owners, timezone)
    return member_weeks(cards=cards, checkins=checkins, rests=said, now=now, owners=owners)
