"""The bot as an operator runs it: the CLI in a real process, Socket Mode, the scheduler."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.runtime import Runtime
from scheduler.runner import Ticker
from storage.context import Deps
from storage.migrate import head_revision
from tests.clock import FakeClock
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack

OKR_BOT = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _env(**values: str) -> dict[str, str]:
    """A clean environment: only PATH-like basics plus what the test gives."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT), **values}


async def _run(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *OKR_BOT,
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def _bot_env(db_url: str, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        DATABASE_URL=db_url,
        **extra,
    )


async def test_missing_settings_stop_start_up_with_one_line(tmp_path: Path) -> None:
    code, out, err = await _run("run", env=_env(), cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "okr-bot: SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token "
        "(xoxb-...) from api.slack.com/apps > your app > OAuth & Permissions."
    ]


async def test_unreachable_database_is_one_line(tmp_path: Path, slack: FakeSlack) -> None:
    env = _bot_env("postgresql://nobody@127.0.0.1:1/none", slack)
    code, _, err = await _run("run", env=env, cwd=tmp_path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okr-bot: DATABASE_URL cannot be opened")
    assert "Traceback" not in err


async def test_migrate_then_run_then_sigterm_stops_cleanly(
    db_url: str, slack: FakeSlack, tmp_path: Path, unused_tcp_port: int
) -> None:
    env = _bot_env(db_url, slack, PORT=str(unused_tcp_port))
    code, out, _ = await _run("migrate", env=env, cwd=tmp_path)
    assert (code, out.strip()) == (0, f"database migrated to {head_revision()}")

    proc = await asyncio.create_subprocess_exec(
        *OKR_BOT, "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with aiohttp.ClientSession() as http:
            status = await _poll_health(http, f"http://127.0.0.1:{unused_tcp_port}/healthz")
        assert status == 200
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 15)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0
    log = err.decode()
    assert "shutting down" in log and log.rstrip().endswith("stopped")
    assert "Traceback" not in log
    # Bolt's warning that our client wins over SLACK_BOT_TOKEN is filtered by bot.logs.
    assert warning_client_prioritized_and_token_skipped() not in log


@pytest.mark.parametrize("slack_is", ["silent", "refusing"])
async def test_sigterm_while_socket_mode_connects_stops_cleanly(
    slack: FakeSlack, tmp_path: Path, unused_tcp_port_factory: Callable[[], int], slack_is: str
) -> None:
    """Slack unreachable: apps.connections.open never answers, or nothing listens."""
    health_port = unused_tcp_port_factory()
    if slack_is == "silent":
        slack.delay("apps.connections.open", 60)
        api_url = slack.url
    else:
        api_url = f"http://127.0.0.1:{unused_tcp_port_factory()}/api/"
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN="xapp-1-A0001-1-abc",
        SLACK_API_URL=api_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'okr.db'}",
        PORT=str(health_port),
    )
    proc = await asyncio.create_subprocess_exec(
        *OKR_BOT, "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with aiohttp.ClientSession() as http:
            status = await _poll_health(http, f"http://127.0.0.1:{health_port}/healthz")
        assert status == 200  # started up to Socket Mode's connect, which now hangs
        if slack_is == "silent":
            await slack.wait_for("apps.connections.open", timeout=10)
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 15)
        took = time.monotonic() - signalled
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = err.decode()
    assert proc.returncode == 0, log
    assert took < 5
    assert "shutting down" in log and log.rstrip().endswith("stopped")


async def test_bad_signatures_do_not_grow_the_log(
    db_url: str, slack: FakeSlack, tmp_path: Path, unused_tcp_port: int
) -> None:
    """Five 900 kB requests with a bad signature: one short line, not the bodies."""
    env = _bot_env(db_url, slack, PORT=str(unused_tcp_port))
    proc = await asyncio.create_subprocess_exec(
        *OKR_BOT, "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    stderr = asyncio.ensure_future(proc.stderr.read())  # drained as it comes, as a log file is
    body = "text=" + "BODY" * 225_000
    url = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        async with aiohttp.ClientSession() as http:
            assert await _poll_health(http, url + "/healthz") == 200
            for _ in range(5):
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": str(int(time.time())),
                    "X-Slack-Signature": "v0=" + "0" * 64,
                }
                async with http.post(url + "/slack/events", data=body, headers=headers) as resp:
                    assert resp.status == 401
        proc.send_signal(signal.SIGTERM)
        err = await asyncio.wait_for(stderr, 15)
        await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = err.decode()
    assert "BODY" not in log
    assert len(log) < 2000
    [refused] = [line for line in log.splitlines() if "refused" in line]
    assert refused.endswith(
        "WARNING bot.server: refused a request from 127.0.0.1 with 401: "
        "invalid or expired signature"
    )


async def _poll_health(http: aiohttp.ClientSession, url: str) -> int:
    for _ in range(200):
        try:
            async with http.get(url) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered")


async def test_doctor_passes_against_a_good_setup(
    db_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    env = _bot_env(db_url, slack)
    assert (await _run("migrate", env=env, cwd=tmp_path))[0] == 0
    code, out, _ = await _run("doctor", env=env, cwd=tmp_path)
    assert code == 0, out
    assert f"ok    database: reachable, migrated to {head_revision()}" in out
    assert "ok    slack scopes: all scopes of manifest.yml are granted" in out
    assert out.strip().endswith("checks passed")
    assert "FAIL" not in out


async def test_doctor_names_missing_scopes_and_bad_tokens(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    async with FakeSlack(scopes=["commands", "chat:write"]) as slack:
        code, out, _ = await _run("doctor", env=_bot_env(db, slack), cwd=tmp_path)
        assert code == 1
        assert (
            f"FAIL  database: at migration none, expected {head_revision()}: "
            "run `okr-bot migrate`" in out
        )
        assert (
            "FAIL  slack scopes: missing im:write, im:history, users:read, channels:read, "
            "groups:read, "
            "files:write" in out
        )
        slack.fail("auth.test", error="invalid_auth")
        code, out, _ = await _run("doctor", env=_bot_env(db, slack), cwd=tmp_path)
        assert code == 1
        assert "FAIL  slack auth.test: Slack refused the bot token (invalid_auth)" in out


async def test_doctor_says_in_one_line_why_it_cannot_connect(
    tmp_path: Path, unused_tcp_port_factory: Callable[[], int]
) -> None:
    db_port, slack_port = unused_tcp_port_factory(), unused_tcp_port_factory()
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"http://127.0.0.1:{slack_port}/api/",
        DATABASE_URL=f"postgresql://nobody@127.0.0.1:{db_port}/none",
    )
    code, out, err = await _run("doctor", env=env, cwd=tmp_path)
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failed == [
        f"FAIL  database: cannot open postgresql+asyncpg://nobody@127.0.0.1:{db_port}/none: "
        "connection refused — check that the database server runs and DATABASE_URL names a "
        "database you may write to",
        f"FAIL  slack auth.test: cannot reach Slack at http://127.0.0.1:{slack_port}/api/: "
        "connection refused — check SLACK_API_URL and the network",
    ]
    assert "Traceback" not in err


async def test_doctor_says_when_slack_api_url_is_not_slack(
    tmp_path: Path, slack: FakeSlack
) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"{slack.base_url}/nothing/",
        DATABASE_URL=db,
    )
    code, out, err = await _run("doctor", env=env, cwd=tmp_path)
    assert code == 1
    assert (
        f"FAIL  slack auth.test: {slack.base_url}/nothing/ answered HTTP 404, not as Slack's "
        "Web API does — check SLACK_API_URL (leave it unset for Slack itself)"
    ) in out.splitlines()
    assert "Traceback" not in err


async def test_doctor_lists_every_bad_setting(tmp_path: Path) -> None:
    code, out, _ = await _run("doctor", env=_env(SLACK_BOT_TOKEN="nope", PORT="x"), cwd=tmp_path)
    assert code == 1
    failed = [line.split(":")[0] for line in out.splitlines() if line.startswith("FAIL")]
    assert failed == [
        "FAIL  SLACK_BOT_TOKEN",
        "FAIL  SLACK_SIGNING_SECRET",
        "FAIL  PORT",
    ]


async def test_socket_mode_serves_the_same_listeners(db_url: str, slack: FakeSlack) -> None:
    settings = make_settings(db_url, slack.url, SLACK_APP_TOKEN="xapp-1-A0001-1-abc")
    async with Runtime(settings, host="127.0.0.1", port=0) as bot:
        ack = await slack.socket_send(
            "slash_commands",
            {
                "token": "t",
                "team_id": "T0001",
                "user_id": "U1",
                "command": "/okr",
                "text": "nope",
                "channel_id": "C1",
                "trigger_id": "1.2.3",
                "response_url": slack.response_url("cmd"),
                "api_app_id": "A0001",
            },
        )
        payload = ack["payload"]
        assert payload["response_type"] == "ephemeral"
        assert "I don't know `nope`" in str(payload["blocks"])
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{bot.port}"
            async with http.get(base + "/healthz") as response:
                assert response.status == 200
            async with http.post(base + "/slack/events", data="x") as response:
                assert response.status == 404  # no HTTP listener in Socket Mode
    assert not slack.socket_connected


async def test_ticker_runs_jobs_at_the_injected_time(
    bot: Runtime, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[datetime] = []

    async def broken(deps: Deps, now: datetime) -> None:
        raise RuntimeError("boom")

    async def record(deps: Deps, now: datetime) -> None:
        seen.append(now)

    assert bot.deps is not None
    ticker = Ticker(bot.deps, [broken, record])
    clock.set(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    with caplog.at_level(logging.ERROR):
        await ticker.tick()
    assert seen == [datetime(2027, 3, 8, 9, 0, tzinfo=UTC)]
    assert any("job broken failed" in r.getMessage() for r in caplog.records)


async def test_scheduler_runs_with_the_bot_and_stops_with_it(db_url: str, slack: FakeSlack) -> None:
    runtime = Runtime(make_settings(db_url, slack.url), host="127.0.0.1", port=0)
    await runtime.start()
    ticker = runtime.ticker
    assert ticker is not None and ticker.running
    await runtime.stop()
    assert not ticker.running
    await runtime.stop()  # a second stop is harmless


async def test_stop_lets_acknowledged_listeners_finish(
    db_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    """A listener that acked keeps working through stop(): its last Slack call is made
    before stop() returns and the database closes, so a SIGTERM cuts nothing off."""
    slack.add_user("U0042")
    slack.delay("users.info", 0.5)  # the Home tab asks who U0042 is, slowly
    runtime = Runtime(
        make_settings(db_url, slack.url), clock=clock, host="127.0.0.1", port=0, scheduler=False
    )
    await runtime.start()
    try:
        async with SlackDriver(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET) as driver:
            response = await driver.event(
                {"type": "app_home_opened", "user": "U0042", "tab": "home"}
            )
        assert response.status == 200
        assert runtime.listener_tasks.running == 1
        assert slack.calls_to("views.publish") == []
    finally:
        await runtime.stop()
    assert runtime.listener_tasks.running == 0
    [published] = slack.calls_to("views.publish")
    assert published.ok and published.args["user_id"] == "U0042"
