"""No duplicated work (issue 15): a KR saved near-identical to another team's KR of the same
cycle gets a hint in the author's confirmation, whose *Depend on it instead* button makes
the dependency — through signed requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from bot.runtime import Runtime
from storage.models import KeyResult, KRDependency, Objective
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME, add_people, open_edit, seed_team, submit

MIA = "U0MIA"  # marketing's lead


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)
    slack.add_user(MIA, tz="UTC")


async def teams(bot: Runtime) -> tuple[int, int]:
    """Marketing (Mia leads it) and Sales (LEAD leads ME and BOB)."""
    marketing = await seed_team(bot, "Marketing", leads=(MIA,), members=(), channel="CMKT")
    sales = await seed_team(bot, "Sales", channel="CSALES")
    return marketing, sales


async def set_objective(
    driver: SlackDriver, slack: FakeSlack, user: str, channel: str, title: str, *lines: str
) -> dict[str, Any]:
    """`/okr set` in the team's channel, `lines` as its KRs: the confirmation DM."""
    before = len(slack.calls_to("views.open"))
    await driver.command(text="set", user_id=user, channel_id=channel)
    view = (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]
    return await submit_and_confirm(driver, slack, view, user, title, *lines)


async def submit_and_confirm(
    driver: SlackDriver,
    slack: FakeSlack,
    view: dict[str, Any],
    user: str,
    title: str,
    *lines: str,
    **extra: Any,
) -> dict[str, Any]:
    """Submit the objective modal; the confirmation as the author sees it once the save is
    announced (its Home tab refreshed last): hints, if any, are added to it by chat.update."""

    def to_author(args: dict[str, Any]) -> bool:
        return args.get("channel") == user

    def home_of_author(args: dict[str, Any]) -> bool:
        return args.get("user_id") == user

    posted = len(slack.calls_to("chat.postMessage", match=to_author))
    homes = len(slack.calls_to("views.publish", match=home_of_author))
    changes = {"title": title, **{f"kr{n}_sentence": s for n, s in enumerate(lines)}, **extra}
    response = await submit(driver, view, changes, user=user)
    assert response.status == 200 and not response.text.strip(), response.text
    [*_, call] = await slack.wait_for("chat.postMessage", count=posted + 1, match=to_author)
    await slack.wait_for("views.publish", count=homes + 1, match=home_of_author)
    channel, ts = call.response["channel"], call.response["ts"]
    updates = [
        c.response["message"]
        for c in slack.calls_to("chat.update")
        if c.ok and c.response.get("ts") == ts
    ]
    return dict(updates[-1] if updates else call.response["message"]) | {"channel": channel}


async def sales_sets(driver: SlackDriver, slack: FakeSlack, *lines: str) -> dict[str, Any]:
    """The sales lead sets an objective (title, then KR lines) in the sales channel."""
    return await set_objective(driver, slack, LEAD, "CSALES", *lines)


async def marketing_mqls(driver: SlackDriver, slack: FakeSlack) -> None:
    """Mia sets marketing's objective: "Generate 200 MQLs a month"."""
    await set_objective(driver, slack, MIA, "CMKT", "Fill the funnel", "Generate 200 MQLs a month")


def hints(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b
        for b in message["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.DEPEND_INSTEAD
    ]


async def krs(bot: Runtime) -> dict[str, KeyResult]:
    """Every KR by "<team id>:<title>"."""
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = await session.exec(
            select(KeyResult, Objective)
            .join(Objective, col(Objective.id) == KeyResult.objective_id)
            .order_by(col(KeyResult.id))
        )
        return {f"{o.team_id}:{k.title}": k for k, o in rows}


async def dependencies(bot: Runtime) -> list[tuple[int | None, int, str]]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = await session.exec(select(KRDependency).order_by(col(KRDependency.id)))
        return [(d.downstream_kr_id, d.upstream_kr_id, d.created_by) for d in rows]


async def press(
    driver: SlackDriver, slack: FakeSlack, message: dict[str, Any], hint: dict[str, Any], user: str
) -> Any:
    """Press the hint's button in the confirmation: the response_url post it makes."""
    before = len(slack.calls_to("response_url"))
    button = hint["accessory"]
    response = await driver.block_action(
        ids.DEPEND_INSTEAD,
        value=button["value"],
        block_id=hint["block_id"],
        user_id=user,
        channel_id=message["channel"],
        message=message,
    )
    assert response.status == 200
    return (await slack.wait_for("response_url", count=before + 1))[-1].args


async def test_a_near_identical_kr_gets_a_hint_whose_button_makes_the_dependency(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    marketing, sales = await teams(bot)
    await marketing_mqls(driver, slack)
    message = await sales_sets(
        driver,
        slack,
        "Grow East region revenue",
        "Generate 200 MQLs per month",
        "Contact 50 new prospects every week",
    )
    [hint] = hints(message)  # the unrelated KR has none
    text = hint["text"]["text"]
    assert "Marketing already has “Generate 200 MQLs per month”" in text
    assert f"(<@{MIA}>). Depend on it instead of repeating it?" in text
    assert "*MQLs generated*" in text  # which of the two KRs it is about
    assert hint["accessory"]["text"]["text"] == "Depend on it instead"
    by_title = await krs(bot)
    mine, theirs = by_title[f"{sales}:MQLs generated"], by_title[f"{marketing}:MQLs generated"]
    assert json.loads(hint["accessory"]["value"]) == {"kr": mine.id, "on": theirs.id}
    assert await dependencies(bot) == []  # a hint, not a change: nothing until pressed

    # someone who may not change the objective is refused, nothing stored
    refused = await press(driver, slack, message, hint, BOB)
    assert refused["response_type"] == "ephemeral" and "can change" in refused["text"]
    assert await dependencies(bot) == []

    done = await press(driver, slack, message, hint, LEAD)
    assert await dependencies(bot) == [(mine.id, theirs.id, LEAD)]
    assert done["replace_original"] is True
    shown = json.dumps(done["blocks"], ensure_ascii=False)
    assert "Now depends on Marketing · Generate 200 MQLs per month" in shown
    assert ids.DEPEND_INSTEAD not in shown  # the button is gone, the card is still there
    assert len(done["blocks"]) == len(message["blocks"])
    assert (await krs(bot))[f"{sales}:MQLs generated"].archived_at is None  # the KR stays

    # a second press (or a stale copy of the message) is told it already depends
    again = await press(driver, slack, message, hint, LEAD)
    assert again["response_type"] == "ephemeral" and "already depends" in again["text"]
    assert len(await dependencies(bot)) == 1


async def test_no_hint_for_unrelated_titles_other_measures_or_the_same_team(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await teams(bot)
    await marketing_mqls(driver, slack)
    message = await sales_sets(
        driver,
        slack,
        "Grow East region revenue",
        "Sign 10 contracts per month",  # an unrelated title
        "Generate 200 MQLs per week",  # the same title, another period
        "Generate 200 SQLs per month",  # one letter apart, other work
    )
    assert hints(message) == []
    total = await sales_sets(
        driver,
        slack,
        "Pipeline",
        "Generate 2400 MQLs",  # not a quota
    )
    assert hints(total) == []
    same_team = await set_objective(
        driver, slack, MIA, "CMKT", "Fill the funnel again", "Generate 300 MQLs a month"
    )
    assert hints(same_team) == []


async def test_a_kr_archived_since_the_hint_is_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await teams(bot)
    await marketing_mqls(driver, slack)
    message = await sales_sets(driver, slack, "Pipeline", "Generate 200 MQLs per month")
    [hint] = hints(message)
    assert "*MQLs generated*" not in hint["text"]["text"]  # one KR: no need to name it
    marketing_objective = json.loads(hint["accessory"]["value"])["on"]
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        kr = await session.get(KeyResult, marketing_objective)
        assert kr is not None
        objective = await session.get(Objective, kr.objective_id)
        assert objective is not None
        objective.archived_at = bot.deps.clock()
        session.add(objective)
        await session.commit()
    refused = await press(driver, slack, message, hint, LEAD)
    assert refused["response_type"] == "ephemeral" and "archived" in refused["text"]
    assert await dependencies(bot) == []


async def test_an_edit_hints_only_for_a_renamed_kr(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    _marketing, sales = await teams(bot)
    await set_objective(driver, slack, MIA, "CMKT", "Demand", "Book 15 demos per week")
    first = await sales_sets(driver, slack, "Pipeline", "Book 15 meetings per week")
    assert hints(first) == []
    objective_id = (await krs(bot))[f"{sales}:Meetings booked"].objective_id
    view = await open_edit(driver, slack, objective_id, user=LEAD)
    edited = await submit_and_confirm(
        driver, slack, view, LEAD, "Pipeline", "Book 15 demos per week"
    )
    [hint] = hints(edited)
    assert "Marketing already has “Book 15 demos every week”" in hint["text"]["text"]
    # saved again without changing that title: no hint a second time
    view = await open_edit(driver, slack, objective_id, user=LEAD)
    again = await submit_and_confirm(driver, slack, view, LEAD, "Pipeline and more")
    assert hints(again) == []


async def test_chinese_titles_are_compared_too(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await teams(bot)
    await set_objective(driver, slack, MIA, "CMKT", "市场线索", "每月产生200个销售线索")
    message = await sales_sets(
        driver, slack, "销售管道", "每月产生150个销售线索", "每周联系50个潜在客户"
    )
    [hint] = hints(message)
    assert "Marketing already has “每月产生200个销售线索”" in hint["text"]["text"]
    refused = await press(driver, slack, message, hint, ME)  # a rep, not owner or lead
    assert refused["response_type"] == "ephemeral"
    assert await dependencies(bot) == []
