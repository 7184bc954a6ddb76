"""The `/okr` slash command: one listener that routes its first word to a verb.

Feature modules declare their `VERBS`; the composition root gathers them into one table
(`with_help`) and hands it to the listener in `ctx.verbs`. A missing or unknown verb gets
the help, never silence, and the help lists only verbs that exist.

Verbs are ASCII (`/okr set`); Chinese aliases (`/okr 设定`, `/okr 打卡`) name the same
verbs. A word that is neither gets the help in the reader's language, with the verb it
most resembles ("did you mean"), and runs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks.help import VerbHelp, help_message
from handlers.context import Ctx
from okr.i18n import N_

log = logging.getLogger(__name__)

COMMAND = "/okr"

#: Chinese words accepted for a verb (only those whose verb exists are used).
ALIASES = {
    "设定": "set",
    "设置": "set",
    "新建": "set",
    "打卡": "log",
    "签到": "log",
    "列表": "list",
    "查看": "list",
    "帮助": "help",
    "语言": "lang",
    "团队": "team",
    "周报": "digest",
    "对齐": "tree",
    "导出": "export",
    "暂停": "pause",
    "点赞": "kudos",
    "周期": "cycle",
}
#: How alike (rapidfuzz ratio, 0-100) a typo must be to a verb to be suggested: one wrong
#: character of a two-character alias ("打咔") is 50, a swap in "lsit" 75.
SUGGEST_CUTOFF = 50


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


def find_verb(verbs: Sequence[Verb], name: str) -> Verb | None:
    """The verb called `name`, or one of its Chinese aliases."""
    wanted = ALIASES.get(name, name)
    return next((v for v in verbs if v.name == wanted), None)


def suggest(verbs: Sequence[Verb], name: str) -> str | None:
    """The verb (or alias) a mistyped `name` most resembles, or None."""
    known = {v.name for v in verbs}
    words = [*known, *(alias for alias, verb in ALIASES.items() if verb in known)]
    found = process.extractOne(name, words, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF)
    return None if found is None else str(found[0])


async def show_help(request: CommandRequest) -> None:
    """`/okr help`: answered in the ack itself, so it costs no Web API call."""
    verbs = [verb.help for verb in request.ctx.verbs]
    await request.ack(response_type="ephemeral", **help_message(verbs, aliases=ALIASES))


HELP = Verb("help", f"{COMMAND} help", N_("Show what I can do"), show_help)


def with_help(verbs: Sequence[Verb]) -> tuple[Verb, ...]:
    """The verb table: the features' verbs in the order given, then `help`."""
    return (*verbs, HELP)


async def on_okr(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, ctx: Ctx
) -> None:
    """Run the verb named by the first word, or answer with the help."""
    name, args = split_verb(str(body.get("text", "")))
    verb = find_verb(ctx.verbs, name)
    if verb is None:
        unknown = body.get("text", "") if name else None
        guess = suggest(ctx.verbs, name) if name else None
        helps = [v.help for v in ctx.verbs]
        await ack(response_type="ephemeral", **help_message(helps, unknown, guess, ALIASES))
        return
    await verb.run(CommandRequest(verb.name, args, body, ack, respond, client, ctx))


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.command(COMMAND)(on_okr)
