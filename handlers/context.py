"""`Ctx`: what the listeners share, built once by the composition root (bot/app.py).

It holds the deps (sessions, clock, settings), the Home refresher, the check-in service
with its after-hooks, the `/okr` verb table and the digest-now callable. Nothing in it is
patched after it is built.

How a listener reaches it: `register(app, ctx)` below adds one global middleware that puts
`ctx` into Bolt's per-request `context` under the key "ctx", and Bolt passes every context
key to a listener that names it as a parameter, as it passes `ack`, `body` or `client`.
So each listener is a plain, named, top-level function,

    async def on_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx)

that a test imports and calls with a fake `ack`, a client on the fake Slack and a `Ctx`.
Chosen over functools.partial (Bolt injects arguments by the listener's parameter names,
which a partial hides along with the function's name) and over a class per feature (an
object per module only to carry what every module shares).

Every handlers module has the same `register(app: AsyncApp, ctx: Ctx) -> None`, so the
composition root registers them all alike. The feature modules do not need `ctx` while
registering (Bolt hands it to their listeners); this module uses it to install the
middleware, and must be registered first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.lang_cache import LangCache
from okr.participation import NudgeAnswer
from storage.context import Deps
from storage.models import Team

if TYPE_CHECKING:  # these modules name Ctx in their listeners' signatures
    from handlers.app_home import Home
    from handlers.checkin import CheckIns
    from handlers.okr_command import Verb

#: Posts this week's digest of a team now; True when it went out (the scheduler's rhythm).
DigestNow = Callable[[str, Team, datetime], Awaitable[bool]]

#: Sends a member this week's one nudge now (a lead's *Nudge now*), or says why not.
NudgeNow = Callable[[str, str, datetime], Awaitable[NudgeAnswer]]

#: Sends one message once through the delivery ledger (claim, send, record): (client,
#: workspace, kind, recipient, period, send); True when it went out now, False when it
#: was sent before (or by another replica) or failed.
SendOnce = Callable[
    [AsyncWebClient, str, str, str, str, Callable[[], Awaitable[Any]]], Awaitable[bool]
]

#: The key of `Ctx` in Bolt's context, and so the name of the listeners' parameter.
KEY = "ctx"


@dataclass(frozen=True)
class Ctx:
    """What listeners share; one per app."""

    deps: Deps
    home: Home
    checkins: CheckIns
    #: The /okr verbs in the order the help lists them, `help` last.
    verbs: Sequence[Verb]
    digest_now: DigestNow
    nudge_now: NudgeNow
    send_once: SendOnce
    #: Each reader's language for a while (handlers.lang sets it per request from here).
    langs: LangCache = field(default_factory=LangCache)


def register(app: AsyncApp, ctx: Ctx) -> None:
    """Hand `ctx` to every listener of `app` (see the module docstring)."""

    async def provide_ctx(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context[KEY] = ctx
        await next()

    app.use(provide_ctx)
