"""The weekly rhythm end to end: prompts in each owner's time zone, nudges, snooze / skip /
away, digests, cycle close, planning, and exactly-once delivery under faults and races.
The clock is set, never waited for."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select

from blocks import ids
from bot.doctor import check_sends
from bot.runtime import Runtime
from bot.slack_client import MAX_RETRIES, build_client
from scheduler import ledger
from scheduler.jobs import NAMES
from scheduler.pacing import Pacer
from scheduler.tick import Scheduler
from storage.models import Cycle, Delivery, Person
from tests.clock import FakeClock, RecordedWaits
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME, SIMPLE, create, dms, run, seed_team
from tests.scenarios.test_checkins import check_in, open_log

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # FakeClock starts here at 08:00


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="Europe/Stockholm")  # 09:00 local = 08:00 UTC
    slack.add_user(BOB, tz="America/New_York")  # 09:00 local = 14:00 UTC
    slack.add_user(LEAD, tz="UTC")


async def team_with_okrs(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> int:
    """The Nordics team (channel CSALES, UTC) with an objective each for ME and BOB."""
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    for user in (ME, BOB):
        await create(
            driver,
            slack,
            {**SIMPLE, "title": f"Grow {user}", "level": "team", "team": (team_id, "Nordics")},
            user=user,
        )
    await slack.wait_for("chat.postMessage", count=2, match=lambda a: a.get("channel") == "CSALES")
    await slack.wait_for("views.publish", count=2)  # the announcements are over
    slack.reset()
    return team_id


async def first_reading(driver: SlackDriver, slack: FakeSlack, user: str, kr_id: int) -> None:
    """`user` reports a value for their KR through the check-in modal: *No change* only
    repeats a reading, it never invents one."""
    view = await open_log(driver, slack, user=user)
    await check_in(driver, slack, view, user=user, **{f"kr{kr_id}": {"value": "1.3M"}})


async def test_prompts_go_out_at_nine_in_each_owners_zone_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    assert await run(bot, "checkins", MONDAY.replace(hour=7, minute=59), clock) == {}
    assert await run(bot, "checkins", MONDAY.replace(hour=8), clock) == {"sent": 1}
    [prompt] = dms(slack, ME)
    text = json.dumps(prompt.args)
    assert "Grow" in text and ids.CHECK_IN in text and ids.SNOOZE in text and ids.AWAY in text
    assert prompt.args["metadata"]["event_payload"]["key"] == f"prompt|{ME}|2026-W48"
    assert await run(bot, "checkins", MONDAY.replace(hour=9), clock) == {}  # no repeat
    assert dms(slack, BOB) == []
    assert await run(bot, "checkins", MONDAY.replace(hour=14), clock) == {"sent": 1}
    assert len(dms(slack, BOB)) == 1 and len(dms(slack, ME)) == 1


async def test_a_restart_catches_up_within_24h_and_skips_older(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    # Down all Monday: Tuesday 07:00 UTC is 23 h after ME's prompt, 17 h after BOB's.
    assert await run(bot, "checkins", MONDAY + timedelta(days=1, hours=7), clock) == {"sent": 2}
    slack.reset()
    await seed_team(bot, "Late", members=("U0LATE",))
    await create(driver, slack, {**SIMPLE, "title": "Late one"}, user="U0LATE")
    slack.reset()
    # Wednesday: U0LATE's Monday prompt (team UTC, 09:00) is 2 days old: skipped, logged.
    assert await run(bot, "checkins", MONDAY + timedelta(days=2, hours=10), clock) == {}
    assert dms(slack, "U0LATE") == []
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        row = (await session.exec(select(Delivery).where(Delivery.recipient == "U0LATE"))).one()
    assert (row.status, row.error) == ("skipped", "stale: was due 2026-11-23T09:00:00+00:00")


async def test_checking_in_turns_the_prompt_to_done_and_stops_the_nudge(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    clock.set(MONDAY - timedelta(days=3))  # last week's reading, for No change to repeat
    await first_reading(driver, slack, ME, 1)
    slack.reset()
    await run(bot, "checkins", MONDAY.replace(hour=14), clock)
    [prompt] = dms(slack, ME)
    await driver.block_action(
        ids.NO_CHANGE,
        value="",
        user_id=ME,
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"], "text": "prompt"},
    )
    [update] = await slack.wait_for("chat.update")
    assert update.args["ts"] == prompt.response["ts"]
    assert "Checked in" in json.dumps(update.args) and ids.CHECK_IN not in json.dumps(update.args)
    wednesday = MONDAY + timedelta(days=2, hours=13)  # 14:00 Stockholm, 08:00 New York
    assert await run(bot, "nudges", wednesday, clock) == {}  # ME's nudge time: checked in
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [1, 1]
    assert await run(bot, "nudges", wednesday.replace(hour=19), clock) == {"sent": 1}
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [1, 2]  # BOB's nudge, once
    assert await run(bot, "nudges", wednesday.replace(hour=21), clock) == {}


async def test_snooze_later_prompts_again_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    await run(bot, "checkins", MONDAY.replace(hour=8), clock)
    [prompt] = dms(slack, ME)
    clock.set(MONDAY.replace(hour=8, minute=5))
    await driver.block_action(
        ids.SNOOZE,
        user_id=ME,
        action_type="overflow",
        selected_option={"value": "later", "text": {"type": "plain_text", "text": "later"}},
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"], "text": "prompt"},
    )
    [update] = await slack.wait_for("chat.update")
    assert "Snoozed" in json.dumps(update.args)
    assert await run(bot, "checkins", MONDAY.replace(hour=11), clock) == {}
    assert await run(bot, "checkins", MONDAY.replace(hour=11, minute=5), clock) == {"sent": 1}
    assert await run(bot, "checkins", MONDAY.replace(hour=12), clock) == {}
    assert len(dms(slack, ME)) == 2


async def test_skip_and_away_mean_no_prompt_no_nudge_not_missing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    await run(bot, "checkins", MONDAY.replace(hour=14), clock)
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
    await driver.block_action(
        ids.AWAY,
        user_id=BOB,
        channel_id=bob_prompt.response["channel"],
        message={"ts": bob_prompt.response["ts"]},
    )
    [opened] = await slack.wait_for("views.open")
    away = opened.response["view"]
    bad = await driver.view_submission(
        ids.AWAY_VIEW,
        {"away_until": {"away_until": {"type": "datepicker", "selected_date": "2026-11-01"}}},
        user_id=BOB,
        view=away,
    )
    assert "errors" in bad.json()
    good = await driver.view_submission(
        ids.AWAY_VIEW,
        {"away_until": {"away_until": {"type": "datepicker", "selected_date": "2026-12-06"}}},
        user_id=BOB,
        view=away,
    )
    assert good.status == 200 and good.text in ("", "{}")
    await slack.wait_for("chat.update", count=2)
    assert await run(bot, "nudges", MONDAY + timedelta(days=2, hours=20), clock) == {}
    assert await run(bot, "checkins", MONDAY + timedelta(days=7, hours=14), clock) == {
        "sent": 1
    }  # ME again next week; BOB still away
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [2, 1]
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        bob = (await session.exec(select(Person).where(Person.user_id == BOB))).one()
    assert bob.away_until == date(2026, 12, 6)


async def test_digest_in_channel_and_missing_privately_to_leads(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    clock.set(MONDAY.replace(hour=10))
    await first_reading(driver, slack, ME, 1)
    friday = MONDAY + timedelta(days=4, hours=16)
    assert await run(bot, "digests", friday - timedelta(minutes=1), clock) == {}
    assert await run(bot, "digests", friday, clock) == {"sent": 2}  # channel + the lead
    [public] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CSALES"]
    text = json.dumps(public.args)
    assert "1 of 2" in text and "Nordics" in text
    [private] = dms(slack, LEAD)
    text = json.dumps(private.args, ensure_ascii=False)
    assert "1 of 2 updated · 1 missing" in text
    assert f"<@{ME}> · updated" in text  # the leads read everyone's week, by name
    nudges = [b["accessory"] for b in private.args["blocks"] if b.get("accessory")]
    assert [json.loads(b["value"])["user"] for b in nudges] == [BOB]
    assert await run(bot, "digests", friday + timedelta(hours=1), clock) == {}


async def test_a_broken_channel_is_reported_to_leads_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    slack.add_channel("CSALES", name="sales", is_member=False)
    friday = MONDAY + timedelta(days=4, hours=16)
    counts = await run(bot, "digests", friday, clock)
    assert counts == {"failed_permanent": 1, "sent": 2}  # the lead: missing list + report
    assert await run(bot, "digests", friday + timedelta(minutes=5), clock) == {}
    reports = [c for c in dms(slack, LEAD) if "invite" in json.dumps(c.args).lower()]
    assert len(reports) == 1


async def test_rate_limits_and_outages_are_retried_and_delivered_once(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    retry_waits: RecordedWaits,
) -> None:
    await team_with_okrs(bot, driver, slack)
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    assert await run(bot, "checkins", MONDAY.replace(hour=8), clock) == {"sent": 1}
    [rate_limited] = retry_waits.seconds
    assert 1 <= rate_limited < 2  # Retry-After: 1 honoured, plus slack_sdk's jitter
    slack.fail("chat.postMessage", status=503, times=None)  # beyond the client's retries
    assert await run(bot, "checkins", MONDAY.replace(hour=14), clock) == {"failed_transient": 1}
    assert len(retry_waits.seconds) == 1 + MAX_RETRIES
    slack.reset()
    assert await run(bot, "checkins", MONDAY.replace(hour=14, minute=1), clock) == {"sent": 1}
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [0, 1]


async def person(bot: Runtime, user: str) -> Person:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return (await session.exec(select(Person).where(Person.user_id == user))).one()


def texts(calls: list[Any]) -> str:
    return json.dumps([c.args for c in calls])


@pytest.mark.parametrize("error", ["user_not_found", "user_disabled"])
async def test_gone_members_are_skipped_marked_inactive_and_their_lead_told(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock, error: str
) -> None:
    await team_with_okrs(bot, driver, slack)
    slack.fail("chat.postMessage", error=error, times=None, match=lambda a: a.get("channel") == ME)
    counts = await run(bot, "checkins", MONDAY.replace(hour=14), clock)
    assert counts == {"failed_permanent": 1, "sent": 1}
    assert (await person(bot, ME)).inactive
    [told] = dms(slack, LEAD)  # once, naming the person and why
    assert f"<@{ME}>" in texts([told]) and "check-in prompt" in texts([told])
    slack.reset()
    assert bot.rhythm is not None
    next_week = MONDAY + timedelta(days=7, hours=14)
    assert dict(await bot.rhythm.run("checkins", next_week)) == {"sent": 1}  # only BOB
    assert dms(slack, LEAD) == []


async def test_an_inactive_member_is_rechecked_daily_and_prompted_once_active(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    slack.fail(
        "chat.postMessage", error="user_disabled", times=1, match=lambda a: a.get("channel") == ME
    )
    await run(bot, "checkins", MONDAY.replace(hour=14), clock)
    assert (await person(bot, ME)).inactive
    slack.reset()
    # Slack shows ME active again; within a day the tick asks and ME is back.
    await run(bot, "checkins", MONDAY + timedelta(days=1, hours=15), clock)
    assert not (await person(bot, ME)).inactive
    assert [c.args["user"] for c in slack.calls_to("users.info")].count(ME) == 1
    assert await run(bot, "checkins", MONDAY + timedelta(days=7, hours=8), clock) == {"sent": 1}
    assert len(dms(slack, ME)) == 1


async def healthz(bot: Runtime) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.port}/healthz") as response,
    ):
        assert response.status == 200
        return dict(await response.json())


async def test_account_inactive_pauses_sends_marks_nobody_and_all_are_prompted_after(
    db_url: str,
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    caplog: Any,
) -> None:
    """Slack's account_inactive is about the bot's token: everyone's prompt waits, nobody
    is marked inactive, one ERROR says so, and everything goes out once it is fixed."""
    slack.add_user(ME, tz="Europe/Stockholm", is_admin=True)  # told when it works again
    await team_with_okrs(bot, driver, slack)
    assert bot.rhythm is not None
    await run(bot, "checkins", MONDAY, clock)  # people looked up before the token broke
    slack.fail("chat.postMessage", error="account_inactive", times=None)
    slack.fail("auth.test", error="account_inactive", times=None)
    with caplog.at_level("INFO"):
        for minute in range(0, 120, 7):
            clock.set(MONDAY.replace(hour=8) + timedelta(minutes=minute))
            await bot.rhythm.tick(clock())
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "account_inactive" in errors[0].getMessage()
    assert not errors[0].exc_info
    assert len(slack.calls_to("chat.postMessage")) == 1  # the fan-out stopped at once
    assert not (await person(bot, ME)).inactive and not (await person(bot, BOB)).inactive
    health = await healthz(bot)
    assert health["status"] == "degraded"
    assert [(p["workspace"], p["reason"]) for p in health["paused"]] == [
        ("T0001", "account_inactive")
    ]
    doctor = await check_sends(make_settings(db_url, slack.url))
    assert not doctor.ok and "account_inactive" in doctor.detail and "T0001" in doctor.detail
    slack.reset()
    # Fixed: the next tick finds the token works, resumes, and ME's prompt goes out.
    clock.set(MONDAY.replace(hour=10, minute=30))
    await bot.rhythm.tick(clock())
    assert len(dms(slack, ME)) == 2  # the prompt, and the admin's "can post again"
    assert "can post again" in texts(dms(slack, ME))
    assert await healthz(bot) == {"ok": True}
    assert (await check_sends(make_settings(db_url, slack.url))).ok
    clock.set(MONDAY.replace(hour=14))
    await bot.rhythm.tick(clock())
    assert len(dms(slack, BOB)) == 1
    for week in (1, 2):
        await run(bot, "checkins", MONDAY + timedelta(days=7 * week, hours=14), clock)
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [4, 3]  # one prompt a week each


async def test_a_six_minute_outage_at_nine_delivers_every_prompt_once_after(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    for n in range(9):
        user = f"U0REP{n:02d}"
        slack.add_user(user, tz="UTC")
        await create(driver, slack, {**SIMPLE, "title": f"Rep {n}"}, user=user)
    slack.reset()
    assert bot.rhythm is not None
    slack.fail("chat.postMessage", status=503, times=None)
    start = MONDAY.replace(hour=9)
    for minute in range(6):  # a tick a minute through the outage
        clock.set(start + timedelta(minutes=minute))
        await bot.rhythm.tick(clock())
    slack.reset()  # Slack is back: the backoff (1, 2, 4 ... minutes) retries each soon
    for minute in (6, 8, 12, 20, 36):
        clock.set(start + timedelta(minutes=minute))
        await bot.rhythm.tick(clock())
    sent = [c.args["channel"] for c in slack.calls_to("chat.postMessage") if c.ok]
    reps = [f"U0REP{n:02d}" for n in range(9)]
    assert sorted(sent) == sorted([ME, *reps])  # BOB's is due at 14:00 UTC
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = (await session.exec(select(Delivery).where(Delivery.kind == "prompt"))).all()
    assert {r.status for r in rows} == {"sent"}


async def test_a_delivery_failing_until_its_window_closes_is_reported_to_the_lead_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    assert bot.rhythm is not None
    await run(bot, "checkins", MONDAY, clock)
    slack.fail("chat.postMessage", status=503, times=None, match=lambda a: a.get("channel") == ME)
    for hour in range(8, 8 + 26):
        clock.set(MONDAY + timedelta(hours=hour, minutes=1))
        await bot.rhythm.tick(clock())
    reports = dms(slack, LEAD)
    assert len(reports) == 1
    text = texts(reports)
    assert f"<@{ME}>" in text and "service_unavailable" in text and "check-in prompt" in text
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        row = (
            await session.exec(
                select(Delivery).where(Delivery.recipient == ME, Delivery.kind == "prompt")
            )
        ).one()
    assert row.status == "skipped" and 20 <= row.attempts <= 35
    for hour in range(34, 40):
        clock.set(MONDAY + timedelta(hours=hour))
        await bot.rhythm.tick(clock())
    assert len(dms(slack, LEAD)) == 1  # told once


async def test_two_schedulers_deliver_each_prompt_once(
    db_url: str, bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    for n in range(12):
        user = f"U0REP{n:02d}"
        slack.add_user(user, tz="UTC")
        await create(driver, slack, {**SIMPLE, "title": f"Rep {n}"}, user=user)
    slack.reset()
    at = MONDAY + timedelta(hours=14)
    clock.set(at)
    other = Runtime(make_settings(db_url, slack.url), clock=clock, scheduler=False)
    await other.open()
    try:
        assert bot.rhythm is not None and other.rhythm is not None
        counts = await asyncio.gather(
            bot.rhythm.run("checkins", at), other.rhythm.run("checkins", at)
        )
    finally:
        await other.stop()
    sent = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    recipients = [c.args["channel"] for c in sent]
    assert len(recipients) == len(set(recipients)) == 14
    assert counts[0]["sent"] + counts[1]["sent"] == 14


async def test_a_crashed_claim_is_found_in_slack_not_posted_twice(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """The sender died between Slack accepting the post and the ledger recording it."""
    await team_with_okrs(bot, driver, slack)
    assert bot.rhythm is not None and bot.deps is not None
    at = MONDAY.replace(hour=8)
    key = ledger.DeliveryKey("T0001", "prompt", ME, "2026-W48")
    claim = await ledger.claim(
        bot.deps.sessions, key, now=at, lease=timedelta(minutes=5), owner="dead-process"
    )
    assert claim is not None
    await bot.client.chat_postMessage(  # type: ignore[union-attr]
        channel=ME,
        text="Monday check-in",
        metadata={"event_type": "okr_delivery", "event_payload": {"key": f"prompt|{ME}|2026-W48"}},
    )
    assert await run(bot, "checkins", at + timedelta(minutes=1), clock) == {}  # lease holds
    assert await run(bot, "checkins", at + timedelta(minutes=6), clock) == {"sent": 1}
    assert len(dms(slack, ME)) == 1  # found in the DM's history, not posted again
    async with bot.deps.sessions() as session:
        row = (await session.exec(select(Delivery).where(col(Delivery.recipient) == ME))).one()
    assert (row.status, row.attempts) == ("sent", 2)


async def test_cycle_close_summary_retro_and_closing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    new_year = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)  # Q4 ended yesterday; 16:00 digest time
    assert await run(bot, "cycle-close", new_year - timedelta(minutes=1), clock) == {}
    assert await run(bot, "cycle-close", new_year, clock) == {"sent": 1}
    assert await run(bot, "cycle-close", new_year + timedelta(hours=2), clock) == {}
    [summary] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CSALES"]
    text = json.dumps(summary.args)
    assert "Grow" in text and ids.RETRO_OPEN in text
    button = next(
        e
        for b in summary.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.RETRO_OPEN
    )
    await driver.block_action(ids.RETRO_OPEN, value=button["value"], user_id=ME)
    [opened] = await slack.wait_for("views.open")
    retro = opened.response["view"]
    answer = {
        "went_well": {"value": {"type": "plain_text_input", "value": "Pipeline <!here>"}},
        "to_improve": {"value": {"type": "plain_text_input", "value": None}},
        "carry_over": {"value": {"type": "plain_text_input", "value": None}},
    }
    response = await driver.view_submission(ids.RETRO_VIEW, answer, user_id=ME, view=retro)
    assert response.status == 200
    [thread] = await slack.wait_for(
        "chat.postMessage", match=lambda a: a.get("thread_ts") == summary.response["ts"]
    )
    assert "Pipeline &lt;!here&gt;" in json.dumps(thread.args)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        q4 = (await session.exec(select(Cycle).where(Cycle.name == "FY2026 Q4"))).one()
    assert q4.closed_at is None  # still 31 Dec somewhere on Earth
    await run(bot, "cycle-close", new_year + timedelta(days=1, hours=1), clock)
    async with bot.deps.sessions() as session:
        q4 = (await session.exec(select(Cycle).where(Cycle.name == "FY2026 Q4"))).one()
    assert q4.closed_at is not None  # its check-ins are final from now on


async def test_planning_reminder_a_week_before_the_next_cycle(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    reminder = datetime(2026, 12, 25, 9, 0, tzinfo=UTC)  # Q1 starts 1 Jan; team UTC 09:00
    assert await run(bot, "planning", reminder - timedelta(minutes=1), clock) == {}
    assert await run(bot, "planning", reminder, clock) == {"sent": 1}
    assert await run(bot, "planning", reminder + timedelta(hours=3), clock) == {}
    [dm] = dms(slack, LEAD)
    assert "FY2027 Q1" in json.dumps(dm.args) and ids.NEW_OKR in json.dumps(dm.args)


async def test_okr_digest_is_for_leads(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    await team_with_okrs(bot, driver, slack)
    await driver.command(text="digest", user_id=BOB, channel_id="CSALES")
    [refused] = await slack.wait_for("response_url")
    assert "Only the team's leads" in refused.args["text"]
    await driver.command(text="digest", user_id=LEAD, channel_id="CSALES")
    [_, done] = await slack.wait_for("response_url", count=2)
    assert "Posted this week's digest" in done.args["text"]
    assert [c.args["channel"] for c in slack.calls_to("chat.postMessage")].count("CSALES") == 1


async def test_a_fan_out_killed_midway_finishes_after_restart_without_duplicates(
    db_url: str, bot: Runtime, driver: SlackDriver, slack: FakeSlack, tmp_path: Path
) -> None:
    """`okr-bot jobs run checkins` is SIGKILLed while posting; a second run, after the
    dead process's leases ran out, delivers the rest and nothing twice."""
    reps = [f"U0K{n:03d}" for n in range(30)]
    for user in reps:
        slack.add_user(user, tz="UTC")
        await create(driver, slack, {**SIMPLE, "title": f"Objective of {user}"}, user=user)
    slack.reset()
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        DATABASE_URL=db_url,
        SLACK_POSTS_PER_SECOND="15",
    )

    async def job(at: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "jobs",
            "run",
            "checkins",
            "--at",
            at,
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    first = await job("2026-11-23T14:00:00+00:00")
    await slack.wait_for("chat.postMessage", count=10, timeout=30)
    first.kill()
    await first.wait()
    delivered = len(slack.calls_to("chat.postMessage"))
    assert 10 <= delivered < 30, "the kill came too late to test anything"
    second = await job("2026-11-23T14:06:00+00:00")
    out, err = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode == 0, err.decode()
    posted = [c.response["channel"] for c in slack.calls_to("chat.postMessage") if c.ok]
    assert sorted(posted) == sorted({slack.dm_channel(u) for u in reps})  # each once
    assert "checkins as of 2026-11-23T14:06:00+00:00" in out.decode()


async def test_a_timed_out_post_that_slack_kept_is_not_sent_twice(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """Slack took the post but the answer came too late: the next tick finds it."""
    await team_with_okrs(bot, driver, slack)
    assert bot.deps is not None
    impatient = Scheduler(bot.deps, build_client(BOT_TOKEN, slack.url, timeout=1), Pacer(50))
    slack.delay("chat.postMessage", 2.0, times=1)  # recorded at once, answered after 2 s
    at = MONDAY.replace(hour=8)
    clock.set(at)
    assert dict(await impatient.run("checkins", at)) == {"failed_transient": 1}
    clock.set(at + timedelta(minutes=1))
    assert dict(await impatient.run("checkins", at + timedelta(minutes=1))) == {"sent": 1}
    assert len(slack.calls_to("chat.postMessage")) == 1  # looked up, not posted again
    assert len(slack.calls_to("conversations.history")) == 1


async def test_only_your_own_prompt_can_be_redrawn(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """A snooze that names another message (the channel digest) changes nothing there."""
    await team_with_okrs(bot, driver, slack)
    await run(bot, "checkins", MONDAY.replace(hour=14), clock)
    [bob_prompt] = dms(slack, BOB)
    await driver.block_action(
        ids.SNOOZE,
        user_id=ME,
        action_type="overflow",
        selected_option={"value": "skip"},
        channel_id=bob_prompt.response["channel"],
        message={"ts": bob_prompt.response["ts"]},
    )
    assert bot.deps is not None
    for _ in range(50):  # the listener runs after its ack: wait until it stored the skip
        async with bot.deps.sessions() as session:
            me = (await session.exec(select(Person).where(Person.user_id == ME))).one()
        if me.skipped_week:
            break
        await asyncio.sleep(0.02)
    assert me.skipped_week == "2026-W48"  # ME's own week is skipped...
    assert slack.calls_to("chat.update") == []  # ...but BOB's prompt is left alone


async def test_the_minute_tick_runs_every_job_once_per_due_delivery(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """What the scheduler calls each minute: people refreshed from users.info, then every
    job; ticking again within the minute sends nothing more."""
    await team_with_okrs(bot, driver, slack)
    assert bot.ticker is not None and bot.deps is not None
    clock.set(MONDAY.replace(hour=8))
    await bot.ticker.tick()
    await bot.ticker.tick()
    assert [len(dms(slack, ME)), len(dms(slack, BOB))] == [1, 0]  # 09:00 in Stockholm only
    async with bot.deps.sessions() as session:
        zones = {p.user_id: p.tz for p in (await session.exec(select(Person))).all()}
    assert zones[ME] == "Europe/Stockholm" and zones[BOB] == "America/New_York"


async def test_the_tick_runs_every_registered_job_in_order(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """The tick reads the registry: each job runs once a tick, in the registry's order,
    and a new job needs no other wiring. Monday 08:00 UTC only ME's prompt is due."""
    await team_with_okrs(bot, driver, slack)
    assert bot.rhythm is not None
    at = MONDAY.replace(hour=8)
    clock.set(at)
    counts = await bot.rhythm.tick(at)
    assert tuple(counts) == NAMES
    assert {name: dict(c) for name, c in counts.items()} == {
        name: {"sent": 1} if name == "checkins" else {} for name in NAMES
    }
    assert len(dms(slack, ME)) == 1 and dms(slack, BOB) == []
