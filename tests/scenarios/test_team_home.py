"""Home for everyone in the team, end to end: a rep sees the team objective they contribute
to and their teammates' key results, their own first; *Check in* is primary until this week's
check-in is in, then "Checked in Mon 23 Nov ✓" with *Edit*; a lead's Home lists each objective
once and has the team panel. Signed requests, the fake Slack, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from blocks import ids
from bot.runtime import Runtime
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME, SIMPLE, create, kr, seed_team
from tests.scenarios.test_checkins import check_in, open_log

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (ME, BOB, LEAD):
        slack.add_user(user, tz="UTC")
    slack.add_channel("CSALES", name="sales")


async def nordics(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    """The lead's team objective with a KR for ME and one for BOB, BOB's own team objective
    and ME's personal one."""
    team_id = await seed_team(bot)
    team = {"level": "team", "team": (team_id, "Nordics")}
    shared = {
        "title": "Win the Nordics",
        **team,
        **kr(0, "Nordic ARR", "1M", "2M", owner=ME),
        **kr(1, "Demos booked", "0", "40", owner=BOB),
    }
    await create(driver, slack, shared, user=LEAD)
    await create(driver, slack, {**SIMPLE, "title": "Bob's pipeline", **team}, user=BOB)
    await create(driver, slack, {**SIMPLE, "title": "My pipeline"}, user=ME)


async def home_of(driver: SlackDriver, slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    def theirs(args: dict[str, Any]) -> bool:
        return args.get("user_id") == user

    before = len(slack.calls_to("views.publish", match=theirs))
    await driver.event({"type": "app_home_opened", "user": user, "tab": "home"})
    [*_, call] = await slack.wait_for("views.publish", count=before + 1, match=theirs)
    return call.args["view"]["blocks"]


def text_of(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        [b["text"]["text"] for b in blocks if "text" in b]
        + [
            e["text"]
            for b in blocks
            for e in b.get("elements", [])
            if isinstance(e.get("text"), str)
        ]
    )


def home_buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    [actions] = [b for b in blocks if b.get("block_id") == "home_actions"]
    return [(e["action_id"], e["text"]["text"], e.get("style")) for e in actions["elements"]]


async def test_a_reps_home_shows_the_team_objective_and_teammates_krs_own_first(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    clock.set(MONDAY)
    await nordics(bot, driver, slack)
    blocks = await home_of(driver, slack, ME)
    body = text_of(blocks)
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers[1:] == ["Yours", "Your team's objectives"]
    # the team objective ME contributes to and ME's own come first, then BOB's objective
    assert body.index("*Win the Nordics*") < body.index("*Bob's pipeline*")
    assert body.index("*My pipeline*") < body.index("*Bob's pipeline*")
    assert f"*Demos booked* · <@{BOB}>" in body  # a teammate's KR on the shared objective
    assert body.count("*Nordic ARR*") == 1
    assert "Not checked in this week yet." in body
    assert home_buttons(blocks) == [
        (ids.CHECK_IN, "Check in", "primary"),
        (ids.NO_CHANGE, "No change this week", None),
        (ids.NEW_OKR, "New OKR", None),
    ]

    view = await open_log(driver, slack, user=ME)
    kr_ids = json.loads(view["private_metadata"])["kr_ids"]
    await check_in(driver, slack, view, user=ME, **{f"kr{k}": {"value": "1.3M"} for k in kr_ids})
    blocks = await home_of(driver, slack, ME)
    assert "Checked in Mon 23 Nov ✓" in text_of(blocks)
    assert home_buttons(blocks) == [
        (ids.CHECK_IN, "Edit check-in", None),
        (ids.NEW_OKR, "New OKR", None),
    ]
    # Edit opens the check-in modal with this week's values
    opened = len(slack.calls_to("views.open"))
    await driver.block_action(ids.CHECK_IN, view={"id": "VHOME", "type": "home"}, user_id=ME)
    [*_, edit] = await slack.wait_for("views.open", count=opened + 1)
    values = [
        b["element"].get("initial_value")
        for b in edit.response["view"]["blocks"]
        if b.get("block_id", "").startswith("ci_value_")
    ]
    assert values == ["1.3M", "1.3M"]

    clock.set(MONDAY + timedelta(days=7))  # a new week: Check in is primary again
    assert home_buttons(await home_of(driver, slack, ME))[0] == (
        ids.CHECK_IN,
        "Check in",
        "primary",
    )


async def test_a_leads_home_lists_nothing_twice_and_has_the_team_panel(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    clock.set(MONDAY - timedelta(days=5))
    await nordics(bot, driver, slack)
    await create(
        driver,
        slack,
        {**SIMPLE, "title": "Coach the team", **kr(0, "One-to-ones held", "0", "12")},
        user=LEAD,
    )
    view = await open_log(driver, slack, user=BOB)  # last week's readings, for No change
    kr_ids = json.loads(view["private_metadata"])["kr_ids"]
    await check_in(driver, slack, view, user=BOB, **{f"kr{k}": {"value": "30"} for k in kr_ids})
    clock.set(MONDAY)
    before = len(slack.calls_to("views.publish"))
    await driver.block_action(ids.NO_CHANGE, value="", user_id=BOB)
    await slack.wait_for("views.publish", count=before + 1)

    blocks = await home_of(driver, slack, LEAD)
    body = text_of(blocks)
    for title in (
        "*Win the Nordics*",
        "*Coach the team*",
        "*Bob's pipeline*",
        "*One-to-ones held*",
    ):
        assert body.count(title) == 1, title
    assert "Nordics this week" in body
    assert "0 of 3 updated · 1 no change · 2 missing" in body
    assert f"<@{BOB}> · no change (Mon 23 Nov)" in body
    assert f"<@{ME}> · not checked in" in body
