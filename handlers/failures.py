"""When a listener fails, the person hears it from okr-bot, never as Slack's generic error.

Why every listener is wrapped, and not left to Bolt's error handler: with
process_before_response off, a listener that raises after `ack()` makes Bolt's runner set
`ack.response` back to None (slack_bolt/listener/asyncio_runner.py). If that happens
before the runner's 10 ms poll has seen the ack, the request gets no answer and Slack
shows a 404 after 3 s; one that raises before its ack answers 500. So no exception may
leave a listener: `FriendlyApp` wraps each one as it is registered (`friendly`), logs the
failure once with its traceback, and tells the person on the surface they used.

What they are told depends on the error, not on the listener: the database being down or
busy (`storage.engine.unreachable`, or a store that ran out of its time before the ack)
reads "can't reach its database"; anything else "something went wrong". Both say nothing
was saved, which holds because work after a committed save runs in `after_saved`, whose
failures say the save stands.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from handlers.answers import person_of, tell
from handlers.before_ack import OutOfTime
from handlers.posting import post
from handlers.viewer import workspace_of
from okr.i18n import N_, _
from storage.engine import unreachable

log = logging.getLogger(__name__)

DATABASE_DOWN = N_(
    "okr-bot can't reach its database right now; nothing was saved, try again in a minute."
)
UNEXPECTED = N_(
    "Something went wrong inside okr-bot (it is logged for the admins); nothing was saved. "
    "Try again in a minute."
)

Listener = Callable[..., Awaitable[Any]]

#: What the wrapper itself needs from Bolt, beyond what the listener asks for.
_NEEDS = ("ack", "body", "client", "respond")


def friendly(listener: Listener) -> Listener:
    """`listener`, made unable to fail silently: on any exception the failure is logged
    once and the person told (see the module docstring). The wrapper declares the
    listener's parameters plus the few it needs, so Bolt injects both by name."""
    own = list(inspect.signature(listener).parameters)
    names = list(dict.fromkeys([*own, *_NEEDS]))
    name = f"{listener.__module__.removeprefix('handlers.')}.{listener.__name__}"

    async def guarded(**kwargs: Any) -> None:
        body: dict[str, Any] = kwargs["body"]
        user, workspace = person_of(body), workspace_of(body)
        task = asyncio.current_task()
        if task is not None:  # what shutdown names if this is still running then
            task.set_name(f"{name} for {user or '?'} in {workspace or '?'}")
        try:
            await listener(**{key: kwargs[key] for key in own})
        except OutOfTime as exc:  # a busy database, not a bug: no traceback to read
            log.error("%s failed for %s in %s: %s", name, user, workspace, str(exc))
            await tell(kwargs["ack"], body, kwargs["client"], kwargs["respond"], _(DATABASE_DOWN))
            await exc.settled()
        except Exception as exc:
            log.error("%s failed for %s in %s: %r", name, user, workspace, exc, exc_info=exc)
            text = _(DATABASE_DOWN) if unreachable(exc) else _(UNEXPECTED)
            await tell(kwargs["ack"], body, kwargs["client"], kwargs["respond"], text)

    guarded.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
    )
    guarded.__name__ = listener.__name__
    guarded.__qualname__ = listener.__qualname__
    guarded.__module__ = listener.__module__
    guarded.__doc__ = listener.__doc__
    return guarded


class FriendlyApp(AsyncApp):
    """Bolt's app, with every listener registered through `friendly`."""

    def _register_listener(  # type: ignore[override]
        self, functions: Sequence[Listener], *args: Any, **kwargs: Any
    ) -> Any:
        # Every public registration (action, view, command, event, options, shortcut...)
        # ends here, so no listener can be added unwrapped.
        return super()._register_listener([friendly(f) for f in functions], *args, **kwargs)


async def after_saved(
    client: AsyncWebClient, user_id: str, saved: str, work: Awaitable[None]
) -> None:
    """Run what follows a committed save (confirmations, channel posts, Home tabs). If it
    fails, the failure is logged and the person told that `saved` (a noun phrase such as
    "Your check-in", translated or marked with `N_`) stands and what did not follow, instead
    of the listener's wrapper saying that nothing was saved."""
    try:
        await work
    except Exception as exc:
        log.error("after saving %s for %s: %r", saved, user_id, exc, exc_info=exc)
        text = _(
            "{saved} is saved. okr-bot could not finish the updates that follow it "
            "(a confirmation, a channel post or your Home tab); nothing was lost."
        ).format(saved=_(saved))
        try:
            await post(client, user_id, {"text": text}, what="after-save notice")
        except Exception:
            log.exception("could not tell %s that %s is saved", user_id, saved)
