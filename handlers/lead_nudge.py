"""*Nudge now* in the lead's weekly DM: sends a member who has not checked in this week's one
nudge (the scheduled nudge's ledger key, so never twice), and tells the lead what happened."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.kr_format import mention
from blocks.participation import nudge_target
from blocks.view_state import action_value
from handlers.answers import tell
from handlers.context import Ctx
from handlers.people import can_edit_team
from handlers.viewer import user_of, workspace_of
from okr.i18n import N_, _
from okr.participation import NudgeAnswer

ANSWERS = {
    NudgeAnswer.SENT: N_("Nudged {who}: they got this week's reminder just now."),
    NudgeAnswer.ALREADY: N_("{who} was already nudged this week: nothing sent again."),
    NudgeAnswer.AWAY: N_("{who} is away: no nudge while they are."),
    NudgeAnswer.SKIPPED: N_("{who} skipped this week: no nudge."),
    NudgeAnswer.PAUSED: N_("This week is paused for the team (`/okr pause`): no nudge to {who}."),
    NudgeAnswer.CHECKED_IN: N_("{who} has checked in this week since: no nudge needed."),
    NudgeAnswer.NOT_OWNER: N_("{who} owns no key result this cycle: nothing to nudge about."),
    NudgeAnswer.FAILED: N_(
        "The nudge to {who} could not be sent (Slack refused it); it is logged for the admins."
    ),
}
NOT_LEAD = N_("Only this team's leads (or an admin) can nudge its members.")
STALE = N_("That button is out of date: the next weekly DM has a fresh one.")


async def on_nudge_now(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    ctx: Ctx,
) -> None:
    """The lead's click: checked (a lead of that team, or an admin), then the nudge."""
    await ack()
    target = nudge_target(action_value(body))
    if target is None:
        await tell(ack, body, client, respond, _(STALE))
        return
    team_id, member = target
    workspace_id, lead = workspace_of(body), user_of(body)
    if not await can_edit_team(client, ctx.deps, workspace_id, lead, team_id=team_id):
        await tell(ack, body, client, respond, _(NOT_LEAD))
        return
    answer = await ctx.nudge_now(workspace_id, member, ctx.deps.clock())
    await tell(ack, body, client, respond, _(ANSWERS[answer]).format(who=mention(member)))


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.NUDGE_NOW)(on_nudge_now)
