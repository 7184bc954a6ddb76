"""`/okr set` in one screen (issue 11): one sentence per key result with its owner, read on
Enter and on submit, *Details* for what a sentence cannot say, templates, and Edit in the
same compact modal — through signed requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from bot.runtime import Runtime
from storage.models import KeyResult, Objective, TargetRevision
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import BOB, LEAD, ME, add_people, count, open_edit, seed_team, submit

#: "Grow East region revenue", the playbook's objective, as a sales manager types it.
PLAYBOOK = [
    ("Increase East region revenue from $1.0M to $1.2M", ME),
    ("Contact 50 new prospects every week", ME),
    ("Book 15 meetings per week", BOB),
    ("Sign 10 contracts per month", BOB),
    ("Keep churn below 3%", ME),
]


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)


async def open_in(
    driver: SlackDriver, slack: FakeSlack, text: str = "set", user: str = LEAD
) -> dict[str, Any]:
    """`/okr <text>` typed in the team's channel; the modal it opens."""
    before = len(slack.calls_to("views.open"))
    response = await driver.command(text=text, user_id=user, channel_id="CSALES")
    assert response.status == 200
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


def blocks_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def reading(view: dict[str, Any], row: int) -> str:
    return str(blocks_of(view)[f"kr{row}_reading"]["elements"][0]["text"])


async def press_enter(
    driver: SlackDriver, slack: FakeSlack, view: dict[str, Any], typed: dict[str, Any], row: int
) -> dict[str, Any]:
    """Enter in line `row` (Slack's dispatch action), with `typed` in the modal: the modal
    as the bot redraws it."""
    before = len(slack.calls_to("views.update"))
    values = fill(view, typed)
    response = await driver.block_action(
        ids.KR_SENTENCE,
        block_id=f"kr{row}_sentence",
        action_type="plain_text_input",
        value=typed.get(f"kr{row}_sentence"),
        view=view,
        state_values=values,
        user_id=LEAD,
    )
    assert response.status == 200
    [*_, update] = await slack.wait_for("views.update", count=before + 1)
    assert update.args["view_id"] == view["id"]
    return dict(update.response["view"])


async def saved(slack: FakeSlack, user: str = LEAD, count: int = 1) -> None:
    """Wait for the author's confirmation DM (the save is announced)."""
    await slack.wait_for("chat.postMessage", count=count, match=lambda a: a.get("channel") == user)


async def krs(bot: Runtime) -> list[KeyResult]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return list(await session.exec(select(KeyResult).order_by(col(KeyResult.id))))


# --- the playbook's objective in one submit ------------------------------------------------


async def test_the_playbook_objective_is_set_in_one_screen_for_two_reps(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    view = await open_in(driver, slack)
    blocks = blocks_of(view)
    # the team of the channel, and with it the level; five lines at first
    assert blocks["team"]["element"]["initial_option"]["value"] == str(team_id)
    assert blocks["level"]["element"]["initial_option"]["value"] == "team"
    assert not blocks["team"].get("optional")  # a team objective needs its team
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) <= 16, len(inputs)
    # the lead assigns the team's reps: they come first, anyone else one pick away
    owner = blocks["kr0_owner"]["elements"][0]
    assert owner["type"] == "static_select" and owner["initial_option"]["value"] == LEAD
    assert [o["value"] for o in owner["options"]] == [ME, BOB, LEAD, "anyone"]
    changes: dict[str, Any] = {"title": "Grow East region revenue"}
    for row, (sentence, owner) in enumerate(PLAYBOOK):
        changes[f"kr{row}_sentence"] = sentence
        changes[f"kr{row}_owner"] = owner
    typed = [k for k, v in changes.items() if isinstance(v, str) and not k.endswith("_owner")]
    assert len(typed) <= 8  # what the person types; the rest is prefilled or picked
    response = await submit(driver, view, changes, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack)
    stored = [
        (k.title, k.kind, k.start_value, k.target_value, k.unit, k.currency, k.unit_word, *who)
        for k in await krs(bot)
        for who in [(k.period, k.owner_id)]
    ]
    assert stored == [
        ("East region revenue", "increase", 1e6, 1.2e6, "currency", "USD", None, None, ME),
        ("New prospects contacted", "quota", 0, 50, "number", None, "new prospects", "week", ME),
        ("Meetings booked", "quota", 0, 15, "number", None, "meetings", "week", BOB),
        ("Contracts signed", "quota", 0, 10, "number", None, "contracts", "month", BOB),
        ("Churn", "stay_below", 3, 3, "percent", None, None, None, ME),
    ]
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        objective = (await session.exec(select(Objective))).one()
    assert (objective.title, objective.level, objective.team_id) == (
        "Grow East region revenue",
        "team",
        team_id,
    )


async def test_the_same_in_chinese(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    lines = ["季度销售额从100万元增长到120万元", "每周联系50个潜在客户", "客户流失率保持在3%以下"]
    changes = {"title": "扩大华东区收入", **{f"kr{n}_sentence": s for n, s in enumerate(lines)}}
    response = await submit(driver, view, changes, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack)
    stored = [(k.kind, k.target_value, k.unit, k.currency, k.period) for k in await krs(bot)]
    assert stored == [
        ("increase", 1.2e6, "currency", "CNY", None),
        ("quota", 50, "number", None, "week"),
        ("stay_below", 3, "percent", None, None),
    ]


async def test_someone_outside_the_team_is_one_pick_away(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    before = len(slack.calls_to("views.update"))
    await driver.block_action(
        f"kr_owner.{LEAD}",
        block_id="kr2_owner",
        action_type="static_select",
        selected_option={"value": "anyone", "text": {"type": "plain_text", "text": "x"}},
        view=view,
        state_values=fill(view, {"kr2_owner": "anyone"}),
        user_id=LEAD,
    )
    [*_, update] = await slack.wait_for("views.update", count=before + 1)
    redrawn = update.response["view"]
    picker = blocks_of(redrawn)["kr2_owner"]["elements"][0]
    assert picker["type"] == "users_select"
    assert blocks_of(redrawn)["kr1_owner"]["elements"][0]["type"] == "static_select"
    changes = {
        "title": "Grow East region revenue",
        "kr2_sentence": "Sign 30 new contracts",
        "kr2_owner": "U0003",
    }
    slack.add_user("U0003")
    response = await submit(driver, redrawn, changes, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack)
    assert [k.owner_id for k in await krs(bot)] == ["U0003"]


async def test_the_team_field_follows_the_level(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    shown = {}
    for level in ("company", "personal", "team"):
        before = len(slack.calls_to("views.update"))
        await driver.block_action(
            "level_pick",
            block_id="level",
            action_type="static_select",
            selected_option={"value": level, "text": {"type": "plain_text", "text": level}},
            view=view,
            state_values=fill(view, {"level": level}),
            user_id=LEAD,
        )
        [*_, update] = await slack.wait_for("views.update", count=before + 1)
        view = update.response["view"]  # the next pick comes from the modal as redrawn
        team = blocks_of(view).get("team")
        shown[level] = None if team is None else bool(team.get("optional"))
    # a company objective has no team; a personal one may name one; a team one must
    assert shown == {"company": None, "personal": True, "team": False}


# --- Enter shows the reading; Details wins over the sentence --------------------------------


async def test_enter_shows_how_a_line_reads_and_what_it_cannot_read(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    typed = {"kr1_sentence": "Contact 50 new prospects every week", "kr1_owner": ME}
    redrawn = await press_enter(driver, slack, view, typed, 1)
    assert reading(redrawn, 1) == f"Quota · 50 new prospects every week · owner <@{ME}>"
    assert "kr0_reading" not in blocks_of(redrawn)  # an empty line reads nothing
    assert blocks_of(redrawn)["kr1_sentence"]["element"]["initial_value"] == typed["kr1_sentence"]
    typed = {"kr2_sentence": "Contact 50 prospects every fortnight"}
    redrawn = await press_enter(driver, slack, redrawn, typed, 2)
    assert "“fortnight” is not a period" in reading(redrawn, 2)
    assert "Keep churn below 3%" in reading(redrawn, 2)  # with an example of each form
    assert await count(bot, Objective) == 0


async def test_details_sets_what_a_sentence_cannot_and_wins_over_it(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    changes = {
        "title": "Grow East region revenue",
        "kr0_sentence": "Sign 30 new contracts",
        "kr0_target": "40",
        "kr0_baseline": "25",
        "kr0_weight": "2",
    }
    response = await submit(driver, view, changes, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack)
    [kr] = await krs(bot)
    assert (kr.title, kr.kind, kr.start_value, kr.target_value, kr.unit_word) == (
        "New contracts signed",
        "increase",
        0,
        40,
        "new contracts",
    )
    assert (kr.baseline, kr.weight) == (25, 2)
    # the modal showed what Details set before it was saved
    [push] = slack.calls_to("views.push")
    shown = blocks_of(push.response["view"])
    assert shown["d_target"]["element"]["initial_value"] == "30 new contracts"
    redrawn = slack.views[view["id"]]
    assert reading(redrawn, 0).startswith("Increase · 0 → 40 new contracts · baseline 25")


# --- templates --------------------------------------------------------------------------------


async def test_a_template_is_picked_two_numbers_changed_and_saved(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack, text="set template")
    picker = view["blocks"][0]
    assert picker["block_id"] == "template" and picker["elements"][0]["focus_on_load"]
    options = {o["value"]: o["text"]["text"] for o in picker["elements"][0]["options"]}
    assert options["new-customers"] == "New-customer acquisition"
    before = len(slack.calls_to("views.update"))
    await driver.block_action(
        ids.PICK_TEMPLATE,
        block_id="template",
        action_type="static_select",
        selected_option={"value": "new-customers", "text": {"type": "plain_text", "text": "x"}},
        view=view,
        state_values=fill(view),
        user_id=LEAD,
    )
    [*_, update] = await slack.wait_for("views.update", count=before + 1)
    filled = update.response["view"]
    blocks = blocks_of(filled)
    title = blocks["title"]["element"]["initial_value"]
    lines = [
        blocks[f"kr{n}_sentence"]["element"].get("initial_value")
        for n in range(5)
        if f"kr{n}_sentence" in blocks
    ]
    assert title and all(lines), lines
    # the person changes two numbers, and saves
    first, second = lines[0], lines[1]
    assert first is not None and second is not None
    changed = {
        "kr0_sentence": first.replace("50", "60", 1),
        "kr1_sentence": second.replace("10", "12", 1),
    }
    assert changed["kr0_sentence"] != first and changed["kr1_sentence"] != second
    response = await submit(driver, filled, changed, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack)
    stored = await krs(bot)
    assert [k.target_value for k in stored[:2]] == [60, 12]
    assert len(stored) == len(lines)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert (await session.exec(select(Objective))).one().title == title


async def test_a_chinese_locale_gets_the_templates_in_chinese(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    slack.add_user(LEAD, tz="Asia/Shanghai", locale="zh-CN")
    view = await open_in(driver, slack, text="set template")
    options = {o["value"]: o["text"]["text"] for o in view["blocks"][0]["elements"][0]["options"]}
    assert options["new-revenue"] == "新增收入"


# --- Edit in the same modal --------------------------------------------------------------------


async def test_edit_reads_back_sentences_and_asks_why_beside_a_changed_target(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    changes = {"title": "Grow East region revenue"}
    changes.update({f"kr{n}_sentence": s for n, (s, _) in enumerate(PLAYBOOK)})
    assert not (await submit(driver, view, changes, user=LEAD)).text.strip()
    await saved(slack)
    edit = await open_edit(driver, slack, 1, user=LEAD)
    blocks = blocks_of(edit)
    sentences = [blocks[f"kr{n}_sentence"]["element"]["initial_value"] for n in range(5)]
    assert sentences[0].lower() == "increase east region revenue from $1m to $1.2m"
    assert sentences[4] == "Keep churn below 3%"
    assert not any(k.endswith("_why") for k in blocks)
    # Enter on a line whose target changed: "why" appears beside that line, required
    typed = {"kr4_sentence": "Keep churn below 2.5%"}
    redrawn = await press_enter(driver, slack, edit, typed, 4)
    why = blocks_of(redrawn)["kr4_why"]
    assert not why.get("optional") and "optional" not in json.dumps(why).lower()
    ids_in_order = [b.get("block_id") for b in redrawn["blocks"]]
    assert ids_in_order.index("kr4_why") > ids_in_order.index("kr4_sentence")
    assert "kr0_why" not in ids_in_order
    # saved without the reason: a field error on that line's why, nothing stored
    response = await submit(driver, redrawn, {**typed, "kr4_why": ""}, user=LEAD)
    assert response.json()["errors"] == {
        "kr4_why": "Say why the target changed: it is kept in the key result's history."
    }
    assert await count(bot, TargetRevision) == 0
    assert [k.target_value for k in await krs(bot)][4] == 3
    # with it: saved, and the revision keeps the reason
    reason = "Churn fell last quarter"
    response = await submit(driver, redrawn, {**typed, "kr4_why": reason}, user=LEAD)
    assert response.status == 200 and not response.text.strip(), response.text
    await saved(slack, count=2)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        [revision] = (await session.exec(select(TargetRevision))).all()
    assert (revision.old_target, revision.new_target, revision.reason) == (3, 2.5, reason)
    assert [k.target_value for k in await krs(bot)] == [1.2e6, 50, 15, 10, 2.5]


# --- bad input that needs more than one line or Slack's word -------------------------------


async def test_eleven_lines_are_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    view = await open_in(driver, slack)
    values = fill(view, {"title": "Too many"})
    for n in range(11):  # crafted: the modal never draws an eleventh line
        values[f"kr{n}_sentence"] = {
            ids.KR_SENTENCE: {"type": "plain_text_input", "value": f"Sign {n + 1} contracts"}
        }
    response = await driver.view_submission(ids.SET_OBJECTIVE_VIEW, values, user_id=LEAD, view=view)
    assert "up to 10 key results" in response.json()["errors"]["kr9_sentence"]
    assert await count(bot, KeyResult) == 0


async def test_an_owner_who_left_the_workspace_is_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await seed_team(bot)
    slack.add_user("U0GONE", deleted=True)
    view = await open_in(driver, slack)
    changes = {
        "title": "Grow East region revenue",
        "kr0_sentence": "Sign 30 new contracts",
        "kr1_sentence": "Book 15 meetings per week",
        "kr1_owner": "U0GONE",
    }
    response = await submit(driver, view, changes, user=LEAD)
    assert response.json()["errors"] == {
        "kr1_sentence": "<@U0GONE> has left the workspace: pick another owner."
    }
    assert await count(bot, Objective) == 0 and await count(bot, KeyResult) == 0
