"""*Discuss* on an at-risk key result in the digest: a thread under the digest that
mentions the KR's owner, so the conversation happens where the team reads the digest."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.digest import discuss_message
from blocks.view_state import action_value, row_id
from handlers.context import Ctx
from handlers.viewer import user_of, workspace_of
from okr.i18n import N_, _
from storage.objectives import key_result_in

log = logging.getLogger(__name__)

GONE = N_("That key result does not exist any more, so there is nothing to discuss.")


async def on_discuss(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """Post the thread's first message under the digest that was clicked (its channel and
    ts come with the click), mentioning the owner; a KR that is gone gets an ephemeral."""
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    channel = str((body.get("channel") or {}).get("id") or "")
    digest_ts = str((body.get("message") or {}).get("ts") or "")
    kr_id = row_id(action_value(body))
    kr = None
    if kr_id is not None:
        async with ctx.deps.sessions() as session:
            kr = await key_result_in(session, workspace_id, kr_id)
    if not channel or not digest_ts:
        log.warning("discuss clicked without a message to thread under (kr %s)", kr_id)
        return
    if kr is None:
        await client.chat_postEphemeral(channel=channel, user=user_id, text=_(GONE))
        return
    message = discuss_message(kr.title, kr.owner_id, user_id)
    await client.chat_postMessage(channel=channel, thread_ts=digest_ts, **message)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.DIGEST_DISCUSS)(on_discuss)
