"""Who may change what. Anyone in the workspace views; an objective's owner, its team's
leads and workspace admins edit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo


def can_edit(
    user_id: str,
    *,
    owner_id: str,
    team_id: int | None,
    led_team_ids: Collection[int],
    is_admin: bool,
) -> bool:
    """Whether `user_id` may edit or archive an objective: its owner, a lead of its team
    (if it has one) or a workspace admin. Nobody (an empty id) edits anything."""
    if not user_id:
        return False
    return is_admin or user_id == owner_id or (team_id is not None and team_id in led_team_ids)


def can_change_checkin(
    user_id: str, *, author_id: str, checked_in_at: datetime, now: datetime, timezone: str
) -> bool:
    """A person may correct or delete their own check-in during the week it was made
    (ISO week, in their team's time zone): later, the digest has already reported it."""
    if user_id != author_id:
        return False
    zone = ZoneInfo(timezone)
    return (
        checked_in_at.astimezone(zone).isocalendar()[:2] == now.astimezone(zone).isocalendar()[:2]
    )


def can_set_for_team(*, team_id: int, member_team_ids: Collection[int], is_admin: bool) -> bool:
    """Whether someone may give an objective to a team (create it there, or move it
    there): its leads and members, and workspace admins; nobody from outside, whose
    objective would be announced in the team's channel in its name."""
    return is_admin or team_id in member_team_ids
