"""Owners' time zones kept fresh from Slack's users.info, so a prompt's local time
follows the person when they travel or move."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from scheduler.job import workspace_ids
from scheduler.owners import Owner, Owners
from storage.context import Deps
from storage.people import save_person

log = logging.getLogger(__name__)

#: Looked up per workspace and tick at most, so a large workspace never floods Slack.
REFRESH_PER_TICK = 50
#: How old a person's stored profile may get before it is looked up again.
PERSON_MAX_AGE = timedelta(hours=24)


async def refresh_people(deps: Deps, client: AsyncWebClient, owners: Owners, now: datetime) -> int:
    """Look up the owners never looked up or not for a day, a few per tick; how many
    were refreshed. A failed lookup is logged and tried again next tick."""
    refreshed = 0
    for workspace_id in await workspace_ids(deps):
        async with deps.sessions() as session:
            stale = [
                o.user_id
                for o in await owners.of(session, workspace_id, now, None)
                if _stale(o, now)
            ]
        for user_id in stale[:REFRESH_PER_TICK]:
            try:
                answer = await client.users_info(user=user_id)
            except Exception as exc:
                log.info("users.info for %s failed: %r", user_id, exc)
                continue
            async with deps.sessions() as session:
                await save_person(session, workspace_id, answer["user"], now)
                await session.commit()
            refreshed += 1
    return refreshed


def _stale(owner: Owner, now: datetime) -> bool:
    person = owner.person
    return (
        person is None or person.refreshed_at is None or now - person.refreshed_at > PERSON_MAX_AGE
    )
