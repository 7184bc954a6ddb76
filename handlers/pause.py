"""`/okr pause`: a team's lead pauses a week (an offsite, a holiday week) or lifts it.

A command rather than a field of the team modal: a pause is a one-off that a lead decides
mid-week ("we're all at the kickoff next week"), and the team modal holds the settings
that stay. `/okr pause [this week|next week|YYYY-MM-DD] [team]`, `/okr pause off [team]`,
and `/okr pause [team]` to see the paused weeks. The team is the one the user leads, or
the one named (leads and workspace admins). A week that is over or lies outside the
current cycle is refused with an ephemeral, and nothing is stored. In a paused week the
jobs send no prompt, reminder or digest (okr.calendar).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import pause as text
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import is_admin
from handlers.team import unescape
from okr.calendar import pause_problem, paused_monday, read_pause
from okr.i18n import N_
from okr.rhythm import local_today, week_start
from storage.cycles import current_cycle
from storage.models import Team
from storage.team_calendar import pause_week, paused_weeks, unpause_from
from storage.teams import is_lead, team_by_name, teams_led_by


async def pause_verb(request: CommandRequest) -> None:
    """`/okr pause ...`: pause a week of a team the user leads, lift pauses, or list them."""
    await request.ack()
    deps = request.ctx.deps
    ws, user_id = request.workspace_id, request.user_id
    try:
        ask = read_pause(unescape(request.args))
    except ValueError as exc:
        await _say(request, text.bad_date_text(str(exc)))
        return
    admin = await is_admin(request.client, deps, ws, user_id)
    now = deps.clock()
    team, refusal = await _team(request, ask.team, admin)
    if team is None or team.id is None:
        await _say(request, refusal)
        return
    async with deps.sessions() as session:
        today = local_today(now, team.timezone)
        this_monday = week_start(today)
        if ask.off:
            weeks = await unpause_from(session, ws, team.id, this_monday)
            await session.commit()
            await _say(request, text.lifted_text(team.name, weeks))
            return
        if ask.when is None:
            paused = await paused_weeks(session, ws, [team.id], this_monday)
            await _say(request, text.status_text(team.name, sorted(paused.get(team.id, ()))))
            return
        monday = paused_monday(ask.when, today)
        cycle = await current_cycle(session, ws, today)
        problem = pause_problem(monday, today, cycle.start_date, cycle.end_date)
        if problem == "over":
            answer = text.over_text(monday)
        elif problem == "outside":
            answer = text.outside_text(monday, cycle.name, cycle.start_date, cycle.end_date)
        else:
            new = await pause_week(session, ws, team.id, monday, user_id, now)
            answer = text.paused_text(team.name, monday, already=not new)
        await session.commit()
    await _say(request, answer)


async def _team(request: CommandRequest, name: str, admin: bool) -> tuple[Team | None, str]:
    """The team to pause and, when there is none, what to tell the user."""
    deps = request.ctx.deps
    ws, user_id = request.workspace_id, request.user_id
    async with deps.sessions() as session:
        if name:
            team = await team_by_name(session, ws, name)
            if team is None or team.id is None:
                return None, text.unknown_team_text(name)
            if not admin and not await is_lead(session, ws, team.id, user_id):
                return None, text.not_lead_text(team.name)
            return team, ""
        led = await teams_led_by(session, ws, user_id)
    if len(led) == 1:
        return led[0], ""
    if led:
        return None, text.which_team_text([t.name for t in led])
    return None, text.name_a_team_text() if admin else text.not_lead_text(None)


async def _say(request: CommandRequest, message: str) -> None:
    await request.respond(text=message, response_type="ephemeral")


VERBS = (
    Verb(
        "pause",
        f"{COMMAND} pause [this week|next week|YYYY-MM-DD|off]",
        N_("Pause your team's prompts, reminders and digest for a week (leads)"),
        pause_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    """`/okr pause` is a verb of the `/okr` listener: nothing of its own to register."""
