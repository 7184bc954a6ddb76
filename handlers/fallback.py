"""Catch-alls, registered last: a request nothing else handles is acknowledged and logged.

Each logs one line before it acks (cheap, and the log is complete when Slack gets 200).

Without them Bolt answers 404, which Slack shows the user as an error and, for events,
retries three times. Bolt runs the first listener that matches, so these only see leftovers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from handlers.context import Ctx

log = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


async def unknown_action(ack: AsyncAck, body: dict[str, Any]) -> None:
    ids = [a.get("action_id") for a in body.get("actions", [])]
    log.warning("ignored unknown action %s from %s", ids, _who(body))
    await ack()


async def unknown_view(ack: AsyncAck, body: dict[str, Any]) -> None:
    view = body.get("view", {})
    log.warning(
        "ignored %s for unknown view %r from %s",
        body.get("type"),
        view.get("callback_id"),
        _who(body),
    )
    await ack()


async def unknown_options(ack: AsyncAck, body: dict[str, Any]) -> None:
    log.warning("no options for unknown action %r from %s", body.get("action_id"), _who(body))
    await ack(options=[])


async def unknown_shortcut(ack: AsyncAck, body: dict[str, Any]) -> None:
    log.warning("ignored unknown shortcut %r from %s", body.get("callback_id"), _who(body))
    await ack()


async def other_event(body: dict[str, Any]) -> None:
    log.debug("ignored event %s", body.get("event", {}).get("type"))


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ANYTHING)(unknown_action)
    app.view(ANYTHING)(unknown_view)
    app.view_closed(ANYTHING)(unknown_view)
    app.options(ANYTHING)(unknown_options)
    app.shortcut(ANYTHING)(unknown_shortcut)
    app.event(ANYTHING)(other_event)


def _who(body: dict[str, Any]) -> str:
    user = body.get("user") or {}
    team = body.get("team") or {}
    return f"{team.get('id', '?')}/{user.get('id', '?')}"
