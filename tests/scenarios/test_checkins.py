"""Checking in, through signed requests: `/okr log`, the modal, "No change", corrections,
celebrations, and every way a check-in can be wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from blocks.checkin_modal import value_block
from bot.runtime import Runtime
from storage.models import CheckIn, Cycle, KeyResult, Objective
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import (
    BOB,
    ME,
    SIMPLE,
    add_people,
    count,
    create,
    kr,
    not_authoring,
    seed_team,
)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


THREE = {
    "title": "Win the Nordics",
    "level": "personal",
    **kr(0, "New ARR", "1.2M", "2M", unit="currency", currency="USD"),
    **kr(1, "Churn", "", "3%", kind="stay_below", unit="percent"),
    **kr(2, "Partner program live", kind="milestone"),
}


async def open_log(driver: SlackDriver, slack: FakeSlack, user: str = ME) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    response = await driver.command(text="log", user_id=user)
    assert response.status == 200
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


def answer(view: dict[str, Any], **by_kr: dict[str, Any]) -> dict[str, Any]:
    """State values for the check-in modal: as drawn, with some KRs' fields changed.
    `by_kr` maps "kr<id>" to {"value": ..., "confidence": ..., "note": ...}."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        element = block.get("element") or block.get("accessory")
        if not element:
            continue
        kr_id = block_id.rsplit("_", 1)[-1]
        change = by_kr.get(f"kr{kr_id}", {})
        if block_id.startswith("ci_conf_"):
            chosen = change.get("confidence", (element.get("initial_option") or {}).get("value"))
            option = (
                None
                if chosen is None
                else {"text": {"type": "plain_text", "text": chosen}, "value": chosen}
            )
            values[block_id] = {
                element["action_id"]: {"type": "static_select", "selected_option": option}
            }
        elif element["type"] == "static_select":
            field = "period" if block_id.startswith("ci_period_") else "value"
            chosen = change.get(field, element["initial_option"]["value"])
            values[block_id] = {
                element["action_id"]: {
                    "type": "static_select",
                    "selected_option": {
                        "text": {"type": "plain_text", "text": chosen},
                        "value": chosen,
                    },
                }
            }
        else:
            key = "note" if block_id.startswith("ci_note_") else "value"
            values[block_id] = {
                element["action_id"]: {
                    "type": "plain_text_input",
                    "value": change.get(key, element.get("initial_value")),
                }
            }
    return values


async def krs(bot: Runtime) -> list[KeyResult]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list(await session.exec(select(KeyResult).order_by(col(KeyResult.id))))


async def checkins(bot: Runtime) -> list[CheckIn]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list(await session.exec(select(CheckIn).order_by(col(CheckIn.id))))


async def check_in(
    driver: SlackDriver,
    slack: FakeSlack,
    view: dict[str, Any],
    user: str = ME,
    **by_kr: dict[str, Any],
) -> Any:
    before = len(slack.calls_to("views.publish"))
    response = await driver.view_submission(
        ids.CHECK_IN_VIEW, answer(view, **by_kr), user_id=user, view=view
    )
    if response.status == 200 and not response.text.strip():
        await slack.wait_for("views.publish", count=before + 1)  # stored and shown
    return response


async def first_readings(driver: SlackDriver, slack: FakeSlack) -> None:
    """THREE's measured KRs get a reading: without one the modal leaves their field empty."""
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr1={"value": "1.2M"}, kr2={"value": "3%"})


async def test_log_without_key_results_says_how_to_start(
    driver: SlackDriver, slack: FakeSlack
) -> None:
    view = await open_log(driver, slack)
    assert "You own no key results" in json.dumps(view) and "/okr set" in json.dumps(view)


async def test_log_lists_my_key_results_prefilled(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await create(driver, slack, {**SIMPLE, "title": "Bob's"}, user=BOB)
    view = await open_log(driver, slack)
    assert view["callback_id"] == ids.CHECK_IN_VIEW
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    # issue 10: no reading yet, so nothing is prefilled (it was the start, "1200000")
    assert "initial_value" not in blocks[value_block(1)]["element"]
    assert "no reading yet · target $2M" in json.dumps(view, ensure_ascii=False)
    # issue 10: each field says what it measures and its target (it was "Observed value")
    assert blocks[value_block(2)]["label"]["text"] == "Churn — holds ≤ 3%"
    assert blocks[value_block(3)]["element"]["initial_option"]["value"] == "not_done"
    assert value_block(4) not in blocks  # Bob's KR is not mine
    assert len(view["blocks"]) == 12  # four blocks a KR: where it stands, value, confidence, note
    await check_in(driver, slack, view, kr1={"value": "1.03 mil"}, kr2={"value": "3.04％"})
    blocks = {b.get("block_id"): b for b in (await open_log(driver, slack))["blocks"]}
    # prefilled in the KR's own format, which reads back as the same value
    assert blocks[value_block(1)]["element"]["initial_value"] == "$1.03M"
    assert blocks[value_block(2)]["element"]["initial_value"] == "3.04%"


async def test_only_changed_or_commented_krs_are_stored(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    view = await open_log(driver, slack)
    slipped = {"value": "$1.5M", "confidence": "at_risk", "note": "Big deal slipped"}
    response = await check_in(driver, slack, view, kr1=slipped, kr2={"note": "  still   holding "})
    assert response.status == 200 and response.text in ("", "{}")
    stored = await checkins(bot)
    assert [(c.key_result_id, c.value, c.confidence, c.note) for c in stored] == [
        (1, 1.2e6, None, ""),  # the first readings
        (2, 3.0, None, ""),
        (1, 1.5e6, "at_risk", "Big deal slipped"),
        (2, 3.0, None, "still holding"),
    ]
    rows = await krs(bot)
    assert (rows[0].current_value, rows[0].confidence) == (1.5e6, "at_risk")
    thanks = (await slack.wait_for("chat.postEphemeral", count=2))[-1]
    assert "Checked in 2 key results" in thanks.args["text"]


async def test_nothing_changed_checks_everything_in_as_is(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    view = await open_log(driver, slack)
    await check_in(driver, slack, view)
    assert [(c.key_result_id, c.value) for c in await checkins(bot)][2:] == [
        (1, 1.2e6),
        (2, 3.0),
        (3, 0.0),
    ]


async def test_a_kr_without_a_reading_left_empty_stores_nothing_for_it(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr2={"value": "2.5%"})
    # no invented reading for the revenue KR (and the untouched milestone is not news)
    assert [(c.key_result_id, c.value) for c in await checkins(bot)] == [(2, 2.5)]
    only = {"title": "Solo", "level": "personal", **kr(0, "Calls", "0", "40 calls")}
    await create(driver, slack, only, user=BOB)
    view = await open_log(driver, slack, user=BOB)
    response = await check_in(driver, slack, view, user=BOB)
    assert "Enter at least one value" in response.json()["errors"][value_block(4)]
    response = await check_in(driver, slack, view, user=BOB, kr4={"note": "busy week"})
    assert "Enter the value" in response.json()["errors"][value_block(4)]
    assert await count(bot, CheckIn) == 1


async def test_a_repeated_submission_stores_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr1={"value": "1.3M"})
    again = await driver.view_submission(
        ids.CHECK_IN_VIEW, answer(view, kr1={"value": "1.3M"}), user_id=ME, view=view
    )
    assert again.status == 200
    await slack.wait_for("chat.postEphemeral")
    assert len(await checkins(bot)) == 1


CHECKIN_BAD: list[tuple[str, dict[str, Any], str]] = [
    ("letters", {"kr1": {"value": "lots"}}, "Expected"),
    ("NaN", {"kr1": {"value": "NaN"}}, "Expected"),
    ("infinity", {"kr1": {"value": "1e309"}}, "too large"),
    ("empty", {"kr1": {"value": "  "}}, "Enter the value"),
    ("percent on money", {"kr1": {"value": "35%"}}, "Expected"),
    ("other currency", {"kr1": {"value": "€5"}}, "Expected"),
    ("crafted confidence", {"kr1": {"confidence": "ecstatic"}}, "on track, at risk"),
    ("crafted milestone", {"kr3": {"value": "maybe"}}, "done or not done"),
]


@pytest.mark.parametrize(
    ("case", "changes", "message"), CHECKIN_BAD, ids=[c[0] for c in CHECKIN_BAD]
)
async def test_bad_values_get_field_errors_and_store_nothing(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    case: str,
    changes: dict[str, Any],
    message: str,
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)
    before = [(c.id, c.value) for c in await checkins(bot)]
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, **changes)
    errors = response.json()["errors"]
    assert any(message in text for text in errors.values()), errors
    assert [(c.id, c.value) for c in await checkins(bot)] == before  # nothing new stored
    assert [k.current_value for k in await krs(bot)] == [1.2e6, 3.0, 0.0]


QUOTA = {"title": "Fill the pipeline", "level": "personal", **kr(0, "Prospects", "", "50")}
QUOTA_BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("negative count", {"value": "-5"}, "ci_value_1", "A count cannot be negative"),
    ("letters", {"value": "lots"}, "ci_value_1", "Expected"),
    ("NaN count", {"value": "NaN"}, "ci_value_1", "Expected"),
    (
        "period outside the cycle",
        {"value": "12", "period": "2027-W02"},
        "ci_period_1",
        "Pick a week of this cycle (2026-10-01 to 2026-12-31).",
    ),
    (
        "period of the cycle before",
        {"value": "12", "period": "2026-W39"},
        "ci_period_1",
        "Pick a week of this cycle",
    ),
    ("a month for a weekly quota", {"value": "12", "period": "2026-11"}, "ci_period_1", "Pick"),
    ("crafted period", {"value": "12", "period": "<!here>"}, "ci_period_1", "Pick a week"),
]


@pytest.mark.parametrize(
    ("case", "changes", "block", "message"), QUOTA_BAD, ids=[c[0] for c in QUOTA_BAD]
)
async def test_bad_counts_get_field_errors_and_store_nothing(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    case: str,
    changes: dict[str, Any],
    block: str,
    message: str,
) -> None:
    await create(driver, slack, {**QUOTA, "kr0_kind": "quota_week"})
    view = await open_log(driver, slack)
    response = await check_in(driver, slack, view, kr1=changes)
    errors = response.json()["errors"]
    assert errors[block].startswith(message), errors
    assert await checkins(bot) == []


async def test_no_change_leaves_a_quota_unreported_and_says_so(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, {**THREE, **kr(2, "Prospects", "", "50", kind="quota_week")})
    await first_readings(driver, slack)
    await driver.block_action(ids.NO_CHANGE, value="", user_id=ME)
    [note] = await slack.wait_for(
        "chat.postMessage", match=lambda args: "does not apply to quotas" in str(args)
    )  # sent once the others are stored
    # KRs 1 and 2 twice (their readings, then No change repeating them); never the quota
    assert [c.key_result_id for c in await checkins(bot)] == [1, 2, 1, 2]
    assert note.args["channel"] == ME and "*Prospects* was left unreported" in note.args["text"]


async def test_no_change_invents_no_reading_and_says_so(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    """A KR nobody has reported on has no value to repeat: No change leaves it alone."""
    await create(driver, slack, THREE)
    await driver.block_action(ids.NO_CHANGE, value="", user_id=ME)
    [note] = await slack.wait_for(
        "chat.postMessage", match=lambda args: "left them unreported" in str(args)
    )
    assert note.args["channel"] == ME and "have no reading yet" in note.args["text"]
    assert await checkins(bot) == []
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr1={"value": "1.1M"})
    await driver.block_action(ids.NO_CHANGE, value="", user_id=ME)
    await slack.wait_for("chat.postMessage", count=2, match=lambda a: "unreported" in str(a))
    assert [(c.key_result_id, c.value) for c in await checkins(bot)] == [(1, 1.1e6), (1, 1.1e6)]


async def test_crafted_ids_are_refused(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    await create(driver, slack, THREE)
    await create(driver, slack, {**SIMPLE, "title": "Bob's"}, user=BOB)  # KR 4 is Bob's
    view = await open_log(driver, slack)
    forged = {**view, "private_metadata": json.dumps({"kr_ids": [1, 4, 999], "source": {}})}
    response = await driver.view_submission(
        ids.CHECK_IN_VIEW, answer(view), user_id=ME, view=forged
    )
    errors = response.json()["errors"]
    assert "owner checks in" in errors[value_block(4)]
    assert "does not exist" in errors[value_block(999)]
    assert await checkins(bot) == []


async def test_archived_and_closed_are_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    view = await open_log(driver, slack)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        cycle = (await session.exec(select(Cycle))).one()
        cycle.closed_at = bot.deps.clock()
        session.add(cycle)
        await session.commit()
    response = await check_in(driver, slack, view, kr1={"value": "1.9M"})
    assert "is closed" in response.json()["errors"][value_block(1)]
    async with bot.deps.sessions() as session:
        cycle.closed_at = None
        objective = (await session.exec(select(Objective))).one()
        objective.archived_at = bot.deps.clock()
        session.add_all([cycle, objective])
        await session.commit()
    response = await check_in(driver, slack, view, kr1={"value": "1.9M"})
    assert "archived" in response.json()["errors"][value_block(1)]
    assert await checkins(bot) == []


async def test_no_change_button_checks_in_everything_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await first_readings(driver, slack)  # the milestone (KR 3) keeps no reading
    published = len(slack.calls_to("views.publish"))
    message = {"ts": "1700000000.000100", "text": "Monday check-in"}
    for _ in range(2):  # Slack retrying the same click: same action_ts
        response = await driver.block_action(
            ids.NO_CHANGE,
            value="",
            message=message,
            channel_id="D0001",
            action_ts="1700000001.000200",
        )
        assert response.status == 200
    await slack.wait_for("views.publish", count=published + 1)
    stored = await checkins(bot)
    # each reading once more, never a value for the milestone nobody reported on
    assert sorted((c.key_result_id, c.value) for c in stored) == [
        (1, 1.2e6),
        (1, 1.2e6),
        (2, 3.0),
        (2, 3.0),
    ]


async def test_reaching_the_target_is_celebrated_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    await create(driver, slack, {**THREE, "level": "team", "team": (team_id, "Nordics")})
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr1={"value": "2.1M"}, kr3={"value": "done"})

    def in_channel(args: dict[str, Any]) -> bool:
        return args.get("channel") == "CSALES" and ":tada:" in json.dumps(args)

    posts = await slack.wait_for("chat.postMessage", count=2, match=in_channel)
    text = json.dumps([p.args for p in posts])
    assert f"<@{ME}>" in text and "New ARR" in text and "Partner program live" in text
    view = await open_log(driver, slack)
    await check_in(driver, slack, view, kr1={"value": "2.5M"})
    assert len(slack.calls_to("chat.postMessage", match=in_channel)) == 2


async def history_of(driver: SlackDriver, slack: FakeSlack, kr_id: int) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    await driver.block_action(ids.SHOW_KR_HISTORY, value=str(kr_id))
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


def buttons(view: dict[str, Any]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def test_latest_checkin_can_be_corrected_this_week(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await create(driver, slack, THREE)
    for value in ("1.3M", "1.4M"):
        await check_in(driver, slack, await open_log(driver, slack), kr1={"value": value})
        clock.advance(hours=1)
    history = await history_of(driver, slack, 1)
    assert buttons(history) == {ids.EDIT_CHECK_IN: "2", ids.DELETE_CHECK_IN: "2"}
    await driver.block_action(ids.EDIT_CHECK_IN, value="2", view=history)
    [pushed] = await slack.wait_for("views.push", match=not_authoring)
    edit_view = pushed.response["view"]
    assert edit_view["callback_id"] == ids.EDIT_CHECK_IN_VIEW
    response = await driver.view_submission(
        ids.EDIT_CHECK_IN_VIEW,
        answer(edit_view, kr1={"value": "1.45M", "note": "typo"}),
        user_id=ME,
        view=edit_view,
    )
    assert response.json() == {"response_action": "clear"}
    await slack.wait_for("views.publish", count=4)  # set, two check-ins, the correction
    rows = await checkins(bot)
    assert [
        (c.value, c.deleted_at is not None, c.edited_at is not None, c.replaced_by_id) for c in rows
    ] == [(1.3e6, False, False, None), (1.4e6, True, False, 3), (1.45e6, False, True, None)]
    assert rows[2].created_at == rows[1].created_at  # still counts for the same week
    assert (await krs(bot))[0].current_value == 1.45e6
    assert "_edited_" in json.dumps(await history_of(driver, slack, 1))


async def test_delete_falls_back_and_next_week_it_is_final(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await create(driver, slack, THREE)
    await check_in(driver, slack, await open_log(driver, slack), kr1={"value": "1.3M"})
    clock.advance(hours=1)
    await check_in(driver, slack, await open_log(driver, slack), kr1={"value": "9M"})
    history = await history_of(driver, slack, 1)
    await driver.block_action(
        ids.DELETE_CHECK_IN, value=buttons(history)[ids.DELETE_CHECK_IN], view=history
    )
    [update] = await slack.wait_for("views.update", match=not_authoring)
    assert "9M" not in json.dumps(update.args["view"])
    assert (await krs(bot))[0].current_value == 1.3e6
    clock.advance(days=8)
    history = await history_of(driver, slack, 1)
    assert buttons(history) == {}
    await driver.block_action(ids.EDIT_CHECK_IN, value="1", view=history)  # crafted, too late
    [pushed] = await slack.wait_for("views.push", match=not_authoring)
    assert "Only your latest check-in" in json.dumps(pushed.args["view"])
    assert [c.deleted_at is None for c in await checkins(bot)] == [True, False]


async def test_someone_elses_checkin_cannot_be_changed(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await check_in(driver, slack, await open_log(driver, slack), kr1={"value": "1.3M"})
    await driver.block_action(
        ids.DELETE_CHECK_IN, value="1", user_id=BOB, view={"id": "V123", "blocks": []}
    )
    await driver.block_action(ids.EDIT_CHECK_IN, value="1", user_id=BOB)
    [pushed] = await slack.wait_for("views.push", match=not_authoring)
    assert "owner checks in" in json.dumps(pushed.args["view"])
    assert [c.deleted_at for c in await checkins(bot)] == [None]


async def test_cards_show_value_progress_status_confidence_and_trend(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, THREE)
    await check_in(
        driver,
        slack,
        await open_log(driver, slack),
        kr1={"value": "1.4M", "confidence": "on_track"},
    )
    await check_in(
        driver, slack, await open_log(driver, slack), kr1={"value": "1.6M", "confidence": "at_risk"}
    )
    await driver.command(text="list")
    [listed] = await slack.wait_for("response_url")
    text = json.dumps(listed.args)
    assert "$1.6M" in text and "$2M" in text  # value in its unit, against the target
    assert "50%" in text  # (1.6 - 1.2) / (2 - 1.2)
    assert "suggested:" in text and "at risk" in text.lower()
    assert "$200k" in text  # trend since the previous check-in
    assert await count(bot, CheckIn) == 2
