"""`/okr export` and `okr-bot export`: the CSV that reaches the requester's DM through
files v2 parses back to the stored rows; who may export what; the command line writes CSV
and JSON. Signed requests, the fake Slack's uploads, both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.runtime import Runtime
from storage.models import CheckIn, KeyResult, Objective, TargetRevision
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.scenario import BOB, LEAD, ME
from tests.scenarios.test_checkins import check_in, open_log
from tests.scenarios.test_rhythm_flow import team_with_okrs
from tests.scenarios.test_runtime import _bot_env, _run

OUTSIDER = "U0OUT"


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    slack.add_user(ME, tz="Asia/Shanghai", real_name="王伟")
    slack.add_user(BOB, tz="America/New_York", real_name="Bob Stone")
    slack.add_user(LEAD, tz="UTC", real_name="Lee Lead")
    slack.add_user(OUTSIDER, tz="UTC")


async def _seeded(bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock) -> None:
    """Nordics with ME's and BOB's objectives, two check-ins of ME's (one with a Chinese
    note and one that looks like a formula) and a target revision of BOB's."""
    await team_with_okrs(bot, driver, slack)
    clock.set(clock() - timedelta(days=7))
    view = await open_log(driver, slack, user=ME)
    await check_in(driver, slack, view, user=ME, kr1={"value": "1.3M", "note": "上海展会两位销售"})
    clock.set(clock() + timedelta(days=7))
    view = await open_log(driver, slack, user=ME)
    await check_in(driver, slack, view, user=ME, kr1={"value": "1.45M", "note": "=1+1 churn"})
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        session.add(
            TargetRevision(
                workspace_id="T0001",
                key_result_id=2,
                old_target=2_000_000,
                new_target=2_500_000,
                reason="New territory",
                changed_by=LEAD,
                changed_at=clock(),
            )
        )
        await session.commit()
    slack.reset()


async def _ephemeral(driver: SlackDriver, slack: FakeSlack, text: str, user: str) -> str:
    before = len(slack.calls_to("response_url"))
    response = await driver.command(text=text, user_id=user, response_url=slack.response_url())
    assert response.status == 200
    calls = await slack.wait_for("response_url", count=before + 1)
    assert calls[-1].args.get("response_type") == "ephemeral"
    return str(calls[-1].args["text"])


def _rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _number(cell: str) -> float:
    return float(cell)


async def test_the_csv_reaches_the_dm_and_parses_back_to_the_stored_rows(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await _seeded(bot, driver, slack, clock)
    answer = await _ephemeral(driver, slack, "export", LEAD)
    assert "Sent you `okr-FY2026-Q4.csv`" in answer
    [asked] = slack.calls_to("files.getUploadURLExternal")
    [completed] = slack.calls_to("files.completeUploadExternal")
    assert asked.ok and completed.ok
    upload = slack.uploads[asked.response["file_id"]]
    assert upload["completed"] and upload["channels"] == [slack.dm_channel(LEAD)]
    assert upload["filename"] == "okr-FY2026-Q4.csv" and upload["length"] == len(upload["content"])
    rows = _rows(upload["content"])

    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        objectives = (await session.exec(select(Objective).order_by(col(Objective.id)))).all()
        krs = (await session.exec(select(KeyResult).order_by(col(KeyResult.id)))).all()
        checkins = (
            await session.exec(
                select(CheckIn).where(col(CheckIn.deleted_at).is_(None)).order_by(col(CheckIn.id))
            )
        ).all()
        revisions = (await session.exec(select(TargetRevision))).all()

    by_record: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_record.setdefault(row["record"], []).append(row)
    assert [(r["objective_id"], r["objective"], r["team"]) for r in by_record["objective"]] == [
        (str(o.id), o.title, "Nordics") for o in objectives
    ]
    assert [
        (int(r["key_result_id"]), r["key_result"], r["unit"], r["currency"], _number(r["current"]))
        for r in by_record["key_result"]
    ] == [(kr.id, kr.title, kr.unit, kr.currency or "", kr.current_value) for kr in krs]
    assert [
        (int(r["key_result_id"]), r["by_id"], _number(r["value"]), r["note"].lstrip("'"))
        for r in by_record["check_in"]
    ] == [(c.key_result_id, c.user_id, c.value, c.note) for c in checkins]
    [chinese, formula] = by_record["check_in"]
    assert chinese["by"] == "王伟" and chinese["note"] == "上海展会两位销售"
    assert formula["note"] == "'=1+1 churn"  # never run as a formula
    assert chinese["value"] == "1300000"  # a plain number, its unit in its own columns
    [revision] = by_record["target_revision"]
    [stored] = revisions
    assert (int(revision["key_result_id"]), revision["reason"], revision["by"]) == (
        stored.key_result_id,
        stored.reason,
        "Lee Lead",
    )
    assert (_number(revision["old_target"]), _number(revision["new_target"])) == (2e6, 2.5e6)


async def test_a_team_named_is_exported_alone(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await _seeded(bot, driver, slack, clock)
    answer = await _ephemeral(driver, slack, "export FY2026 Q4 Nordics", ME)
    assert "okr-FY2026-Q4-Nordics.csv" in answer
    [upload] = slack.uploads.values()
    assert upload["channels"] == [slack.dm_channel(ME)]
    assert {r["team"] for r in _rows(upload["content"])} == {"Nordics"}


@pytest.mark.parametrize(
    ("text", "user", "says"),
    [
        ("export Nordics", OUTSIDER, "Only team *Nordics*'s leads and members"),
        ("export FY1999 Q1 Nordics", LEAD, "There is no cycle called *FY1999 Q1*"),
        ("export FY2026 Q4 Atlantis", LEAD, "There is no team called *Atlantis*"),
        ("export Atlantis", LEAD, "*Atlantis* is neither a cycle nor a team"),
    ],
)
async def test_an_export_that_cannot_be_sends_nothing(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    text: str,
    user: str,
    says: str,
) -> None:
    await _seeded(bot, driver, slack, clock)
    answer = await _ephemeral(driver, slack, text, user)
    assert says in answer and "Nothing was sent" in answer
    assert slack.calls_to("files.getUploadURLExternal") == []
    assert slack.calls_to("files.completeUploadExternal") == []


async def test_someone_in_no_team_gets_only_their_own(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await _seeded(bot, driver, slack, clock)
    answer = await _ephemeral(driver, slack, "export", OUTSIDER)
    assert "no objectives" in answer and "Nothing was sent" in answer
    assert slack.uploads == {}


async def test_the_command_line_writes_csv_and_json(
    bot: Runtime,
    db_url: str,
    driver: SlackDriver,
    slack: FakeSlack,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    await _seeded(bot, driver, slack, clock)
    env = _bot_env(db_url, slack)
    out = tmp_path / "okr.csv"
    csv_args = ("export", "--format", "csv", "--cycle", "FY2026 Q4", "--out", str(out))
    code, printed, err = await _run(*csv_args, env=env, cwd=tmp_path)
    assert (code, err) == (0, ""), err
    assert printed.strip() == f"FY2026 Q4: 2 objectives written to {out}"
    rows = _rows(out.read_bytes())
    notes = [r["note"] for r in rows if r["record"] == "check_in"]
    assert notes == ["上海展会两位销售", "'=1+1 churn"]
    json_args = ("export", "--format", "json", "--cycle", "fy2026 q4", "--team", "Nordics")
    code, printed, err = await _run(*json_args, env=env, cwd=tmp_path)
    assert code == 0, err
    data: dict[str, Any] = json.loads(printed)
    [grow_me, grow_bob] = data["objectives"]
    assert grow_me["key_results"][0]["check_ins"][0]["note"] == "上海展会两位销售"
    assert grow_bob["key_results"][0]["revisions"][0]["new_target"] == 2.5e6
    code, _, err = await _run("export", "--cycle", "FY1999 Q1", env=env, cwd=tmp_path)
    assert code == 2 and err.startswith("okr-bot: --cycle 'FY1999 Q1': no such cycle; there are")
