"""Fixtures: the real bot on a real database, a fake Slack on loopback, a signed driver."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.runtime import Runtime
from tests.clock import FakeClock, RecordedWaits
from tests.databases import postgres_database, reset_database, server_url
from tests.driver import SlackDriver
from tests.emoji import codes_in, unknown
from tests.fakeslack import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """One fresh database per test run, dropped at the end."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test that stores anything runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'okr.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip(f"no PostgreSQL reachable at {server_url()} (set TEST_POSTGRES_URL)")
    await reset_database(url)
    yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def retry_waits() -> RecordedWaits:
    """The Slack client's waits between retries, recorded instead of slept."""
    return RecordedWaits()


@pytest.fixture
def slack_locale() -> str:
    """The Slack language of the fake Slack's people: `OKR_TEST_LOCALE=zh-CN` runs any
    scenario in Chinese; a module overrides this fixture to run in both languages."""
    return os.environ.get("OKR_TEST_LOCALE", "en-US")


@pytest.fixture
async def slack(slack_locale: str) -> AsyncIterator[FakeSlack]:
    """The fake Slack; when the test ends, every `:name:` the bot sent must be an emoji Slack
    knows (an unknown one shows as its code), or the test fails here."""
    async with FakeSlack(default_locale=slack_locale) as fake:
        yield fake
        sent = unknown(codes_in([call.args for call in fake.calls]))
        assert not sent, f"emoji Slack does not know were sent: {sorted(sent)}"


def make_settings(db_url: str, slack_url: str, **extra: object) -> Settings:
    """Settings as an operator would give them, ignoring any developer `.env`."""
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": db_url,
        "SLACK_APP_TOKEN": "",
        "ADMIN_USER_IDS": "",
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def bot(
    db_url: str, slack: FakeSlack, clock: FakeClock, retry_waits: RecordedWaits
) -> AsyncIterator[Runtime]:
    """The whole bot, migrated and listening on a free loopback port. Its scheduler does
    not tick on its own: tests run the rhythm at the times they set. Its Slack client
    records the waits between retries in `retry_waits` instead of sleeping them."""
    runtime = Runtime(
        make_settings(db_url, slack.url),
        clock=clock,
        host="127.0.0.1",
        port=0,
        scheduler=False,
        retry_sleep=retry_waits,
    )
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest.fixture
async def driver(bot: Runtime, slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    """Signed requests into `bot`; response_urls point at the fake Slack, which records them."""
    async with SlackDriver(
        f"http://127.0.0.1:{bot.port}", SIGNING_SECRET, response_urls=slack.response_url
    ) as slack_in:
        yield slack_in
