"""`okr-bot doctor`: one line per check, with what to do when it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.config import HINTS, Settings, describe_problem
from bot.scopes import REQUIRED_BOT_SCOPES
from bot.slack_client import build_client
from storage.engine import create_engine
from storage.migrate import current_revision, head_revision

DOCTOR_TIMEOUT_S = 10


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def check_settings(load: Callable[[], Settings] = Settings) -> tuple[Settings | None, list[Check]]:
    """Every setting, each on its own line, so all problems show at once."""
    try:
        settings = load()
    except ValidationError as exc:
        bad = {}
        for error in exc.errors():
            name, line = describe_problem(error)
            bad.setdefault(name, line)
        checks = [Check(name, name not in bad, bad.get(name, "ok")) for name in HINTS]
        return None, checks
    shown = {
        "SLACK_BOT_TOKEN": "set",
        "SLACK_SIGNING_SECRET": "set",
        "SLACK_APP_TOKEN": "set: Socket Mode" if settings.socket_mode else "unset: HTTP mode",
        "SLACK_API_URL": settings.slack_api_url,
        "DATABASE_URL": _redact(settings.database_url),
        "PORT": str(settings.port),
        "LOG_LEVEL": settings.log_level,
        "DEFAULT_TIMEZONE": settings.default_timezone,
        "ADMIN_USER_IDS": ", ".join(sorted(settings.admin_user_ids)) or "none",
    }
    return settings, [Check(name, True, value) for name, value in shown.items()]


async def check_database(settings: Settings) -> Check:
    engine = create_engine(settings.database_url)
    try:
        current = await current_revision(engine)
    except Exception as exc:
        return Check("database", False, f"cannot connect ({exc!s:.150}): {HINTS['DATABASE_URL']}")
    finally:
        await engine.dispose()
    head = head_revision()
    if current != head:
        return Check(
            "database",
            False,
            f"at migration {current or 'none'}, expected {head}: run `okr-bot migrate`",
        )
    return Check("database", True, f"reachable, migrated to {head}")


async def check_slack(settings: Settings) -> list[Check]:
    client = build_client(
        settings.slack_bot_token, settings.slack_api_url, timeout=DOCTOR_TIMEOUT_S
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown error")
        return [
            Check(
                "slack auth.test",
                False,
                f"Slack refused the bot token ({error}): copy it again from OAuth & Permissions, "
                "reinstalling the app if it was revoked",
            )
        ]
    except Exception as exc:
        return [
            Check(
                "slack auth.test",
                False,
                f"cannot reach {settings.slack_api_url} ({exc!r:.150}): "
                "check the network or SLACK_API_URL",
            )
        ]
    checks = [
        Check(
            "slack auth.test",
            True,
            f"bot {response.get('user')} in workspace {response.get('team')}",
        )
    ]
    granted = {
        s.strip() for s in response.headers.get("x-oauth-scopes", "").split(",") if s.strip()
    }
    missing = [scope for scope in REQUIRED_BOT_SCOPES if scope not in granted]
    if missing:
        checks.append(
            Check(
                "slack scopes",
                False,
                f"missing {', '.join(missing)}: add them under OAuth & Permissions "
                "(or recreate the app from manifest.yml) and reinstall the app",
            )
        )
    else:
        checks.append(Check("slack scopes", True, "all scopes of manifest.yml are granted"))
    if settings.slack_app_token:
        checks.append(await _check_app_token(settings))
    return checks


async def _check_app_token(settings: Settings) -> Check:
    client = build_client(
        settings.slack_app_token or "", settings.slack_api_url, timeout=DOCTOR_TIMEOUT_S
    )
    try:
        await client.apps_connections_open(app_token=settings.slack_app_token or "")
    except SlackApiError as exc:
        return Check(
            "slack socket mode",
            False,
            f"the app-level token was refused ({exc.response.get('error')}): "
            + HINTS["SLACK_APP_TOKEN"],
        )
    except Exception as exc:
        return Check("slack socket mode", False, f"cannot reach Slack ({exc!r:.150})")
    return Check("slack socket mode", True, "the app-level token can open a connection")


async def run_doctor(load: Callable[[], Settings] = Settings) -> list[Check]:
    settings, checks = check_settings(load)
    if settings is None:
        return checks
    checks.append(await check_database(settings))
    checks.extend(await check_slack(settings))
    return checks


def _redact(url: str) -> str:
    """Hide a password in a database URL."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"
