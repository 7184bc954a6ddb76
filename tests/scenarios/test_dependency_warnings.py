"""Warnings across teams end to end: a sales KR depends on a marketing KR; when marketing's
owner calls it at risk, the sales owner and the sales lead each get one DM (never the
marketing lead), however often and on however many replicas the tick runs; back on track
and at risk again warns again; the sales digest lists it under "Waiting on other teams";
the monthly review goes to each lead on the month's first working day, once. Signed
requests, the fake Slack, the job runner with a set clock, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from bot.runtime import Runtime
from bot.slack_client import build_client
from scheduler.pacing import Pacer
from scheduler.tick import Scheduler
from storage.dependencies import add_dependency
from storage.models import Delivery, KeyResult, Team
from storage.team_calendar import set_holiday_country
from tests.clock import FakeClock
from tests.conftest import BOT_TOKEN
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import create, dms, kr, run, seed_team
from tests.scenarios.test_checkins import check_in, open_log

SOWN, SLEAD, MOWN, MLEAD = "U0SALES", "U0SLEAD", "U0MKT", "U0MLEAD"
TUESDAY = datetime(2026, 11, 24, 10, tzinfo=UTC)
WARNINGS = "dependency-warnings"


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    for user in (SOWN, SLEAD, MOWN, MLEAD):
        slack.add_user(user, tz="UTC")


async def sales_depends_on_marketing(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    at: datetime = TUESDAY - timedelta(days=1),
    company: str | None = None,
) -> tuple[int, int]:
    """Sales (lead SLEAD, SOWN owns "Contact prospects") depends on Marketing's "Generate
    MQLs" (lead MLEAD, owner MOWN), set up `at`, both objectives aligned to a `company`
    objective when one is named; (sales team id, dependency id)."""
    clock.set(at)
    align: dict[str, Any] = {}
    if company is not None:
        slack.add_user(SLEAD, tz="UTC", is_admin=True)  # company objectives are admins'
        whole = {"title": company, "level": "company", **kr(0, "Revenue", "0", "10")}
        await create(driver, slack, whole, SLEAD)
        align = {"align": ("1", company)}
    sales = await seed_team(bot, "Sales", leads=(SLEAD,), members=(SOWN,), channel="CSALES")
    mkt = await seed_team(bot, "Marketing", leads=(MLEAD,), members=(MOWN,), channel="CMKT")
    slack.add_channel("CSALES", name="sales")
    slack.add_channel("CMKT", name="marketing")
    for user, team, title, line in (
        (SOWN, (sales, "Sales"), "Win new logos", kr(0, "Contact prospects", "0", "50")),
        (MOWN, (mkt, "Marketing"), "Fill the funnel", kr(0, "Generate MQLs", "0", "200")),
    ):
        changes = {"title": title, "level": "team", "team": team, **align, **line}
        await create(driver, slack, changes, user)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        ids = {
            k.title: k.id for k in await session.exec(select(KeyResult).order_by(col(KeyResult.id)))
        }
        dependency = await add_dependency(
            session,
            "T0001",
            upstream_kr_id=ids["Generate MQLs"],
            downstream_kr_id=ids["Contact prospects"],
            created_by=SOWN,
            now=clock(),
            need="200 MQLs a month from campaigns",
        )
        await session.commit()
        assert dependency.id is not None
    slack.reset()
    return sales, dependency.id


async def marketing_checks_in(
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    at: datetime,
    confidence: str,
    note: str,
) -> None:
    clock.set(at)
    view = await open_log(driver, slack, user=MOWN)
    [kr_id] = json.loads(view["private_metadata"])["kr_ids"]
    change = {"value": "110", "confidence": confidence, "note": note}
    response = await check_in(driver, slack, view, user=MOWN, **{f"kr{kr_id}": change})
    assert response.status == 200 and not response.text.strip(), response.text


async def two_replicas_tick(
    bot: Runtime, slack: FakeSlack, clock: FakeClock, at: datetime
) -> list[dict[str, int]]:
    """The whole minute's tick on two schedulers at once (two replicas on one database):
    what the warning job of each sent."""
    assert bot.deps is not None
    replicas = [
        Scheduler(bot.deps, build_client(BOT_TOKEN, slack.url), Pacer(50)) for _ in range(2)
    ]
    clock.set(at)
    counts = await asyncio.gather(*(r.tick(at) for r in replicas))
    return [dict(c.get(WARNINGS, {})) for c in counts]


def warnings(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.args for c in dms(slack, user) if "depends on is now" in json.dumps(c.args)]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


async def test_a_slip_warns_the_downstream_owner_and_lead_once_and_never_the_upstream_lead(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    _sales, dependency_id = await sales_depends_on_marketing(bot, driver, slack, clock)
    assert await run(bot, WARNINGS, TUESDAY, clock) == {}  # no reading yet: nothing to say
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Campaign budget cut")

    assert await run(bot, WARNINGS, TUESDAY + timedelta(minutes=1), clock) == {"sent": 2}
    [to_owner], [to_lead] = warnings(slack, SOWN), warnings(slack, SLEAD)
    assert not warnings(slack, MLEAD) and not warnings(slack, MOWN)
    text = text_of(to_owner)
    assert "at risk" in text and "Marketing · *Generate MQLs* · <@U0MKT> · 110 of 200" in text
    assert "Latest note from <@U0MKT>: “Campaign budget cut”" in text
    assert "What we need: 200 MQLs a month from campaigns" in text
    assert "Sales · *Contact prospects* · <@U0SALES>" in text
    [button] = [e for b in to_owner["blocks"] for e in b.get("elements", []) if "value" in e]
    assert button["value"] == str(dependency_id) and to_lead["blocks"] == to_owner["blocks"]

    # the same status again, on this process or on two replicas at once: nothing more
    assert await run(bot, WARNINGS, TUESDAY + timedelta(minutes=2), clock) == {}
    assert await two_replicas_tick(bot, slack, clock, TUESDAY + timedelta(minutes=3)) == [{}, {}]
    assert len(warnings(slack, SOWN)) == len(warnings(slack, SLEAD)) == 1


async def test_two_replicas_ticking_together_send_each_warning_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "off_track", "Agency quit")
    counts = await two_replicas_tick(bot, slack, clock, TUESDAY + timedelta(minutes=1))
    assert sum(c.get("sent", 0) for c in counts) == 2 and all("failed" not in c for c in counts)
    assert len(warnings(slack, SOWN)) == len(warnings(slack, SLEAD)) == 1
    assert "off track" in text_of(warnings(slack, SOWN)[0])
    async with bot.deps.sessions() as session:
        kinds = (await session.exec(select(Delivery.kind, Delivery.recipient))).all()
    assert sorted(r for k, r in kinds if k == "dep_warning") == sorted([SOWN, SLEAD])


async def test_back_on_track_then_at_risk_again_warns_again(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Budget cut")
    assert await run(bot, WARNINGS, TUESDAY + timedelta(minutes=1), clock) == {"sent": 2}
    later = TUESDAY + timedelta(hours=2)
    await marketing_checks_in(driver, slack, clock, later, "on_track", "Budget back")
    assert await run(bot, WARNINGS, later + timedelta(minutes=1), clock) == {}
    again = later + timedelta(hours=2)
    await marketing_checks_in(driver, slack, clock, again, "at_risk", "Budget cut again")
    assert await run(bot, WARNINGS, again + timedelta(minutes=1), clock) == {"sent": 2}
    assert len(warnings(slack, SOWN)) == len(warnings(slack, SLEAD)) == 2
    assert "“Budget cut again”" in text_of(warnings(slack, SOWN)[-1])
    assert not warnings(slack, MLEAD)


async def test_the_sales_digest_lists_what_it_is_waiting_on(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Campaign budget cut")
    friday = datetime(2026, 11, 27, 16, tzinfo=UTC)
    await run(bot, "digests", friday, clock)
    posts = {c.args["channel"]: c.args for c in slack.calls_to("chat.postMessage") if c.ok}
    sales, marketing = text_of(posts["CSALES"]), text_of(posts["CMKT"])
    assert "*Waiting on other teams* (1)" in sales
    assert "Marketing · *Generate MQLs* · <@U0MKT> · 110 of 200" in sales
    assert "“Campaign budget cut”" in sales and "at risk" in sales
    assert "Waiting on other teams" not in marketing


async def reviews(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.args for c in dms(slack, user) if "Cross-team dependencies" in json.dumps(c.args)]


async def test_the_monthly_review_goes_to_each_lead_on_the_first_working_day_once(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """1 to 7 October 2026 are China's National Day holidays (the 3rd and 4th a weekend):
    the review is due Thursday 8 October at the team's check-in time (09:00)."""
    await sales_depends_on_marketing(bot, driver, slack, clock, datetime(2026, 10, 1, tzinfo=UTC))
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        for team in await session.exec(select(Team)):
            await set_holiday_country(session, team, "CN")
        await session.commit()
    review = "dependency-review"
    for day in range(1, 8):
        assert await run(bot, review, datetime(2026, 10, day, 9, 30, tzinfo=UTC), clock) == {}
    assert await run(bot, review, datetime(2026, 10, 8, 8, 59, tzinfo=UTC), clock) == {}
    assert await run(bot, review, datetime(2026, 10, 8, 9, tzinfo=UTC), clock) == {"sent": 2}
    assert await run(bot, review, datetime(2026, 10, 8, 10, tzinfo=UTC), clock) == {}
    assert await run(bot, review, datetime(2026, 10, 9, 9, tzinfo=UTC), clock) == {}
    [sales_lead], [marketing_lead] = await reviews(slack, SLEAD), await reviews(slack, MLEAD)
    assert not await reviews(slack, SOWN)
    sales_text, marketing_text = text_of(sales_lead), text_of(marketing_lead)
    assert "Thu 8 Oct 2026" in sales_text
    assert "*We depend on* (1)" in sales_text and "Depends on us" not in sales_text
    assert "*Depends on us* (1)" in marketing_text and "We depend on" not in marketing_text
    for text in (sales_text, marketing_text):
        assert "Marketing · *Generate MQLs*" in text and "Sales · *Contact prospects*" in text
        assert "not acknowledged yet" in text


async def statements_of(bot: Runtime, clock: FakeClock, at: datetime) -> int:
    """The SQL statements one warning-job run executes as of `at` (nothing new to send)."""
    assert bot.engine is not None
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    assert bot.rhythm is not None
    clock.set(at)
    event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await bot.rhythm.run(WARNINGS, at) == {}
    finally:
        event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
    return len(seen)


async def test_the_warning_check_costs_the_same_statements_for_one_dependency_or_four(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    """Read every tick, so it must not grow with the dependencies: one statement per
    table whatever their number (here with a warning owed and already sent)."""
    await sales_depends_on_marketing(bot, driver, slack, clock)
    await marketing_checks_in(driver, slack, clock, TUESDAY, "at_risk", "Budget cut")
    assert await run(bot, WARNINGS, TUESDAY, clock) == {"sent": 2}
    one = await statements_of(bot, clock, TUESDAY + timedelta(minutes=1))
    more = {"title": "Run events", "level": "team", "team": (2, "Marketing")}
    for row, title in enumerate(("Webinars held", "Ebooks published", "Fairs attended")):
        more.update(kr(row, title, "0", "10", owner=MOWN))
    await create(driver, slack, more, MOWN)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = await session.exec(select(KeyResult).order_by(col(KeyResult.id)))
        krs = {k.title: k.id for k in rows}
        for title in ("Webinars held", "Ebooks published", "Fairs attended"):
            await add_dependency(
                session,
                "T0001",
                upstream_kr_id=krs[title],
                downstream_kr_id=krs["Contact prospects"],
                created_by=SOWN,
                now=clock(),
            )
        await session.commit()
    assert await statements_of(bot, clock, TUESDAY + timedelta(minutes=2)) == one < 25
