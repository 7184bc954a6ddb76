"""`okr-bot jobs run` as an operator types it, in a real process."""

from __future__ import annotations

from pathlib import Path

from bot.runtime import Runtime
from tests.fakeslack import FakeSlack
from tests.scenario import seed_team
from tests.scenarios.test_runtime import _bot_env, _run


async def test_a_team_nobody_has_is_an_error_naming_the_teams(
    bot: Runtime, db_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    await seed_team(bot, "Nordics")
    await seed_team(bot, "DACH", channel="CDACH")
    env = _bot_env(db_url, slack)
    code, out, err = await _run(
        "jobs", "run", "digests", "--team", "NoSuchTeam", env=env, cwd=tmp_path
    )
    assert code == 2 and out == ""
    assert err.strip() == (
        "okr-bot: --team 'NoSuchTeam': no team has that name (exactly); "
        "the teams are 'DACH', 'Nordics'."
    )
    code, out, _ = await _run(
        "jobs",
        "run",
        "digests",
        "--team",
        "DACH",
        "--at",
        "2026-11-23T08:00:00+00:00",
        env=env,
        cwd=tmp_path,
    )
    assert code == 0 and out.startswith("digests as of 2026-11-23T08:00:00+00:00")
