"""Scenario helpers shared by the end-to-end tests: people, teams, and objectives set
through the real `/okr set` modal."""

from __future__ import annotations

import json
import re
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


#: What a key-result line's Details modal sets (a sentence cannot always say it).
DETAILS = ("kind", "start", "target", "unit", "currency", "baseline", "weight", "due")
_DETAIL_KEY = re.compile(r"^kr(\d+)_(" + "|".join(DETAILS) + r")$")


def kr(row: int, title: str, start: str = "", target: str = "", **extra: Any) -> dict[str, Any]:
    """Changes for one key-result line: its sentence `title`, and, set through the line's
    *Details* (see `submit`), `start`, `target` and `extra` fields (kind, unit, currency,
    baseline, weight, due; `owner` is the line's own picker). Given numbers, the kind is
    "increase" unless said; a milestone's `target` is its due date."""
    changes: dict[str, Any] = {f"kr{row}_sentence": title}
    fields = {"start": start, "target": target, **extra}
    owner = fields.pop("owner", None)
    if owner:
        changes[f"kr{row}_owner"] = owner
    if fields.get("kind") == "milestone" and fields.get("target"):
        fields["due"] = fields.pop("target")
    fields = {name: value for name, value in fields.items() if value not in ("", None)}
    if fields and "kind" not in fields:
        fields["kind"] = "increase"
    changes.update({f"kr{row}_{name}": value for name, value in fields.items()})
    return changes


async def details(
    driver: SlackDriver,
    slack: FakeSlack,
    view: dict[str, Any],
    row: int,
    fields: dict[str, Any],
    typed: dict[str, Any],
    user: str = ME,
) -> tuple[dict[str, Any], Any]:
    """Press *Details* on line `row` of the objective modal (as typed: `typed`), set
    `fields` there and apply: (the objective modal as redrawn, the Details submission's
    response)."""
    trigger = driver.trigger_id()
    view_id = view["id"]

    def pushed_here(args: dict[str, Any]) -> bool:
        return args.get("trigger_id") == trigger

    def updates_it(args: dict[str, Any]) -> bool:
        return args.get("view_id") == view_id

    updates = len(slack.calls_to("views.update", match=updates_it))
    response = await driver.block_action(
        ids.KR_DETAILS,
        value=str(row),
        block_id=f"kr{row}_owner",
        view=view,
        state_values=fill(view, typed),
        user_id=user,
        trigger_id=trigger,
    )
    assert response.status == 200, response.text
    [push] = await slack.wait_for("views.push", match=pushed_here)
    pushed = push.response["view"]
    answer = await driver.view_submission(
        ids.KR_DETAILS_VIEW,
        fill(pushed, {f"d_{name}": value for name, value in fields.items()}),
        user_id=user,
        view=pushed,
    )
    if answer.text.strip():  # field errors: the objective modal stays as it was
        return view, answer
    await slack.wait_for("views.update", count=updates + 1, match=updates_it)
    return slack.views[view_id], answer


def not_authoring(args: dict[str, Any]) -> bool:
    """A views.push / views.update call that is not the objective modal or its Details (for
    a test that counts the others)."""
    authoring = {ids.SET_OBJECTIVE_VIEW, ids.EDIT_OBJECTIVE_VIEW, ids.KR_DETAILS_VIEW}
    view = args.get("view") or {}
    view = json.loads(view) if isinstance(view, str) else view
    return view.get("callback_id") not in authoring


async def submit(
    driver: SlackDriver,
    view: dict[str, Any],
    changes: dict[str, Any],
    user: str = ME,
    *,
    slack: FakeSlack | None = None,
):  # type: ignore[no-untyped-def]
    """Fill in the objective modal (or any modal) and submit it. For the objective modal,
    `kr{n}_<field>` changes of DETAILS go through line n's Details first, `kr{n}_title`
    is line n's sentence, and `reason` fills every "why did the target change" field the
    modal then shows. A Details refusal is returned instead of submitting."""
    typed: dict[str, Any] = {}
    rows: dict[int, dict[str, Any]] = {}
    for key, value in changes.items():
        found = _DETAIL_KEY.match(key)
        if found and view.get("callback_id") in (ids.SET_OBJECTIVE_VIEW, ids.EDIT_OBJECTIVE_VIEW):
            rows.setdefault(int(found[1]), {})[found[2]] = value
        elif re.fullmatch(r"kr\d+_title", key):
            typed[key.replace("_title", "_sentence")] = value
        elif key != "reason":
            typed[key] = value
    if rows:
        # the fixtures hand the driver the fake Slack's response_url maker
        slack = slack or driver.response_urls.__self__  # type: ignore[union-attr]
        assert slack is not None
        for row, fields in sorted(rows.items()):
            view, answer = await details(driver, slack, view, row, fields, typed, user)
            if answer.text.strip():
                return answer
    if "reason" in changes:
        whys = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").endswith("_why")]
        typed.update({block_id: changes["reason"] for block_id in whys})
    return await driver.view_submission(
        view["callback_id"], fill(view, typed), user_id=user, view=view
    )


async def create(
    driver: SlackDriver, slack: FakeSlack, changes: dict[str, Any], user: str = ME
) -> None:
    """Set an objective through `/okr set`; returns once its confirmation DM is posted and
    the author's Home tab refreshed (the last things the save does)."""

    def to_author(args: dict[str, Any]) -> bool:
        return args.get("channel") == user

    def home_of_author(args: dict[str, Any]) -> bool:
        return args.get("user_id") == user

    before = len(slack.calls_to("chat.postMessage", match=to_author))
    homes = len(slack.calls_to("views.publish", match=home_of_author))
    view = await open_set(driver, slack, user)
    response = await submit(driver, view, changes, user, slack=slack)
    assert response.status == 200 and not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", count=before + 1, match=to_author)
    await slack.wait_for("views.publish", count=homes + 1, match=home_of_author)


def add_people(slack: FakeSlack) -> None:
    """The workspace's people as Slack knows them (users.info)."""
    for user, tz in ((ME, "Europe/Stockholm"), (BOB, "America/New_York"), (LEAD, "UTC")):
        slack.add_user(user, tz=tz)


SIMPLE = {"title": "Grow ARR", "level": "personal", **kr(0, "New ARR from 1.2M to 2M")}


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
