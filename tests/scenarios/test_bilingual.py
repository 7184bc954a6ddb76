"""One quarter of a sales team, run once in Chinese and once in English: an objective set
through the `/okr set` modal, a check-in, the Monday prompt, the Friday digest and the
cycle close. Every word any payload carries to Slack (messages, modals, Home, ephemerals,
acks) is read: in the Chinese run no English sentence reaches Slack, in the English run no
Chinese character. And a mixed team: the channel reads the team's language, each person
their own in DMs and Home."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from blocks import ids
from bot.runtime import Runtime
from storage.models import Team
from storage.people import get_person
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.payloads import block_problems, chinese_in, english_in, shown_texts
from tests.scenario import BOB, LEAD, ME, create, dms, kr, run, seed_team
from tests.scenarios.test_checkins import check_in, open_log

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # FakeClock starts here at 08:00
FRIDAY_DIGEST = MONDAY + timedelta(days=4, hours=16)  # 16:00 UTC, the team's digest time
NEW_YEAR = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)  # FY2026 Q4 ended yesterday
CHANNEL = "CSALES"
#: What people typed or are called, never translated.
TYPED = {
    "zh-CN": ("华东区收入增长", "新签合同额"),
    "en-US": ("Grow East revenue", "New contract value"),
}
NAMES = ("Nordics", "Ming Li", "Bob Stone", "Lena Lead")
#: Units and currency codes, the same in both languages.
UNITS = ("USD", "ARR")
#: Languages named in themselves (the `/okr lang` choices and the team modal's channel
#: language offer "English" to a Chinese reader and "中文" to an English one).
SELF_NAMES = ("中文", "English")


def people(slack: FakeSlack, bob_locale: str | None = None) -> None:
    slack.add_user(ME, real_name="Ming Li", tz="Europe/Stockholm")  # 09:00 local = 08:00 UTC
    slack.add_user(BOB, real_name="Bob Stone", tz="America/New_York", locale=bob_locale)
    slack.add_user(LEAD, real_name="Lena Lead", tz="UTC")
    slack.add_channel(CHANNEL, name="sales")


async def team_of_its_lead(bot: Runtime, driver: SlackDriver) -> tuple[int, Any]:
    """The lead asks for help first (so the bot knows her language), then her team is
    made: it takes her language. Returns the team id and the help's ack body."""
    answer = await driver.command(text="help", user_id=LEAD, channel_id=CHANNEL)
    assert answer.status == 200
    return await seed_team(bot), answer.json()


def objective(locale: str, team_id: int) -> dict[str, Any]:
    """The team objective, typed in the reader's language, with one revenue KR in USD."""
    title, kr_title = TYPED[locale]
    revenue = kr(0, kr_title, "0", "2000000", unit="currency", currency="USD")
    return {"title": title, "level": "team", "team": (team_id, "Nordics"), **revenue}


async def stored(bot: Runtime, model: type) -> list[Any]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list((await session.exec(select(model))).all())


async def a_quarter(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock, locale: str
) -> list[Any]:
    """Set, check in, list and tree, the team modal, Monday prompt, Friday digest, cycle
    close; the ack bodies on the way."""
    team_id, help_body = await team_of_its_lead(bot, driver)
    await create(driver, slack, objective(locale, team_id), user=ME)
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == CHANNEL)
    assert await run(bot, "checkins", MONDAY.replace(hour=8), clock) == {"sent": 1}
    clock.set(MONDAY.replace(hour=10))
    view = await open_log(driver, slack, user=ME)
    answer = await check_in(driver, slack, view, user=ME, kr1={"value": "1300000"})
    assert answer.status == 200 and not answer.text.strip(), answer.text
    for verb in ("list", "tree"):  # answered through the response_url
        before = len(slack.calls_to("response_url"))
        await driver.command(text=verb, user_id=ME, channel_id=CHANNEL)
        await slack.wait_for("response_url", count=before + 1)
    opened = len(slack.calls_to("views.open"))
    await driver.command(text="team Nordics", user_id=LEAD, channel_id=CHANNEL)
    await slack.wait_for("views.open", count=opened + 1)  # the team modal
    assert await run(bot, "digests", FRIDAY_DIGEST, clock) == {"sent": 2}  # channel + lead
    assert await run(bot, "cycle-close", NEW_YEAR, clock) == {"sent": 1}
    return [help_body]


@pytest.mark.parametrize("slack_locale", ["zh-CN", "en-US"])
async def test_a_quarter_reads_in_one_language(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock, slack_locale: str
) -> None:
    people(slack)
    acks = await a_quarter(bot, driver, slack, clock, slack_locale)
    [team] = await stored(bot, Team)
    assert team.lang == ("zh" if slack_locale == "zh-CN" else "en")  # its creator's
    # every surface was reached: the prompt DM, the digest, the close, Home, the modals
    assert dms(slack, ME) and slack.calls_to("views.publish") and slack.calls_to("views.open")
    posted = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert len(posted) == 3  # the new objective, the digest, the cycle close
    texts = shown_texts(slack.calls, acks)
    assert len(texts) > 50, texts  # enough read for the check below to mean something
    allowed = (*TYPED[slack_locale], *NAMES, *UNITS)
    if slack_locale == "zh-CN":
        leaks = english_in(texts, (*allowed, *SELF_NAMES))
        assert not leaks, "English reached a Chinese team:\n" + "\n".join(leaks)
    else:
        leaks = chinese_in(texts, (*allowed, *SELF_NAMES))
        assert not leaks, "Chinese reached an English team:\n" + "\n".join(leaks)
    assert not block_problems(slack.calls)


@pytest.mark.parametrize("slack_locale", ["zh-CN"])
async def test_a_mixed_team_channel_in_its_language_each_rep_in_theirs(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """Team and lead in Chinese, Bob in New York in English: the digest in the channel is
    Chinese; Bob's prompt DM and Home tab are English."""
    people(slack, bob_locale="en-US")
    team_id, _help = await team_of_its_lead(bot, driver)
    await create(driver, slack, {**objective("zh-CN", team_id), "title": f"目标 {BOB}"}, user=BOB)
    # Ming (Chinese) gives Bob a key result: Bob's Home, refreshed by Ming's change, is his
    homes = len(slack.calls_to("views.publish", match=lambda a: a.get("user_id") == BOB))
    shared = {**objective("zh-CN", team_id), "title": f"目标 {ME}", "kr0_owner": BOB}
    await create(driver, slack, shared, user=ME)
    await slack.wait_for("views.publish", count=homes + 1, match=lambda a: a.get("user_id") == BOB)
    await run(bot, "checkins", MONDAY.replace(hour=14), clock)  # 09:00 in New York
    assert await run(bot, "digests", FRIDAY_DIGEST, clock) == {"sent": 2}
    typed = ("目标 " + BOB, "目标 " + ME, *TYPED["zh-CN"])
    [bob_prompt] = [c for c in dms(slack, BOB) if ids.CHECK_IN in json.dumps(c.args)]
    bob_home = slack.calls_to("views.publish", match=lambda a: a.get("user_id") == BOB)[-1]
    bob_reads = shown_texts([bob_prompt, bob_home])
    assert not chinese_in(bob_reads, typed), bob_reads
    async with bot.deps.sessions() as session:  # type: ignore[union-attr]
        bob = await get_person(session, "T0001", BOB)
    assert bob is not None and bob.locale == "en-US" and bob.lang is None
    digest = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL][-1]
    digest_texts = shown_texts([digest])
    assert chinese_in(digest_texts, typed), digest_texts  # Chinese besides what was typed
    leaks = english_in(digest_texts, (*NAMES, *UNITS, *typed))
    assert not leaks, "English in the Chinese channel's digest:\n" + "\n".join(leaks)
