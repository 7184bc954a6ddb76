"""The sandbox's workspace: who is in it, its channels and its two teams.

A sales team across three time zones (so the rhythm's "in each person's own zone" shows),
a marketing lead, and an admin, with the channels the teams post their digests in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.slack_api import SlackApi
from storage.context import Deps
from storage.teams import list_teams, save_team
from storage.workspaces import ensure_workspace

WORKSPACE_ID = "T0SANDBOX"
WORKSPACE_NAME = "Acme Sales (sandbox)"
WORKSPACE_DOMAIN = "acme-sandbox"
BOT_USER_ID = "U0BOT"
BOT_NAME = "okr-bot"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    tz: str
    title: str
    is_admin: bool = False
    #: Their Slack language setting (users.info with include_locale).
    locale: str = "en-US"


#: Lin reads Chinese (her Slack is set to 简体中文); Ravi, in New York, reads English.
LIN = Person("U0LINWEI", "lin.wei", "Lin Wei", "Asia/Shanghai", "Sales lead, East", locale="zh-CN")
RAVI = Person("U0RAVI", "ravi.patel", "Ravi Patel", "America/New_York", "Account executive")
ANNA = Person("U0ANNA", "anna.schmidt", "Anna Schmidt", "Europe/Berlin", "Account executive")
MIA = Person("U0MIA", "mia.lopez", "Mia Lopez", "America/Los_Angeles", "Marketing lead")
SAM = Person("U0SAM", "sam.admin", "Sam Admin", "Europe/London", "Workspace admin", True)
PEOPLE: tuple[Person, ...] = (LIN, RAVI, ANNA, MIA, SAM)

SALES_EAST_CHANNEL = "C0SALESEAST"
MARKETING_CHANNEL = "C0MARKETING"
GENERAL_CHANNEL = "C0GENERAL"
#: (id, name, members)
CHANNELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (SALES_EAST_CHANNEL, "sales-east", (LIN.id, RAVI.id, ANNA.id, SAM.id)),
    (MARKETING_CHANNEL, "marketing", (MIA.id, SAM.id)),
    (GENERAL_CHANNEL, "general", tuple(p.id for p in PEOPLE)),
)


@dataclass(frozen=True)
class TeamSeed:
    name: str
    channel_id: str
    timezone: str
    leads: tuple[str, ...]
    members: tuple[str, ...]


SALES_EAST = TeamSeed(
    "Sales East", SALES_EAST_CHANNEL, "Asia/Shanghai", (LIN.id,), (RAVI.id, ANNA.id)
)
MARKETING = TeamSeed("Marketing", MARKETING_CHANNEL, "America/Los_Angeles", (MIA.id,), ())
TEAMS = (SALES_EAST, MARKETING)


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.id == user_id), None)


def populate(api: SlackApi) -> None:
    """Make the stand-in know the people (users.info) and the channels, bot a member."""
    for p in PEOPLE:
        api.add_user(
            p.id,
            name=p.name,
            real_name=p.real_name,
            tz=p.tz,
            is_admin=p.is_admin,
            title=p.title,
            locale=p.locale,
        )
    for channel_id, name, members in CHANNELS:
        api.add_channel(channel_id, name=name, members=(*members, BOT_USER_ID))
        api.channels[channel_id]["is_general"] = name == "general"


async def seed_teams(deps: Deps, now: datetime) -> None:
    """The two teams, made the way `/okr team` saves them; a kept database keeps its own."""
    async with deps.sessions() as session:
        await ensure_workspace(session, WORKSPACE_ID, now)
        if await list_teams(session, WORKSPACE_ID):
            await session.commit()
            return
        for team in TEAMS:
            await save_team(
                session,
                WORKSPACE_ID,
                team_id=None,
                name=team.name,
                channel_id=team.channel_id,
                timezone=team.timezone,
                leads=team.leads,
                members=team.members,
                author=team.leads[0],
                now=now,
                lang="en",  # the demo makes Sales East's channel Chinese (sandbox.demo)
            )
        await session.commit()
