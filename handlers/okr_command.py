"""The `/okr` slash command: one listener that routes its first word to a verb.

Feature modules declare their `VERBS`; the composition root gathers them into one table
(`with_help`) and hands it to the listener in `ctx.verbs`. A missing or unknown verb gets
the help, never silence, and the help lists only verbs that exist.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks.help import VerbHelp, help_message
from handlers.context import Ctx

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
    ctx: Ctx

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


async def show_help(request: CommandRequest) -> None:
    """`/okr help`: answered in the ack itself, so it costs no Web API call."""
    verbs = [verb.help for verb in request.ctx.verbs]
    await request.ack(response_type="ephemeral", **help_message(verbs))


HELP = Verb("help", f"{COMMAND} help", "Show what I can do", show_help)


def with_help(verbs: Sequence[Verb]) -> tuple[Verb, ...]:
    """The verb table: the features' verbs in the order given, then `help`."""
    return (*verbs, HELP)


async def on_okr(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, ctx: Ctx
) -> None:
    """Run the verb named by the first word, or answer with the help."""
    name, args = split_verb(str(body.get("text", "")))
    verb = next((v for v in ctx.verbs if v.name == name), None)
    if verb is None:
        unknown = body.get("text", "") if name else None
        await ack(response_type="ephemeral", **help_message([v.help for v in ctx.verbs], unknown))
        return
    await verb.run(CommandRequest(name, args, body, ack, respond, client, ctx))


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.command(COMMAND)(on_okr)
