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
    try:
        await client.chat_postMessage(channel=channel, **message)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        log.warning("%s to %s failed: %s", what, channel, error)
        return error
    return None
