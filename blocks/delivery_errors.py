"""The one-time DM to team leads when posting to their team channel failed."""

from __future__ import annotations

import re
from typing import Any

from blocks.digest import context, section
from blocks.kr_format import guard, user_text

BOT_HANDLE = "@okr-bot"  # manifest.yml: features.bot_user.display_name
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
ERROR_CHARS = 100

_NOT_MEMBER = (
    "I'm not a member of that channel, or can't see it (it may be private or deleted). "
    f"Invite me with `/invite {BOT_HANDLE}` in the channel, or pick another channel in "
    "`/okr team`."
)
_EXPLANATIONS = {
    "channel_not_found": _NOT_MEMBER,
    "not_in_channel": _NOT_MEMBER,
    "is_archived": "The channel is archived. Pick another channel in `/okr team`.",
}


def channel_text(channel_id: str | None) -> str:
    """`<#C123>` for a channel id; anything else escaped; None is "the team channel"."""
    if channel_id is None or not str(channel_id).strip():
        return "the team channel"
    if _CHANNEL_ID.fullmatch(channel_id):
        return f"<#{channel_id}>"
    return user_text(channel_id, 80)


def explanation(error: str) -> str:
    """What went wrong and how to fix it, for Slack's error code `error`."""
    code = " ".join(str(error or "").split())
    if code in _EXPLANATIONS:
        return _EXPLANATIONS[code]
    shown = user_text(code.replace("`", "'"), ERROR_CHARS, "unknown error")
    return f"Slack answered `{shown}`. If it keeps happening, check the channel in `/okr team`."


def delivery_problem(*, team_name: str, channel_id: str | None, error: str) -> dict[str, Any]:
    """A DM to the team leads: the post to their channel failed, why, and how to fix it."""
    team = user_text(team_name, 80, "your team")
    blocks = [
        section(
            f":warning: I couldn't post *{team}*'s OKR updates (digests, cycle summaries) "
            f"to {channel_text(channel_id)}.\n{explanation(error)}"
        ),
        context("You get this message once. Other teams' posts are not affected."),
    ]
    return {
        "text": guard(f"Could not post {team}'s OKR updates to its channel", 1000),
        "blocks": blocks,
    }
