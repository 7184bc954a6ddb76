"""`/okr list [@person|#channel]` and `/okr tree`: ephemeral views of the current cycle,
paginated past Slack's block limits with Previous / Next buttons."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.mrkdwn import escape
from blocks.okr_list import list_message
from blocks.tree import tree_message
from blocks.view_state import action_value, json_object
from handlers.context import Ctx
from handlers.dependencies import links_of_cards
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.viewer import load_viewer, user_of, workspace_of
from okr.i18n import N_, _
from storage.context import Deps
from storage.cycles import cycle_for
from storage.objectives import objectives_of_teams, objectives_owned_or_with_krs_of
from storage.outlines import alignment_tree, objective_cards
from storage.teams import get_team, team_by_channel

log = logging.getLogger(__name__)

# With the command's should_escape, Slack sends mentions as <@U123|name> and channels as
# <#C123|name>; without it (or typed by hand) they may come as <@U123> / <#C123>.
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
LIST_USAGE = N_("Use `{command} list`, `{command} list @person` or `{command} list #channel`.")


def parse_scope(args: str, user_id: str) -> dict[str, str] | None:
    """What `/okr list` was asked for, as the JSON-able scope the page buttons carry."""
    text = args.strip()
    if not text:
        return {"user": user_id}
    if match := _USER.match(text):
        return {"user": match.group(1)}
    if match := _CHANNEL.match(text):
        return {"channel": match.group(1)}
    return None


_SCOPE_PATTERNS = {
    "user": re.compile(r"^[UW][A-Z0-9]+$"),
    "channel": re.compile(r"^[CG][A-Z0-9]+$"),
    "team": re.compile(r"^[0-9]{1,12}$"),
}


def valid_scope(scope: object) -> dict[str, str] | None:
    """A scope read back from a button value, or None when it was tampered with: the ids
    end up in mentions and queries, so each must have its Slack (or row id) shape."""
    if not isinstance(scope, dict) or len(scope) != 1:
        return None
    [(key, value)] = scope.items()
    pattern = _SCOPE_PATTERNS.get(key)
    if pattern is None or not isinstance(value, str) or not pattern.match(value):
        return None
    return {key: value}


async def render_list(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    viewer_id: str,
    scope: dict[str, Any],
    page: int,
) -> dict[str, Any]:
    """One page of `/okr list` for a person, a channel's team or a team (the scope)."""
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, viewer_id)
        cycle_id = viewer.cycle.id
        assert cycle_id is not None
        if "team" in scope:
            team = await get_team(session, workspace_id, int(scope["team"]))
        elif "channel" in scope:
            team = await team_by_channel(session, workspace_id, str(scope["channel"]))
        else:
            team = None
        if "user" in scope:
            who = str(scope["user"])
            objectives = await objectives_owned_or_with_krs_of(session, workspace_id, who, cycle_id)
            cycle = escape(viewer.cycle.name)
            title = _("Your OKRs") if who == viewer_id else _("OKRs of a teammate")
            empty = (
                _("No OKRs in {cycle} yet. Set one with `{command} set`.").format(
                    cycle=cycle, command=COMMAND
                )
                if who == viewer_id
                else _("{person} has no OKRs in {cycle}.").format(person=f"<@{who}>", cycle=cycle)
            )
        elif team is not None and team.id is not None:
            objectives = await objectives_of_teams(session, workspace_id, [team.id], cycle_id)
            title = _("{team} OKRs").format(team=team.name)
            empty = _("Team {team} has no objectives in {cycle} yet.").format(
                team=escape(team.name), cycle=escape(viewer.cycle.name)
            )
            scope = {"team": str(team.id)}
        else:
            return {
                "response_type": "ephemeral",
                "text": _(
                    "That channel is not a team's home. Create a team for it with "
                    "`{command} team`, or try `{command} list @person`."
                ).format(command=COMMAND),
            }
        cards = await objective_cards(
            session,
            workspace_id,
            objectives,
            at=deps.clock(),
            default_timezone=deps.default_timezone,
        )
        links = await links_of_cards(
            session, workspace_id, cards, at=deps.clock(), default_timezone=deps.default_timezone
        )
    return list_message(
        f"{title} · {viewer.cycle.name}",
        cards,
        page=page,
        editable_ids=viewer.editable(cards),
        scope=json.dumps(scope),
        empty_text=empty,
        check_in=any(kr.owner_id == viewer_id for card in cards for kr in card.krs),
        links=links,
    )


async def render_tree(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    viewer_id: str,
    page: int,
    cycle_id: int | None = None,
) -> dict[str, Any]:
    """One page of `/okr tree`: the cycle's alignment, company to rep."""
    async with deps.sessions() as session:
        viewer = await load_viewer(
            session, client, deps, workspace_id, viewer_id, check_admin=False
        )
        cycle = viewer.cycle
        if cycle_id is not None:
            cycle = await cycle_for(session, workspace_id, cycle_id) or cycle
        roots = await alignment_tree(
            session,
            workspace_id,
            cycle,
            at=deps.clock(),
            default_timezone=viewer.timezone,
        )
    return tree_message(cycle.name, roots, page=page, cycle_id=cycle.id)


async def list_verb(request: CommandRequest) -> None:
    scope = parse_scope(request.args, request.user_id)
    if scope is None:
        await request.ack(response_type="ephemeral", text=_(LIST_USAGE).format(command=COMMAND))
        return
    await request.ack()
    message = await render_list(
        request.client, request.ctx.deps, request.workspace_id, request.user_id, scope, 0
    )
    await request.respond(**message)


async def tree_verb(request: CommandRequest) -> None:
    await request.ack()
    message = await render_tree(
        request.client, request.ctx.deps, request.workspace_id, request.user_id, 0
    )
    await request.respond(**message)


async def on_list_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, ctx: Ctx
) -> None:
    """Previous / Next under a list: the page asked for, in place."""
    await ack()
    value = json_object(action_value(body))
    scope = value.get("scope")
    scope = json_object(scope) if isinstance(scope, str) else {}
    scope = valid_scope(scope)
    if scope is None:
        log.warning("ignored a list page with a malformed scope from %s", user_of(body))
        return
    page = value.get("page") if isinstance(value.get("page"), int) else 0
    message = await render_list(client, ctx.deps, workspace_of(body), user_of(body), scope, page)
    await respond(replace_original=True, **message)


async def on_tree_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, ctx: Ctx
) -> None:
    """Previous / Next under the tree: the page asked for, in place."""
    await ack()
    value = json_object(action_value(body))
    page = value.get("page") if isinstance(value.get("page"), int) else 0
    cycle = value.get("cycle") if isinstance(value.get("cycle"), int) else None
    message = await render_tree(client, ctx.deps, workspace_of(body), user_of(body), page, cycle)
    await respond(replace_original=True, **message)


VERBS = (
    Verb(
        "list",
        f"{COMMAND} list [@person|#channel]",
        N_("See OKRs: yours, a person's or a team's"),
        list_verb,
    ),
    Verb("tree", f"{COMMAND} tree", N_("See how objectives align, company to rep"), tree_verb),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.LIST_PAGE)(on_list_page)
    app.action(ids.TREE_PAGE)(on_tree_page)
