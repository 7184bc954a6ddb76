"""DMs about what the bot could not deliver: a team channel it cannot post to, a person it
cannot reach, deliveries whose window closed while Slack kept failing, and a workspace
whose sends were paused by a token problem and resumed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blocks.digest import context, section
from blocks.kr_format import guard, mention, plural, user_text
from blocks.kr_history import slack_date

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


#: What each ledger kind is, as a person reads it.
KIND_NAMES = {
    "prompt": "check-in prompt",
    "reprompt": "check-in prompt (after a snooze)",
    "nudge": "check-in reminder",
    "digest": "weekly digest",
    "digest_leads": "list of missing check-ins",
    "cycle_close": "cycle summary",
    "planning": "planning reminder",
    "problem": "delivery problem notice",
}
#: Slack's person errors, explained to a lead.
_PERSON_EXPLANATIONS = {
    "user_not_found": "Slack doesn't know this person any more (they may have left).",
    "user_disabled": "Their Slack account is deactivated.",
    "cannot_dm_bot": "Their account is a bot, which can't get DMs.",
}
MAX_LISTED = 20


@dataclass(frozen=True)
class Undelivered:
    """One delivery given up on: what it was, for whom, when it was due and why."""

    kind: str
    #: A user id (a DM), or None for a team channel post (then `team_name` says whose).
    user_id: str | None
    team_name: str | None
    due: datetime
    error: str
    attempts: int


def person_problem(*, user_id: str, kind: str, error: str) -> dict[str, Any]:
    """A DM to a person's team leads: a DM to that person failed for good."""
    what = KIND_NAMES.get(kind, "message")
    why = _PERSON_EXPLANATIONS.get(error) or explanation(error)
    blocks = [
        section(
            f":warning: I couldn't send {mention(user_id)} their {what}. {why}\n"
            "I won't prompt them again until Slack shows them active (I check daily). "
            "If they have left, reassign their key results with *Edit* on the objective."
        ),
        context("You get this once per person and reason."),
    ]
    return {"text": guard(f"Could not send {what} to a team member", 1000), "blocks": blocks}


def undelivered_report(
    items: Sequence[Undelivered], *, pause_reason: str | None = None
) -> dict[str, Any]:
    """A DM to leads (or admins, for a whole-workspace failure) listing what was given up
    on when its window closed, and why."""
    lines = [_undelivered_line(item) for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"…and {len(items) - MAX_LISTED} more.")
    if pause_reason is not None:
        head = (
            f":warning: Slack refused okr-bot's token (`{_code(pause_reason)}`), so these "
            "could not be sent before their time ran out:"
        )
    else:
        head = ":warning: I couldn't deliver these before their time ran out, though I kept trying:"
    blocks = [
        section(guard(head + "\n" + "\n".join(lines))),
        context("Nothing more will be tried for these."),
    ]
    return {
        "text": guard(f"{len(items)} OKR messages could not be delivered", 1000),
        "blocks": blocks,
    }


def sends_resumed(*, reason: str, since: datetime, until: datetime) -> dict[str, Any]:
    """A DM to the admins once the token works again after a pause."""
    blocks = [
        section(
            f":white_check_mark: okr-bot can post again. From {slack_date(since)} to "
            f"{slack_date(until)} Slack refused its token (`{_code(reason)}`), so nothing "
            "was sent and nobody was marked inactive.\nWhat is still due is going out now; "
            "anything whose time passed meanwhile will be listed for you."
        ),
    ]
    return {"text": "okr-bot can post again", "blocks": blocks}


def _undelivered_line(item: Undelivered) -> str:
    what = KIND_NAMES.get(item.kind, "message")
    if item.user_id is not None:
        to = f"to {mention(item.user_id)}"
    else:
        to = f"for *{user_text(item.team_name, 80, 'a team')}*"
    line = f"• the {what} {to}, due {slack_date(item.due)}"
    if item.attempts == 0:  # never tried: the workspace's sends were paused
        return f"{line}: not sent while sends were paused"
    tries = plural(item.attempts, "try", "tries")
    return f"{line}: Slack answered `{_code(item.error)}` ({tries})"


def _code(error: str) -> str:
    return user_text(" ".join(str(error or "").split()).replace("`", "'"), ERROR_CHARS, "unknown")
