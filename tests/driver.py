"""Signed requests into a running Bolt app over real HTTP, the way Slack sends them.

The payload builders and the signing live in `sandbox.signed` (the sandbox sends the
same requests for each click on its page); this adds what only tests send.

    async with SlackDriver(app_url, "secret", response_urls=slack.response_url) as slack_in:
        resp = await slack_in.command("set")
        assert resp.status == 200
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.signed import DriverResponse, SignedRequests

__all__ = ["DriverResponse", "SlackDriver", "select_value", "text_value"]


def text_value(value: str | None) -> dict[str, Any]:
    """A plain_text_input's entry in view.state.values."""
    return {"type": "plain_text_input", "value": value}


def select_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    """A static_select's entry in view.state.values (None = nothing selected)."""
    if value is None:
        return {"type": "static_select", "selected_option": None}
    return {
        "type": "static_select",
        "selected_option": {
            "text": {"type": "plain_text", "text": text or value, "emoji": True},
            "value": value,
        },
    }


class SlackDriver(SignedRequests):
    """Sends slash commands, interactions and events to `{base_url}/slack/events`."""

    async def url_verification(self, challenge: str) -> DriverResponse:
        """The handshake Slack sends when the Request URL is saved."""
        body = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return await self.raw(json.dumps(body), "application/json")
