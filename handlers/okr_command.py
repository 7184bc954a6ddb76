"""The `/okr` slash command: one listener that routes its first word to a verb.

Feature modules contribute `Verb`s; the composition root passes them all here. A missing
or unknown verb gets the help, never silence, and the help lists only verbs that exist.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks.help import VerbHelp, help_message
from storage.context import Deps

log = logging.getLogger(__name__)

COMMAND = "/okr"


@dataclass(frozen=True)
class CommandRequest:
    """A parsed `/okr <verb> <args>` invocation, with what a verb needs to answer it."""

    verb: str
    args: str
    body: dict[str, Any]
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient

    @property
    def workspace_id(self) -> str:
        return str(self.body.get("team_id", ""))

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))


@dataclass(frozen=True)
class Verb:
    """A `/okr` verb. `run` must call `request.ack()` first (Slack's 3 s limit)."""

    name: str
    usage: str
    summary: str
    run: Callable[[CommandRequest], Awaitable[None]]

    @property
    def help(self) -> VerbHelp:
        return VerbHelp(self.usage, self.summary)


def split_verb(text: str) -> tuple[str, str]:
    """`"set  Grow ARR"` -> `("set", "Grow ARR")`; verbs are case-insensitive."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def help_verb(verbs: Callable[[], Sequence[Verb]]) -> Verb:
    """`/okr help`: answered in the ack itself, so it costs no Web API call."""

    async def run(request: CommandRequest) -> None:
        await request.ack(response_type="ephemeral", **help_message([v.help for v in verbs()]))

    return Verb("help", f"{COMMAND} help", "Show what I can do", run)


def register(app: AsyncApp, deps: Deps, verbs: Sequence[Verb] = ()) -> list[Verb]:
    """Register `/okr` with the given verbs plus `help`; returns the full verb list."""
    table: list[Verb] = []
    table.extend([*verbs, help_verb(lambda: table)])
    by_name = {verb.name: verb for verb in table}

    async def on_okr(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        name, args = split_verb(str(body.get("text", "")))
        verb = by_name.get(name)
        if verb is None:
            unknown = body.get("text", "") if name else None
            await ack(response_type="ephemeral", **help_message([v.help for v in table], unknown))
            return
        await verb.run(CommandRequest(name, args, body, ack, respond, client))

    app.command(COMMAND)(on_okr)
    return table
