"""Key results in a sales team's own words, through signed requests on SQLite and PostgreSQL:
a count's unit word and a relative target are kept and shown everywhere, the check-in modal
names what each field measures and its target, and the Monday prompt's done state repeats
what was sent (issue 10)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from blocks.checkin_modal import confidence_block, note_block, value_block
from bot.runtime import Runtime
from storage.models import CheckIn, KeyResult, TargetRevision
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import ME, add_people, count, create, dms, kr, run, seed_team, submit
from tests.scenarios.test_checkins import open_log
from tests.scenarios.test_objectives import open_edit

PIPELINE = {
    "title": "Fill the pipeline",
    "level": "personal",
    **kr(0, "Prospects contacted", "0", "38 prospects"),
}
SALES = {
    "title": "Grow sales",
    "level": "personal",
    **kr(0, "Revenue this quarter", "$1.0M", "+20%"),  # unit menu left at its default
}


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


async def set_up(driver: SlackDriver, slack: FakeSlack, objective: dict[str, Any]) -> None:
    """`/okr set` the objective, and wait until the Home tab shows it (so the next Home
    publish counted is that of a check-in)."""
    await create(driver, slack, objective)
    await slack.wait_for("views.publish")


async def rows(bot: Runtime, model: type) -> list[Any]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list(await session.exec(select(model).order_by(col(model.id))))


async def check_in(
    driver: SlackDriver, slack: FakeSlack, view: dict[str, Any], changes: dict[str, Any]
) -> Any:
    """Submit the check-in modal as drawn, with `changes` (block id -> typed or picked)."""
    before = len(slack.calls_to("views.publish"))
    response = await driver.view_submission(
        ids.CHECK_IN_VIEW, fill(view, changes), user_id=ME, view=view
    )
    if response.status == 200 and not response.text.strip():
        await slack.wait_for("views.publish", count=before + 1)  # stored and shown
    return response


async def listed(driver: SlackDriver, slack: FakeSlack) -> str:
    before = len(slack.calls_to("response_url"))
    await driver.command(text="list")
    return json.dumps(
        (await slack.wait_for("response_url", count=before + 1))[-1].args, ensure_ascii=False
    )


async def history(driver: SlackDriver, slack: FakeSlack, kr_id: int) -> str:
    before = len(slack.calls_to("views.open"))
    await driver.block_action(ids.SHOW_KR_HISTORY, value=str(kr_id))
    view = (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]
    return json.dumps(view, ensure_ascii=False)


async def save_edit(
    driver: SlackDriver, slack: FakeSlack, view: dict[str, Any], changes: dict[str, Any]
) -> None:
    """Submit the edit modal and wait until it is saved (the author is told)."""

    def to_me(args: dict[str, Any]) -> bool:
        return args.get("channel") == ME

    before = len(slack.calls_to("chat.postMessage", match=to_me))
    response = await submit(driver, view, changes)
    assert response.status == 200 and not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", count=before + 1, match=to_me)


def field(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def labels(view: dict[str, Any]) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


# --- a count's unit word ----------------------------------------------------------------------


async def test_a_unit_word_is_kept_read_at_check_in_and_shown(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await set_up(driver, slack, PIPELINE)
    [row] = await rows(bot, KeyResult)
    assert (row.unit, row.unit_word, row.target_value) == ("number", "prospects", 38.0)
    view = await open_log(driver, slack)
    assert field(view, value_block(1))["label"]["text"] == (
        "Prospects contacted — target 38 prospects"
    )
    response = await check_in(driver, slack, view, {value_block(1): "40 prospects"})
    assert response.status == 200 and not response.text.strip(), response.text
    assert [(c.key_result_id, c.value) for c in await rows(bot, CheckIn)] == [(1, 40.0)]
    assert "40 of 38 prospects" in await listed(driver, slack)
    # the next check-in starts from the reading, word and all, and it reads back
    view = await open_log(driver, slack)
    assert field(view, value_block(1))["element"]["initial_value"] == "40 prospects"
    # editing the objective shows the word with the values, so saving keeps it
    edit = await open_edit(driver, slack, 1)
    assert field(edit, "kr0_sentence")["element"]["initial_value"] == "Contact 38 prospects"
    await save_edit(driver, slack, edit, {})
    assert [(k.unit_word, k.target_value) for k in await rows(bot, KeyResult)] == [
        ("prospects", 38.0)
    ]


CHECK_IN_UNIT_BAD: list[tuple[str, dict[str, Any], str, str, tuple[str, ...]]] = [
    (
        "another unit word",
        PIPELINE,
        "40 calls",
        "This key result counts prospects, not calls.",
        ("prospects", "calls"),
    ),
    (
        "a unit word on an amount",
        SALES,
        "40 prospects",
        "This key result is an amount, not a count of prospects.",
        ("amount", "prospects"),
    ),
    (
        "a percentage of prospects",
        PIPELINE,
        "40%",
        "This key result is a count of prospects, not a percentage.",
        ("prospects", "percentage"),
    ),
]


@pytest.mark.parametrize(
    ("case", "objective", "typed", "message", "named"),
    CHECK_IN_UNIT_BAD,
    ids=[c[0] for c in CHECK_IN_UNIT_BAD],
)
async def test_a_value_in_another_unit_is_a_field_error_naming_both(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    case: str,
    objective: dict[str, Any],
    typed: str,
    message: str,
    named: tuple[str, ...],
) -> None:
    await set_up(driver, slack, objective)
    before = [(k.current_value, k.confidence) for k in await rows(bot, KeyResult)]
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, {value_block(1): typed})
    error = response.json()["errors"][value_block(1)]
    assert error.startswith(message), error
    assert all(word in error for word in named), error
    assert await count(bot, CheckIn) == 0  # nothing stored
    assert [(k.current_value, k.confidence) for k in await rows(bot, KeyResult)] == before


# --- a relative target --------------------------------------------------------------------------


async def test_a_relative_target_is_kept_shown_and_prefilled_while_it_holds(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await set_up(driver, slack, SALES)
    [row] = await rows(bot, KeyResult)
    assert (row.target_value, row.target_text, row.unit, row.currency) == (
        1.2e6,
        "+20%",
        "currency",
        "USD",
    )
    home = json.dumps((await slack.wait_for("views.publish"))[-1].args["view"], ensure_ascii=False)
    assert "no reading yet · target +20% → $1.2M" in home
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, {value_block(1): "1.03 mil"})
    assert "$1.03M of +20% → $1.2M" in await listed(driver, slack)
    assert "*Current target*\\n+20% → $1.2M" in await history(driver, slack, 1)
    edit = await open_edit(driver, slack, 1)
    sentence = field(edit, "kr0_sentence")["element"]["initial_value"]
    assert sentence == "Grow revenue this quarter 20% over $1M"
    await save_edit(driver, slack, edit, {})  # the same target: no reason asked
    assert [(k.target_value, k.target_text) for k in await rows(bot, KeyResult)] == [
        (1.2e6, "+20%")
    ]
    # typed absolute, the target no longer says +20%, here or in the next edit
    edit = await open_edit(driver, slack, 1)
    await save_edit(driver, slack, edit, {"kr0_target": "$1.3M", "reason": "Big account"})
    assert [(k.target_value, k.target_text) for k in await rows(bot, KeyResult)] == [(1.3e6, None)]
    assert [r.new_target for r in await rows(bot, TargetRevision)] == [1.3e6]
    text = await listed(driver, slack)
    assert "$1.03M of $1.3M" in text and "+20%" not in text
    edit = await open_edit(driver, slack, 1)
    sentence = field(edit, "kr0_sentence")["element"]["initial_value"]
    assert sentence == "Increase revenue this quarter from $1M to $1.3M"


async def test_a_relative_target_reads_absolute_once_its_start_moves(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await set_up(driver, slack, SALES)
    edit = await open_edit(driver, slack, 1)
    # a new start keeps +20% (so the target moves with it, and a reason is asked)
    response = await submit(driver, edit, {"kr0_start": "1100000"})
    assert "Say why" in response.json()["errors"]["kr0_why"]
    await save_edit(driver, slack, edit, {"kr0_start": "1100000", "reason": "Restated"})
    [row] = await rows(bot, KeyResult)
    assert (row.start_value, row.target_value, row.target_text) == (1.1e6, 1.32e6, "+20%")
    assert "target +20% → $1.32M" in await listed(driver, slack)


# --- the check-in modal -------------------------------------------------------------------------


async def test_the_modal_names_each_field_and_preselects_last_weeks_confidence(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await set_up(
        driver,
        slack,
        {
            "title": "Win the Nordics",
            "level": "personal",
            **kr(0, "Revenue this quarter", "$1.0M", "$1.2M"),
            **kr(1, "Churn", "", "3%", kind="stay_below"),
            **kr(2, "Partner program live", kind="milestone"),
        },
    )
    view = await open_log(driver, slack)
    assert labels(view) == [
        "Revenue this quarter — target $1.2M",
        "Your confidence",
        "Note",
        "Churn — holds ≤ 3%",
        "Your confidence",
        "Note",
        "Partner program live — done or not",
        "Your confidence",
        "Note",
    ]
    assert not any("optional" in label.lower() for label in labels(view))  # Slack adds it
    confidence = field(view, confidence_block(1))
    assert confidence["type"] == "input" and confidence["optional"] is True
    assert [o["value"] for o in confidence["element"]["options"]] == [
        "on_track",
        "at_risk",
        "off_track",
    ]
    assert "initial_option" not in confidence["element"]  # nobody said anything yet
    assert field(view, note_block(1))["element"]["max_length"] == 280
    response = await check_in(
        driver,
        slack,
        view,
        {value_block(1): "$1,196,500", confidence_block(1): "at_risk", note_block(1): "Slipped"},
    )
    assert response.status == 200 and not response.text.strip(), response.text
    clock.advance(days=7)
    view = await open_log(driver, slack)
    # the target at the precision that tells it from the reading; last week's confidence
    assert field(view, value_block(1))["label"]["text"] == "Revenue this quarter — target $1.2M"
    assert field(view, value_block(1))["element"]["initial_value"] == "$1.1965M"
    assert field(view, confidence_block(1))["element"]["initial_option"]["value"] == "at_risk"
    assert "initial_option" not in field(view, confidence_block(2))["element"]
    # a confidence that is not one of the three is refused on its own field
    response = await check_in(driver, slack, view, {confidence_block(1): "ecstatic"})
    assert "on track, at risk" in response.json()["errors"][confidence_block(1)]
    assert await count(bot, CheckIn) == 1


# --- the prompt's done state --------------------------------------------------------------------


async def test_the_done_state_repeats_what_was_sent(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    await set_up(
        driver,
        slack,
        {
            "title": "Fill the pipeline",
            "level": "team",
            "team": (team_id, "Nordics"),
            **kr(0, "Prospects contacted", "0", "50 prospects"),
            **kr(1, "Revenue this quarter", "$1.0M", "$1.2M"),
            **kr(2, "Partner program live", kind="milestone"),
        },
    )
    monday = clock.now.replace(hour=8, minute=0)  # 09:00 in Stockholm, ME's prompt time
    assert await run(bot, "checkins", monday, clock) == {"sent": 1}
    prompt = dms(slack, ME)[-1]  # after the confirmation of /okr set
    assert ids.CHECK_IN in json.dumps(prompt.args)
    await driver.block_action(
        ids.CHECK_IN,
        value="",
        user_id=ME,
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"], "text": "prompt"},
    )
    view = (await slack.wait_for("views.open", count=2))[-1].response["view"]  # after /okr set's
    response = await check_in(
        driver,
        slack,
        view,
        {
            value_block(1): "38 prospects",
            confidence_block(1): "at_risk",
            value_block(2): "1.03 mil",
            confidence_block(2): "on_track",
        },
    )
    assert response.status == 200 and not response.text.strip(), response.text
    [update] = await slack.wait_for("chat.update")
    assert update.args["ts"] == prompt.response["ts"]
    text = update.args["blocks"][0]["text"]["text"]
    assert "✅ Checked in 3 key results" in text
    assert "38 prospects · at risk — $1.03M · on track" in text
    assert "Partner program live" not in text and ids.CHECK_IN not in json.dumps(update.args)
    # a second check-in the same week redraws it with what that one sent
    clock.advance(hours=2)
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, {value_block(3): "done"})
    [_, again] = await slack.wait_for("chat.update", count=2)
    assert "\ndone\n" in again.args["blocks"][0]["text"]["text"]
