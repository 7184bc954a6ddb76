"""The DM warning a team that a key result it depends on slipped: which one, its new
status, its owner's latest note, what we need, and *Discuss* (a thread in the upstream
team's channel mentioning both owners)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from blocks import ids
from blocks.dependency_text import (
    dependency_status_text,
    downstream_text,
    latest_note_text,
    need_text,
    team_text,
    upstream_text,
)
from blocks.digest import context, section
from blocks.kr_format import guard, mention, user_text
from okr.dependency_status import DependencyLine
from okr.i18n import _

KR_CHARS = 120


def warning_message(line: DependencyLine, status: str) -> dict[str, Any]:
    """The warning about `line`'s upstream KR, now `status` (at risk or off track)."""
    headline = _(":warning: A key result your team depends on is now {status}").format(
        status=dependency_status_text(status)
    )
    body = [upstream_text(line), latest_note_text(line)]
    need = need_text(line)
    if need is not None:
        body.append(need)
    ours = _("Depending on it: {kr}").format(kr=downstream_text(line))
    button = ButtonElement(
        text=_("Discuss"),
        action_id=ids.DEPENDENCY_DISCUSS,
        value=str(line.id),
        style="primary",
    )
    fallback = _("{team}'s key result “{kr}” is now {status}").format(
        team=team_text(line.upstream_team),
        kr=user_text(line.upstream.title, KR_CHARS),
        status=dependency_status_text(status),
    )
    return {
        "text": guard(fallback, 1000),
        "blocks": [
            section(f"*{headline}*\n" + "\n".join(body)),
            context(ours),
            ActionsBlock(elements=[button]).to_dict(),
        ],
    }


def discuss_message(line: DependencyLine, asked_by: str) -> dict[str, Any]:
    """The first message of the thread *Discuss* opens in the upstream team's channel: it
    mentions both owners (and who asked), so both sides see it."""
    if asked_by == line.downstream_owner:
        text = _(
            ":speech_balloon: {upstream_owner}: {asker} opened a thread on *{kr}* ({status}), "
            "which {team} depends on. Where does it stand, and what would help?"
        )
    else:
        text = _(
            ":speech_balloon: {upstream_owner}, {downstream_owner}: {asker} opened a thread on "
            "*{kr}* ({status}), which {team} depends on. Where does it stand, and what would help?"
        )
    text = text.format(
        upstream_owner=mention(line.upstream.owner_id),
        downstream_owner=mention(line.downstream_owner),
        asker=mention(asked_by),
        kr=user_text(line.upstream.title, KR_CHARS),
        status=dependency_status_text(line.status),
        team=team_text(line.downstream_team),
    )
    blocks = [section(text), context(_("Depending on it: {kr}").format(kr=downstream_text(line)))]
    return {"text": guard(text, 1000), "blocks": blocks}
