"""The Home tab, published per user when they open it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks.help import VerbHelp
from blocks.home import home_view
from storage.context import Deps

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: Deps, verbs: Sequence[VerbHelp] = ()) -> None:
    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        await client.views_publish(user_id=event["user"], view=home_view(verbs))

    app.event("app_home_opened")(on_home_opened)
