"""`okr-bot doctor`: one line per check, with what to do when it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.config import HINTS, Settings, describe_problem
from bot.reasons import plain_reason
from bot.scopes import REQUIRED_BOT_SCOPES
from bot.server import paused_sends
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
        return Check(
            "database",
            False,
            f"cannot open {_redact(settings.database_url)}: {plain_reason(exc)} — check that "
            "the database server runs and DATABASE_URL names a database you may write to",
        )
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


async def check_sends(settings: Settings) -> Check:
    """Whether a workspace's sends are paused because Slack refused the token."""
    engine = create_engine(settings.database_url)
    try:
        paused = await paused_sends(engine)
    except Exception as exc:
        return Check("slack sends", False, f"cannot read the ledger: {plain_reason(exc)}")
    finally:
        await engine.dispose()
    if not paused:
        return Check("slack sends", True, "not paused")
    where = "; ".join(f"{p['workspace']} since {p['since']} ({p['reason']})" for p in paused)
    return Check(
        "slack sends",
        False,
        f"paused because Slack refused the bot token: {where} — fix SLACK_BOT_TOKEN (reinstall "
        "the app if it was revoked); sends resume by themselves at the next tick after Slack "
        "accepts it",
    )


async def check_slack(settings: Settings) -> list[Check]:
    client = build_client(
        settings.slack_bot_token, settings.slack_api_url, timeout=DOCTOR_TIMEOUT_S
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = _slack_error(exc)
        if error is None:
            return [Check("slack auth.test", False, _not_slack(settings, exc))]
        return [
            Check(
                "slack auth.test",
                False,
                f"Slack refused the bot token ({error}): copy it again from OAuth & Permissions, "
                "reinstalling the app if it was revoked",
            )
        ]
    except Exception as exc:
        return [Check("slack auth.test", False, _unreachable(settings, exc))]
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
        error = _slack_error(exc)
        if error is None:
            return Check("slack socket mode", False, _not_slack(settings, exc))
        return Check(
            "slack socket mode",
            False,
            f"the app-level token was refused ({error}): " + HINTS["SLACK_APP_TOKEN"],
        )
    except Exception as exc:
        return Check("slack socket mode", False, _unreachable(settings, exc))
    return Check("slack socket mode", True, "the app-level token can open a connection")


async def run_doctor(load: Callable[[], Settings] = Settings) -> list[Check]:
    settings, checks = check_settings(load)
    if settings is None:
        return checks
    database = await check_database(settings)
    checks.append(database)
    if database.ok:
        checks.append(await check_sends(settings))
    checks.extend(await check_slack(settings))
    return checks


def _slack_error(exc: SlackApiError) -> str | None:
    """Slack's error code (invalid_auth...), or None when what answered is not Slack's
    Web API (an HTML page, a proxy's 502), whose body is not a JSON object."""
    data = exc.response.data
    error = data.get("error") if isinstance(data, dict) else None
    return str(error) if error else None


def _not_slack(settings: Settings, exc: SlackApiError) -> str:
    status = exc.response.status_code
    if status >= 500:
        return (
            f"{settings.slack_api_url} answered HTTP {status}: Slack, or a proxy on the way, is "
            "failing — try again later, and check SLACK_API_URL if it persists"
        )
    return (
        f"{settings.slack_api_url} answered HTTP {status}, not as Slack's Web API does — "
        "check SLACK_API_URL (leave it unset for Slack itself)"
    )


def _unreachable(settings: Settings, exc: Exception) -> str:
    reason = plain_reason(exc, timeout_s=DOCTOR_TIMEOUT_S)
    return (
        f"cannot reach Slack at {settings.slack_api_url}: {reason} — "
        "check SLACK_API_URL and the network"
    )


def _redact(url: str) -> str:
    """Hide a password in a database URL."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"
