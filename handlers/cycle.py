"""`/okr cycle`: workspace admins set the fiscal-year start month, add custom cycles and
pick the company channel (where the company objectives' cycle-close summary goes).

Others get an ephemeral "only workspace admins" answer. A submission is validated before
the ack (admin again, month, custom cycle rules against the stored cycles); on errors the
modal shows them and nothing is stored. Then, after the ack, one transaction and a DM.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import cycle_modal as modal
from blocks.team_modal import known_zone
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import is_admin, person
from handlers.team import channel_error, dm
from handlers.viewer import user_of, workspace_of
from okr.cycles import CycleSpan, today_in
from okr.i18n import N_, _
from storage.context import Deps
from storage.cycles import (
    create_custom_cycle,
    current_cycle,
    custom_cycles,
    cycle_conflicts,
    set_fiscal_start,
)
from storage.engine import IntegrityError
from storage.models import Cycle
from storage.workspaces import ensure_workspace, set_company_channel

log = logging.getLogger(__name__)


def span_of(cycle: Cycle) -> CycleSpan:
    return CycleSpan(cycle.name, cycle.start_date, cycle.end_date)


async def local_today(client: AsyncWebClient, deps: Deps, ws: str, user_id: str) -> date:
    """Today where the admin is (their Slack time zone, else DEFAULT_TIMEZONE)."""
    tz = (await person(client, deps, ws, user_id)).tz
    return today_in(tz if tz and known_zone(tz) else deps.default_timezone, deps.clock())


async def cycle_verb(request: CommandRequest) -> None:
    """`/okr cycle`: the cycle modal, for workspace admins only."""
    await request.ack()
    deps = request.ctx.deps
    ws, user_id, client = request.workspace_id, request.user_id, request.client
    if not await is_admin(client, deps, ws, user_id):
        await request.respond(text=_(modal.NOT_ADMIN_TEXT), response_type="ephemeral")
        return
    today = await local_today(client, deps, ws, user_id)
    async with deps.sessions() as session:
        workspace = await ensure_workspace(session, ws, deps.clock())
        current = await current_cycle(session, ws, today)
        upcoming = await custom_cycles(session, ws, ending_on_or_after=today)
        await session.commit()
    view = modal.cycle_modal(
        fiscal_start_month=workspace.fiscal_year_start_month,
        current=span_of(current),
        custom=[span_of(c) for c in upcoming],
        company_channel=workspace.company_channel_id,
    )
    await client.views_open(trigger_id=request.body["trigger_id"], view=view)


async def on_submit(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """The cycle modal: checked before the ack, then one transaction and a DM."""
    deps = ctx.deps
    ws, user_id = workspace_of(body), user_of(body)
    if not await is_admin(client, deps, ws, user_id):
        await ack(response_action="errors", errors={modal.FISCAL_BLOCK: _(modal.NOT_ADMIN_ERROR)})
        return
    values = (view.get("state") or {}).get("values") or {}
    form, errors = modal.read_cycle_form(values)
    if form.wants_custom:
        async with deps.sessions() as session:
            existing = await cycle_conflicts(session, ws, form.name, form.start, form.end)
        for block, message in modal.custom_cycle_errors(form, existing).items():
            errors.setdefault(block, message)
    if form.company_channel and modal.COMPANY_BLOCK not in errors:
        problem = await channel_error(client, form.company_channel)
        if problem:
            errors[modal.COMPANY_BLOCK] = problem
    if errors or form.fiscal_start_month is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    today = await local_today(client, deps, ws, user_id)
    try:
        async with deps.sessions() as session:
            workspace = await ensure_workspace(session, ws, deps.clock())
            changed = workspace.fiscal_year_start_month != form.fiscal_start_month
            await set_fiscal_start(session, ws, form.fiscal_start_month)
            if modal.COMPANY_BLOCK in values:  # a modal from before the field keeps it
                await set_company_channel(session, ws, form.company_channel)
            custom = None
            if form.wants_custom and form.start is not None and form.end is not None:
                custom = await create_custom_cycle(session, ws, form.name, form.start, form.end)
            current = await current_cycle(session, ws, today)
            await session.commit()
    except IntegrityError as exc:
        log.warning("cycle settings not saved for %s/%s: %r", ws, user_id, exc)
        text = _(
            "Nothing saved: a cycle with these days was just created by someone else. "
            "Type `{command}` to see the cycles and try again."
        ).format(command=f"{COMMAND} cycle")
        await dm(client, user_id, {"text": text})
        return
    message = modal.cycle_saved_message(
        fiscal_start_month=form.fiscal_start_month,
        month_changed=changed,
        custom=span_of(custom) if custom is not None else None,
        current=span_of(current),
        company_channel=form.company_channel,
    )
    await dm(client, user_id, message)


VERBS = (
    Verb(
        "cycle",
        f"{COMMAND} cycle",
        N_("Set the fiscal year and add custom cycles (workspace admins)"),
        cycle_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.view(modal.CALLBACK_ID)(on_submit)
