"""Who someone is (the Person cache, refreshed from users.info) and what they may do.

- anyone views;
- an objective's owner, its team's leads and workspace admins edit it (the rule is
  `okr.permissions.can_edit`, applied by `handlers.viewer.Viewer.may_edit`);
- a team's leads and workspace admins edit the team;
- workspace admins are Slack admins / owners, or the user ids in ADMIN_USER_IDS.

None of these raise when Slack fails: a person Slack will not describe is known by id only
(no time zone, not an admin), which denies rather than grants.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from storage.context import Deps
from storage.models import Person
from storage.people import get_person, save_person
from storage.teams import is_lead
from storage.workspaces import ensure_workspace

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = timedelta(hours=24)
#: users.info may run before an ack (permission checks), inside Slack's 3 s: give up early.
USERS_INFO_TIMEOUT_S = 1.5


async def person(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    *,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> Person:
    """The cached person, refreshed from users.info when missing or older than `max_age`.

    When users.info fails or takes over 1.5 s (user_not_found, a missing scope, Slack down
    or rate limiting), the cached row is returned as it is, or, for someone never seen, an
    unsaved Person with only the id.
    """
    now = deps.clock()
    async with deps.sessions() as session:
        cached = await get_person(session, workspace_id, user_id)
    refreshed = cached.refreshed_at if cached is not None else None
    if cached is not None and refreshed is not None and now - refreshed < max_age:
        return cached
    try:
        response = await asyncio.wait_for(
            client.users_info(user=user_id, include_locale=True), USERS_INFO_TIMEOUT_S
        )
    except (SlackApiError, SlackClientError, OSError, TimeoutError) as exc:
        log.warning("users.info for %s/%s failed: %s", workspace_id, user_id, _why(exc))
        return cached or Person(workspace_id=workspace_id, user_id=user_id)
    user = response.get("user")
    if not isinstance(user, dict):
        return cached or Person(workspace_id=workspace_id, user_id=user_id)
    async with deps.sessions() as session:
        await ensure_workspace(session, workspace_id, now)
        fresh = await save_person(session, workspace_id, {**user, "id": user_id}, now)
        await session.commit()
    return fresh


async def is_admin(client: AsyncWebClient, deps: Deps, workspace_id: str, user_id: str) -> bool:
    """Workspace admin: listed in ADMIN_USER_IDS (no Slack call), or a Slack admin / owner."""
    if not user_id:
        return False
    if user_id in deps.admin_user_ids:
        return True
    known = await person(client, deps, workspace_id, user_id)
    return known.is_admin and not known.inactive


async def can_edit_team(
    client: AsyncWebClient, deps: Deps, workspace_id: str, user_id: str, *, team_id: int
) -> bool:
    """A lead of the team (in this workspace), or a workspace admin."""
    async with deps.sessions() as session:
        if await is_lead(session, workspace_id, team_id, user_id):
            return True
    return await is_admin(client, deps, workspace_id, user_id)


def _why(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc)
    return repr(exc)
