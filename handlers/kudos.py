"""Praise: `/okr kudos @person for ...` and the *Give kudos* button beside a win in the
digest post a short kudos in the team channel naming who gave it, and keep it for the
week's digest.

The channel: a team the giver and the receiver share (the one the command was typed in
when it is such a team's channel, else the first). Bad input is told at once and stores
nothing: kudos to oneself, to a bot, to someone Slack does not know in this workspace or
who left it, over 280 characters, or saying nothing. A kudos is stored once its post is
in, so the digest never lists one nobody saw.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.kr_format import mention
from blocks.kudos import (
    TEXT_BLOCK,
    KudosRequest,
    kudos_modal,
    kudos_post,
    parse_kudos,
    read_kudos_modal,
    reason_problem,
)
from blocks.notice import notice_modal
from blocks.view_state import action_value, row_id
from handlers.before_ack import in_time
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import USERS_INFO_TIMEOUT_S
from handlers.posting import post
from handlers.viewer import user_of, workspace_of
from okr.i18n import N_, _
from storage.context import Deps
from storage.kudos import add_kudos, key_result_for_kudos, record_post
from storage.models import Team
from storage.teams import teams_of_user

log = logging.getLogger(__name__)

TO_SELF = N_("Kudos go to someone else: you can't give them to yourself.")
TO_BOT = N_("Kudos go to people, not to bots.")
NOT_HERE = N_("{who} isn't in this workspace: kudos go to your teammates.")
LEFT = N_("{who} has left this workspace: kudos go to your teammates.")
UNKNOWN = N_("Slack could not say who {who} is right now; try again in a minute.")
NO_TEAM = N_("{who} is not in a team of yours: kudos are posted in a team channel you share.")
NO_CHANNEL = N_("{team} has no channel yet: a lead sets one with `/okr team`.")
OWN_KR = N_(
    "That is your own key result: kudos go to someone else. "
    "`{command} kudos @person for …` thanks a teammate."
)
GONE_KR = N_("That key result is gone or archived: nothing to give kudos for.")


async def receiver_problem(
    client: AsyncWebClient, workspace_id: str, giver: str, receiver: str, who: str
) -> str | None:
    """Why `giver` cannot give `receiver` (named `who` in the answer) kudos: themselves, a
    bot, someone Slack does not know in this workspace or who left it; None when they can."""
    if receiver == giver:
        return _(TO_SELF)
    try:
        answer = await asyncio.wait_for(client.users_info(user=receiver), USERS_INFO_TIMEOUT_S)
    except SlackApiError as exc:
        if exc.response.get("error") in {"user_not_found", "user_not_visible"}:
            return _(NOT_HERE).format(who=who)
        return _(UNKNOWN).format(who=who)
    except (SlackClientError, OSError, TimeoutError):
        return _(UNKNOWN).format(who=who)
    user = answer.get("user") or {}
    if user.get("is_bot") or user.get("is_app_user") or receiver == "USLACKBOT":
        return _(TO_BOT)
    if user.get("deleted"):
        return _(LEFT).format(who=who)
    if user.get("team_id") not in (None, workspace_id):
        return _(NOT_HERE).format(who=who)
    return None


def choose_team(shared: Sequence[Team], channel_id: str) -> Team | None:
    """The team whose channel the kudos goes to: the one it was asked from, when that is a
    shared team's channel, else the first shared team."""
    return next((t for t in shared if channel_id and t.channel_id == channel_id), None) or next(
        iter(shared), None
    )


async def kudos_team(
    deps: Deps, workspace_id: str, giver: str, receiver: str, channel_id: str, who: str
) -> Team | str:
    """The team to post in, or why there is none."""
    async with deps.sessions() as session:
        mine = await teams_of_user(session, workspace_id, giver)
        theirs = {t.id for t in await teams_of_user(session, workspace_id, receiver)}
    team = choose_team([t for t in mine if t.id in theirs], channel_id)
    if team is None:
        return _(NO_TEAM).format(who=who)
    if not team.channel_id:
        return _(NO_CHANNEL).format(team=team.name)
    return team


async def checked(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    giver: str,
    request: KudosRequest,
    channel_id: str,
    who: str,
) -> Team | str:
    """The team to post `request` in, or the error to show (naming the receiver `who`)."""
    problem = reason_problem(request.text) or await receiver_problem(
        client, workspace_id, giver, request.receiver, who
    )
    if problem:
        return problem
    return await kudos_team(deps, workspace_id, giver, request.receiver, channel_id, who)


async def give(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    giver: str,
    request: KudosRequest,
    team: Team,
    key_result_id: int | None = None,
) -> str | None:
    """Post the kudos in the team's channel, then keep it with where it went; Slack's error
    when the post failed (then nothing is kept)."""
    assert team.channel_id
    try:
        posted = await client.chat_postMessage(
            channel=team.channel_id, **kudos_post(giver, request.receiver, request.text)
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        log.warning("kudos to %s failed: %s", team.channel_id, error)
        return error
    try:
        async with deps.sessions() as session:
            kudos = await add_kudos(
                session,
                workspace_id,
                team_id=team.id,
                giver=giver,
                receiver=request.receiver,
                text=request.text,
                now=deps.clock(),
                key_result_id=key_result_id,
            )
            await record_post(session, kudos, posted.get("channel"), posted.get("ts"))
            await session.commit()
    except Exception:
        await client.chat_delete(channel=str(posted.get("channel")), ts=str(posted.get("ts")))
        raise
    return None


def post_failed(team: Team, error: str) -> str:
    if error in {"not_in_channel", "channel_not_found", "is_archived"}:
        return _(
            "I can't post in {team}'s channel ({error}): invite me there with `/invite`."
        ).format(team=team.name, error=error)
    return _(
        "Slack refused the kudos post ({error}); nothing was kept. Try again in a minute."
    ).format(error=error)


async def kudos_verb(request: CommandRequest) -> None:
    """`/okr kudos @person for ...`: the kudos in a shared team's channel, or why not."""
    await request.ack()
    ctx, client = request.ctx, request.client
    asked = parse_kudos(request.args)
    if isinstance(asked, str):
        await request.respond(response_type="ephemeral", text=asked)
        return
    workspace_id, giver = request.workspace_id, request.user_id
    who = mention(asked.receiver)
    team = await checked(client, ctx.deps, workspace_id, giver, asked, request.channel_id, who)
    if isinstance(team, str):
        await request.respond(response_type="ephemeral", text=team)
        return
    error = await give(client, ctx.deps, workspace_id, giver, asked, team)
    posted = _("Kudos posted in {channel}. :clap:").format(channel=f"<#{team.channel_id}>")
    text = post_failed(team, error) if error else posted
    await request.respond(response_type="ephemeral", text=text)


async def on_give_kudos(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """*Give kudos* beside a win: the modal to the KR's owner, prefilled with the KR."""
    await ack()
    workspace_id, giver = workspace_of(body), user_of(body)
    kr_id = row_id(action_value(body))
    async with ctx.deps.sessions() as session:
        kr = await key_result_for_kudos(session, workspace_id, kr_id) if kr_id else None
    if kr is None or kr.id is None:
        view = notice_modal(_("Give kudos"), _(GONE_KR))
    elif kr.owner_id == giver:
        view = notice_modal(_("Give kudos"), _(OWN_KR).format(command=COMMAND))
    else:
        channel = str((body.get("channel") or {}).get("id") or "")
        view = kudos_modal(receiver=kr.owner_id, kr_id=kr.id, kr_title=kr.title, channel_id=channel)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def on_kudos_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """The modal: checked before the ack (a field error keeps it open, nothing kept), then
    posted and kept; a failed post is told to the giver by DM."""
    workspace_id, giver = workspace_of(body), user_of(body)
    form = read_kudos_modal(body["view"])
    asked = KudosRequest(form.receiver, form.text)
    who = _("This key result's owner")  # a field error is plain text: no mentions
    team = await in_time(
        checked(client, ctx.deps, workspace_id, giver, asked, form.channel_id, who)
    )
    if isinstance(team, str):
        await ack(response_action="errors", errors={TEXT_BLOCK: team})
        return
    await ack()
    error = await give(client, ctx.deps, workspace_id, giver, asked, team, form.kr_id)
    if error:
        await post(client, giver, {"text": post_failed(team, error)}, what="kudos failure")


VERBS = (
    Verb(
        "kudos",
        f"{COMMAND} kudos @person for …",
        N_("Praise a teammate in your team's channel"),
        kudos_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.KUDOS_GIVE)(on_give_kudos)
    app.view(ids.KUDOS_VIEW)(on_kudos_submit)
