"""Who may change what. Anyone in the workspace views; an objective's owner, its team's
leads and workspace admins edit."""

from __future__ import annotations

from collections.abc import Collection


def can_edit(
    user_id: str,
    *,
    owner_id: str,
    team_id: int | None,
    led_team_ids: Collection[int],
    is_admin: bool,
) -> bool:
    """Whether `user_id` may edit or archive an objective."""
    return is_admin or user_id == owner_id or (team_id is not None and team_id in led_team_ids)
