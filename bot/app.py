"""The Bolt app factory: one AsyncApp with every feature's listeners registered in order."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from handlers import (
    app_home,
    checkin,
    cycle,
    fallback,
    listing,
    objective_edit,
    objective_set,
    okr_command,
    team,
)
from handlers import rhythm as rhythm_handlers
from scheduler.rhythm import Rhythm
from storage.context import Deps

log = logging.getLogger(__name__)


def build_app(
    *, signing_secret: str, client: AsyncWebClient, deps: Deps, rhythm: Rhythm
) -> AsyncApp:
    """A Bolt app acking before slow work (process_before_response stays off).

    Feature modules register first; `fallback` last, because Bolt runs the first listener
    that matches and the fallback matches everything.
    """
    app = AsyncApp(
        signing_secret=signing_secret,
        client=client,
        process_before_response=False,
        ignoring_self_events_enabled=True,
    )
    # Feature modules: each registers its listeners and returns the /okr verbs it adds,
    # in the order the help lists them.
    feature_verbs: list[okr_command.Verb] = []
    home = app_home.Home(deps)
    # -- features --
    feature_verbs += objective_set.register(app, deps, home)
    feature_verbs += objective_edit.register(app, deps, home)
    checkin_verbs, checkins = checkin.register(app, deps, home)
    feature_verbs += checkin_verbs
    feature_verbs += listing.register(app, deps)
    feature_verbs += team.register(app, deps)
    feature_verbs += cycle.register(app, deps)
    feature_verbs += rhythm_handlers.register(app, deps, checkins, rhythm.digest_now)
    # -- end features --
    verbs = okr_command.register(app, deps, verbs=feature_verbs)
    home.verbs = [verb.help for verb in verbs]
    app_home.register(app, deps, home)
    fallback.register(app, deps)
    app.error(_log_error)
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
