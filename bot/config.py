"""Settings from the environment (and an optional `.env`), validated once at start-up.

A wrong setting must stop the bot with one line that names the variable and says how to
fix it, so every validator raises a message written for the person running the bot.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./okr-bot.db"
#: Slack's signing secrets are 32 characters; anything much shorter is a copying mistake.
MIN_SIGNING_SECRET_CHARS = 8

#: How to fix each setting, shown in the one-line start-up error.
HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": (
        "set it to the app's Bot User OAuth Token (xoxb-...) from api.slack.com/apps "
        "> your app > OAuth & Permissions"
    ),
    "SLACK_SIGNING_SECRET": (
        "set it to the Signing Secret from api.slack.com/apps > your app > Basic Information"
    ),
    "SLACK_APP_TOKEN": (
        "leave it unset for HTTP mode, or set an app-level token (xapp-...) with the "
        "connections:write scope for Socket Mode (Basic Information > App-Level Tokens)"
    ),
    "SLACK_API_URL": "leave it unset, or give an http(s) URL ending in /api/",
    "DATABASE_URL": (
        "use sqlite+aiosqlite:///path/to/okr-bot.db or postgresql://user@host:5432/dbname"
    ),
    "PORT": "give a TCP port number between 1 and 65535",
    "LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "DEFAULT_TIMEZONE": "use an IANA time zone name such as UTC or America/New_York",
    "ADMIN_USER_IDS": "give Slack user ids separated by commas, e.g. U012AB3CD,U045EF6GH",
    "SLACK_POSTS_PER_SECOND": "give how many messages a second the bot may post, e.g. 5",
    "OKR_TEMPLATES_DIR": (
        "leave it unset, or give a folder of *.toml OKR templates (check it with "
        "okr-bot templates --dir FOLDER)"
    ),
}


class ConfigError(Exception):
    """A setting is missing or malformed; str() is the one line to print."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: str = Field(alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field(alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, alias="SLACK_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    default_timezone: str = Field(default="UTC", alias="DEFAULT_TIMEZONE")
    admin_user_ids: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="ADMIN_USER_IDS"
    )
    slack_posts_per_second: float = Field(
        default=5.0, gt=0, le=1000, alias="SLACK_POSTS_PER_SECOND"
    )
    okr_templates_dir: Path | None = Field(default=None, alias="OKR_TEMPLATES_DIR")
    """A workspace's own OKR templates (`*.toml`), offered beside the shipped ones."""

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: str) -> str:
        value = value.strip()
        if len(value) < MIN_SIGNING_SECRET_CHARS:
            raise ValueError(f"shorter than {MIN_SIGNING_SECRET_CHARS} characters")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"{value!r} is not a log level")
        return level

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        value = value.strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> frozenset[str]:
        if isinstance(value, str):
            ids = [part.strip() for part in value.split(",") if part.strip()]
        elif isinstance(value, list | tuple | set | frozenset):
            ids = [str(part).strip() for part in value]
        else:
            raise ValueError("must be a comma-separated list")
        for user_id in ids:
            if user_id[:1] not in {"U", "W"} or not user_id.isalnum():
                raise ValueError(f"{user_id!r} is not a Slack user id")
        return frozenset(ids)

    @field_validator("okr_templates_dir", mode="before")
    @classmethod
    def _templates_dir(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if value is not None and not Path(str(value).strip()).expanduser().is_dir():
            raise ValueError(f"{value!r} is not a folder")
        return Path(str(value).strip()).expanduser() if value is not None else None

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, HTTP otherwise (DESIGN: Configuration)."""
        return self.slack_app_token is not None

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def normalise_database_url(value: str) -> str:
    """Pick the async driver for the URL people usually type (postgresql://, sqlite:///)."""
    value = value.strip()
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + value.split("://", 1)[1]
    if value.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + value.split("://", 1)[1]
    if value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return value
    raise ValueError("must be a sqlite or postgresql URL")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one actionable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_problem(exc.errors()[0])[1]) from None


def describe_problem(error: Any) -> tuple[str, str]:
    """(variable name, one line saying what is wrong and how to fix it) for a pydantic error."""
    field = str(error["loc"][0]) if error["loc"] else "settings"
    name = _env_name(field)
    hint = HINTS.get(name, "check its value")
    if error["type"] == "missing":
        return name, f"{name} is not set: {hint}."
    reason = str(error["msg"]).removeprefix("Value error, ")
    return name, f"{name} is invalid ({reason}): {hint}."


def _env_name(field: str) -> str:
    for name, info in Settings.model_fields.items():
        if field in {name, info.alias}:
            return info.alias or name.upper()
    return field.upper()
