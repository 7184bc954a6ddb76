"""Owners' time zones kept fresh from Slack's users.info, so a prompt's local time
follows the person when they travel or move; and people marked inactive asked about
again daily, so someone reactivated in Slack is prompted again without anyone's help."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from scheduler.job import workspace_ids
from scheduler.owners import Owner, Owners
from scheduler.pauses import paused_ids
from scheduler.sending import GONE
from storage.context import Deps
from storage.people import save_person
from storage.rhythm import inactive_to_recheck, mark_inactive

log = logging.getLogger(__name__)

#: Looked up per workspace and tick at most, so a large workspace never floods Slack.
REFRESH_PER_TICK = 50
#: How old a person's stored profile may get before it is looked up again.
PERSON_MAX_AGE = timedelta(hours=24)


async def refresh_people(deps: Deps, client: AsyncWebClient, owners: Owners, now: datetime) -> int:
    """Look up the owners never looked up or not for a day, then people marked inactive
    not asked about for a day, a few per tick; how many were refreshed. A failed lookup
    is logged and tried again next tick, except that a person Slack still does not know
    is asked again a day later. Workspaces whose sends are paused are left alone."""
    refreshed = 0
    paused = await paused_ids(deps)
    for workspace_id in await workspace_ids(deps):
        if workspace_id in paused:
            continue
        async with deps.sessions() as session:
            stale = [
                o.user_id
                for o in await owners.of(session, workspace_id, now, None)
                if _stale(o, now)
            ][:REFRESH_PER_TICK]
            inactive = await inactive_to_recheck(
                session, workspace_id, now - PERSON_MAX_AGE, REFRESH_PER_TICK - len(stale)
            )
        for user_id in stale + inactive:
            refreshed += await _refresh(
                deps, client, workspace_id, user_id, now, inactive=user_id in inactive
            )
    return refreshed


async def _refresh(
    deps: Deps,
    client: AsyncWebClient,
    workspace_id: str,
    user_id: str,
    now: datetime,
    *,
    inactive: bool,
) -> int:
    """1 when `user_id`'s profile was stored afresh, else 0. A person marked inactive
    whom Slack still calls gone is asked about again a day later, not every tick."""
    try:
        answer = await client.users_info(user=user_id, include_locale=True)
    except SlackApiError as exc:
        if not inactive or exc.response.get("error") not in GONE:
            log.info("users.info for %s failed: %r", user_id, exc)
            return 0
        async with deps.sessions() as session:  # still gone: asked again in a day
            await mark_inactive(session, workspace_id, [user_id], now)
            await session.commit()
        return 0
    except Exception as exc:
        log.info("users.info for %s failed: %r", user_id, exc)
        return 0
    async with deps.sessions() as session:
        await save_person(session, workspace_id, answer["user"], now)
        await session.commit()
    return 1


def _stale(owner: Owner, now: datetime) -> bool:
    person = owner.person
    return (
        person is None or person.refreshed_at is None or now - person.refreshed_at > PERSON_MAX_AGE
    )
