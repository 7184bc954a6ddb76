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
from blocks.kr_format import guard, mention, user_text
from blocks.kr_history import slack_date
from okr.i18n import N_, _, ngettext

BOT_HANDLE = "@okr-bot"  # manifest.yml: features.bot_user.display_name
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
ERROR_CHARS = 100

_NOT_MEMBER = N_(
    "I'm not a member of that channel, or can't see it (it may be private or deleted). "
    "Invite me with `/invite {bot}` in the channel, or pick another channel in "
    "`/okr team`."
)
_EXPLANATIONS = {
    "channel_not_found": _NOT_MEMBER,
    "not_in_channel": _NOT_MEMBER,
    "is_archived": N_("The channel is archived. Pick another channel in `/okr team`."),
}


def channel_text(channel_id: str | None) -> str:
    """`<#C123>` for a channel id; anything else escaped; None is "the team channel"."""
    if channel_id is None or not str(channel_id).strip():
        return _("the team channel")
    if _CHANNEL_ID.fullmatch(channel_id):
        return f"<#{channel_id}>"
    return user_text(channel_id, 80)


def explanation(error: str) -> str:
    """What went wrong and how to fix it, for Slack's error code `error`."""
    code = " ".join(str(error or "").split())
    if code in _EXPLANATIONS:
        return _(_EXPLANATIONS[code]).format(bot=BOT_HANDLE)
    shown = user_text(code.replace("`", "'"), ERROR_CHARS, _("unknown error"))
    return _(
        "Slack answered `{code}`. If it keeps happening, check the channel in `/okr team`."
    ).format(code=shown)


def delivery_problem(*, team_name: str, channel_id: str | None, error: str) -> dict[str, Any]:
    """A DM to the team leads: the post to their channel failed, why, and how to fix it."""
    team = user_text(team_name, 80, _("your team"))
    blocks = [
        section(
            _(
                ":warning: I couldn't post *{team}*'s OKR updates (digests, cycle summaries) "
                "to {channel}."
            ).format(team=team, channel=channel_text(channel_id))
            + f"\n{explanation(error)}"
        ),
        context(_("You get this message once. Other teams' posts are not affected.")),
    ]
    text = _("Could not post {team}'s OKR updates to its channel").format(team=team)
    return {
        "text": guard(text, 1000),
        "blocks": blocks,
    }


#: What each ledger kind is, as a person reads it.
KIND_NAMES = {
    "prompt": N_("check-in prompt"),
    "reprompt": N_("check-in prompt (after a snooze)"),
    "nudge": N_("check-in reminder"),
    "digest": N_("weekly digest"),
    "digest_leads": N_("list of missing check-ins"),
    "cycle_close": N_("cycle summary"),
    "planning": N_("planning reminder"),
    "problem": N_("delivery problem notice"),
}
MESSAGE = N_("message")
#: Slack's person errors, explained to a lead.
_PERSON_EXPLANATIONS = {
    "user_not_found": N_("Slack doesn't know this person any more (they may have left)."),
    "user_disabled": N_("Their Slack account is deactivated."),
    "cannot_dm_bot": N_("Their account is a bot, which can't get DMs."),
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
    what = _(KIND_NAMES.get(kind, MESSAGE))
    known = _PERSON_EXPLANATIONS.get(error)
    why = _(known) if known else explanation(error)
    blocks = [
        section(
            _(
                ":warning: I couldn't send {who} their {what}. {why}\n"
                "I won't prompt them again until Slack shows them active (I check daily). "
                "If they have left, reassign their key results with *Edit* on the objective."
            ).format(who=mention(user_id), what=what, why=why)
        ),
        context(_("You get this once per person and reason.")),
    ]
    text = _("Could not send {what} to a team member").format(what=what)
    return {"text": guard(text, 1000), "blocks": blocks}


def undelivered_report(
    items: Sequence[Undelivered], *, pause_reason: str | None = None
) -> dict[str, Any]:
    """A DM to leads (or admins, for a whole-workspace failure) listing what was given up
    on when its window closed, and why."""
    lines = [_undelivered_line(item) for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(_("…and {n} more.").format(n=len(items) - MAX_LISTED))
    if pause_reason is not None:
        head = _(
            ":warning: Slack refused okr-bot's token (`{code}`), so these "
            "could not be sent before their time ran out:"
        ).format(code=_code(pause_reason))
    else:
        head = _(
            ":warning: I couldn't deliver these before their time ran out, though I kept trying:"
        )
    blocks = [
        section(guard(head + "\n" + "\n".join(lines))),
        context(_("Nothing more will be tried for these.")),
    ]
    text = ngettext(
        "{n} OKR message could not be delivered",
        "{n} OKR messages could not be delivered",
        len(items),
    ).format(n=len(items))
    return {
        "text": guard(text, 1000),
        "blocks": blocks,
    }


def sends_resumed(*, reason: str, since: datetime, until: datetime) -> dict[str, Any]:
    """A DM to the admins once the token works again after a pause."""
    blocks = [
        section(
            _(
                ":white_check_mark: okr-bot can post again. From {since} to "
                "{until} Slack refused its token (`{code}`), so nothing "
                "was sent and nobody was marked inactive.\nWhat is still due is going out now; "
                "anything whose time passed meanwhile will be listed for you."
            ).format(since=slack_date(since), until=slack_date(until), code=_code(reason))
        ),
    ]
    return {"text": _("okr-bot can post again"), "blocks": blocks}


def _undelivered_line(item: Undelivered) -> str:
    what = _(KIND_NAMES.get(item.kind, MESSAGE))
    due = slack_date(item.due)
    if item.user_id is not None:
        line = _("• the {what} to {who}, due {due}").format(
            what=what, who=mention(item.user_id), due=due
        )
    else:
        team = user_text(item.team_name, 80, _("a team"))
        line = _("• the {what} for *{team}*, due {due}").format(what=what, team=team, due=due)
    if item.attempts == 0:  # never tried: the workspace's sends were paused
        return _("{line}: not sent while sends were paused").format(line=line)
    return ngettext(
        "{line}: Slack answered `{code}` ({n:,} try)",
        "{line}: Slack answered `{code}` ({n:,} tries)",
        item.attempts,
    ).format(line=line, code=_code(item.error), n=item.attempts)


def _code(error: str) -> str:
    return user_text(
        " ".join(str(error or "").split()).replace("`", "'"), ERROR_CHARS, _("unknown")
    )
