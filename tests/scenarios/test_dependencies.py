"""Dependencies between teams' KRs (issue 15, the core): a sales KR set depending on a
marketing KR through its Details and the options listener, the marketing lead told once,
*Acknowledge*, the link on both sides, refusals, removal — signed requests, both DBs."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from blocks import ids
from blocks.kr_details import DEPENDS_ON
from bot.runtime import Runtime
from handlers.dependencies import REMOVED_KIND, TOLD_KIND
from storage.models import Cycle, Delivery, KeyResult, KRDependency, Objective
from storage.workspaces import ensure_workspace
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import (
    BOB,
    LEAD,
    ME,
    count,
    create,
    details,
    dms,
    open_edit,
    open_set,
    seed_team,
)
from tests.scenarios.test_checkins import check_in, open_log
from tests.scenarios.test_team_home import home_of

MIA, MKT = "U0MIA", "U0MKT"
SALES_KR = "Contact 50 new prospects every week"
MARKETING_KR = "Sign 10 contracts per month"


async def recorded(bot: Runtime, kind: str, expected: int = 1) -> list[Delivery]:
    """The ledger's rows of `kind` once `expected` of them are recorded sent (a listener's
    last write: the test ends after it, not during it)."""
    assert bot.deps is not None
    for _attempt in range(200):
        async with bot.deps.sessions() as session:
            query = select(Delivery).where(Delivery.kind == kind)
            rows = list((await session.exec(query)).all())
        if len([r for r in rows if r.status == "sent"]) >= expected:
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"{kind}: {expected} deliveries never recorded")


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (ME, BOB, LEAD, MIA, MKT):
        slack.add_user(user, tz="UTC")


async def _teams(bot: Runtime) -> None:
    await seed_team(bot, "Sales")
    await seed_team(bot, "Marketing", leads=(MIA,), members=(MKT,), channel="CMKT")


async def _marketing_kr(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> KeyResult:
    changes = {
        "title": "Fill the pipeline",
        "kr0_sentence": MARKETING_KR,
        "kr1_sentence": "Book 15 meetings per week",
    }
    await create(driver, slack, changes, MKT)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        return (await session.exec(select(KeyResult).order_by(KeyResult.id))).first()


async def _sales_modal(
    driver: SlackDriver, slack: FakeSlack, depends: list[tuple[str, str]], need: str = ""
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """`/okr set` by ME, line 0's Details given `depends`: (typed, modal, Details answer)."""
    view = await open_set(driver, slack, ME)
    typed = {"title": "Grow sales", "kr0_sentence": SALES_KR}
    fields: dict[str, Any] = {"depends": depends, "need": need}
    redrawn, answer = await details(driver, slack, view, 0, fields, typed, ME)
    return typed, redrawn, answer


async def test_a_sales_kr_depends_on_marketing_and_both_sides_see_it(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _teams(bot)
    upstream = await _marketing_kr(bot, driver, slack)
    # the options listener: the cycle's KRs, labelled by team
    view = await open_set(driver, slack, ME)
    typed = {"title": "Grow sales", "kr0_sentence": SALES_KR}
    redrawn, _answer = await details(driver, slack, view, 0, {"need": ""}, typed, ME)
    [*_, push] = slack.calls_to("views.push")
    pushed = push.response["view"]
    found = await driver.block_suggestion(
        DEPENDS_ON, "contracts", view=pushed, block_id="d_depends"
    )
    options = found.json()["options"]
    assert [o["value"] for o in options] == [str(upstream.id)]
    label = options[0]["text"]["text"]
    assert label.startswith("Marketing · ")
    # chosen in Details, stored with the objective
    redrawn, answer = await details(
        driver,
        slack,
        redrawn,
        0,
        {"depends": [(str(upstream.id), label)], "need": "200 MQLs"},
        typed,
    )
    assert not answer.text.strip(), answer.text
    response = await driver.view_submission(
        ids.SET_OBJECTIVE_VIEW, fill(redrawn, typed), user_id=ME, view=redrawn
    )
    assert response.status == 200 and not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == MIA)
    assert await count(bot, KRDependency) == 1
    [row] = await recorded(bot, TOLD_KIND)
    assert row.recipient == MIA
    [told] = dms(slack, MIA)
    text = json.dumps(told.args)
    assert "Acknowledge" in text and "200 MQLs" in text and f"<@{ME}>" in text
    # Acknowledge: recorded, the DM updated in place
    async with bot.deps.sessions() as session:  # type: ignore[union-attr]
        dep = (await session.exec(select(KRDependency))).one()
    dep_id = dep.id
    await driver.block_action(
        ids.DEPENDENCY_ACK,
        value=str(dep_id),
        user_id=MIA,
        message={"ts": told.response["ts"], "blocks": []},
        channel_id=told.response["channel"],
    )
    [update] = await slack.wait_for("chat.update")
    assert f"Acknowledged by <@{MIA}>" in json.dumps(update.args)
    async with bot.deps.sessions() as session:  # type: ignore[union-attr]
        dep = (await session.exec(select(KRDependency))).one()
    assert dep.acknowledged_by == MIA
    # both sides in /okr list
    await driver.command(text="list", user_id=ME)
    [listed] = await slack.wait_for("response_url")
    assert "⇠ depends on Marketing · " in json.dumps(listed.args, ensure_ascii=False)
    await driver.command(text="list", user_id=MKT)
    listed = (await slack.wait_for("response_url", count=2))[-1]
    assert "⇢ Sales · " in json.dumps(listed.args, ensure_ascii=False)
    assert "depends on this" in json.dumps(listed.args, ensure_ascii=False)


async def test_bad_links_are_field_errors_and_nothing_is_stored(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _teams(bot)
    upstream = await _marketing_kr(bot, driver, slack)
    for crafted in ("99999",):  # another workspace's or a gone KR
        _typed, _view, answer = await _sales_modal(driver, slack, [(crafted, "x")])
        assert "does not exist" in answer.text
    _typed, _view, answer = await _sales_modal(
        driver, slack, [(str(upstream.id), "Marketing")], need="x" * 151
    )
    assert answer.text.strip()
    assert await count(bot, KRDependency) == 0


async def test_removing_a_kr_others_depend_on_asks_first_and_tells_them(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _teams(bot)
    upstream = await _marketing_kr(bot, driver, slack)
    typed, view, _answer = await _sales_modal(driver, slack, [(str(upstream.id), "Marketing")])
    response = await driver.view_submission(
        ids.SET_OBJECTIVE_VIEW, fill(view, typed), user_id=ME, view=view
    )
    assert not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == MIA)
    await recorded(bot, TOLD_KIND)
    # marketing clears its KR's line and adds another: asked first, nothing changed
    edit = await open_edit(driver, slack, upstream.objective_id, user=MKT)
    changes = {"kr0_sentence": ""}
    first = await driver.view_submission(
        ids.EDIT_OBJECTIVE_VIEW, fill(edit, changes), user_id=MKT, view=edit
    )
    asked = first.json()
    assert asked["response_action"] == "update"
    assert "depend on a key result you removed" in json.dumps(asked["view"])
    assert await count(bot, KRDependency) == 1
    again = {**asked["view"], "id": edit["id"]}
    second = await driver.view_submission(
        ids.EDIT_OBJECTIVE_VIEW, fill(again, changes), user_id=MKT, view=again
    )
    assert not second.text.strip(), second.text
    await slack.wait_for(
        "chat.postMessage", match=lambda a: a.get("channel") == ME and "removed" in json.dumps(a)
    )
    assert len([c for c in dms(slack, ME) if "removed" in json.dumps(c.args)]) == 1
    [row] = await recorded(bot, REMOVED_KIND)
    assert row.recipient == ME


async def _linked(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> KeyResult:
    """Sales (ME) sets a KR depending on marketing's first KR; that KR."""
    await _teams(bot)
    upstream = await _marketing_kr(bot, driver, slack)
    typed, view, _answer = await _sales_modal(driver, slack, [(str(upstream.id), "Marketing")])
    response = await driver.view_submission(
        ids.SET_OBJECTIVE_VIEW, fill(view, typed), user_id=ME, view=view
    )
    assert not response.text.strip(), response.text
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == MIA)
    await recorded(bot, TOLD_KIND)
    return upstream


async def _blocks_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_home_and_history_show_the_status_and_discuss_opens_a_thread(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    upstream = await _linked(bot, driver, slack)
    # marketing's owner calls it at risk
    view = await open_log(driver, slack, MKT)
    answered = await check_in(
        driver, slack, view, MKT, **{f"kr{upstream.id}": {"value": "10", "confidence": "at_risk"}}
    )
    assert not answered.text.strip(), answered.text
    home = await _blocks_text(await home_of(driver, slack, ME))
    assert "⇠ depends on Marketing · " in home and "· at risk" in home
    theirs = await _blocks_text(await home_of(driver, slack, MKT))
    assert "⇢ Sales · " in theirs and "depends on this" in theirs
    # History of the sales KR
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        mine = (await session.exec(select(KeyResult).where(KeyResult.owner_id == ME))).one()
    before = len(slack.calls_to("views.open"))
    await driver.block_action(ids.SHOW_KR_HISTORY, value=str(mine.id), user_id=ME)
    [*_, history] = await slack.wait_for("views.open", count=before + 1)
    assert "⇠ depends on Marketing · " in json.dumps(history.args, ensure_ascii=False)
    # Discuss from the lead's DM: a thread in marketing's channel naming both owners
    async with bot.deps.sessions() as session:
        dep = (await session.exec(select(KRDependency))).one()

    def in_marketing(args: dict[str, Any]) -> bool:
        return args.get("channel") == "CMKT"

    before = len(slack.calls_to("chat.postMessage", match=in_marketing))
    await driver.block_action(ids.DEPENDENCY_DISCUSS, value=str(dep.id), user_id=MIA)
    [*_, post] = await slack.wait_for("chat.postMessage", count=before + 1, match=in_marketing)
    assert f"<@{ME}>" in post.args["text"] and f"<@{MKT}>" in post.args["text"]


async def test_someone_who_may_not_edit_cannot_add_a_dependency(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await _teams(bot)
    upstream = await _marketing_kr(bot, driver, slack)
    await create(driver, slack, {"title": "Grow sales", "kr0_sentence": SALES_KR}, ME)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        mine = (await session.exec(select(KeyResult).where(KeyResult.owner_id == ME))).one()
    # the edit modal as ME sees it, its Details pressed and applied by someone else (MKT)
    edit = await open_edit(driver, slack, mine.objective_id, user=ME)
    fields = {"depends": [(str(upstream.id), "Marketing")]}
    _view, answer = await details(driver, slack, edit, 0, fields, {}, MKT)
    assert "Only people who may edit" in answer.text
    assert await count(bot, KRDependency) == 0


async def test_archiving_an_objective_others_depend_on_asks_then_tells_them(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    upstream = await _linked(bot, driver, slack)
    edit = await open_edit(driver, slack, upstream.objective_id, user=MKT)
    value = str(upstream.objective_id)
    await driver.block_action(
        ids.ARCHIVE_OBJECTIVE, value=value, view=edit, block_id="archive", user_id=MKT
    )
    [asked] = await slack.wait_for("views.update", match=lambda a: a.get("view_id") == edit["id"])
    shown = json.dumps(asked.args["view"])
    assert "Archive anyway" in shown and f"{value}:confirm_removal" in shown

    async def archived() -> bool:
        async with bot.deps.sessions() as session:  # type: ignore[union-attr]
            found = await session.get(Objective, upstream.objective_id)
            return found is not None and found.archived_at is not None

    assert not await archived()
    await driver.block_action(
        ids.ARCHIVE_OBJECTIVE,
        value=f"{value}:confirm_removal",
        view=edit,
        block_id="archive",
        user_id=MKT,
    )
    await slack.wait_for(
        "chat.postMessage", match=lambda a: a.get("channel") == ME and "removed" in json.dumps(a)
    )
    assert await archived()
    [row] = await recorded(bot, REMOVED_KIND)
    assert row.recipient == ME
    assert len([c for c in dms(slack, ME) if "removed" in json.dumps(c.args)]) == 1


async def _copy_elsewhere(
    bot: Runtime, kr: KeyResult, *, workspace_id: str | None = None, later: bool = False
) -> int:
    """A copy of `kr` in another workspace, or in a cycle after this one: its id."""
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        objective = await session.get(Objective, kr.objective_id)
        assert objective is not None
        cycle = await session.get(Cycle, objective.cycle_id)
        assert cycle is not None
        ws = workspace_id or kr.workspace_id
        await ensure_workspace(session, ws, bot.deps.clock())
        start, end = cycle.start_date, cycle.end_date
        if later:
            start, end = end + timedelta(days=1), end + timedelta(days=91)
        other = Cycle(workspace_id=ws, name="Elsewhere", start_date=start, end_date=end)
        session.add(other)
        await session.flush()
        copy = Objective(
            **objective.model_dump(exclude={"id", "submission_key", "workspace_id", "cycle_id"}),
            workspace_id=ws,
            cycle_id=other.id or 0,
        )
        copy.team_id = None
        session.add(copy)
        await session.flush()
        twin = KeyResult(
            **kr.model_dump(exclude={"id", "objective_id", "workspace_id"}),
            objective_id=copy.id or 0,
            workspace_id=ws,
        )
        session.add(twin)
        await session.commit()
        return twin.id or 0


async def test_each_refused_link_names_its_problem_and_stores_nothing(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    upstream = await _linked(bot, driver, slack)  # sales depends on marketing: one link
    foreign = await _copy_elsewhere(bot, upstream, workspace_id="T0OTHER")
    later = await _copy_elsewhere(bot, upstream, later=True)
    for crafted, words in ((foreign, "does not exist"), (later, "does not cover")):
        _typed, _view, answer = await _sales_modal(driver, slack, [(str(crafted), "x")])
        assert words in answer.json()["errors"]["d_depends"]
    # marketing's KR depending on sales' (which depends on it) would close a loop
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        mine = (await session.exec(select(KeyResult).where(KeyResult.owner_id == ME))).one()
    edit = await open_edit(driver, slack, upstream.objective_id, user=MKT)
    _v, answer = await details(driver, slack, edit, 0, {"depends": [(str(mine.id), "S")]}, {}, MKT)
    assert "loop" in answer.json()["errors"]["d_depends"]
    _v, answer = await details(
        driver, slack, edit, 0, {"depends": [(str(upstream.id), "M")]}, {}, MKT
    )
    assert "itself" in answer.json()["errors"]["d_depends"]
    # an archived KR
    async with bot.deps.sessions() as session:
        objective = await session.get(Objective, upstream.objective_id)
        assert objective is not None
        objective.archived_at = bot.deps.clock()
        session.add(objective)
        await session.commit()
    _typed, _view, answer = await _sales_modal(driver, slack, [(str(upstream.id), "x")])
    assert "archived" in answer.json()["errors"]["d_depends"]
    assert await count(bot, KRDependency) == 1
