"""`/okr export [cycle] [team]`: a CSV of objectives, key results, check-ins (with notes)
and target revisions, sent to the requester by DM (files v2: files.getUploadURLExternal,
the upload, files.completeUploadExternal, through slack_sdk's `files_upload_v2`).

What each person may export: workspace admins any team or the whole workspace; a team's
leads and members that team (they see it on Home and in its channel anyway); anyone their
own objectives and those holding a key result of theirs, which is what they get without
naming a team when they belong to none. Without a team named, a member of teams gets all
of their teams. The cycle defaults to the current one (in the requester's time zone).
An unknown cycle or team, or a team the requester may not export, is an ephemeral and
nothing is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError

from blocks import export as text
from handlers.context import Ctx
from handlers.cycle import local_today
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import is_admin
from handlers.team import CHANNEL_MENTION, unescape
from okr.export import file_name, to_csv
from okr.i18n import N_
from storage.context import Deps
from storage.cycles import current_cycle
from storage.export import cycle_named, cycle_names, export_rows
from storage.models import Cycle, Team
from storage.teams import list_teams, team_by_channel, teams_of_user

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asked:
    """What `/okr export` names: a cycle (None: the current one) and a team (None: all
    the requester may export)."""

    cycle: Cycle | None
    team: Team | None


async def read_ask(deps: Deps, ws: str, args: str) -> Asked | str:
    """The cycle and team named in `args` ("FY2027 Q1 Nordics", "Nordics", "#sales",
    "FY2027 Q1"), or what to tell the requester when a name is unknown."""
    args = " ".join(unescape(args).split())
    async with deps.sessions() as session:
        names = await cycle_names(session, ws)
        teams = await list_teams(session, ws)
        lowered = args.lower()
        named = max(
            (n for n in names if lowered == n.lower() or lowered.startswith(n.lower() + " ")),
            key=len,
            default=None,
        )
        cycle = await cycle_named(session, ws, named) if named else None
        rest = args[len(named) :].strip() if named else args
        if not rest:
            return Asked(cycle, None)
        mention = CHANNEL_MENTION.fullmatch(rest)
        if mention is not None:
            team = await team_by_channel(session, ws, mention.group(1))
        else:
            team = next((t for t in teams if t.name.lower() == rest.lower()), None)
        if team is not None:
            return Asked(cycle, team)
        ends_with_team = next((t for t in teams if lowered.endswith(" " + t.name.lower())), None)
    if named is None and ends_with_team is not None:
        unknown = args[: -len(ends_with_team.name)].strip()
        return text.unknown_cycle_text(unknown, names)
    if named is None and not mention:
        return text.unknown_text(rest, names, [t.name for t in teams])
    return text.unknown_team_text(rest, [t.name for t in teams])


async def export_verb(request: CommandRequest) -> None:
    """`/okr export [cycle] [team]`: the CSV by DM, or an ephemeral saying why not."""
    await request.ack()
    deps, client = request.ctx.deps, request.client
    ws, user_id = request.workspace_id, request.user_id
    asked = await read_ask(deps, ws, request.args)
    if isinstance(asked, str):
        await _say(request, asked)
        return
    admin = await is_admin(client, deps, ws, user_id)
    today = await local_today(client, deps, ws, user_id)
    async with deps.sessions() as session:
        mine = await teams_of_user(session, ws, user_id)
        cycle = asked.cycle or await current_cycle(session, ws, today)
        await session.commit()
        team_ids: list[int] | None
        owner: str | None = None
        if asked.team is not None:
            if not admin and all(t.id != asked.team.id for t in mine):
                await _say(request, text.not_allowed_text(asked.team.name))
                return
            team_ids = [asked.team.id] if asked.team.id is not None else []
        elif admin:
            team_ids = None
        elif mine:
            team_ids = [t.id for t in mine if t.id is not None]
        else:
            team_ids, owner = None, user_id
        rows = await export_rows(session, ws, cycle, team_ids=team_ids, owner=owner)
    scope = asked.team.name if asked.team else ("" if admin else "yours")
    if not rows:
        await _say(request, text.nothing_text(cycle.name, scope))
        return
    body = to_csv(rows)
    name = file_name(cycle.name, asked.team.name if asked.team else None, "csv")
    try:
        opened = await client.conversations_open(users=user_id)
        await client.files_upload_v2(
            channel=opened["channel"]["id"],
            content=body,
            filename=name,
            title=name,
            initial_comment=text.sent_comment(cycle.name, scope, len(rows)),
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.warning("export for %s/%s not uploaded: %r", ws, user_id, exc)
        await _say(request, text.upload_failed_text())
        return
    await _say(request, text.sent_text(name))


async def _say(request: CommandRequest, message: str) -> None:
    await request.respond(text=message, response_type="ephemeral")


VERBS = (
    Verb(
        "export",
        f"{COMMAND} export [cycle] [team]",
        N_("Get a CSV of the OKRs, check-ins and notes you may see, by DM"),
        export_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    """`/okr export` is a verb of the `/okr` listener: nothing of its own to register."""
