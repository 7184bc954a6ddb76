"""`/okr team`: create a team or change one, in a modal.

- `/okr team` edits the team the user leads when they lead exactly one; otherwise it opens
  a new team. Either way, when the user may change any team, a "Team" picker on top
  switches the modal to "New team" or to another of those teams (views.update).
- `/okr team <name>` (or `/okr team #channel`) edits that team (leads and workspace
  admins only; others are told whom to ask), or opens a new team with that name when
  there is none.

Anyone may create a team; the author is the suggested lead, and at least one lead is
required. The modal also holds the team's weekly rhythm (check-in, reminder, digest: day and
time each), prefilled from the team or with the defaults. Saving checks, before the ack, the
name (unique in the workspace), the roster, the rhythm (valid days and times, the reminder
after the check-in), the permission and that the bot is in the channel; the modal answers
field errors and nothing is stored. Then, after the ack: one transaction (roster and rhythm
together), a post in the team's channel when it becomes the team's home, and a DM to the
author.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import team_modal as modal
from blocks.mrkdwn import escape
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import can_edit_team, is_admin, person
from handlers.posting import post
from handlers.viewer import user_of, workspace_of
from okr.i18n import N_, _
from storage.context import Deps
from storage.engine import IntegrityError
from storage.models import Team
from storage.rhythm import people
from storage.team_calendar import set_holiday_country
from storage.teams import (
    TeamNotFound,
    get_team,
    is_lead,
    list_teams,
    rhythm_of,
    save_team,
    team_by_channel,
    team_by_name,
    team_roster,
    teams_led_by,
)
from storage.workspaces import ensure_workspace

log = logging.getLogger(__name__)

#: How Slack sends a channel typed into a slash command: <#C123|name> (or <#C123>).
CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")

#: The rhythm inputs that redraw the local times when changed (modal.LOCAL_TIME_INPUTS).
RHYTHM_ACTIONS = re.compile(
    "^("
    + "|".join(
        (
            modal.CHECKIN_TIME_ACTION,
            modal.NUDGE_TIME_ACTION,
            modal.DIGEST_DAY_ACTION,
            modal.DIGEST_TIME_ACTION,
        )
    )
    + ")$"
)
RHYTHM_BLOCKS = re.compile(r"^(" + "|".join(modal.LOCAL_TIME_INPUTS) + r")\.")

#: Seconds the channel check may take before the ack; Slack allows 3 s for the whole ack.
CHANNEL_CHECK_BUDGET_S = 1.5
#: Members whose zone the saved message looks up at most (users.info each, after the ack).
MAX_LOOKUPS = 50


def unescape(text: str) -> str:
    """Slash command text arrives with &, < and > as entities (&amp; &lt; &gt;)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def choices(
    deps: Deps, ws: str, user_id: str, admin: bool
) -> tuple[list[modal.TeamChoice], int]:
    """The teams the picker offers (all for an admin, else those the user leads), and
    how many there are."""
    async with deps.sessions() as session:
        teams = await list_teams(session, ws) if admin else await teams_led_by(session, ws, user_id)
    picked = [modal.TeamChoice(t.id, t.name) for t in teams if t.id is not None]
    return picked[: modal.MAX_PICK_TEAMS], len(picked)


async def zones_of(deps: Deps, ws: str, users: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(user, zone) of the people whose Slack time zone the bot has cached."""
    async with deps.sessions() as session:
        known = await people(session, ws, users)
    return tuple(
        (u, str(known[u].tz)) for u in users if u in known and modal.known_zone(known[u].tz)
    )


async def settings_of(deps: Deps, ws: str, team: Team) -> modal.TeamSettings:
    assert team.id is not None
    async with deps.sessions() as session:
        leads, members = await team_roster(session, ws, team.id)
    return modal.TeamSettings(
        zones=await zones_of(deps, ws, members),
        team_id=team.id,
        name=team.name,
        channel_id=team.channel_id,
        leads=tuple(leads),
        members=tuple(members),
        timezone=team.timezone,
        rhythm=rhythm_of(team),
        holiday_country=team.holiday_country,
    )


async def new_settings(
    client: AsyncWebClient, deps: Deps, ws: str, user_id: str, name: str = ""
) -> modal.TeamSettings:
    """A new team's modal: the author as lead, in their Slack time zone."""
    author = await person(client, deps, ws, user_id)
    tz = author.tz if modal.known_zone(author.tz) else deps.default_timezone
    zones = ((user_id, tz),) if author.tz else ()
    return modal.TeamSettings(
        name=name[: modal.MAX_NAME], leads=(user_id,), timezone=tz, zones=zones
    )


async def team_verb(request: CommandRequest) -> None:
    """`/okr team [name|#channel]`: the team modal, for the team asked or a new one."""
    await request.ack()
    deps = request.ctx.deps
    ws, user_id, client = request.workspace_id, request.user_id, request.client
    wanted = unescape(request.args).strip()
    channel = CHANNEL_MENTION.fullmatch(wanted)
    admin = await is_admin(client, deps, ws, user_id)
    team: Team | None = None
    async with deps.sessions() as session:
        if wanted:
            if channel is not None:
                team = await team_by_channel(session, ws, channel.group(1))
                wanted = ""
            else:
                team = await team_by_name(session, ws, wanted)
            if team is not None and not admin:
                assert team.id is not None
                if not await is_lead(session, ws, team.id, user_id):
                    leads, _members = await team_roster(session, ws, team.id)
                    await request.respond(
                        text=modal.not_allowed_text(team.name, leads),
                        response_type="ephemeral",
                    )
                    return
        else:
            led = await teams_led_by(session, ws, user_id)
            team = led[0] if len(led) == 1 else None
    if team is not None:
        settings = await settings_of(deps, ws, team)
    else:
        settings = await new_settings(client, deps, ws, user_id, wanted)
    picked, total = await choices(deps, ws, user_id, admin)
    view = modal.team_modal(settings, now=deps.clock(), choices=picked, total_choices=total)
    await client.views_open(trigger_id=request.body["trigger_id"], view=view)


async def on_pick(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The modal's "Team" picker: redraw it for a new team or another team the user may
    change."""
    await ack()
    deps = ctx.deps
    ws, user_id = workspace_of(body), user_of(body)
    view = body.get("view") or {}
    action = (body.get("actions") or [{}])[0]
    value = str((action.get("selected_option") or {}).get("value") or modal.NEW_TEAM)
    if value == modal.NEW_TEAM:
        settings = await new_settings(client, deps, ws, user_id)
    else:
        team = None
        if value.isdigit():
            async with deps.sessions() as session:
                team = await get_team(session, ws, int(value))
        allowed = team is not None and await can_edit_team(
            client, deps, ws, user_id, team_id=int(value)
        )
        if team is None or not allowed:
            log.warning("team picker: %s/%s may not open team %r", ws, user_id, value)
            return
        settings = await settings_of(deps, ws, team)
    picked, total = await choices(deps, ws, user_id, await is_admin(client, deps, ws, user_id))
    new_view = modal.team_modal(settings, now=deps.clock(), choices=picked, total_choices=total)
    try:
        await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=new_view)
    except SlackApiError as exc:
        # hash_conflict: the user picked again meanwhile; the later update wins.
        log.info("team picker: views.update failed: %s", exc.response.get("error"))


async def on_rhythm_change(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """A day or time of the rhythm changed in the open modal: redraw the line saying when
    the digest reaches each member, and the warnings, for the times now chosen."""
    await ack()
    view = body.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}
    try:
        meta = modal.read_metadata(view.get("private_metadata"))
    except ValueError:
        return
    form, _errors = modal.read_team_form(values, meta.team_id)
    roster = [*form.leads, *form.members]
    zones = dict(await zones_of(ctx.deps, workspace_of(body), roster))
    zone = form.timezone or ctx.deps.default_timezone
    block = modal.local_times_block(form.rhythm, zone, zones, ctx.deps.clock(), meta.team_id)
    try:
        await client.views_update(
            view_id=view.get("id"), hash=view.get("hash"), view=modal.with_local_times(view, block)
        )
    except SlackApiError as exc:
        log.info("team rhythm redraw: views.update failed: %s", exc.response.get("error"))


async def on_timezone_options(ack: AsyncAck, body: dict[str, Any], ctx: Ctx) -> None:
    await ack(options=modal.timezone_options(str(body.get("value") or ""), ctx.deps.clock()))


async def on_submit(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """The team modal: every check before the ack (field errors, nothing stored), then
    one transaction and the posts."""
    deps = ctx.deps
    ws, user_id = workspace_of(body), user_of(body)
    values = (view.get("state") or {}).get("values") or {}
    name_block = modal.field_block(values, modal.NAME_BLOCK)
    try:
        meta = modal.read_metadata(view.get("private_metadata"))
    except ValueError:
        await ack(response_action="errors", errors={name_block: modal.gone_error()})
        return
    existing: Team | None = None
    async with deps.sessions() as session:
        if meta.team_id is not None:
            existing = await get_team(session, ws, meta.team_id)
            if existing is None:
                await ack(response_action="errors", errors={name_block: modal.gone_error()})
                return
        # Fields missing from the submission (a modal opened before they existed) keep
        # the team's values.
        current = rhythm_of(existing) if existing is not None else None
        country = existing.holiday_country if existing is not None else None
        form, errors = modal.read_team_form(values, meta.team_id, current, country)
        same_name = await team_by_name(session, ws, form.name) if form.name else None
    if existing is not None and not await can_edit_team(
        client, deps, ws, user_id, team_id=existing.id or 0
    ):
        error = modal.not_allowed_error(existing.name)
        await ack(response_action="errors", errors={name_block: error})
        return
    if name_block not in errors and same_name is not None and same_name.id != meta.team_id:
        errors[name_block] = modal.duplicate_name_error(same_name.name)
    channel_block = modal.field_block(values, modal.CHANNEL_BLOCK, meta.team_id)
    if form.channel_id and channel_block not in errors:
        problem = await channel_error(client, form.channel_id)
        if problem:
            errors[channel_block] = problem
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await store_and_notify(client, deps, ws, user_id, form, existing)


async def store_and_notify(
    client: AsyncWebClient,
    deps: Deps,
    ws: str,
    user_id: str,
    form: modal.TeamForm,
    old: Team | None,
) -> None:
    """After the ack: save the team and its rhythm in one transaction, post in its new
    home channel, and tell the author."""
    timezone = form.timezone or await lead_timezone(client, deps, ws, form.leads)
    now = deps.clock()
    try:
        async with deps.sessions() as session:
            await ensure_workspace(session, ws, now)
            team = await save_team(
                session,
                ws,
                team_id=old.id if old is not None else None,
                name=form.name,
                channel_id=form.channel_id,
                timezone=timezone,
                leads=form.leads,
                members=form.members,
                author=user_id,
                now=now,
                rhythm=form.rhythm,
            )
            await set_holiday_country(session, team, form.holiday_country)
            await session.commit()
    except (IntegrityError, TeamNotFound) as exc:
        log.warning("team %r not saved for %s/%s: %r", form.name, ws, user_id, exc)
        text = _(
            "Nothing saved: a team called *{team}* was just created by someone else, or the "
            "team was removed. Type `{command}` to try again."
        ).format(team=escape(form.name), command=f"{COMMAND} team")
        await dm(client, user_id, {"text": text})
        return
    roster = [*form.leads, *form.members]
    problem = None
    if form.channel_id and (old is None or old.channel_id != form.channel_id):
        error = await post(
            client,
            form.channel_id,
            modal.home_channel_message(team.name, form.leads),
            what=f"team {team.id}'s home-channel post",
        )
        if error is not None:
            problem = _(
                "I could not post in {channel} ({error}): type `/invite {bot}` there so I "
                "can post the team's digests."
            ).format(channel=f"<#{form.channel_id}>", error=error, bot=modal.BOT_HANDLE)
    message = modal.team_saved_message(
        created=old is None,
        name=team.name,
        channel_id=team.channel_id,
        leads=form.leads,
        member_count=len(form.leads) + len(form.members),
        timezone=team.timezone,
        channel_problem=problem,
        rhythm=form.rhythm,
        local_times=modal.local_times_text(
            form.rhythm, team.timezone, await _fresh_zones(client, deps, ws, roster), now
        ),
    )
    await dm(client, user_id, message)


async def _fresh_zones(
    client: AsyncWebClient, deps: Deps, ws: str, users: Sequence[str]
) -> dict[str, str]:
    """Each member's Slack time zone, looked up when not cached (after the ack)."""
    found = {}
    for user in users[:MAX_LOOKUPS]:
        tz = (await person(client, deps, ws, user)).tz
        if modal.known_zone(tz):
            found[user] = str(tz)
    return found


async def lead_timezone(client: AsyncWebClient, deps: Deps, ws: str, leads: tuple[str, ...]) -> str:
    """The first lead's Slack time zone, else DEFAULT_TIMEZONE."""
    for lead in leads[:1]:
        tz = (await person(client, deps, ws, lead)).tz
        if modal.known_zone(tz):
            return str(tz)
    return deps.default_timezone


VERBS = (
    Verb(
        "team",
        f"{COMMAND} team [name]",
        N_("Create a team, or change one you lead (channel, leads, members, time zone, rhythm)"),
        team_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(modal.PICK_ACTION)(on_pick)
    app.options(modal.TIMEZONE_ACTION)(on_timezone_options)
    app.action({"action_id": RHYTHM_ACTIONS, "block_id": RHYTHM_BLOCKS})(on_rhythm_change)
    app.view(modal.CALLBACK_ID)(on_submit)


async def channel_error(client: AsyncWebClient, channel_id: str) -> str | None:
    """Why the bot cannot post in the channel (a field error), or None when it can or when
    Slack did not say in time (the post after saving reports a problem then)."""
    try:
        response = await asyncio.wait_for(
            client.conversations_info(channel=channel_id), CHANNEL_CHECK_BUDGET_S
        )
    except TimeoutError:
        log.warning("conversations.info for %s timed out; saving unchecked", channel_id)
        return None
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "channel_not_found":
            # Private channels the bot is not in look like channels that do not exist.
            return modal.not_in_channel_error(None)
        log.warning("conversations.info for %s failed: %s; saving unchecked", channel_id, error)
        return None
    except (SlackClientError, OSError) as exc:
        log.warning("conversations.info for %s failed: %r; saving unchecked", channel_id, exc)
        return None
    channel = response.get("channel") or {}
    name = channel.get("name") if isinstance(channel.get("name"), str) else None
    if channel.get("is_archived"):
        return modal.archived_channel_error(name)
    if channel.get("is_member") is False:
        return modal.not_in_channel_error(name)
    return None


async def dm(client: AsyncWebClient, user_id: str, message: dict[str, Any]) -> None:
    """A message in the user's DM with the bot; failures are logged, never raised."""
    await post(client, user_id, message, what="DM")
