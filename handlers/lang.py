"""Which language each request is answered in, and `/okr lang zh|en|auto`.

A global middleware sets the reader's language (okr.i18n's context variable) before any
listener runs, so every builder below a listener speaks it without being told. Bolt runs
global middleware one after another in the request's own task and starts the listeners
from that task, so the language set here is theirs (a task copies the context it starts
in). The lookup is remembered for a minute (handlers.lang_cache), else one indexed query on
the person's row; only someone the bot has never seen costs a users.info call (1.5 s at
most), once: their row is cached after it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.context import Ctx
from handlers.lang_cache import LangCache
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import person
from okr.i18n import EN, N_, ZH, _, lang_of_locale, reader_lang, set_lang
from storage.context import Deps
from storage.people import lang_and_locale, save_lang

log = logging.getLogger(__name__)

AUTO = "auto"
#: What `/okr lang` takes, and what each means (None: follow Slack's locale again).
CHOICES: dict[str, str | None] = {
    "zh": ZH,
    "cn": ZH,
    "chinese": ZH,
    "中文": ZH,
    "汉语": ZH,
    "简体中文": ZH,
    "en": EN,
    "english": EN,
    "英文": EN,
    "英语": EN,
    "auto": None,
    "自动": None,
}


async def lang_of_reader(
    client: AsyncWebClient, deps: Deps, workspace_id: str, user_id: str, cache: LangCache
) -> str:
    """The person's language: remembered, else their cached row's, else (someone never
    seen) Slack's, asked once: someone Slack does not describe reads English until the
    entry expires."""
    if not workspace_id or not user_id:
        return EN
    key = (workspace_id, user_id)
    lang = cache.get(key)
    if lang is not None:
        return lang
    async with deps.sessions() as session:
        known = await lang_and_locale(session, workspace_id, user_id)
    if known is not None:
        lang = reader_lang(*known)
    else:
        fresh = await person(client, deps, workspace_id, user_id)
        lang = reader_lang(fresh.lang, fresh.locale)
    cache.put(key, lang)
    return lang


async def lang_verb(request: CommandRequest) -> None:
    """`/okr lang zh|en|auto`: store the choice, then confirm in the language chosen."""
    typed = request.args.strip()
    key = typed.lower()
    if key not in CHOICES:
        await request.ack(response_type="ephemeral", text=_choices_text(typed))
        return
    chosen = CHOICES[key]
    deps = request.ctx.deps
    async with deps.sessions() as session:
        await save_lang(session, request.workspace_id, request.user_id, chosen)
        await session.commit()
    lang = chosen
    if lang is None:
        async with deps.sessions() as session:
            known = await lang_and_locale(session, request.workspace_id, request.user_id)
        lang = lang_of_locale(known[1] if known else None)
    request.ctx.langs.put((request.workspace_id, request.user_id), lang)
    set_lang(lang)  # the confirmation, and anything after it, in the language chosen
    if chosen is None:
        text = _("Done: I'll follow your Slack language setting ({language}).")
    else:
        text = _("Done: I'll speak {language} with you from now on.")
    await request.ack(response_type="ephemeral", text=text.format(language=_(_NAMES[lang])))
    await request.ctx.home.publish_many(request.client, request.workspace_id, {request.user_id})


_NAMES = {EN: N_("English"), ZH: N_("Chinese")}


def _choices_text(typed: str) -> str:
    """The choices, with what was wrong when something was typed."""
    choices = _(
        "Choose your language: `{command} lang zh` (中文), `{command} lang en` (English), "
        "or `{command} lang auto` to follow your Slack language setting."
    ).format(command=COMMAND)
    if not typed:
        return choices
    wrong = _("I don't know the language “{typed}”. Nothing was changed.").format(typed=typed[:30])
    return f"{wrong}\n{choices}"


VERBS = (
    Verb(
        "lang",
        f"{COMMAND} lang zh|en|auto",
        N_("Choose the language I speak with you (中文 / English)"),
        lang_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    """Install the middleware; registered right after `handlers.context`."""

    async def set_reader_lang(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        """The request's language is its reader's (English when unknown or when the lookup
        fails; the listener then meets and reports the failure itself)."""
        user_id, team = context.user_id or "", context.team_id or ""
        try:
            lang = await lang_of_reader(context.client, ctx.deps, team, user_id, ctx.langs)
        except Exception as exc:
            log.warning("no language for %s: %r", user_id, exc)
            lang = EN
        set_lang(lang)  # always: a task serving several requests (Socket Mode) keeps none
        await next()

    app.use(set_reader_lang)
