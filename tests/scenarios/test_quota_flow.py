"""A quota KR through a whole quarter, as a rep lives it: "Contact 50 prospects a week" set
through `/okr set`, Monday prompts (the scheduler run at the times the test sets) whose
check-in asks for last week's count, a week missed, a week away, a week split across two
check-ins, *No change* refused for the count, the digest and the cycle close. Signed
requests, the fake Slack, SQLite and PostgreSQL.

The team and the rep are in Stockholm; the quarter is FY2026 Q3 (1 July to 30 September
2026), whose weeks run from Monday 29 June (Thursday 2 July is in July) to the week of 21
September: 13 weeks.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from blocks import ids
from blocks.checkin_modal import confidence_block, value_block
from blocks.cycle_close import GRADE_COLOURS
from blocks.quota_lines import period_block
from bot.runtime import Runtime
from okr.periods import Period, periods_between
from okr.progress import grade
from storage.models import CheckIn, KeyResult
from storage.teams import save_team
from storage.workspaces import ensure_workspace
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import LEAD, ME, create, dms, kr, run

ZONE = ZoneInfo("Europe/Stockholm")
WEEKS = periods_between(date(2026, 7, 1), date(2026, 9, 30), Period.WEEK)
QUOTA = 50


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time, as the UTC instant the clock is set to."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def monday_after(week: int) -> date:
    """The Monday after the quarter's `week` (1-based), when its count is asked for."""
    return WEEKS[week - 1].last + timedelta(days=1)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="Europe/Stockholm")
    slack.add_user(LEAD, tz="Europe/Stockholm")
    slack.add_channel("CSALES", name="sales")


async def _team(bot: Runtime) -> int:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        await ensure_workspace(session, "T0001", bot.deps.clock())
        team = await save_team(
            session,
            "T0001",
            team_id=None,
            name="Nordics",
            channel_id="CSALES",
            timezone="Europe/Stockholm",
            leads=(LEAD,),
            members=(ME,),
            author=LEAD,
            now=bot.deps.clock(),
        )
        await session.commit()
        assert team.id is not None
        return team.id


async def _click(driver: SlackDriver, action_id: str, prompt: Any) -> None:
    """A button of the prompt message `prompt`, clicked by the rep."""
    await driver.block_action(
        action_id,
        value="",
        user_id=ME,
        channel_id=prompt.response["channel"],
        message={"ts": prompt.response["ts"], "text": "prompt"},
    )


async def _open_from_prompt(driver: SlackDriver, slack: FakeSlack, prompt: Any) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    await _click(driver, ids.CHECK_IN, prompt)
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


async def _open_log(driver: SlackDriver, slack: FakeSlack) -> dict[str, Any]:
    before = len(slack.calls_to("views.open"))
    assert (await driver.command(text="log", user_id=ME)).status == 200
    return (await slack.wait_for("views.open", count=before + 1))[-1].response["view"]


async def _submit(
    driver: SlackDriver,
    slack: FakeSlack,
    view: dict[str, Any],
    kr_id: int,
    count: str,
    *,
    period: str | None = None,
    confidence: str | None = None,
) -> Any:
    changes: dict[str, Any] = {value_block(kr_id): count}
    if period is not None:
        changes[period_block(kr_id)] = period
    values = fill(view, changes)
    if confidence is not None:
        option = {"text": {"type": "plain_text", "text": confidence}, "value": confidence}
        values[confidence_block(kr_id)] = {
            ids.CHECK_IN_CONFIDENCE: {"type": "static_select", "selected_option": option}
        }
    before = len(slack.calls_to("views.publish"))
    response = await driver.view_submission(ids.CHECK_IN_VIEW, values, user_id=ME, view=view)
    if response.status == 200 and not response.text.strip():
        await slack.wait_for("views.publish", count=before + 1)  # stored, Home refreshed
    return response


def _field(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def _readings(bot: Runtime) -> list[tuple[str | None, float]]:
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = await session.exec(
            select(CheckIn)
            .where(col(CheckIn.deleted_at).is_(None))
            .order_by(col(CheckIn.created_at), col(CheckIn.id))
        )
        return [(c.period_key, c.value) for c in rows]


async def test_a_quarter_of_a_weekly_quota(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    clock.set(at(date(2026, 7, 1), 10))
    team_id = await _team(bot)
    await create(
        driver,
        slack,
        {
            "title": "Fill the pipeline",
            "level": "team",
            "team": (team_id, "Nordics"),
            **kr(0, "Prospects contacted", "", str(QUOTA), kind="quota_week"),
        },
    )
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        [row] = (await session.exec(select(KeyResult))).all()
    assert (row.kind, row.period, row.target_value) == ("quota", "week", QUOTA)
    kr_id = row.id or 0
    assert len(WEEKS) == 13 and WEEKS[0].first == date(2026, 6, 29)

    # The count each week ends with; None: missed (week 4) or away (week 8).
    weekly = [50, 44, 38, None, 60, 20, 55, None, 50, 30, 52, 45, 48]
    counts: dict[int, float | None] = dict(enumerate(weekly, start=1))
    stored_periods: list[str] = []

    for week in range(1, 14):
        monday = monday_after(week)
        sent = await run(bot, "checkins", at(monday), clock)
        if week == 8:  # away all week 8 (and the Monday after): no prompt
            assert sent == {}
            continue
        assert sent == {"sent": 1}, (week, sent)
        prompt = dms(slack, ME)[-1]
        if week == 2:
            # *No change* never copies last week's count: nothing stored, and it says so
            await _click(driver, ids.NO_CHANGE, prompt)
            [note] = await slack.wait_for(
                "chat.postMessage", match=lambda a: "does not apply to quotas" in str(a)
            )
            assert "*Prospects contacted* was left unreported" in note.args["text"]
            assert len(await _readings(bot)) == len(stored_periods)
        if week == 9:
            text = json.dumps(prompt.args)
            # week 8 was away, week 9's count not in yet
            assert "last week no reading" in text and "quota met 3 of 8 weeks" in text, text
        if week == 7:
            # on Monday of week 8 the rep says they are away until the Monday after
            opens = len(slack.calls_to("views.open"))
            await _click(driver, ids.AWAY, prompt)
            opened = (await slack.wait_for("views.open", count=opens + 1))[-1]
            until = monday_after(8).isoformat()
            response = await driver.view_submission(
                ids.AWAY_VIEW,
                {"away_until": {"away_until": {"type": "datepicker", "selected_date": until}}},
                user_id=ME,
                view=opened.response["view"],
            )
            assert response.status == 200 and response.text in ("", "{}")
        view = await _open_from_prompt(driver, slack, prompt)
        field = _field(view, value_block(kr_id))
        label = field["label"]["text"]
        assert label == f"Prospects contacted, {WEEKS[week - 1].label} — quota {QUOTA}", label
        assert "initial_value" not in field["element"]  # no invented count
        asked = _field(view, period_block(kr_id))["element"]["initial_option"]["value"]
        assert asked == WEEKS[week - 1].key
        if week == 4:
            continue  # missed: the rep never answers this one
        if week == 13:
            # week 13 was split: a first count on Wednesday, the final one now
            assert (WEEKS[12].key, 20.0) in await _readings(bot)
        count = counts[week]
        assert count is not None
        confidence = "at_risk" if week == 6 else None
        response = await _submit(driver, slack, view, kr_id, f"{count:g}", confidence=confidence)
        assert response.status == 200 and not response.text.strip(), (week, response.text)
        stored_periods.append(WEEKS[week - 1].key)
        if week == 12:
            # Wednesday of week 13: /okr log asks for this week (last week is in)
            clock.set(at(monday_after(12) + timedelta(days=2), 15))
            midweek = await _open_log(driver, slack)
            chosen = _field(midweek, period_block(kr_id))["element"]["initial_option"]["value"]
            assert chosen == WEEKS[12].key
            assert (await _submit(driver, slack, midweek, kr_id, "20")).status == 200
            stored_periods.append(WEEKS[12].key)
        if week == 6:
            # Friday of week 7: the owner's own "at risk" puts the KR under At risk,
            # though the suggestion (last three weeks: 0.76, 1, 0.4) is on track
            friday = at(monday_after(6) + timedelta(days=4), 16)
            assert (await run(bot, "digests", friday, clock)).get("sent", 0) >= 1
            [digest] = [
                c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CSALES"
            ][-1:]
            text = json.dumps(digest.args, ensure_ascii=False)
            assert "*At risk* (1)" in text and "Prospects contacted" in text, text
            assert "on track" in text and "owner: :large_yellow_circle: at risk" in text

    assert [key for key, _ in await _readings(bot)] == stored_periods
    assert [value for _, value in await _readings(bot)][-2:] == [20.0, 48.0]

    # Bad input: a negative count, a week of another quarter; nothing stored.
    clock.set(at(date(2026, 9, 29), 10))
    view = await _open_log(driver, slack)
    before = await _readings(bot)
    negative = await _submit(driver, slack, view, kr_id, "-3")
    assert "cannot be negative" in negative.json()["errors"][value_block(kr_id)]
    outside = await _submit(driver, slack, view, kr_id, "12", period="2026-W41")
    assert outside.json()["errors"][period_block(kr_id)].startswith("Pick a week of this cycle")
    assert await _readings(bot) == before

    # Cycle close, the day after the quarter at the team's digest time (16:00 Stockholm).
    close = at(date(2026, 10, 1), 16)
    assert await run(bot, "cycle-close", close, clock) == {"sent": 1}
    [summary] = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.args["channel"] == "CSALES" and "final scores" in json.dumps(c.args)
    ]
    # Week 8 (away) is left out: 12 weeks. Week 4 (missed) counts 0. Week 13 counts 48.
    counted = [c for w, c in counts.items() if w != 8]
    met = sum(1 for c in counted if c is not None and c >= QUOTA)
    reported = [c for c in counted if c is not None]
    score = sum(min(1.0, (c or 0) / QUOTA) for c in counted) / len(counted)
    average = round(sum(reported) / len(reported))
    colour = GRADE_COLOURS[grade(score)]
    line = f"quota met {met} of 12 weeks · avg {average} of {QUOTA} · {colour} {score:.2f}"
    assert (met, average, f"{score:.2f}") == (5, 45, "0.79")
    assert line in json.dumps(summary.args, ensure_ascii=False)
