"""History shows a key result as the sentence a person would type for it (issue 11, point 6),
through a signed block action on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from blocks import ids
from bot.runtime import Runtime
from okr.kr_sentence import KRReading, read_kr
from storage.cycles import current_cycle
from storage.models import KeyResult, Objective
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import ME, add_people, seed_team

#: (title, kind, unit, currency, start, target, unit word, period) as stored.
STORED = [
    ("Churn", "stay_below", "percent", None, 3.0, 3.0, None, None),
    ("Quarterly revenue", "increase", "currency", "USD", 1e6, 1.2e6, None, None),
    ("New prospects contacted", "quota", "number", None, 0.0, 50.0, "new prospects", "week"),
    ("联系潜在客户", "quota", "number", None, 0.0, 50.0, "个潜在客户", "week"),
    ("客户流失率", "stay_below", "percent", None, 3.0, 3.0, None, None),
]
SENTENCES = [
    "Keep churn below 3%",
    "Increase quarterly revenue from $1M to $1.2M",
    "Contact 50 new prospects every week",
    "每周联系50个潜在客户",
    "客户流失率保持在3%以下",
]


async def _store(bot: Runtime) -> tuple[list[int], Any]:
    assert bot.deps is not None
    team_id = await seed_team(bot)
    now = bot.deps.clock()
    async with bot.deps.sessions() as session:
        cycle = await current_cycle(session, "T0001", now.date())
        objective = Objective(
            workspace_id="T0001",
            cycle_id=cycle.id,
            team_id=team_id,
            level="team",
            title="Grow East region revenue",
            owner_id=ME,
            created_by=ME,
            created_at=now,
            updated_at=now,
        )
        session.add(objective)
        await session.flush()
        rows = []
        for position, (title, kind, unit, code, start, target, word, period) in enumerate(STORED):
            row = KeyResult(
                workspace_id="T0001",
                objective_id=objective.id,
                position=position,
                title=title,
                kind=kind,
                unit=unit,
                currency=code,
                start_value=start,
                target_value=target,
                original_target=target,
                current_value=start,
                owner_id=ME,
                unit_word=word,
                period=period,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            rows.append(row)
        await session.commit()
        return [row.id for row in rows if row.id is not None], cycle


async def test_history_heads_each_kr_with_its_sentence(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    add_people(slack)
    kr_ids, cycle = await _store(bot)
    for n, (kr_id, sentence) in enumerate(zip(kr_ids, SENTENCES, strict=True)):
        response = await driver.block_action(ids.SHOW_KR_HISTORY, value=str(kr_id), user_id=ME)
        assert response.status == 200
        view = (await slack.wait_for("views.open", count=n + 1))[-1].args["view"]
        heading = view["blocks"][0]["text"]["text"]
        assert heading == f"*{sentence}*\nObjective: Grow East region revenue"
        # what History shows is what a person would type: it reads back to the stored KR
        reading = read_kr(sentence, cycle_start=cycle.start_date, cycle_end=cycle.end_date)
        assert isinstance(reading, KRReading)
        title, kind, unit, code, start, target, word, period = STORED[n]
        assert (reading.title, reading.kind, reading.unit, reading.currency) == (
            title, kind, unit, code,
        )  # fmt: skip
        assert (reading.start, reading.target, reading.unit_word, reading.period) == (
            start, target, word, period,
        )  # fmt: skip
