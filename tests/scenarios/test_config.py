"""Settings: defaults, normalisation, and one actionable line for each kind of mistake."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0123456789abcdef"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """Only what each test sets: no developer `.env`, no exported variables."""
    for name in [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "PORT",
        "LOG_LEVEL",
        "DEFAULT_TIMEZONE",
        "ADMIN_USER_IDS",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def _set(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, **GOOD)
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite+aiosqlite:///./okr-bot.db"
    assert settings.port == 3000
    assert settings.log_level == "INFO"
    assert settings.default_timezone == "UTC"
    assert settings.socket_mode is False
    assert settings.admin_user_ids == frozenset()


def test_normalises_what_people_type(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(
        monkeypatch,
        **GOOD,
        SLACK_APP_TOKEN="xapp-1-A1-123",
        SLACK_API_URL="http://127.0.0.1:9/api",
        DATABASE_URL="postgresql://okr:pw@db:5432/okr",
        LOG_LEVEL="debug",
        ADMIN_USER_IDS=" U012AB3CD, W045EF6GH ,",
    )
    settings = load_settings()
    assert settings.socket_mode is True
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+asyncpg://okr:pw@db:5432/okr"
    assert settings.log_level == "DEBUG"
    assert settings.admin_user_ids == {"U012AB3CD", "W045EF6GH"}


def test_reads_a_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    (tmp_path / ".env").write_text(  # type: ignore[operator]
        "SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=secretsecret\nPORT=4000\n"
    )
    settings = Settings()  # type: ignore[call-arg]
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.port == 4000


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN is invalid (must be a bot"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN is invalid (must be an app-level"),
        ({**GOOD, "SLACK_API_URL": "slack.com"}, "SLACK_API_URL is invalid"),
        ({**GOOD, "DATABASE_URL": "mysql://x"}, "DATABASE_URL is invalid"),
        ({**GOOD, "PORT": "http"}, "PORT is invalid"),
        ({**GOOD, "PORT": "70000"}, "PORT is invalid"),
        ({**GOOD, "LOG_LEVEL": "loud"}, "LOG_LEVEL is invalid ('loud' is not a log level)"),
        ({**GOOD, "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE is invalid"),
        ({**GOOD, "ADMIN_USER_IDS": "bob"}, "ADMIN_USER_IDS is invalid ('bob' is not a Slack"),
    ],
)
def test_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    _set(monkeypatch, **env)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    line = str(caught.value)
    assert line.startswith(expected)
    assert "\n" not in line
    assert ": " in line.split(")", 1)[-1] or "is not set:" in line  # says how to fix it
