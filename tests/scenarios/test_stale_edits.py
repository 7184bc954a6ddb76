"""An edit modal older than the objective's last save is refused, saying what changed.

Two people (the objective's owner, Lena, and its team's lead, Sam) open Edit on the same
objective; Lena saves first. The lead's older modal would have undone her change: it is
refused with a field error naming who changed what and when, and nothing of it is stored.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import col, select

from bot.runtime import Runtime
from storage.models import CheckIn, KeyResult, Objective, TargetRevision
from tests.clock import FakeClock
from tests.driver import DriverResponse, SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import LEAD, ME, add_people, create, kr, open_edit, seed_team, submit
from tests.scenarios.test_checkins import answer, open_log

REOPEN = "reopen Edit to see it."


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    add_people(slack)
    slack.add_user(ME, real_name="Lena", tz="UTC")
    slack.add_user(LEAD, real_name="Sam", tz="UTC")


async def team_objective(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    """Lena's team objective with two KRs, "New ARR" (1) and "Deals" (2, target 100)."""
    team_id = await seed_team(bot)
    await create(
        driver,
        slack,
        {
            "title": "Win the Nordics",
            "level": "team",
            "team": (team_id, "Nordics"),
            **kr(0, "New ARR", "1.2M", "2M"),
            **kr(1, "Deals", "0", "100"),
        },
    )


async def stored(bot: Runtime) -> tuple[Objective, list[KeyResult], list[TargetRevision]]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        objective = (await session.exec(select(Objective))).one()
        krs = list(await session.exec(select(KeyResult).order_by(col(KeyResult.id))))
        revisions = list(await session.exec(select(TargetRevision)))
    return objective, krs, revisions


def refused(response: DriverResponse) -> dict[str, str]:
    body = response.json()
    assert response.status == 200 and body["response_action"] == "errors", response.text
    return dict(body["errors"])


def saved(response: DriverResponse) -> None:
    assert response.status == 200 and not response.text.strip(), response.text


async def test_a_removed_key_result_does_not_come_back(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await team_objective(bot, driver, slack)
    view = await open_log(driver, slack)  # Lena checks in on Deals before it goes
    await driver.view_submission(
        view["callback_id"], answer(view, kr2={"value": "40"}), user_id=ME, view=view
    )
    leads_modal = await open_edit(driver, slack, 1, user=LEAD)
    lenas_modal = await open_edit(driver, slack, 1)
    saved(await submit(driver, lenas_modal, kr(1, "", "", "")))  # Lena removes Deals

    errors = refused(await submit(driver, leads_modal, {"title": "Win the Nordics!"}, user=LEAD))
    assert errors == {"kr1_sentence": f"Lena removed the key result Deals at 08:00 — {REOPEN}"}
    objective, krs, _ = await stored(bot)
    assert (objective.title, objective.version, objective.updated_by) == ("Win the Nordics", 2, ME)
    assert [(k.title, k.archived_at is not None) for k in krs] == [
        ("New ARR", False),
        ("Deals", True),
    ]
    assert bot.deps is not None
    async with bot.deps.sessions() as session:  # its check-ins stay on the archived KR
        assert [c.key_result_id for c in await session.exec(select(CheckIn))] == [2]

    # Reopened, the lead's edit goes through, and Deals stays removed.
    saved(await submit(driver, await open_edit(driver, slack, 1, user=LEAD), {"title": "Nordics!"}))
    objective, krs, _ = await stored(bot)
    assert (objective.title, objective.version, len(krs)) == ("Nordics!", 3, 2)


async def test_a_newer_target_is_not_reverted_under_another_reason(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await team_objective(bot, driver, slack)
    leads_modal = await open_edit(driver, slack, 1, user=LEAD)
    lenas_modal = await open_edit(driver, slack, 1)
    clock.advance(hours=2, minutes=42)
    saved(await submit(driver, lenas_modal, {"kr1_target": "150", "reason": "Bigger pipeline"}))

    # The lead fixes a typo in the title; their modal still says 100.
    errors = refused(
        await submit(driver, leads_modal, {"title": "Win the Nordics", "reason": "typo"}, user=LEAD)
    )
    assert errors == {"kr1_sentence": f"Lena set the target of Deals to 150 at 10:42 — {REOPEN}"}
    _, krs, revisions = await stored(bot)
    assert krs[1].target_value == 150
    assert [(r.old_target, r.new_target, r.reason, r.changed_by) for r in revisions] == [
        (100, 150, "Bigger pipeline", ME)
    ]


async def test_two_saves_of_one_version_at_once_apply_one(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await team_objective(bot, driver, slack)
    leads_modal = await open_edit(driver, slack, 1, user=LEAD)
    lenas_modal = await open_edit(driver, slack, 1)
    changes: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        (leads_modal, {"kr0_target": "3M", "reason": "lead"}, LEAD),
        (lenas_modal, {"kr0_target": "2.5M", "reason": "owner"}, ME),
    ]
    responses = await asyncio.gather(*(submit(driver, v, c, user=u) for v, c, u in changes))
    outcomes = sorted("saved" if not r.text.strip() else "refused" for r in responses)
    assert outcomes == ["refused", "saved"]
    objective, krs, revisions = await stored(bot)
    [revision] = revisions
    assert objective.version == 2
    assert (revision.old_target, revision.new_target) == (2e6, krs[0].target_value)
    # The one refused is told who saved first, and what they set.
    [(errors, loser)] = [
        (refused(r), user) for r, (_, _, user) in zip(responses, changes, strict=True) if r.text
    ]
    winner, new_target = ("Lena", "2.5M") if loser == LEAD else ("Sam", "3M")
    assert errors == {
        "kr0_sentence": f"{winner} set the target of New ARR to {new_target} at 08:00 — {REOPEN}"
    }
