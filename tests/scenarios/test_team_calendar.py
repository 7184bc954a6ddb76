"""A team's calendar end to end: its country's holidays move the Monday prompt, a week a
lead paused with `/okr pause` gets no prompt, reminder or digest, and the digest gives
way to the cycle-close summary and to an empty first week. Signed requests, the job
runner with a set clock, both databases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.runtime import Runtime
from storage.models import Delivery, Team, TeamPause
from storage.team_calendar import set_holiday_country
from storage.teams import get_team
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import BOB, LEAD, ME, SIMPLE, count, create, dms, run, seed_team
from tests.scenarios.test_rhythm_flow import first_reading, team_with_okrs
from tests.scenarios.test_teams import _errors, _open, _opened, _submit_filled, _teams

LABOR_DAY = datetime(2026, 9, 7, tzinfo=UTC)  # a Monday, a US public holiday


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="Europe/Stockholm")
    slack.add_user(BOB, tz="America/New_York")
    slack.add_user(LEAD, tz="UTC")


async def _holidays_of(bot: Runtime, team_id: int, country: str | None) -> None:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        team = await get_team(session, "T0001", team_id)
        assert team is not None
        await set_holiday_country(session, team, country)
        await session.commit()


async def _ephemeral(driver: SlackDriver, slack: FakeSlack, text: str, user: str = LEAD) -> str:
    """What `/okr <text>` answered `user`, through its response_url."""
    before = len(slack.calls_to("response_url"))
    response = await driver.command(text=text, user_id=user, response_url=slack.response_url())
    assert response.status == 200
    calls = await slack.wait_for("response_url", count=before + 1)
    answer: dict[str, Any] = calls[-1].args
    assert answer.get("response_type") == "ephemeral"
    return str(answer["text"])


async def _team_objective(driver: SlackDriver, slack: FakeSlack, team_id: int) -> None:
    """ME sets a team objective; its announcements are over when this returns."""
    await create(driver, slack, {**SIMPLE, "level": "team", "team": (team_id, "Nordics")})
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "CSALES")
    await slack.wait_for("views.publish")


def _channel_posts(slack: FakeSlack) -> list[Any]:
    return [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CSALES"]


async def test_a_us_holiday_moves_the_monday_prompt_to_tuesday(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    clock.set(LABOR_DAY - timedelta(days=6))
    team_id = await team_with_okrs(bot, driver, slack)
    await _holidays_of(bot, team_id, "US")
    # ME's prompt is Monday 09:00 Stockholm (07:00 UTC): Labor Day, nothing all day.
    for hour in (7, 13, 20):
        assert await run(bot, "checkins", LABOR_DAY.replace(hour=hour), clock) == {}
    assert dms(slack, ME) == [] and dms(slack, BOB) == []
    tuesday = LABOR_DAY + timedelta(days=1)
    assert await run(bot, "checkins", tuesday.replace(hour=7), clock) == {"sent": 1}
    [prompt] = dms(slack, ME)
    assert prompt.args["metadata"]["event_payload"]["key"] == f"prompt|{ME}|2026-W37"
    assert await run(bot, "checkins", tuesday.replace(hour=13), clock) == {"sent": 1}  # BOB
    assert await run(bot, "checkins", tuesday.replace(hour=20), clock) == {}  # once each
    # The week after, Monday again.
    assert await run(bot, "checkins", LABOR_DAY + timedelta(days=7, hours=7), clock) == {"sent": 1}


async def test_without_a_holiday_country_labor_day_is_a_working_day(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    clock.set(LABOR_DAY - timedelta(days=6))
    await team_with_okrs(bot, driver, slack)
    assert await run(bot, "checkins", LABOR_DAY.replace(hour=7), clock) == {"sent": 1}


async def test_a_paused_week_gets_no_prompt_nudge_or_digest(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    team_id = await team_with_okrs(bot, driver, slack)  # clock: Mon 23 Nov 2026 08:00
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    answer = await _ephemeral(driver, slack, "pause next week")
    assert "week of Mon 30 Nov 2026 is paused" in answer
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        [pause] = (await session.exec(select(TeamPause))).all()
    assert (pause.team_id, pause.week_start, pause.paused_by) == (team_id, date(2026, 11, 30), LEAD)
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    for day in range(7):
        for hour in (8, 14, 16, 20):
            at = monday + timedelta(days=day, hours=hour)
            for job in ("checkins", "nudges", "digests"):
                assert await run(bot, job, at, clock) == {}, (job, at)
    assert dms(slack, ME) == [] and dms(slack, BOB) == [] and _channel_posts(slack) == []
    # The week after runs as usual.
    assert await run(bot, "checkins", monday + timedelta(days=7, hours=8), clock) == {"sent": 1}


async def test_pause_off_lifts_the_pause_and_the_prompt_goes_out(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    assert "is paused" in await _ephemeral(driver, slack, "pause this week")
    assert await run(bot, "checkins", clock().replace(hour=8), clock) == {}
    assert "is paused for the week of Mon 23 Nov 2026" in await _ephemeral(driver, slack, "pause")
    assert "runs as usual again" in await _ephemeral(driver, slack, "pause off")
    assert await count(bot, TeamPause) == 0
    assert await run(bot, "checkins", clock().replace(hour=8, minute=1), clock) == {"sent": 1}


@pytest.mark.parametrize(
    ("text", "user", "says"),
    [
        ("pause 2027-01-05", LEAD, "outside the current cycle *FY2026 Q4*"),
        ("pause 2026-11-10", LEAD, "is over"),
        ("pause 2026-13-01", LEAD, "is not a date like 2026-12-07"),
        ("pause next week", ME, "You lead no team"),
        ("pause next week Nordics", ME, "Only team *Nordics*'s leads"),
        ("pause next week Atlantis", LEAD, "no team called *Atlantis*"),
    ],
)
async def test_a_pause_that_cannot_be_is_refused_and_nothing_is_stored(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, text: str, user: str, says: str
) -> None:
    await team_with_okrs(bot, driver, slack)
    answer = await _ephemeral(driver, slack, text, user=user)
    assert says in answer and ("Nothing changed" in answer or "Only" in answer)
    assert await count(bot, TeamPause) == 0


async def test_cycle_close_replaces_the_digest_of_its_week(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_with_okrs(bot, driver, slack)
    new_year = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)  # Friday: digest time and close time
    assert await run(bot, "digests", new_year, clock) == {}
    assert await run(bot, "cycle-close", new_year, clock) == {"sent": 1}
    assert await run(bot, "digests", new_year + timedelta(minutes=1), clock) == {}
    [summary] = _channel_posts(slack)
    assert summary.args["metadata"]["event_payload"]["key"].startswith("cycle_close|")
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        row = (await session.exec(select(Delivery).where(Delivery.kind == "digest"))).one()
    assert (row.status, row.error) == ("skipped", "replaced by the cycle-close summary")


async def _new_year_team(bot: Runtime, slack: FakeSlack, clock: FakeClock) -> int:
    """Nordics on 2 Jan 2027 (FY2027 Q1 began on Friday 1 Jan), its digest on Mondays at
    16:00: 4 Jan is the cycle's fourth day, and not the week of Q4's close."""
    clock.set(datetime(2027, 1, 2, 10, tzinfo=UTC))
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        team = await session.get(Team, team_id)
        assert team is not None
        team.digest_weekday = 0
        session.add(team)
        await session.commit()
    return team_id


async def test_a_cycles_empty_first_week_has_no_digest(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    team_id = await _new_year_team(bot, slack, clock)
    await _team_objective(driver, slack, team_id)
    slack.reset()
    first_monday = datetime(2027, 1, 4, 16, 0, tzinfo=UTC)
    assert await run(bot, "digests", first_monday, clock) == {}
    assert _channel_posts(slack) == []
    async with bot.deps.sessions() as session:
        row = (await session.exec(select(Delivery).where(Delivery.kind == "digest"))).one()
    assert (row.status, row.error) == ("skipped", "the cycle's first week, nothing reported yet")
    clock.set(datetime(2027, 1, 5, 9, tzinfo=UTC))
    await first_reading(driver, slack, ME, 1)
    counts = await run(bot, "digests", first_monday + timedelta(days=7), clock)
    assert counts.get("sent", 0) >= 1
    assert "FY2027 Q1" in json.dumps([c.args for c in _channel_posts(slack)])


async def test_a_first_week_with_a_reading_has_its_digest(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    team_id = await _new_year_team(bot, slack, clock)
    await _team_objective(driver, slack, team_id)
    await first_reading(driver, slack, ME, 1)
    slack.reset()
    counts = await run(bot, "digests", datetime(2027, 1, 4, 16, 0, tzinfo=UTC), clock)
    assert counts.get("sent", 0) >= 1 and len(_channel_posts(slack)) == 1


async def test_the_team_modal_takes_a_holiday_country(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100", name="emea-sales")
    view = _opened(await _open(driver, slack))
    response = await _submit_filled(
        driver, view, {"team_name": "APAC", "team_channel": "C100", "team_holidays": " cn "}
    )
    assert response.json() in (None, {})
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    [team] = await _teams(bot)
    assert team.holiday_country == "CN"
    # Opened again, the modal shows the code.
    again = _opened(await _open(driver, slack, text="team APAC"))
    [field] = [b for b in again["blocks"] if b.get("block_id", "").startswith("team_holidays")]
    assert field["element"]["initial_value"] == "CN"


async def test_an_unknown_holiday_country_is_a_field_error_and_nothing_is_stored(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_channel("C100", name="emea-sales")
    view = _opened(await _open(driver, slack))
    response = await _submit_filled(
        driver, view, {"team_name": "APAC", "team_channel": "C100", "team_holidays": "XX"}
    )
    errors = _errors(response)
    assert errors == {"team_holidays.new": errors["team_holidays.new"]}
    assert "No country calendar has the code “XX”" in errors["team_holidays.new"]
    assert await _teams(bot) == []


async def test_the_team_modal_shows_and_redraws_each_members_local_digest_time(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.add_user(LEAD, tz="Asia/Shanghai")
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        team = await session.get(Team, team_id)
        assert team is not None
        team.timezone = "Asia/Shanghai"
        session.add(team)
        await session.commit()
    for user in (ME, BOB):  # the bot has met them: their zones are cached
        await driver.command(text="list", user_id=user)
    await slack.wait_for("users.info", count=2)
    view = _opened(await _open(driver, slack, user_id=LEAD))
    [line] = [b for b in view["blocks"] if b.get("block_id") == f"team_local_times.{team_id}"]
    shown = line["elements"][0]["text"]
    assert shown.startswith("Digest Fri 16:00 Shanghai · 09:00 Stockholm · 03:00 New York ⚠")
    assert f"reaches <@{BOB}> at 03:00 (New York)" in shown

    # The lead moves the digest to 21:00: the line is redrawn for the time now chosen.
    state = fill(view, {f"team_digest_time.{team_id}": "21:00"})
    before = len(slack.calls_to("views.update"))
    response = await driver.block_action(
        "digest_time",
        user_id=LEAD,
        block_id=f"team_digest_time.{team_id}",
        action_type="timepicker",
        selected_time="21:00",
        view=view,
        state_values=state,
    )
    assert response.status == 200
    [update] = (await slack.wait_for("views.update", count=before + 1))[before:]
    redrawn = json.dumps(update.args["view"], ensure_ascii=False)
    assert "Digest Fri 21:00 Shanghai ⚠ · 14:00 Stockholm · 08:00 New York" in redrawn
    assert f"reaches <@{LEAD}> at 21:00 (Shanghai)" in redrawn

    # Saved anyway (a warning, not a refusal); the saved message repeats it.
    response = await driver.view_submission(view["callback_id"], state, user_id=LEAD, view=view)
    assert response.json() in (None, {})
    [saved] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == LEAD)
    assert "Digest Fri 21:00 Shanghai ⚠ · 14:00 Stockholm · 08:00 New York" in saved.args["text"]
    async with bot.deps.sessions() as session:
        stored = await session.get(Team, team_id, populate_existing=True)
    assert stored is not None and stored.digest_time == "21:00"
