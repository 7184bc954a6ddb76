"""The Friday digest tells the story, end to end: values in their units and the change since
last week, the owner's own *at risk* call under At risk, notes quoted, the trend's landing
point from the third reading, no first-week wins, participation as counts (No change
apart), a *Discuss* thread, and native charts that fall back to text once when Slack
refuses them. Signed requests, the job runner with a set clock, SQLite and PostgreSQL.

The cycle is FY2026 Q4: 1 October to 31 December 2026 (92 days), team Nordics in UTC, its
digest on Fridays at 16:00.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import charts, ids
from bot.runtime import Runtime
from storage.kudos import add_kudos
from storage.models import Delivery, KeyResult, Workspace
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME, create, dms, kr, run, seed_team
from tests.scenarios.test_checkins import check_in, open_log

CAROL = "U0003"
CHANNEL = "CSALES"
MONDAY = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # week 5 of the quarter


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="UTC", real_name="Mia Berg")
    slack.add_user(BOB, tz="UTC", real_name="Bob Lund")
    slack.add_user(CAROL, tz="UTC", real_name="Carol Ek")
    slack.add_user(LEAD, tz="UTC")
    slack.add_channel(CHANNEL, name="sales")


async def team_of_three(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock, at: datetime = MONDAY
) -> dict[str, int]:
    """Nordics: Mia's revenue and partner launch, Bob's pipeline, Carol's demos, set at
    `at`; KR ids by title."""
    clock.set(at)
    team_id = await seed_team(bot, members=(ME, BOB, CAROL))
    team = (team_id, "Nordics")
    objectives = {
        ME: {
            "title": "Win the Nordics",
            **kr(0, "New ARR", "0", "1.2M", unit="currency", currency="USD"),
            **kr(1, "Partner program live", kind="milestone"),
        },
        BOB: {"title": "Grow pipeline", **kr(0, "Deals in pipeline", "0", "100")},
        CAROL: {"title": "Refresh the playbook", **kr(0, "Demos run", "0", "40")},
    }
    for user, fields in objectives.items():
        await create(driver, slack, {**fields, "level": "team", "team": team}, user=user)
    await slack.wait_for("chat.postMessage", count=3, match=lambda a: a.get("channel") == CHANNEL)
    slack.reset()
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = (await session.exec(select(KeyResult).order_by(col(KeyResult.id)))).all()
    return {"team": team_id} | {row.title: row.id or 0 for row in rows}


async def report(
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    when: datetime,
    user: str,
    **by_kr: dict[str, Any],
) -> None:
    """`user` checks in through /okr log at `when`."""
    clock.set(when)
    view = await open_log(driver, slack, user=user)
    response = await check_in(driver, slack, view, user=user, **by_kr)
    assert response.status == 200 and not response.text.strip(), response.text


async def click(driver: SlackDriver, action_id: str, user: str, prompt: Any) -> None:
    """`user` clicks a button of their Monday prompt `prompt`."""
    await driver.block_action(
        action_id,
        value="",
        user_id=user,
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"], "text": "prompt"},
    )


def channel_posts(slack: FakeSlack) -> list[Any]:
    return [c for c in slack.calls_to("chat.postMessage") if c.ok and c.args["channel"] == CHANNEL]


def body_of(call: Any) -> str:
    return json.dumps(call.args["blocks"], ensure_ascii=False)


def chart_blocks(call: Any) -> list[dict[str, Any]]:
    return [b for b in call.args["blocks"] if charts.is_chart(b)]


def section_with(call: Any, text: str) -> dict[str, Any]:
    [block] = [
        b for b in call.args["blocks"] if b["type"] == "section" and text in b["text"]["text"]
    ]
    return block


async def test_the_digest_tells_the_story_in_units(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    ids_ = await team_of_three(bot, driver, slack, clock)
    arr, launch = f"kr{ids_['New ARR']}", f"kr{ids_['Partner program live']}"
    pipeline = f"kr{ids_['Deals in pipeline']}"
    await report(driver, slack, clock, MONDAY.replace(hour=10), ME, **{arr: {"value": "300k"}})
    await report(driver, slack, clock, MONDAY.replace(hour=11), BOB, **{pipeline: {"value": "60"}})
    await report(
        driver, slack, clock, MONDAY + timedelta(days=7, hours=2), ME, **{arr: {"value": "400k"}}
    )

    # Friday 13 November: two readings, a change since a week ago, no trend yet
    first_friday = datetime(2026, 11, 13, 16, 0, tzinfo=UTC)
    assert (await run(bot, "digests", first_friday, clock)).get("sent") == 2
    [first] = channel_posts(slack)
    text = body_of(first)
    assert "week 7 of 13" in first.args["blocks"][0]["text"]["text"]
    story = section_with(first, "*New ARR*")["text"]["text"]
    assert "$400k of $1.2M" in story and "▲ $100k since last week (better)" in story, story
    assert "on pace for" not in text  # two readings are no trend

    # Monday 16 November: Carol is away, Bob clicks No change, Mia reports with a note and
    # calls her partner launch at risk (the suggestion, half way to its due date, says on
    # track)
    slack.reset()
    monday = MONDAY + timedelta(days=14, hours=1)
    assert (await run(bot, "checkins", monday, clock)) == {"sent": 3}
    [carol_prompt], [bob_prompt] = dms(slack, CAROL), dms(slack, BOB)
    opens = len(slack.calls_to("views.open"))
    await click(driver, ids.AWAY, CAROL, carol_prompt)
    [*_, opened] = await slack.wait_for("views.open", count=opens + 1)
    answer = {"away_until": {"away_until": {"type": "datepicker", "selected_date": "2026-11-30"}}}
    away = await driver.view_submission(
        ids.AWAY_VIEW, answer, user_id=CAROL, view=opened.response["view"]
    )
    assert away.status == 200
    await click(driver, ids.NO_CHANGE, BOB, bob_prompt)
    await slack.wait_for("chat.update", match=lambda a: a.get("ts") == bob_prompt.response["ts"])
    note = "Two mid-market accounts   churned\nafter the price increase <!channel>"
    await report(
        driver,
        slack,
        clock,
        monday + timedelta(hours=1),
        ME,
        **{
            arr: {"value": "500k", "note": note},
            launch: {"value": "not_done", "confidence": "at_risk"},
        },
    )

    # the lead's kudos of the week (posted by `/okr kudos`, kept in storage.kudos)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        await add_kudos(
            session,
            "T0001",
            team_id=ids_["team"],
            giver=LEAD,
            receiver=ME,
            text="for the Acme renewal <!here>",
            now=monday + timedelta(days=2),
        )
        await session.commit()

    slack.reset()
    friday = first_friday + timedelta(days=7)
    assert (await run(bot, "digests", friday, clock)).get("sent") == 2
    [digest] = channel_posts(slack)
    blocks = digest.args["blocks"]
    text = body_of(digest)
    # participation: counts only, No change apart, the away rep not missing
    assert ":memo: 1 of 2 updated this week · 1 no change · 1 away" in text
    assert BOB not in json.dumps(digest.args) and CAROL not in json.dumps(digest.args)
    # the owner's own at-risk call is under At risk, with a Discuss button
    risk = section_with(digest, "*At risk* (1)")
    assert "*Partner program live*" in risk["text"]["text"]
    assert "owner: :large_yellow_circle: at risk" in risk["text"]["text"]
    assert risk["accessory"]["action_id"] == ids.DIGEST_DISCUSS
    assert risk["accessory"]["value"] == str(ids_["Partner program live"])
    # the revenue KR moved: its value, its change, where three readings land at cycle end
    # (100k a week from 500k on 16 Nov 10:00 to 1 Jan 00:00, 45.58 days: $1,151,190), and
    # the note on one line, escaped
    story = section_with(digest, "*New ARR*")["text"]["text"]
    assert f"<@{ME}>" in story and "$500k of $1.2M" in story
    assert "▲ $100k since last week (better)" in story
    assert "on pace for $1.15M by 31 Dec" in story
    assert "_“Two mid-market accounts churned after the price increase &lt;!channel&gt;”_" in story
    assert "<!channel>" not in text
    kudos = section_with(digest, "*Kudos this week*")["text"]["text"]
    assert f"• <@{LEAD}> to <@{ME}>: “for the Acme renewal &lt;!here&gt;”" in kudos
    # a steady 42 % against an expected 55 % is no win
    assert "*Wins*" not in text
    # the trend chart is within Slack's limits and said in words too
    [trend] = chart_blocks(digest)
    assert charts.chart_problems(trend) == [] and trend["chart"]["type"] == "line"
    assert [p["label"] for p in trend["chart"]["series"][0]["data"]][-1] == "W8"
    assert "Progress by week (expected)" in text
    assert len(blocks) <= 50

    # Discuss opens a thread under the digest mentioning the owner
    await driver.block_action(
        ids.DIGEST_DISCUSS,
        value=risk["accessory"]["value"],
        user_id=LEAD,
        channel_id=CHANNEL,
        message={"ts": digest.response["ts"], "text": digest.args["text"]},
    )
    [thread] = await slack.wait_for(
        "chat.postMessage", match=lambda a: a.get("thread_ts") == digest.response["ts"]
    )
    assert thread.args["channel"] == CHANNEL
    assert f"<@{ME}>" in thread.args["text"] and f"<@{LEAD}>" in thread.args["text"]
    assert "Partner program live" in thread.args["text"]


async def test_no_first_week_wins(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    start = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)  # Thursday, the quarter's first day
    ids_ = await team_of_three(bot, driver, slack, clock, at=start)
    arr = f"kr{ids_['New ARR']}"
    await report(driver, slack, clock, start.replace(hour=10), ME, **{arr: {"value": "120k"}})
    slack.reset()
    friday = datetime(2026, 10, 2, 16, 0, tzinfo=UTC)
    await run(bot, "digests", friday, clock)
    [digest] = channel_posts(slack)
    text = body_of(digest)
    assert "week 1 of 13" in digest.args["blocks"][0]["text"]["text"]
    # 10 % of the target in the first week: a first reading, no "▲ 10 pts", no win
    story = section_with(digest, "*New ARR*")["text"]["text"]
    assert "$120k of $1.2M" in story and "first reading" in story
    assert "*Wins*" not in text and "pts" not in text.replace("percentage points", "")


async def test_a_refused_chart_posts_the_digest_once_without_it_and_is_remembered(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    ids_ = await team_of_three(bot, driver, slack, clock)
    arr = f"kr{ids_['New ARR']}"
    await report(driver, slack, clock, MONDAY.replace(hour=10), ME, **{arr: {"value": "300k"}})

    def with_chart(args: dict[str, Any]) -> bool:
        return charts.CHART_BLOCK in json.dumps(args.get("blocks"))

    slack.fail("chat.postMessage", error="invalid_blocks", times=None, match=with_chart)
    friday = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    assert (await run(bot, "digests", friday, clock)).get("sent") == 2  # channel, lead
    tried = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert [c.ok for c in tried] == [False, True]  # refused with the chart, then once plain
    [digest] = channel_posts(slack)
    assert chart_blocks(digest) == []
    assert "Progress by week (expected)" in body_of(digest)  # the text fallback stays
    assert digest.args["metadata"] == tried[0].args["metadata"]  # the same delivery
    assert await run(bot, "digests", friday + timedelta(minutes=5), clock) == {}
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        workspace = (await session.exec(select(Workspace))).one()
        rows = (await session.exec(select(Delivery).where(Delivery.kind == "digest"))).all()
    assert workspace.charts_refused_at is not None
    assert [(r.status, r.message_ts) for r in rows] == [("sent", digest.response["ts"])]

    # the next digests go without charts from the start: Slack is not asked again
    slack.reset()
    assert (await run(bot, "digests", friday + timedelta(days=7), clock)).get("sent") == 2
    [later] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert later.ok and chart_blocks(later) == []


async def test_cycle_close_carries_the_cycles_trend_and_falls_back_the_same_way(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    ids_ = await team_of_three(bot, driver, slack, clock)
    arr = f"kr{ids_['New ARR']}"
    for week, value in enumerate(("300k", "500k", "900k")):
        when = MONDAY + timedelta(weeks=3 * week, hours=2)
        await report(driver, slack, clock, when, ME, **{arr: {"value": value}})
    slack.reset()
    new_year = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)  # the day after, at digest time
    slack.fail(
        "chat.postMessage",
        error="invalid_blocks",
        times=1,
        match=lambda a: "data_visualization" in json.dumps(a.get("blocks")),
    )
    assert await run(bot, "cycle-close", new_year, clock) == {"sent": 1}
    tried = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert [c.ok for c in tried] == [False, True]
    [refused] = chart_blocks(tried[0])
    assert charts.chart_problems(refused) == [] and refused["chart"]["type"] == "line"
    # 13 weeks: the last one ends with the cycle; the chart's points are its weeks
    assert refused["chart"]["axis_config"]["categories"] == [f"W{w}" for w in range(1, 14)]
    [summary] = channel_posts(slack)
    assert chart_blocks(summary) == []
    text = body_of(summary)
    assert "Progress by week (expected): W1 0% (8%)" in text and "W13 " in text
    assert ids.RETRO_OPEN in text
