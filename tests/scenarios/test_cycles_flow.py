"""Cycles end to end: `/okr cycle` for admins through signed requests, and the cycle queries
(current cycle in a team's time zone, race-safe creation, custom cycles first) on both
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import cycle_modal as modal
from bot.runtime import Runtime
from okr.cycles import today_in
from storage.context import Deps
from storage.cycles import (
    create_custom_cycle,
    current_cycle,
    cycle_for,
    selectable_cycles,
    set_fiscal_start,
)
from storage.models import Cycle, Workspace
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.conftest import SIGNING_SECRET, make_settings
from tests.driver import DriverResponse, SlackDriver
from tests.fakeslack import Call, FakeSlack

WS = "T0001"
ADMIN = "U0ADMIN"


def _deps(bot: Runtime) -> Deps:
    assert bot.deps is not None
    return bot.deps


async def _workspace(deps: Deps, workspace_id: str = WS) -> Workspace:
    async with deps.sessions() as session:
        workspace = await ensure_workspace(session, workspace_id, deps.clock())
        await session.commit()
    return workspace


async def _cycles(deps: Deps, workspace_id: str = WS) -> list[Cycle]:
    async with deps.sessions() as session:
        result = await session.exec(
            select(Cycle)
            .where(Cycle.workspace_id == workspace_id)
            .order_by(col(Cycle.start_date), col(Cycle.id))
        )
        return list(result.all())


async def _month(deps: Deps, workspace_id: str = WS) -> int | None:
    async with deps.sessions() as session:
        workspace = await session.get(Workspace, workspace_id)
    return workspace.fiscal_year_start_month if workspace else None


async def _custom(deps: Deps, name: str, start: date, end: date) -> Cycle:
    await _workspace(deps)
    async with deps.sessions() as session:
        cycle = await create_custom_cycle(session, WS, name, start, end)
        await session.commit()
    return cycle


def _state(
    month: str | None = "4",
    name: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    option = (
        None if month is None else {"text": {"type": "plain_text", "text": month}, "value": month}
    )
    return {
        "fiscal_start": {"month": {"type": "static_select", "selected_option": option}},
        "cycle_name": {"name": {"type": "plain_text_input", "value": name}},
        "cycle_start": {"date": {"type": "datepicker", "selected_date": start}},
        "cycle_end": {"date": {"type": "datepicker", "selected_date": end}},
    }


async def _submit(
    driver: SlackDriver, user_id: str = ADMIN, **fields: str | None
) -> DriverResponse:
    return await driver.view_submission(modal.CALLBACK_ID, _state(**fields), user_id=user_id)


def _errors(response: DriverResponse) -> dict[str, str]:
    body = response.json()
    assert body is not None and body["response_action"] == "errors", response.text
    return dict(body["errors"])


async def _dm(slack: FakeSlack, user_id: str = ADMIN) -> Call:
    [call] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == user_id)
    return call


# --- /okr cycle -------------------------------------------------------------------------


async def test_non_admins_are_told_only_admins_may(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user("U0001")
    response = await driver.command(text="cycle", response_url=slack.response_url("cmd"))
    assert response.status == 200
    [answer] = await slack.wait_for("response_url")
    assert answer.args == {"text": modal.NOT_ADMIN_TEXT, "response_type": "ephemeral"}
    assert "Only workspace admins" in answer.args["text"]
    assert slack.calls_to("views.open") == []


async def test_an_admin_gets_the_cycle_modal(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ADMIN, is_admin=True, tz="Europe/Berlin")
    await driver.command(text="cycle", user_id=ADMIN)
    [call] = await slack.wait_for("views.open")
    assert call.ok, call.response
    view = call.args["view"]
    assert view["callback_id"] == modal.CALLBACK_ID
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["fiscal_start"]["element"]["initial_option"]["value"] == "1"
    assert len(blocks["fiscal_start"]["element"]["options"]) == 12
    assert (
        "Current cycle: *FY2026 Q4* (1 Oct 2026 – 31 Dec 2026)" in view["blocks"][0]["text"]["text"]
    )
    assert await _month(_deps(bot)) == 1  # the workspace row exists now


async def test_admin_sets_fiscal_month_4_and_adds_a_custom_cycle(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user(ADMIN, is_owner=True)
    response = await _submit(
        driver, month="4", name=" H1 2027 push ", start="2027-01-01", end="2027-06-30"
    )
    assert response.status == 200
    assert response.json() in (None, {})
    dm = await _dm(slack)
    deps = _deps(bot)
    assert await _month(deps) == 4
    custom = [c for c in await _cycles(deps) if c.is_custom]
    assert [(c.name, c.start_date, c.end_date) for c in custom] == [
        ("H1 2027 push", date(2027, 1, 1), date(2027, 6, 30))
    ]
    assert "now starts in April" in dm.args["text"]
    assert "*H1 2027 push* (1 Jan 2027 – 30 Jun 2027) created" in dm.args["text"]
    # 23 Nov 2026 with an April fiscal year: the third quarter of FY2027
    assert "Current cycle: *FY2027 Q3* (1 Oct 2026 – 31 Dec 2026)" in dm.args["text"]


async def test_an_admin_user_ids_admin_may_change_cycles(
    db_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    settings = make_settings(db_url, slack.url, ADMIN_USER_IDS="U0900,U0901")
    runtime = Runtime(settings, clock=clock, host="127.0.0.1", port=0)
    async with runtime, SlackDriver(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET) as driver:
        await driver.command(text="cycle", user_id="U0901")
        await slack.wait_for("views.open")
        await _submit(driver, user_id="U0901", month="7")
        await _dm(slack, "U0901")
        assert await _month(_deps(runtime)) == 7


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"name": "Backwards", "start": "2027-03-01", "end": "2027-02-01"},
            {"cycle_end": "The cycle must end after it starts."},
        ),
        (
            {"name": "Forever", "start": "2027-01-01", "end": "2028-06-30"},
            {"cycle_end": "A cycle can last at most 366 days; this one has 547."},
        ),
        (
            {"name": "Overlap", "start": "2027-06-01", "end": "2027-08-31"},
            {
                "cycle_start": "Overlaps “Spring push” (1 Mar 2027 – 30 Jun 2027): "
                "custom cycles may not overlap."
            },
        ),
        (
            {"name": "spring PUSH", "start": "2027-09-01", "end": "2027-09-30"},
            {"cycle_name": "There is already a cycle called “Spring push”: pick another name."},
        ),
        (
            {"name": None, "start": "2027-09-01", "end": None},
            {
                "cycle_name": "Give the cycle a name, e.g. “H1 2027 sales push”.",
                "cycle_end": "Pick the last day of the cycle.",
            },
        ),
        (
            {"name": "Same as Q4", "start": "2026-10-01", "end": "2026-12-31"},
            {"cycle_start": "“FY2026 Q4” already covers exactly these days."},
        ),
    ],
)
async def test_bad_custom_cycles_are_field_errors_and_nothing_is_stored(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    fields: dict[str, str | None],
    errors: dict[str, str],
) -> None:
    deps = _deps(bot)
    slack.add_user(ADMIN, is_admin=True)
    await _custom(deps, "Spring push", date(2027, 3, 1), date(2027, 6, 30))
    async with deps.sessions() as session:
        await current_cycle(session, WS, date(2026, 11, 23))  # FY2026 Q4 is stored
        await session.commit()
    before = await _cycles(deps)
    response = await _submit(driver, month="4", **fields)
    assert _errors(response) == errors
    await asyncio.sleep(0.1)
    assert await _month(deps) == 1  # the month was not saved either
    assert [c.id for c in await _cycles(deps)] == [c.id for c in before]
    assert slack.calls_to("chat.postMessage") == []


async def test_a_crafted_submission_by_a_non_admin_is_refused(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    slack.add_user("U0001")
    response = await _submit(
        driver, user_id="U0001", month="4", name="Mine", start="2027-01-01", end="2027-01-31"
    )
    assert _errors(response) == {"fiscal_start": modal.NOT_ADMIN_ERROR}
    await asyncio.sleep(0.1)
    assert await _month(_deps(bot)) == 1  # (the row exists: users.info was cached)
    assert await _cycles(_deps(bot)) == []


# --- the cycle queries ------------------------------------------------------------------


async def test_current_cycle_is_created_once_under_concurrent_calls(bot: Runtime) -> None:
    deps = _deps(bot)
    await _workspace(deps)

    async def one() -> int:
        async with deps.sessions() as session:
            cycle = await current_cycle(session, WS, date(2026, 11, 23))
            await session.commit()
        assert cycle.id is not None
        return cycle.id

    ids = await asyncio.gather(*(one() for _ in range(8)))
    assert len(set(ids)) == 1
    [row] = await _cycles(deps)
    assert (row.name, row.start_date, row.end_date, row.is_custom) == (
        "FY2026 Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
        False,
    )


async def test_current_cycle_reads_today_in_the_teams_time_zone(bot: Runtime) -> None:
    deps = _deps(bot)
    await _workspace(deps)
    new_years_eve = datetime(2026, 12, 31, 18, 30, tzinfo=UTC)  # 02:30 on 1 Jan in Shanghai
    async with deps.sessions() as session:
        shanghai = await current_cycle(session, WS, today_in("Asia/Shanghai", new_years_eve))
        utc = await current_cycle(session, WS, today_in("UTC", new_years_eve))
        los_angeles = await current_cycle(
            session, WS, today_in("America/Los_Angeles", new_years_eve)
        )
        await session.commit()
    assert (shanghai.name, shanghai.start_date) == ("FY2027 Q1", date(2027, 1, 1))
    assert (utc.name, utc.start_date) == ("FY2026 Q4", date(2026, 10, 1))
    assert los_angeles.id == utc.id


async def test_a_custom_cycle_containing_today_wins_over_the_quarter(bot: Runtime) -> None:
    deps = _deps(bot)
    push = await _custom(deps, "Year-end push", date(2026, 11, 1), date(2026, 12, 15))
    async with deps.sessions() as session:
        assert (await current_cycle(session, WS, date(2026, 11, 23))).id == push.id
        assert (await current_cycle(session, WS, date(2026, 12, 15))).id == push.id
        after = await current_cycle(session, WS, date(2026, 12, 16))
        await session.commit()
    assert (after.name, after.is_custom) == ("FY2026 Q4", False)


async def test_fiscal_start_month_shapes_the_quarters(bot: Runtime) -> None:
    deps = _deps(bot)
    await _workspace(deps)
    async with deps.sessions() as session:
        january = await current_cycle(session, WS, date(2026, 11, 23))
        await set_fiscal_start(session, WS, 2)
        february = await current_cycle(session, WS, date(2026, 11, 23))
        await session.commit()
    assert (january.name, january.start_date, january.end_date) == (
        "FY2026 Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert (february.name, february.start_date, february.end_date) == (
        "FY2027 Q4",
        date(2026, 11, 1),
        date(2027, 1, 31),
    )
    assert len(await _cycles(deps)) == 2  # the old quarter stays for the OKRs set in it
    async with deps.sessions() as session:
        with pytest.raises(ValueError):
            await set_fiscal_start(session, WS, 13)


async def test_selectable_cycles(bot: Runtime) -> None:
    deps = _deps(bot)
    await _custom(deps, "Ended", date(2026, 1, 1), date(2026, 2, 1))
    await _custom(deps, "Later", date(2027, 5, 1), date(2027, 7, 31))
    async with deps.sessions() as session:
        cycles = await selectable_cycles(session, WS, date(2026, 11, 23))
        await session.commit()
    assert [c.name for c in cycles] == ["FY2026 Q4", "FY2027 Q1", "Later"]
    assert all(c.id is not None for c in cycles)
    push = await _custom(deps, "Push", date(2026, 11, 20), date(2026, 12, 20))
    async with deps.sessions() as session:
        cycles = await selectable_cycles(session, WS, date(2026, 11, 23))
    assert [c.name for c in cycles] == ["Push", "FY2026 Q4", "FY2027 Q1", "Later"]
    assert cycles[0].id == push.id


async def test_cycles_are_scoped_to_the_workspace(bot: Runtime) -> None:
    deps = _deps(bot)
    await _workspace(deps, "T0002")
    ours = await _custom(deps, "Ours", date(2026, 11, 1), date(2026, 11, 30))
    async with deps.sessions() as session:
        assert await cycle_for(session, "T0002", ours.id or 0) is None
        assert (await cycle_for(session, WS, ours.id or 0)).name == "Ours"  # type: ignore[union-attr]
        theirs = await current_cycle(session, "T0002", date(2026, 11, 23))
        await session.commit()
    assert (theirs.name, theirs.workspace_id) == ("FY2026 Q4", "T0002")
    async with deps.sessions() as session:
        with pytest.raises(LookupError):
            await current_cycle(session, "T0404", date(2026, 11, 23))
