"""A workspace whose token Slack refuses (`account_inactive`, `invalid_auth` ...) is
paused: its fan-outs stop at once, nobody is marked, one ERROR line says so, and
`/healthz` and `okr-bot doctor` show it. Each tick asks Slack (`auth.test`) whether the
token works again; when it does, sends resume by themselves and the admins are told.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from blocks.delivery_errors import sends_resumed
from okr.i18n import use_lang
from scheduler import ledger
from scheduler.deliver import Item, Outcome
from storage.context import Deps
from storage.people import langs_of
from storage.rhythm import admins
from storage.workspaces import get_workspace, pause_workspace, paused_workspaces, resume_workspace

if TYPE_CHECKING:
    from scheduler.sending import Sender

log = logging.getLogger(__name__)


async def pause_on_token_problem(deps: Deps, outcomes: Sequence[Outcome]) -> None:
    """Pause each workspace whose sends met a token problem; log it once per pause."""
    broken = {
        o.key.workspace_id: o.error or "token refused" for o in outcomes if o.installation_broken
    }
    for workspace_id, error in broken.items():
        async with deps.sessions() as session:
            new = await pause_workspace(session, workspace_id, error, deps.clock())
            await session.commit()
        if new:
            log.error(
                "Slack refuses okr-bot's token in workspace %s (%s): its sends are paused and "
                "resume by themselves once Slack accepts the token; nobody is marked inactive. "
                "Fix the token, then `okr-bot doctor` confirms it.",
                workspace_id,
                error,
            )


async def paused_ids(deps: Deps) -> set[str]:
    """The workspaces whose sends are paused now."""
    async with deps.sessions() as session:
        return {w.id for w in await paused_workspaces(session)}


async def resume_accepted(sender: Sender, now: datetime) -> list[Outcome]:
    """Ask Slack whether the paused workspaces' token works again; resume them when it
    does and tell their admins, once per pause. The outcomes of those DMs."""
    deps = sender.deps
    async with deps.sessions() as session:
        paused = await paused_workspaces(session)
    if not paused:
        return []
    try:
        await sender.client.auth_test()
    except Exception as exc:  # still refused, or Slack unreachable: ask again next tick
        log.info("token still refused for %s: %r", [w.id for w in paused], exc)
        return []
    items: list[Item] = []
    for workspace in paused:
        async with deps.sessions() as session:
            resumed = await resume_workspace(session, workspace.id, now)
            await session.commit()
            told = await admins(session, workspace.id, deps.admin_user_ids)
            stored = await get_workspace(session, workspace.id)
            langs = await langs_of(session, workspace.id, list(told))
        if not resumed or stored is None or stored.paused_since is None:
            continue
        reason = stored.paused_reason or "token refused"
        log.warning(
            "Slack accepts okr-bot's token again in workspace %s: sends resume (paused since "
            "%s: %s)",
            workspace.id,
            stored.paused_since.isoformat(),
            reason,
        )
        period = f"pause:{stored.paused_since.strftime('%Y%m%dT%H%M%S')}"
        for admin in told:
            with use_lang(langs.get(admin)):  # each admin's own language
                message = sends_resumed(reason=reason, since=stored.paused_since, until=now)
            key = ledger.DeliveryKey(workspace.id, "resumed", admin, period)
            items.append(sender.post(key, admin, message))
    return await sender.deliver(items)
