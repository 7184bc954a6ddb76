"""Who is asking, and what that decides: their workspace, time zone, current cycle, and
which objectives they may edit. Shared by the listeners that show or change OKRs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from handlers.people import is_admin
from okr.cycles import today_in
from okr.outline import ObjectiveCard
from okr.permissions import can_edit, can_set_for_team
from storage.context import Deps
from storage.cycles import current_cycle
from storage.engine import AsyncSession
from storage.models import Cycle, Team
from storage.teams import teams_led_by, teams_of_user
from storage.workspaces import ensure_workspace


def workspace_of(body: dict[str, Any]) -> str:
    """The Slack workspace id of any request body: interactions carry `team.id` (else the
    user's or the view's `team_id`), commands and events a top-level `team_id`."""
    team, user, view = (_part(body, key) for key in ("team", "user", "view"))
    found = team.get("id") or user.get("team_id") or view.get("team_id") or body.get("team_id")
    return str(found or "")


def _part(body: dict[str, Any], key: str) -> dict[str, Any]:
    found = body.get(key)
    return found if isinstance(found, dict) else {}


def user_of(body: dict[str, Any]) -> str:
    """The Slack user id of any request body."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id", ""))
    return str(body.get("user_id", ""))


@dataclass(frozen=True)
class Viewer:
    """One person's standing in one workspace, for one request."""

    workspace_id: str
    user_id: str
    timezone: str
    teams: tuple[Team, ...]
    led_team_ids: frozenset[int]
    is_admin: bool
    cycle: Cycle
    today: date

    def may_edit(self, *, owner_id: str, team_id: int | None) -> bool:
        return can_edit(
            self.user_id,
            owner_id=owner_id,
            team_id=team_id,
            led_team_ids=self.led_team_ids,
            is_admin=self.is_admin,
        )

    @property
    def member_team_ids(self) -> frozenset[int]:
        """The teams they lead or belong to."""
        return frozenset(t.id for t in self.teams if t.id is not None)

    def may_set_for(self, team_id: int) -> bool:
        """Whether they may give an objective to the team (their own, or any as admin)."""
        return can_set_for_team(
            team_id=team_id, member_team_ids=self.member_team_ids, is_admin=self.is_admin
        )

    def editable(self, cards: Iterable[ObjectiveCard]) -> set[int]:
        return {c.id for c in cards if self.may_edit(owner_id=c.owner_id, team_id=c.team_id)}


async def load_viewer(
    session: AsyncSession,
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    *,
    check_admin: bool = True,
) -> Viewer:
    """The viewer, with the current cycle as of today in their team's time zone.

    `check_admin=False` skips the admin lookup (a users.info call when the cache is cold)
    where a request must answer within Slack's 3 s and does not need it."""
    now = deps.clock()
    await ensure_workspace(session, workspace_id, now)
    teams = tuple(await teams_of_user(session, workspace_id, user_id))
    led = frozenset(t.id for t in await teams_led_by(session, workspace_id, user_id) if t.id)
    timezone = teams[0].timezone if teams else deps.default_timezone
    today = today_in(timezone, now)
    cycle = await current_cycle(session, workspace_id, today)
    await session.commit()
    admin = check_admin and await is_admin(client, deps, workspace_id, user_id)
    return Viewer(workspace_id, user_id, timezone, teams, led, admin, cycle, today)
