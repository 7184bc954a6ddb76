"""A Chinese-speaking rep checks in with values written the Chinese way (万, 元, 美元, Chinese
numerals, full-width digits, ％), through signed requests into the check-in modal; a value
that mixes scripts or names two currencies is a field error in Chinese with Chinese
examples, and nothing is stored. An English-speaking rep typing the same gets English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from blocks.checkin_modal import value_block
from bot.runtime import Runtime
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import ME, add_people, create
from tests.scenarios.test_checkins import THREE, check_in, checkins, first_readings, krs, open_log

HAN = re.compile(r"[\u4e00-\u9fff]")


def as_chinese_speaker(slack: FakeSlack) -> None:
    """ME's Slack locale is zh-CN (users.info with include_locale answers it)."""
    add_people(slack)
    slack.add_user(ME, tz="Asia/Shanghai", locale="zh-CN")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ({"kr1": {"value": "130万美元"}, "kr2": {"value": "２.５％"}}, [1.3e6, 2.5]),
        ({"kr1": {"value": "一百三十万"}, "kr2": {"value": "百分之二点五"}}, [1.3e6, 2.5]),
    ],
    ids=["myriads and full-width", "chinese numerals"],
)
async def test_a_chinese_speaker_checks_in_values_written_the_chinese_way(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, typed: dict[str, Any], stored: list[float]
) -> None:
    as_chinese_speaker(slack)
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, **typed)
    assert response.status == 200 and not response.text.strip(), response.text
    assert [k.current_value for k in await krs(bot)][:2] == stored


async def test_the_prefilled_values_read_back_unchanged(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    """Whatever language the modal prefills in (120万美元 once it is Chinese), submitting
    it unchanged with one other value stores the prefills as they were."""
    as_chinese_speaker(slack)
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, kr2={"value": "2.5%"})
    assert response.status == 200 and not response.text.strip(), response.text
    assert [k.current_value for k in await krs(bot)][:2] == [1.2e6, 2.5]


BAD = [
    ("mixed scripts", "1.2万k", "一种单位"),
    ("two currencies", "$120万元", "一种货币"),
    ("dollar sign with 万", "$120万", "一种货币"),
]


async def refused(bot: Runtime, driver: SlackDriver, slack: FakeSlack, typed: str) -> str:
    """The field error on New ARR (a USD KR) when `typed` is checked in; nothing stored."""
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    before = [(c.id, c.value) for c in await checkins(bot)]
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, kr1={"value": typed})
    assert [(c.id, c.value) for c in await checkins(bot)] == before
    return response.json()["errors"][value_block(1)]


@pytest.mark.parametrize(("case", "typed", "needle"), BAD, ids=[b[0] for b in BAD])
async def test_bad_chinese_values_are_chinese_field_errors_and_store_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, case: str, typed: str, needle: str
) -> None:
    as_chinese_speaker(slack)
    error = await refused(bot, driver, slack, typed)
    assert needle in error and "120万" in error, error
    assert "Expected" not in error and "Use one" not in error, error


@pytest.mark.parametrize(("case", "typed", "needle"), BAD, ids=[b[0] for b in BAD])
async def test_an_english_speaker_typing_the_same_gets_english(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, case: str, typed: str, needle: str
) -> None:
    add_people(slack)
    error = await refused(bot, driver, slack, typed)
    assert error.startswith("Use one"), error
    assert error.endswith("Expected an amount such as 1.2M, $1,200,000 or 3.5k."), error
