"""The composition root of the Slack side: the objects listeners share, built once, and
the Bolt app with every feature's listeners registered in order."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.listener_tasks import ListenerTasks
from handlers import (
    app_home,
    checkin,
    context,
    cycle,
    dependencies,
    dependency_discuss,
    dependency_map,
    discuss,
    duplicates,
    export,
    fallback,
    kr_rows,
    kudos,
    lang,
    lead_nudge,
    listing,
    objective_edit,
    objective_set,
    okr_command,
    pause,
    team,
)
from handlers import rhythm as rhythm_handlers
from handlers.context import Ctx, DigestNow, NudgeNow, SendOnce
from handlers.failures import FriendlyApp
from scheduler.deliver import Result, deliver
from scheduler.ledger import DeliveryKey, process_owner
from storage.context import Deps

log = logging.getLogger(__name__)

#: Every handlers module, in the order their listeners are registered: `context` first (it
#: hands `ctx` to the others' listeners), `lang` next (it sets each request's language from
#: `ctx`, before any listener runs), `fallback` last, because Bolt runs the first listener
#: that matches and the fallback matches everything.
MODULES = (
    context,
    lang,
    objective_set,
    objective_edit,
    kr_rows,
    checkin,
    listing,
    team,
    cycle,
    rhythm_handlers,
    pause,
    export,
    okr_command,
    app_home,
    discuss,
    dependency_discuss,
    dependency_map,
    dependencies,
    lead_nudge,
    kudos,
    duplicates,
    fallback,
)


def build_context(deps: Deps, digest_now: DigestNow, nudge_now: NudgeNow) -> Ctx:
    """What the listeners share, each built once: the `/okr` verb table (in the order the
    help lists them), the Home refresher that lists them, and the check-in service with
    the rhythm's hook that turns a prompt to done."""
    verbs = okr_command.with_help(
        [
            *objective_set.VERBS,
            *checkin.VERBS,
            *listing.VERBS,
            *dependency_map.VERBS,
            *team.VERBS,
            *cycle.VERBS,
            *rhythm_handlers.VERBS,
            *pause.VERBS,
            *export.VERBS,
            *kudos.VERBS,
            *lang.VERBS,
        ]
    )
    home = app_home.Home(deps, [verb.help for verb in verbs])
    checkins = checkin.CheckIns(deps, home, after=[rhythm_handlers.turn_prompts_done])
    return Ctx(
        deps=deps,
        home=home,
        checkins=checkins,
        verbs=verbs,
        digest_now=digest_now,
        nudge_now=nudge_now,
        send_once=_send_once(deps),
    )


def _send_once(deps: Deps) -> SendOnce:
    """A listener's one-off DM through the delivery ledger, like every scheduled send."""
    owner = process_owner()

    async def send_once(
        client: AsyncWebClient,
        workspace_id: str,
        kind: str,
        recipient: str,
        period: str,
        send: Callable[[], Awaitable[Any]],
    ) -> bool:
        key = DeliveryKey(workspace_id, kind, recipient, period)
        outcome = await deliver(
            client, deps.sessions, key, now=deps.clock(), send=send, owner=owner
        )
        return outcome.result is Result.SENT

    return send_once


def build_app(
    *,
    signing_secret: str,
    client: AsyncWebClient,
    ctx: Ctx,
    listener_tasks: ListenerTasks | None = None,
) -> AsyncApp:
    """A Bolt app acking before slow work (process_before_response stays off), every
    module registered with the same `register(app, ctx)`, every listener wrapped so that
    a failure is told to the person (handlers/failures.py). `listener_tasks`, when given,
    learns of every listener Bolt starts, so shutdown can wait for them."""
    app = FriendlyApp(
        signing_secret=signing_secret,
        client=client,
        process_before_response=False,
        ignoring_self_events_enabled=True,
    )
    for module in MODULES:
        module.register(app, ctx)
    app.error(_log_error)
    if listener_tasks is not None:
        listener_tasks.watch(app)
    return app


async def _log_error(error: Exception, body: dict[str, Any]) -> None:
    """One log line with the request's shape for any listener that raised."""
    log.error(
        "listener failed on %s from %s: %r",
        body.get("type") or body.get("command"),
        body.get("team_id") or (body.get("team") or {}).get("id"),
        error,
        exc_info=error,
    )
