"""The rhythm's buttons and commands: snooze, skip or "away" on the Monday prompt, the
prompt turning to its done state after a check-in, the retrospective after cycle close,
and `/okr digest` for team leads."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.away_modal import away_modal, read_away
from blocks.checkin_modal import Answer, sent_in
from blocks.cycle_close import read_retro, retro_modal, retro_post
from blocks.notice import notice_modal
from blocks.prompt import Sent, prompt_away, prompt_done, prompt_skipped, prompt_snoozed
from blocks.view_state import action_value, json_object, metadata, row_id
from handlers.checkin import message_source
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.viewer import Viewer, load_viewer, user_of, workspace_of
from okr.display import Measure
from okr.i18n import N_, _
from okr.progress import KRKind
from okr.rhythm import local_today, snooze_until, week_key, week_label
from okr.team_rhythm import DEFAULT_RHYTHM
from okr.values import Unit
from storage.away import record_away
from storage.checkins import active_krs_of
from storage.context import Deps
from storage.cycles import cycle_for
from storage.models import KeyResult
from storage.rhythm import deliveries, recent_sent_to, set_rest
from storage.teams import get_team, team_by_channel

log = logging.getLogger(__name__)

PROMPT_KINDS = ("prompt", "reprompt", "nudge")
NO_SUMMARY = N_("That cycle summary does not exist any more.")


def _checkin_time(viewer: Viewer) -> str:
    return viewer.teams[0].checkin_time if viewer.teams else DEFAULT_RHYTHM.checkin_time


async def states(
    client: AsyncWebClient, deps: Deps, workspace_id: str, user_id: str
) -> tuple[Viewer, str, str]:
    """The viewer, their cycle's name and this week's label: what a prompt shows."""
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id, check_admin=False)
    return viewer, viewer.cycle.name, week_label(deps.clock(), viewer.timezone)


async def update_source(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    source: Mapping[str, Any],
    message: dict[str, Any],
) -> None:
    """Redraw the prompt the person clicked on, if it really is one of theirs: the
    ledger knows every prompt and nudge sent, so no other bot message can be changed."""
    channel, ts = source.get("channel"), source.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return
    async with deps.sessions() as session:
        sent = await recent_sent_to(
            session, workspace_id, PROMPT_KINDS, user_id, deps.clock() - timedelta(days=14)
        )
    if not any(d.channel_id == channel and d.message_ts == ts for d in sent):
        log.warning("%s asked to redraw %s/%s, not a prompt of theirs", user_id, channel, ts)
        return
    await redraw(client, channel, ts, message)


async def redraw(client: AsyncWebClient, channel: str, ts: str, message: dict[str, Any]) -> None:
    try:
        await client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as exc:
        log.info("could not update the prompt %s/%s: %s", channel, ts, exc.response.get("error"))


async def on_snooze(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The prompt's snooze menu: later today, tomorrow, or skip this week."""
    await ack()
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    choice = action_value(body)
    if choice not in ("later", "tomorrow", "skip"):
        log.warning("ignored snooze choice %r from %s", choice, user_id)
        return
    viewer, cycle_name, label = await states(client, deps, workspace_id, user_id)
    now = deps.clock()
    async with deps.sessions() as session:
        if choice == "skip":
            week = week_key(local_today(now, viewer.timezone))
            await set_rest(session, workspace_id, user_id, skipped_week=week)
            message = prompt_skipped(cycle_name=cycle_name, week_label=label)
        else:
            until = snooze_until(now, viewer.timezone, choice, _checkin_time(viewer))
            await set_rest(session, workspace_id, user_id, snoozed_until=until)
            message = prompt_snoozed(cycle_name=cycle_name, week_label=label, until=until)
        await session.commit()
    await update_source(client, deps, workspace_id, user_id, message_source(body), message)


async def on_away(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The prompt's "Away until..." button: the modal asking until when."""
    await ack()
    viewer, _cycle, _week = await states(client, ctx.deps, workspace_of(body), user_of(body))
    today = local_today(ctx.deps.clock(), viewer.timezone)
    await client.views_open(
        trigger_id=body["trigger_id"], view=away_modal(today=today, source=message_source(body))
    )


async def on_away_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    viewer, cycle_name, label = await states(client, deps, workspace_id, user_id)
    view = body["view"]
    until, errors = read_away(
        view.get("state", {}).get("values", {}), local_today(deps.clock(), viewer.timezone)
    )
    if until is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    async with deps.sessions() as session:
        await set_rest(session, workspace_id, user_id, away_until=until)
        today = local_today(deps.clock(), viewer.timezone)
        await record_away(session, workspace_id, user_id, today, until, deps.clock())
        await session.commit()
    source = metadata(view).get("source") or metadata(view)
    await update_source(
        client,
        deps,
        workspace_id,
        user_id,
        source if isinstance(source, dict) else {},
        prompt_away(cycle_name=cycle_name, week_label=label, until=until),
    )


async def turn_prompts_done(
    deps: Deps, client: AsyncWebClient, workspace_id: str, user_id: str, source: Mapping[str, Any]
) -> None:
    """After a check-in (a `CheckIns` hook): turn this week's prompt and nudge to done,
    wherever the check-in came from, echoing the values the modal sent (in `source`)."""
    now = deps.clock()
    async with deps.sessions() as session:
        sent = await recent_sent_to(
            session, workspace_id, PROMPT_KINDS, user_id, now - timedelta(days=7)
        )
    if not sent:
        return
    viewer, cycle_name, label = await states(client, deps, workspace_id, user_id)
    async with deps.sessions() as session:
        active = await active_krs_of(session, workspace_id, user_id, viewer.cycle.id or 0)
    done = prompt_done(
        cycle_name=cycle_name,
        week_label=label,
        count=len(active),
        when=now,
        sent=echoed(sent_in(source), [a.kr for a in active]),
    )
    for delivery in sent:  # straight from the ledger: no need to check them again
        if delivery.channel_id and delivery.message_ts:
            await redraw(client, delivery.channel_id, delivery.message_ts, done)


def echoed(answers: Sequence[Answer], krs: Sequence[KeyResult]) -> list[Sent]:
    """The answers of KRs still active, each with how its numbers read."""
    by_id = {kr.id: kr for kr in krs}
    return [
        Sent(
            KRKind(kr.kind),
            Measure(Unit(kr.unit), kr.currency, kr.unit_word),
            a.value,
            a.confidence,
        )
        for a in answers
        if (kr := by_id.get(a.kr_id)) is not None
    ]


async def on_retro(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The cycle summary's retrospective button: the modal, if the summary still exists."""
    await ack()
    workspace_id = workspace_of(body)
    value = json_object(action_value(body))
    team_id, cycle_id = row_id(value.get("team")), row_id(value.get("cycle"))
    async with ctx.deps.sessions() as session:
        team = await get_team(session, workspace_id, team_id) if team_id else None
        cycle = await cycle_for(session, workspace_id, cycle_id) if cycle_id else None
        rows = (
            await deliveries(session, workspace_id, "cycle_close", [f"cycle:{cycle_id}"])
            if team and cycle
            else {}
        )
    row = rows.get((f"team:{team_id}", f"cycle:{cycle_id}"))
    if team is None or cycle is None or row is None or not row.message_ts:
        view = notice_modal(_("Retrospective"), _(NO_SUMMARY))
    else:
        view = retro_modal(
            team_name=team.name,
            cycle_name=cycle.name,
            team_id=team.id or 0,
            cycle_id=cycle.id or 0,
            channel=row.channel_id or "",
            thread_ts=row.message_ts,
        )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_retro_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    view = body["view"]
    answers, errors = read_retro(view.get("state", {}).get("values", {}))
    if answers is None:
        await ack(response_action="errors", errors=errors)
        return
    meta = metadata(view)
    workspace_id = workspace_of(body)
    team_id, cycle_id = row_id(meta.get("team")), row_id(meta.get("cycle"))
    async with ctx.deps.sessions() as session:  # the thread must be the one the bot posted
        rows = await deliveries(session, workspace_id, "cycle_close", [f"cycle:{cycle_id}"])
    row = rows.get((f"team:{team_id}", f"cycle:{cycle_id}"))
    if row is None or not row.message_ts:
        await ack(
            response_action="errors",
            errors={"went_well": _(NO_SUMMARY)},
        )
        return
    await ack()
    await client.chat_postMessage(
        channel=row.channel_id, thread_ts=row.message_ts, **retro_post(answers, user_of(body))
    )


async def digest_verb(request: CommandRequest) -> None:
    """`/okr digest`: this week's digest of the channel's (or the lead's one) team, now."""
    await request.ack()
    deps = request.ctx.deps
    workspace_id, user_id = request.workspace_id, request.user_id
    async with deps.sessions() as session:
        viewer = await load_viewer(session, request.client, deps, workspace_id, user_id)
        team = await team_by_channel(session, workspace_id, request.channel_id)
        if team is None and len(viewer.led_team_ids) == 1:
            team = await get_team(session, workspace_id, next(iter(viewer.led_team_ids)))
    if team is None or not team.channel_id:
        await request.respond(
            response_type="ephemeral",
            text=_("Run `/okr digest` in your team's channel (set it with `/okr team`)."),
        )
        return
    if not (viewer.is_admin or team.id in viewer.led_team_ids):
        await request.respond(
            response_type="ephemeral",
            text=_("Only the team's leads and workspace admins post its digest on demand."),
        )
        return
    posted = await request.ctx.digest_now(workspace_id, team, deps.clock())
    await request.respond(
        response_type="ephemeral",
        text=(
            _("Posted this week's digest in {channel}.")
            if posted
            else _("I could not post in {channel}: invite me with `/invite @okr-bot`.")
        ).format(channel=f"<#{team.channel_id}>"),
    )


VERBS = (
    Verb(
        "digest", f"{COMMAND} digest", N_("Post this week's team digest now (leads)"), digest_verb
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.SNOOZE)(on_snooze)
    app.action(ids.AWAY)(on_away)
    app.view(ids.AWAY_VIEW)(on_away_submit)
    app.action(ids.RETRO_OPEN)(on_retro)
    app.view(ids.RETRO_VIEW)(on_retro_submit)
