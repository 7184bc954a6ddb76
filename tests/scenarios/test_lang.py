"""Whose language: each request answered in its reader's (`/okr lang` over Slack's locale),
Chinese verb aliases, a typo or an unknown value answered with help in the reader's
language and nothing stored, and a team's channel language in the `/okr team` modal."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from blocks import ids
from blocks import team_modal as modal
from bot.runtime import Runtime
from okr.i18n import ZH, in_lang
from storage.models import Objective, Person
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.payloads import chinese_in, english_in, has_chinese, shown_texts
from tests.scenario import ME, count
from tests.scenarios.test_teams import _open, _opened, _state, _teams


async def command(driver: SlackDriver, text: str, user: str = ME) -> dict[str, Any]:
    """The ephemeral `/okr {text}` answered with, in its ack."""
    response = await driver.command(text=text, user_id=user)
    assert response.status == 200, response.text
    body = response.json()
    assert isinstance(body, dict) and body.get("response_type") == "ephemeral", response.text
    return body


def said(body: dict[str, Any]) -> str:
    """Everything an ephemeral shows, as one text."""
    return "\n".join(shown_texts([], [body]))


async def person(bot: Runtime, user: str = ME) -> Person | None:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        found = await session.exec(select(Person).where(Person.user_id == user))
        return found.first()


@pytest.mark.parametrize("slack_locale", ["en-US"])
async def test_okr_lang_sets_and_clears_the_choice_confirming_in_the_new_language(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ME)
    assert not chinese_in([said(await command(driver, "help"))], ("中文",))
    chosen = await command(driver, "lang zh")
    assert has_chinese(chosen["text"]) and not english_in([chosen["text"]]), chosen
    stored = await person(bot)
    assert stored is not None and (stored.locale, stored.lang) == ("en-US", "zh")
    help_now = said(await command(driver, "help"))
    assert in_lang(ZH, "OKRs in Slack") in help_now and has_chinese(help_now)
    back = await command(driver, "lang auto")
    assert "Slack language setting" in back["text"] and not has_chinese(back["text"])
    stored = await person(bot)
    assert stored is not None and stored.lang is None
    assert not chinese_in(shown_texts([], [await command(driver, "help")]), ("中文",))


async def test_the_language_of_a_known_person_costs_no_slack_call(
    driver: SlackDriver, slack: FakeSlack
) -> None:
    """Only someone never seen costs a users.info before the ack; after that, one query."""
    slack.add_user(ME)
    await command(driver, "help")
    assert len(slack.calls_to("users.info")) == 1
    await command(driver, "help")
    await command(driver, "nope")
    assert len(slack.calls_to("users.info")) == 1


@pytest.mark.parametrize("slack_locale", ["zh-CN", "en-US"])
async def test_an_unknown_language_lists_the_choices_and_stores_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, slack_locale: str
) -> None:
    slack.add_user(ME)
    body = await command(driver, "lang klingon")
    text = body["text"]
    assert "klingon" in text and "`/okr lang zh`" in text and "`/okr lang auto`" in text
    if slack_locale == "zh-CN":
        assert has_chinese(text) and not english_in([text], ("klingon", "English")), text
    else:
        assert not chinese_in([text], ("中文",)), text
    stored = await person(bot)
    assert stored is None or stored.lang is None
    empty = await command(driver, "lang")
    assert "`/okr lang en`" in empty["text"] and "klingon" not in empty["text"]


@pytest.mark.parametrize("slack_locale", ["zh-CN"])
async def test_chinese_aliases_run_their_verbs(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ME)
    response = await driver.command(text="设定", user_id=ME)
    assert response.status == 200
    [opened] = await slack.wait_for("views.open")
    assert opened.response["view"]["callback_id"] == ids.SET_OBJECTIVE_VIEW
    helped = said(await command(driver, "帮助"))
    assert in_lang(ZH, "OKRs in Slack") in helped and "`/okr 打卡`" in helped
    chosen = await command(driver, "语言 en")
    assert not has_chinese(chosen["text"]), chosen
    stored = await person(bot)
    assert stored is not None and stored.lang == "en"


@pytest.mark.parametrize("slack_locale", ["zh-CN"])
async def test_a_mistyped_alias_gets_chinese_help_with_did_you_mean_and_runs_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ME)
    body = await command(driver, "打咔 本周")
    text = said(body)
    assert "`/okr 打卡`" in text and "打咔 本周" in text, text
    assert has_chinese(text)
    assert not english_in(shown_texts([], [body])[:3], ("OKR", "Slack"))  # header, the why
    assert not slack.calls_to("views.open") and await count(bot, Objective) == 0
    stored = await person(bot)
    assert stored is not None and stored.lang is None


@pytest.mark.parametrize("slack_locale", ["en-US"])
async def test_an_unknown_verb_gets_help_with_the_closest_verb_in_english(
    driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ME)
    text = said(await command(driver, "lsit"))
    assert "I don't know `lsit`. Did you mean `/okr list`?" in text
    assert not chinese_in([text], ("中文",)), text
    far = said(await command(driver, "xyzzy"))
    assert "I don't know `xyzzy`. Here is what I can do:" in far and "Did you mean" not in far


async def new_team(driver: SlackDriver, slack: FakeSlack, lang: str | None) -> dict[str, Any]:
    """A Chinese lead creates a team through `/okr team`, picking `lang` as its channel
    language (None: a modal from before the field); the modal as opened."""
    slack.add_user("U0001", tz="Asia/Shanghai")
    slack.add_channel("C100", name="east-sales")
    view = _opened(await _open(driver, slack, user_id="U0001"))
    state = _state(view)
    if lang is not None:
        option = {"text": {"type": "plain_text", "text": lang}, "value": lang}
        picked = {"type": "static_select", "selected_option": option}
        state[modal.block_id(modal.LANG_BLOCK, None)] = {modal.LANG_ACTION: picked}
    response = await driver.view_submission(modal.CALLBACK_ID, state, user_id="U0001", view=view)
    assert response.status == 200 and response.json() in (None, {}), response.text
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "U0001")
    return view


@pytest.mark.parametrize("slack_locale", ["zh-CN"])
async def test_a_new_team_speaks_its_creators_language_until_the_modal_changes_it(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    view = await new_team(driver, slack, "en")
    [select_block] = [b for b in view["blocks"] if b.get("block_id", "").startswith("team_lang")]
    assert select_block["element"]["initial_option"]["value"] == "zh"
    assert {o["text"]["text"] for o in select_block["element"]["options"]} == {"English", "中文"}
    [team] = await _teams(bot)
    assert team.lang == "en"
    [hello] = slack.calls_to("chat.postMessage", lambda a: a.get("channel") == "C100")
    assert not has_chinese(hello.args["text"])  # the channel's language, not the author's


@pytest.mark.parametrize("slack_locale", ["zh-CN"])
async def test_a_modal_without_the_language_field_gives_a_new_team_its_creators(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await new_team(driver, slack, None)
    [team] = await _teams(bot)
    assert team.lang == "zh"
