"""Saying something to the person who sent a request, on the surface they used: the ack of
their modal or command, an ephemeral where they clicked, a notice over their Home tab or
modal, or else a DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks.notice import notice_home, notice_modal
from handlers.posting import post
from handlers.viewer import user_of

log = logging.getLogger(__name__)


async def tell(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    text: str,
) -> None:
    """Say `text` to the person where they are: in the modal they submitted (it stays
    open), in the ack of their command, ephemerally where they clicked, in a notice over
    their Home tab or modal, else in a DM. A failure to tell is logged, never raised."""
    try:
        if not await _answer_in_ack(ack, body, text):
            await _answer_after_ack(body, client, respond, text)
    except Exception:
        log.exception("could not tell %s: %s", person_of(body) or "anyone", text)


async def _answer_in_ack(ack: AsyncAck, body: dict[str, Any], text: str) -> bool:
    """Answer in the ack when it is still due; True when that told the person."""
    if ack.response is not None:
        return False
    kind = body.get("type")
    if kind == "view_submission":
        block = first_input_block(body.get("view") or {})
        if block is not None:
            await ack(response_action="errors", errors={block: text})
            return True
    elif body.get("command"):
        await ack(response_type="ephemeral", text=text)
        return True
    elif kind == "block_suggestion":
        await ack(options=[])
        return True  # a select's search has nowhere to show text: the log holds it
    await ack()
    return False


async def _answer_after_ack(
    body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None, text: str
) -> None:
    user = person_of(body)
    if respond is not None and respond.response_url:  # a command, a click on a message
        await respond(response_type="ephemeral", replace_original=False, text=text)
        return
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    trigger_id = body.get("trigger_id")
    if body.get("type") == "block_actions" and trigger_id:
        if view.get("type") == "modal":
            await client.views_push(trigger_id=trigger_id, view=notice_modal("okr-bot", text))
            return
        if view.get("type") == "home":
            await client.views_open(trigger_id=trigger_id, view=notice_modal("okr-bot", text))
            return
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if event.get("type") == "app_home_opened":
        await client.views_publish(user_id=user, view=notice_home(text))
        return
    if user and body.get("type") != "event_callback":
        await post(client, user, {"text": text}, what="failure notice")


def first_input_block(view: dict[str, Any]) -> str | None:
    """The block id of the view's first input: where a modal-wide error can be shown."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def person_of(body: dict[str, Any]) -> str:
    """Who sent the request: the user of an interaction or command, or of an event."""
    event = body.get("event")
    if isinstance(event, dict) and isinstance(event.get("user"), str):
        return event["user"]
    return user_of(body)
