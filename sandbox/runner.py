"""The sandbox at work: the real bot, the stand-in for Slack, and what each page action
becomes, a signed request into the bot's `/slack/events` like Slack would send.

    async with Sandbox(port=0) as box:
        await box.command(RAVI.id, box.dm(RAVI.id), "help")

Nothing here calls a listener directly: the bot only learns what the page does through
signed HTTP, and the page only learns what the bot does through the stand-in's state.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.config import Settings
from bot.runtime import Runtime
from okr.rhythm import local_today
from sandbox import workspace
from sandbox.clock import (
    WEEKLY_JUMPS,
    Due,
    SandboxClock,
    TeamTimes,
    due_runs,
    next_weekly,
    quarter_days,
)
from sandbox.demo import seed_demo, week_nine
from sandbox.signed import DriverResponse, SignedRequests
from sandbox.slack_api import Change, SlackApi
from storage.context import Deps
from storage.cycles import current_cycle, fiscal_start_month
from storage.teams import list_teams, rhythm_of, teams_of_user

log = logging.getLogger(__name__)

#: How long the page waits for the bot before saying it did not respond (Slack: 3 s).
BOT_TIMEOUT_S = 3.0
NO_RESPONSE = "okr-bot didn't respond"
#: How many response_urls the stand-in keeps serving (the newest ones).
MAX_RESPONSE_URLS = 2000


class BotError(Exception):
    """The bot answered a page action with a 5xx, or not within BOT_TIMEOUT_S."""


class Sandbox:
    """The bot, its Slack stand-in and the signed requests between them."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        demo: bool = False,
        start: datetime | None = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        """`database_url` None: SQLite in a temporary folder, gone on stop. `start` is
        where the clock starts (default: now, or week 9 of the cycle with `demo`).
        `echo` prints the terminal lines (bot errors) the person running it must see."""
        self.token = "xoxb-sandbox-" + secrets.token_hex(12)
        self.signing_secret = secrets.token_hex(16)
        self.clock = SandboxClock(start)
        self.demo = demo
        self.echo = echo
        self._database_url = database_url
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.api = SlackApi(
            team_id=workspace.WORKSPACE_ID,
            team_domain=workspace.WORKSPACE_DOMAIN,
            team_name=workspace.WORKSPACE_NAME,
            bot_user_id=workspace.BOT_USER_ID,
            bot_name=workspace.BOT_NAME,
            valid_tokens={self.token},
            clock=self.clock.timestamp,
            keep_calls=500,
        )
        workspace.populate(self.api)
        self.runtime: Runtime | None = None
        self.requests: SignedRequests | None = None
        #: One tick at a time: the minute ticker and a clock jump never interleave.
        self._tick_lock = asyncio.Lock()
        self._names = itertools.count(1)
        self._stopping = False
        self.error_listeners: list[Callable[[str | None, str], None]] = []

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> Sandbox:
        await self.api.start()
        url = self._database_url
        if url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="okr-sandbox-")
            url = f"sqlite+aiosqlite:///{Path(self._tmp.name) / 'sandbox.db'}"
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            SLACK_BOT_TOKEN=self.token,
            SLACK_SIGNING_SECRET=self.signing_secret,
            SLACK_API_URL=self.api.url,
            DATABASE_URL=url,
            SLACK_APP_TOKEN="",
            ADMIN_USER_IDS=",".join(p.id for p in workspace.PEOPLE if p.is_admin),
        )
        self.runtime = Runtime(
            settings, clock=self.clock, host="127.0.0.1", port=0, jobs=[self._minute_tick]
        )
        try:
            await self.runtime.start()
            await self._seed()
        except BaseException:
            await self.stop()
            raise
        self.requests = SignedRequests(
            f"http://127.0.0.1:{self.runtime.port}",
            self.signing_secret,
            team_id=self.api.team_id,
            team_domain=self.api.team_domain,
            api_app_id=self.api.app_id,
            bot_user_id=self.api.bot_user_id,
            response_urls=self.api.response_url,
            timeout=BOT_TIMEOUT_S,
        )
        return self

    async def _seed(self) -> None:
        """The workspace's teams, and with `demo` the quarter (the clock then in its week
        9); no tick runs before it is all stored."""
        deps = self.deps
        async with self._tick_lock:
            await workspace.seed_teams(deps, self.clock())
            if self.demo:
                self.clock.set(await week_nine(deps, self.clock()))
                await seed_demo(deps, self.clock())
            assert self.runtime is not None and self.runtime.rhythm is not None
            await self.runtime.rhythm.refresh_people(self.clock())

    async def stop(self) -> None:
        """Stop the bot (after a tick in flight ends), then the stand-in."""
        self._stopping = True
        async with self._tick_lock:
            pass
        if self.requests is not None:
            await self.requests.close()
            self.requests = None
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None
        await self.api.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def deps(self) -> Deps:
        assert self.runtime is not None and self.runtime.deps is not None
        return self.runtime.deps

    def dm(self, user: str) -> str:
        return self.api.dm_channel(user)

    # ------------------------------------------------------------------ the clock

    async def _minute_tick(self, _deps: Deps, now: datetime) -> None:
        """The bot's own minute tick, at the sandbox's time (never during a jump)."""
        async with self._tick_lock:
            if self._stopping or self.runtime is None or self.runtime.rhythm is None:
                return
            await self.runtime.rhythm.tick(self.clock())

    async def jump(
        self, to: str | None = None, *, at: datetime | None = None, viewer: str | None = None
    ) -> datetime:
        """Move the clock to `at`, or to a named jump in `viewer`'s zone: at each moment
        something falls due on the way the job that delivers it runs (the clock set
        there), then the whole tick at the destination."""
        start = self.clock()
        target = at if at is not None else await self._jump_target(str(to), viewer, start)
        rhythm = self.runtime.rhythm if self.runtime is not None else None
        assert rhythm is not None
        async with self._tick_lock:
            await rhythm.refresh_people(start)
            for moment, jobs in await self._due_on_the_way(start, target):
                self.clock.set(moment)
                for job in jobs:
                    await rhythm.run(job, moment)
            self.clock.set(target)
            await rhythm.tick(target)
        return target

    async def _jump_target(self, to: str, viewer: str | None, now: datetime) -> datetime:
        zone = self._zone_of(viewer)
        if to in WEEKLY_JUMPS:
            weekday, at = WEEKLY_JUMPS[to]
            return next_weekly(now, zone, weekday, at)
        if to == "cycle_end":
            return await self._cycle_end(viewer, now)
        raise ValueError(f"unknown jump {to!r}: monday, wednesday, friday or cycle_end")

    async def _cycle_end(self, viewer: str | None, now: datetime) -> datetime:
        """Just after the current cycle closes: the day after its last day, past the
        team's digest time (when the close summary is due), in the team's zone."""
        async with self.deps.sessions() as session:
            teams = await list_teams(session, workspace.WORKSPACE_ID)
            mine = await teams_of_user(session, workspace.WORKSPACE_ID, viewer or "") or teams
            team = mine[0] if mine else None
            zone = team.timezone if team is not None else self._zone_of(viewer)
            cycle = await current_cycle(session, workspace.WORKSPACE_ID, local_today(now, zone))
            await session.commit()
        digest_at = team.digest_time if team is not None else "16:00"
        hours, minutes = (int(x) for x in digest_at.split(":"))
        day = cycle.end_date + timedelta(days=1)
        local = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo(zone))
        return local + timedelta(minutes=5)

    async def _due_on_the_way(self, start: datetime, end: datetime) -> list[Due]:
        ws = workspace.WORKSPACE_ID
        async with self.deps.sessions() as session:
            teams = await list_teams(session, ws)
            month = await fiscal_start_month(session, ws)
            cycle = await current_cycle(session, ws, start.date())
            await session.commit()
        times = [TeamTimes(t.timezone, rhythm_of(t)) for t in teams]
        zones = {u["tz"] for u in self.api.users.values() if not u["is_bot"]}
        closing, planning = quarter_days(start.date(), end.date() + timedelta(days=1), month)
        closing.add(cycle.end_date + timedelta(days=1))  # a custom cycle's too
        return due_runs(start, end, times, zones, closing, planning)

    def _zone_of(self, user: str | None) -> str:
        found = self.api.users.get(user or "")
        return str(found["tz"]) if found else "UTC"

    # ------------------------------------------------------------------ page actions

    def _signed(self) -> SignedRequests:
        assert self.requests is not None, "the sandbox is not started"
        return self.requests

    def _trigger(self, user: str) -> str:
        trigger = self._signed().trigger_id()
        self.api.remember_trigger(trigger, user)
        return trigger

    def _response_url(self, user: str, channel: str, ts: str = "") -> str:
        """A response_url whose posts the stand-in applies where the request came from."""
        name = f"page-{next(self._names)}"
        targets = self.api.response_targets
        targets[name] = {"user": user, "channel": channel, "ts": ts}
        if len(targets) > MAX_RESPONSE_URLS:  # Slack's expire after 30 minutes
            targets.pop(next(iter(targets)))
        return self.api.response_url(name)

    async def _send(
        self, user: str, what: str, request: Awaitable[DriverResponse]
    ) -> DriverResponse:
        """Await a signed request; a 5xx or no answer in time is a BotError, told to the
        terminal and to the person's page."""
        started = time.monotonic()
        try:
            response = await request
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._bot_error(
                user,
                f"{what}: no answer in {time.monotonic() - started:.1f} s ({type(exc).__name__})",
            )
            raise BotError(NO_RESPONSE) from exc
        if response.status >= 500:
            self._bot_error(user, f"{what}: HTTP {response.status} {response.text[:200]}")
            raise BotError(NO_RESPONSE)
        if response.status >= 400:
            self._bot_error(user, f"{what}: refused, HTTP {response.status} {response.text[:200]}")
            raise BotError(NO_RESPONSE)
        return response

    def _bot_error(self, user: str | None, line: str) -> None:
        self.echo(f"okr-bot sandbox: {NO_RESPONSE}: {line}")
        for listener in list(self.error_listeners):
            listener(user, NO_RESPONSE)

    async def command(self, user: str, channel: str, text: str) -> dict[str, Any] | None:
        """`/okr text` typed by `user` in `channel`; the bot's answer in the response
        body is shown as Slack shows it (ephemeral, or in the channel). Returns that
        message, or None when the bot answered with an empty body."""
        requests = self._signed()
        name = self.api.users.get(user, {}).get("name")
        channel_name = self.api.channels.get(channel, {}).get("name")
        response = await self._send(
            user,
            f"/okr {text}",
            requests.command(
                text,
                user_id=user,
                channel_id=channel,
                response_url=self._response_url(user, channel),
                trigger_id=self._trigger(user),
                channel_name=channel_name,
                user_name=name,
            ),
        )
        return self._show_body(user, channel, response)

    def _show_body(
        self, user: str, channel: str, response: DriverResponse
    ) -> dict[str, Any] | None:
        if not response.text.strip():
            return None
        body = response.json()
        if not isinstance(body, dict):
            body = {"text": response.text}
        text, blocks = body.get("text") or "", body.get("blocks")
        if body.get("response_type") == "in_channel":
            return self.api.add_message(channel, text=text, blocks=blocks)
        return self.api.add_ephemeral(user, channel, text=text, blocks=blocks)

    async def action(
        self,
        user: str,
        action: dict[str, Any],
        *,
        source: str,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
        state_values: dict[str, Any] | None = None,
    ) -> None:
        """A click (button, select, date...) on a message, a modal or the Home tab."""
        fields = {k: v for k, v in action.items() if k not in ("action_id", "type", "value")}
        block_id = fields.pop("block_id", None)
        kwargs: dict[str, Any] = {
            "user_id": user,
            "block_id": block_id,
            "action_type": action.get("type", "button"),
            "trigger_id": self._trigger(user),
            **fields,
        }
        if source in ("view", "home"):
            view = self.api.home_views.get(user) if source == "home" else None
            if view is None:
                view = self.api.views.get(view_id or "")
            if view is None:
                raise LookupError(f"no view {view_id!r}")
            if state_values is not None:
                self.api.keep_view_state(view["id"], state_values)
            kwargs.update(view=view, state_values=state_values)
        else:
            if channel is None or ts is None:
                raise LookupError("a message action needs channel and ts")
            message, ephemeral = self._find_message(user, channel, ts)
            kwargs.update(
                message=message,
                channel_id=channel,
                state_values=state_values,
                response_url=self._response_url(user, channel, ts),
            )
            if ephemeral:
                kwargs["container"] = {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": True,
                }
        requests = self._signed()
        response = await self._send(
            user,
            f"click {action.get('action_id')}",
            requests.block_action(str(action.get("action_id")), action.get("value"), **kwargs),
        )
        if channel is not None and response.text.strip():
            self._show_body(user, channel, response)

    def _find_message(self, user: str, channel: str, ts: str) -> tuple[dict[str, Any], bool]:
        message = self.api.message(channel, ts)
        if message is not None:
            return message, False
        for ephemeral in self.api.ephemerals:
            if ephemeral["ts"] == ts and ephemeral["for_user"] == user:
                return {k: v for k, v in ephemeral.items() if k != "for_user"}, True
        raise LookupError(f"no message {ts} in {channel}")

    async def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """A modal submitted; the bot's response_action is applied to the person's stack.
        Returns the field errors, if the bot answered with some."""
        view = self.api.views.get(view_id)
        if view is None:
            raise LookupError(f"no view {view_id!r}")
        self.api.keep_view_state(view_id, values)
        view.pop("errors", None)
        response = await self._send(
            user,
            f"submit {view.get('callback_id')}",
            self._signed().view_submission(
                str(view.get("callback_id", "")),
                values,
                user_id=user,
                view=view,
                trigger_id=self._trigger(user),
            ),
        )
        body = response.json() if response.text.strip() else None
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors":
            errors = dict(body.get("errors") or {})  # type: ignore[union-attr]
            self.api.set_view_errors(view_id, errors)
            return errors
        if action == "update":
            self.api.replace_view(view_id, body["view"])  # type: ignore[index]
        elif action == "push":
            self.api.push_view(user, body["view"])  # type: ignore[index]
        elif action == "clear":
            self.api.close_views(user)
        else:
            self.api.close_views(user, view_id)
        return {}

    async def close(self, user: str, view_id: str) -> None:
        """The person closed a modal (Cancel or x): view_closed when the view asks for it."""
        view = self.api.views.get(view_id)
        self.api.close_views(user, view_id)
        if view is not None and view.get("notify_on_close"):
            await self._send(
                user,
                f"close {view.get('callback_id')}",
                self._signed().view_closed(
                    str(view.get("callback_id", "")), user_id=user, view=view
                ),
            )

    async def options(
        self,
        user: str,
        action_id: str,
        block_id: str | None,
        value: str,
        view_id: str | None = None,
        state_values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An external select's suggestions, as the bot answers them; the view goes with
        what the person has filled in so far (the bot may read it, as Slack sends it)."""
        view = self.api.views.get(view_id or "") if view_id else None
        if view is not None and state_values is not None:
            self.api.keep_view_state(view["id"], state_values)
        response = await self._send(
            user,
            f"options {action_id}",
            self._signed().block_suggestion(
                action_id, value, user_id=user, block_id=block_id, view=view
            ),
        )
        body = response.json()
        return body if isinstance(body, dict) else {}

    async def home(self, user: str) -> None:
        """The person opened the bot's Home tab."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.dm(user),
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        if user in self.api.home_views:
            event["view"] = self.api.home_views[user]
        await self._send(user, "app_home_opened", self._signed().event(event))

    def message(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message a person typed (the bot subscribes to no message events)."""
        return self.api.add_message(channel, text=text, user=user, thread_ts=thread_ts)

    def listen(self, listener: Callable[[Change], None]) -> None:
        self.api.listeners.append(listener)
