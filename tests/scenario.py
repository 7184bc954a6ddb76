"""Scenario helpers shared by the end-to-end tests: people, teams, and objectives set
through the real `/okr set` modal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from blocks import ids
from bot.runtime import Runtime
from storage.teams import save_team
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill

ME, BOB, LEAD = "U0001", "U0002", "U0LEAD"


async def seed_team(
    bot: Runtime,
    name: str = "Nordics",
    *,
    leads: tuple[str, ...] = (LEAD,),
    members: tuple[str, ...] = (ME, BOB),
    channel: str | None = "CSALES",
    workspace_id: str = "T0001",
) -> int:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, workspace_id, bot.deps.clock())
        team = await save_team(
            session,
            workspace_id,
            team_id=None,
            name=name,
            channel_id=channel,
            timezone="UTC",
            leads=leads,
            members=members,
            author=leads[0],
            now=bot.deps.clock(),
        )
        await session.commit()
        assert team.id is not None
        return team.id


async def count(bot: Runtime, model: type) -> int:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def open_set(driver: SlackDriver, slack: FakeSlack, user: str = ME, text: str = "set"):  # type: ignore[no-untyped-def]
    before = len(slack.calls_to("views.open"))
    response = await driver.command(text=text, user_id=user)
    assert response.status == 200
    calls = await slack.wait_for("views.open", count=before + 1)
    return calls[-1].response["view"]


async def open_edit(driver: SlackDriver, slack: FakeSlack, objective_id: int, user: str = ME):  # type: ignore[no-untyped-def]
    before = len(slack.calls_to("views.open"))
    response = await driver.block_action(ids.EDIT_OBJECTIVE, value=str(objective_id), user_id=user)
    assert response.status == 200
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


def kr(row: int, title: str, start: str = "", target: str = "", **extra: Any) -> dict[str, Any]:
    """Changes for one KR row of the form."""
    changes: dict[str, Any] = {
        f"kr{row}_title": title,
        f"kr{row}_start": start,
        f"kr{row}_target": target,
    }
    changes.update({f"kr{row}_{name}": value for name, value in extra.items()})
    return changes


async def submit(
    driver: SlackDriver, view: dict[str, Any], changes: dict[str, Any], user: str = ME
):  # type: ignore[no-untyped-def]
    return await driver.view_submission(
        view["callback_id"], fill(view, changes), user_id=user, view=view
    )


async def create(
    driver: SlackDriver, slack: FakeSlack, changes: dict[str, Any], user: str = ME
) -> None:
    def to_author(args: dict[str, Any]) -> bool:
        return args.get("channel") == user

    before = len(slack.calls_to("chat.postMessage", match=to_author))
    view = await open_set(driver, slack, user)
    response = await submit(driver, view, changes, user)
    assert response.status == 200 and not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", count=before + 1, match=to_author)


def add_people(slack: FakeSlack) -> None:
    """The workspace's people as Slack knows them (users.info)."""
    for user, tz in ((ME, "Europe/Stockholm"), (BOB, "America/New_York"), (LEAD, "UTC")):
        slack.add_user(user, tz=tz)


SIMPLE = {"title": "Grow ARR", "level": "personal", **kr(0, "New ARR", "1.2M", "2M")}


async def run(bot: Runtime, job: str, at: datetime, clock: FakeClock) -> dict[str, int]:
    """Run one scheduled job as of `at`, the clock set there (people refreshed first, as
    the tick does)."""
    clock.set(at)
    assert bot.rhythm is not None
    await bot.rhythm.refresh_people(at)
    return dict(await bot.rhythm.run(job, at))


def dms(slack: FakeSlack, user: str) -> list[Any]:
    """The messages the bot posted into its DM with `user`."""
    channel = slack.dm_channel(user)
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.ok and c.response.get("channel") == channel
    ]
