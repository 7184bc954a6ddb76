"""The Home tab: the team's objectives with all their key results (the viewer's own first),
whether this week's check-in is in, and for a lead the team's week. Published when a person
opens it and again whenever their OKRs change."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks.help import VerbHelp
from blocks.home import TeamPanel, home_view
from handlers.context import Ctx
from handlers.dependencies import links_of_cards
from handlers.viewer import load_viewer
from okr.i18n import current_lang, use_lang
from okr.participation import checked_in
from okr.rhythm import week_began
from storage.context import Deps
from storage.dependency_lines import lead_dependencies
from storage.objectives import objectives_of_teams, objectives_owned_or_with_krs_of
from storage.outlines import objective_cards
from storage.participation import team_week, week_checkins
from storage.people import langs_of

log = logging.getLogger(__name__)


class Home:
    """Renders and publishes Home tabs; built once by the composition root and shared (in
    `ctx.home`) with the listeners that change OKRs, so they can refresh the tabs of the
    people concerned. `verbs` are the /okr verbs listed for someone with no OKRs yet."""

    def __init__(self, deps: Deps, verbs: Sequence[VerbHelp]) -> None:
        self.deps = deps
        self.verbs = list(verbs)

    async def render(
        self, client: AsyncWebClient, workspace_id: str, user_id: str
    ) -> dict[str, Any]:
        """The Home view of one person, from the database: a fixed number of queries, and
        a few more per team they lead (its week, its dependencies both ways)."""
        deps = self.deps
        now = deps.clock()
        async with deps.sessions() as session:
            viewer = await load_viewer(session, client, deps, workspace_id, user_id)
            cycle_id = viewer.cycle.id
            assert cycle_id is not None
            mine = await objectives_owned_or_with_krs_of(session, workspace_id, user_id, cycle_id)
            mine_ids = {m.id for m in mine}
            team_ids = [t.id for t in viewer.teams if t.id is not None]
            team_objectives = [
                o
                for o in await objectives_of_teams(session, workspace_id, team_ids, cycle_id)
                if o.id not in mine_ids
            ]
            cards = await objective_cards(
                session,
                workspace_id,
                [*mine, *team_objectives],
                at=now,
                default_timezone=deps.default_timezone,
            )
            # the owner's language: a Home refreshed by someone else's change is still theirs
            lang = (await langs_of(session, workspace_id, [user_id])).get(user_id)
            links = await links_of_cards(
                session, workspace_id, cards, at=now, default_timezone=deps.default_timezone
            )
            since = week_began(now, viewer.timezone)
            week = checked_in(await week_checkins(session, workspace_id, [user_id], since))
            panels = [
                TeamPanel(
                    team.name,
                    await team_week(
                        session,
                        workspace_id,
                        [c for c in cards if c.team_id == team.id],
                        now,
                        team.timezone,
                    ),
                    team.id,
                    await lead_dependencies(
                        session, workspace_id, team, [*mine, *team_objectives], now
                    ),
                )
                for team in viewer.teams
                if team.id in viewer.led_team_ids
            ]
        if week is not None:
            week = replace(week, at=week.at.astimezone(ZoneInfo(viewer.timezone)))
        with use_lang(lang or current_lang()):
            return home_view(
                user_id=user_id,
                cards=cards,
                editable_ids=viewer.editable(cards),
                cycle_name=viewer.cycle.name,
                verbs=self.verbs,
                week=week,
                panels=panels,
                links=links,
            )

    async def publish(self, client: AsyncWebClient, workspace_id: str, user_id: str) -> None:
        view = await self.render(client, workspace_id, user_id)
        await client.views_publish(user_id=user_id, view=view)

    async def publish_many(
        self, client: AsyncWebClient, workspace_id: str, user_ids: Collection[str]
    ) -> None:
        """Re-render the Home tab of everyone whose OKRs just changed; one failure (a
        deactivated user, say) does not stop the others."""
        for user_id in sorted(user_ids):
            try:
                await self.publish(client, workspace_id, user_id)
            except SlackApiError as exc:
                log.warning("home of %s not published: %s", user_id, exc.response.get("error"))


async def on_home_opened(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    if event.get("tab", "home") != "home":
        return
    await ctx.home.publish(client, str(body.get("team_id", "")), event["user"])


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.event("app_home_opened")(on_home_opened)
