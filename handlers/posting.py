"""Posting a message as a side effect of a request: a confirmation, a channel
announcement, a celebration. The request already succeeded, so a failed post is logged
and reported to the caller, never raised into the listener."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


async def post(
    client: AsyncWebClient, channel: str, message: dict[str, Any], *, what: str
) -> str | None:
    """chat.postMessage to `channel` (a user id posts to their DM); None when it went out,
    else Slack's error (e.g. "not_in_channel"), already logged with `what` it was."""
    error, _where = await _post(client, channel, message, what=what)
    return error


async def post_to_update(
    client: AsyncWebClient, channel: str, message: dict[str, Any], *, what: str
) -> tuple[str, str] | None:
    """`post`, answering where the message went (its channel id and ts) so it can be
    updated later; None when it did not go out (logged)."""
    _error, where = await _post(client, channel, message, what=what)
    return where


async def _post(
    client: AsyncWebClient, channel: str, message: dict[str, Any], *, what: str
) -> tuple[str | None, tuple[str, str] | None]:
    try:
        sent = await client.chat_postMessage(channel=channel, **message)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        log.warning("%s to %s failed: %s", what, channel, error)
        return error, None
    return None, (str(sent.get("channel") or channel), str(sent.get("ts") or ""))
