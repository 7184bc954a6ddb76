"""The lead's week end to end: the private DM names each owner's standing (updated with the
values, no change, away until, skipped, missing), *No change* is never counted as an update,
and *Nudge now* sends the week's one nudge once, never to someone away. Signed requests, the
fake Slack, the job runner with a set clock, SQLite and PostgreSQL."""

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
from tests.scenario import BOB, LEAD, ME, SIMPLE, create, dms, run, seed_team
from tests.scenarios.test_checkins import check_in, open_log

CAROL = "U0003"
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
FRIDAY = MONDAY + timedelta(days=4, hours=16)  # the team's digest time (UTC)
OWNERS = (ME, BOB, CAROL)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (*OWNERS, LEAD):
        slack.add_user(user, tz="UTC")


async def three_owners(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> int:
    """The Nordics team (channel CSALES, UTC): ME, BOB and CAROL each own one team KR."""
    team_id = await seed_team(bot, members=OWNERS)
    slack.add_channel("CSALES", name="sales")
    for user in OWNERS:
        title = f"Grow {user}"
        await create(
            driver,
            slack,
            {**SIMPLE, "title": title, "level": "team", "team": (team_id, "Nordics")},
            user=user,
        )
    slack.reset()
    return team_id


async def reading(
    driver: SlackDriver, slack: FakeSlack, user: str, value: str, note: str = ""
) -> None:
    view = await open_log(driver, slack, user=user)
    [kr_id] = json.loads(view["private_metadata"])["kr_ids"]
    await check_in(driver, slack, view, user=user, **{f"kr{kr_id}": {"value": value, "note": note}})


async def away_until_6_dec(driver: SlackDriver, slack: FakeSlack, prompt: Any) -> None:
    """BOB says, from his Monday prompt, he is away until Sunday 6 December."""
    opened, updated = len(slack.calls_to("views.open")), len(slack.calls_to("chat.update"))
    await driver.block_action(
        ids.AWAY,
        user_id=BOB,
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"]},
    )
    view = (await slack.wait_for("views.open", count=opened + 1))[-1].response["view"]
    picked = {"away_until": {"away_until": {"type": "datepicker", "selected_date": "2026-12-06"}}}
    await driver.view_submission(ids.AWAY_VIEW, picked, user_id=BOB, view=view)
    await slack.wait_for("chat.update", count=updated + 1)


def lead_dm(slack: FakeSlack) -> dict[str, Any]:
    [message] = [c for c in dms(slack, LEAD) if "Check-ins" in json.dumps(c.args)]
    return message.args


def body_text(message: dict[str, Any]) -> str:
    parts = []
    for block in message["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e.get("text", "") for e in block.get("elements", []))
    return "\n".join(parts)


async def test_away_and_skipping_reps_are_named_as_such_and_never_counted_as_updated(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await three_owners(bot, driver, slack)
    clock.set(MONDAY - timedelta(days=5))
    await reading(driver, slack, BOB, "1.25M", "Two reps at the Shanghai trade show")
    await run(bot, "checkins", MONDAY.replace(hour=9), clock)
    [me_prompt], [bob_prompt] = dms(slack, ME), dms(slack, BOB)
    await driver.block_action(
        ids.SNOOZE,
        user_id=ME,
        action_type="overflow",
        selected_option={"value": "skip"},
        channel_id=me_prompt.response["channel"],
        message={"ts": me_prompt.response["ts"]},
    )
    await slack.wait_for("chat.update")
    await away_until_6_dec(driver, slack, bob_prompt)
    clock.set(MONDAY.replace(hour=11))
    await reading(driver, slack, CAROL, "1.3M", "Acme signed")

    assert await run(bot, "digests", FRIDAY, clock) == {"sent": 2}
    message = lead_dm(slack)
    text = body_text(message)
    assert "1 of 3 updated · 1 away · 1 skipped" in text and "1 of 3" in message["text"]
    assert f"<@{ME}> · skipped this week" in text
    assert f"<@{BOB}> · away until Sun 6 Dec" in text
    assert "“Two reps at the Shanghai trade show”" in text  # BOB's latest note, last week's
    assert f"<@{CAROL}> · updated: *New ARR* 1.3M of 2M" in text and "“Acme signed”" in text
    assert "Everyone" not in text and ".." not in text
    assert not [b for b in message["blocks"] if b.get("accessory")]  # nobody to nudge


async def test_three_no_change_clicks_are_not_three_of_three_updated(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await three_owners(bot, driver, slack)
    clock.set(MONDAY - timedelta(days=5))
    for user in OWNERS:  # last week's readings, for No change to repeat
        await reading(driver, slack, user, "1.3M")
    clock.set(MONDAY.replace(hour=10))
    for user in OWNERS:
        before = len(slack.calls_to("views.publish"))
        await driver.block_action(ids.NO_CHANGE, value="", user_id=user)
        await slack.wait_for("views.publish", count=before + 1)

    assert await run(bot, "digests", FRIDAY, clock) == {"sent": 2}
    text = body_text(lead_dm(slack))
    assert "0 of 3 updated · 3 no change" in text
    assert "3 of 3" not in text and "Everyone" not in text
    for user in OWNERS:
        assert f"<@{user}> · no change (Mon 23 Nov)" in text


async def nudge(driver: SlackDriver, slack: FakeSlack, value: str, user: str = LEAD) -> str:
    before = len(slack.calls_to("response_url"))
    await driver.block_action(ids.NUDGE_NOW, value=value, user_id=user, channel_id="D0LEAD")
    [*_, answer] = await slack.wait_for("response_url", count=before + 1)
    return str(answer.args.get("text", ""))


async def test_nudge_now_sends_once_and_never_to_the_away(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    team_id = await three_owners(bot, driver, slack)
    await run(bot, "checkins", MONDAY.replace(hour=9), clock)
    [bob_prompt] = dms(slack, BOB)
    await away_until_6_dec(driver, slack, bob_prompt)
    assert await run(bot, "digests", FRIDAY, clock) == {"sent": 2}
    buttons = [b["accessory"] for b in lead_dm(slack)["blocks"] if b.get("accessory")]
    assert {json.loads(b["value"])["user"] for b in buttons} == {ME, CAROL}  # not BOB: away
    [to_me] = [b["value"] for b in buttons if json.loads(b["value"])["user"] == ME]

    before = len(dms(slack, ME))
    assert await nudge(driver, slack, to_me, user=CAROL) == (
        "Only this team's leads (or an admin) can nudge its members."
    )
    assert len(dms(slack, ME)) == before
    assert (
        await nudge(driver, slack, to_me)
        == f"Nudged <@{ME}>: they got this week's reminder just now."
    )
    assert len(dms(slack, ME)) == before + 1
    assert "check in" in json.dumps(dms(slack, ME)[-1].args).lower()
    assert (
        await nudge(driver, slack, to_me)
        == f"<@{ME}> was already nudged this week: nothing sent again."
    )
    assert len(dms(slack, ME)) == before + 1
    to_bob = json.dumps({"team": team_id, "user": BOB})
    assert await nudge(driver, slack, to_bob) == f"<@{BOB}> is away: no nudge while they are."
    assert len(dms(slack, BOB)) == 1  # only Monday's prompt
    # a week the lead paused gets no nudge, not even one asked for
    answered = len(slack.calls_to("response_url"))
    await driver.command(text="pause this week", user_id=LEAD, response_url=slack.response_url())
    [*_, paused] = await slack.wait_for("response_url", count=answered + 1)
    assert "is paused" in paused.args["text"]
    to_carol = json.dumps({"team": team_id, "user": CAROL})
    carol_before = len(dms(slack, CAROL))
    assert await nudge(driver, slack, to_carol) == (
        f"This week is paused for the team (`/okr pause`): no nudge to <@{CAROL}>."
    )
    assert len(dms(slack, CAROL)) == carol_before
    # the scheduled nudge of the week does not come on top of it
    assert await run(bot, "nudges", MONDAY + timedelta(days=9, hours=14), clock) == {}
