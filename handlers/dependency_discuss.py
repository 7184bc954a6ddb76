"""*Discuss* on a dependency warning: a thread in the upstream team's channel that mentions
both KRs' owners, so the two teams talk where the upstream team works. The thread's first
message is the upstream team's to read, so it is in that team's language."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.dependency_text import team_text
from blocks.dependency_warning import discuss_message
from blocks.kr_format import mention
from blocks.view_state import action_value, row_id
from handlers.context import Ctx
from handlers.viewer import user_of, workspace_of
from okr.i18n import _, use_lang
from storage.dependency_lines import dependency_line
from storage.teams import get_team

log = logging.getLogger(__name__)


async def on_dependency_discuss(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """Open the thread (a message in the upstream team's channel mentioning both owners) and
    tell the person who clicked where it is; a dependency that is gone, or a team without a
    channel, gets an ephemeral saying so."""
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    here = str((body.get("channel") or {}).get("id") or user_id)
    dependency_id = row_id(action_value(body))
    line = team = None
    async with ctx.deps.sessions() as session:
        if dependency_id is not None:
            line = await dependency_line(
                session,
                workspace_id,
                dependency_id,
                at=ctx.deps.clock(),
                default_timezone=ctx.deps.default_timezone,
            )
        if line is not None and line.upstream_team_id is not None:
            team = await get_team(session, workspace_id, line.upstream_team_id)
    if line is None:
        text = _("That dependency does not exist any more, so there is nothing to discuss.")
    elif team is None or not team.channel_id:
        text = _("{team} has no channel yet: talk to {owner} directly.").format(
            team=team_text(line.upstream_team), owner=mention(line.upstream.owner_id)
        )
    else:
        with use_lang(team.lang):
            message = discuss_message(line, user_id)
        try:
            await client.chat_postMessage(channel=team.channel_id, **message)
            text = _("I opened a thread in <#{channel}> with {owner}.").format(
                channel=team.channel_id, owner=mention(line.upstream.owner_id)
            )
        except SlackApiError as exc:
            log.warning("dependency thread not opened in %s: %s", team.channel_id, exc)
            text = _("I could not post in <#{channel}>: invite me there, or talk to {owner}.")
            text = text.format(channel=team.channel_id, owner=mention(line.upstream.owner_id))
    await client.chat_postEphemeral(channel=here, user=user_id, text=text)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.DEPENDENCY_DISCUSS)(on_dependency_discuss)
