"""`/okr map`: the company's objectives this cycle, each team's under them, and which team
depends on which, with status; Previous / Next pages it in place."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.dependency_map import map_message
from blocks.view_state import action_value, json_object
from handlers.context import Ctx
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.viewer import load_viewer, user_of, workspace_of
from okr.i18n import N_
from storage.context import Deps
from storage.dependencies import dependencies_in_cycle
from storage.dependency_lines import dependency_lines
from storage.outlines import alignment_tree


async def render_map(
    client: AsyncWebClient, deps: Deps, workspace_id: str, viewer_id: str, page: int
) -> dict[str, Any]:
    """One page of the map of the viewer's current cycle."""
    async with deps.sessions() as session:
        viewer = await load_viewer(
            session, client, deps, workspace_id, viewer_id, check_admin=False
        )
        cycle = viewer.cycle
        assert cycle.id is not None
        at = deps.clock()
        roots = await alignment_tree(
            session, workspace_id, cycle, at=at, default_timezone=viewer.timezone
        )
        views = await dependencies_in_cycle(session, workspace_id, cycle.id)
        edges = await dependency_lines(
            session, workspace_id, views, at=at, default_timezone=viewer.timezone
        )
    return map_message(cycle.name, roots, edges, page=page)


async def map_verb(request: CommandRequest) -> None:
    await request.ack()
    message = await render_map(
        request.client, request.ctx.deps, request.workspace_id, request.user_id, 0
    )
    await request.respond(**message)


async def on_map_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, ctx: Ctx
) -> None:
    """Previous / Next under the map: the page asked for, in place."""
    await ack()
    value = json_object(action_value(body))
    page = value.get("page") if isinstance(value.get("page"), int) else 0
    message = await render_map(client, ctx.deps, workspace_of(body), user_of(body), page)
    await respond(replace_original=True, **message)


VERBS = (
    Verb(
        "map",
        f"{COMMAND} map",
        N_("See the company's objectives and which team depends on which"),
        map_verb,
    ),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.MAP_PAGE)(on_map_page)
