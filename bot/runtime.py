"""Start and stop the whole bot: database, Slack client, Bolt app, scheduler, HTTP server.

`Runtime` is what `okr-bot run` serves and what tests and benchmarks start in-process,
with their own settings, clock and port (0 picks a free one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine, Sequence
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_app, build_context
from bot.config import Settings
from bot.listener_tasks import ListenerTasks
from bot.server import build_web_app
from bot.slack_client import Sleep, build_client
from handlers.context import Ctx
from scheduler.pacing import Pacer
from scheduler.runner import Job, Ticker
from scheduler.tick import Scheduler
from storage.context import Clock, Deps, system_clock
from storage.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, session_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)


#: How long shutdown waits for listeners still working after their ack: longer than a
#: SQLite write may wait for the lock (the busy timeout), so a store that was queued, or
#: cancelled and rolling back, ends before the database closes.
DRAIN_TIMEOUT_S = SQLITE_BUSY_TIMEOUT_MS / 1000 + 5.0


class StartupError(Exception):
    """Start-up failed for a reason the operator can fix; str() is the one line to print."""


class Runtime:
    """The running bot. Use `await start()` / `await stop()`, or `async with`."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = system_clock,
        host: str = "0.0.0.0",
        port: int | None = None,
        jobs: Sequence[Job] | None = None,
        scheduler: bool = True,
        retry_sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`jobs` replaces the rhythm's jobs on the tick; `scheduler=False` leaves the tick
        off (tests run jobs themselves, at the time they set); `retry_sleep` is how the
        Slack client waits between retries (tests record the waits instead)."""
        self.settings = settings
        self._clock = clock
        self._host = host
        self._port = settings.port if port is None else port
        self._jobs = jobs
        self._scheduler = scheduler
        self._retry_sleep = retry_sleep
        self.rhythm: Scheduler | None = None
        self.engine: AsyncEngine | None = None
        self.client: AsyncWebClient | None = None
        self.app: AsyncApp | None = None
        self.deps: Deps | None = None
        self.ctx: Ctx | None = None
        #: Listeners that acked and are still working, waited for on stop.
        self.listener_tasks = ListenerTasks()
        self.ticker: Ticker | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.port: int | None = None

    async def open(self) -> None:
        """Database (migrated), deps, Slack client and the app's parts, serving nothing:
        what `okr-bot jobs run` needs, and the first half of `start`."""
        settings = self.settings
        self.engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(self.engine)
        except Exception as exc:
            await self.engine.dispose()
            raise StartupError(
                f"DATABASE_URL cannot be opened or migrated ({_reason(exc)}): check that the "
                "database server runs and the URL names an existing database you may write to."
            ) from exc
        self.deps = Deps(
            sessions=session_factory(self.engine),
            clock=self._clock,
            default_timezone=settings.default_timezone,
            admin_user_ids=settings.admin_user_ids,
            templates_dir=settings.okr_templates_dir,
        )
        pacer = Pacer(settings.slack_posts_per_second)
        self.client = build_client(
            settings.slack_bot_token,
            settings.slack_api_url,
            on_rate_limited=pacer.pause,
            retry_sleep=self._retry_sleep,
        )
        self.rhythm = Scheduler(self.deps, self.client, pacer)
        self.ctx = build_context(self.deps, self.rhythm.digest_now, self.rhythm.nudge_now)
        self.app = build_app(
            signing_secret=settings.slack_signing_secret,
            client=self.client,
            ctx=self.ctx,
            listener_tasks=self.listener_tasks,
        )

    async def start(self) -> None:
        await self.open()
        settings = self.settings
        assert self.deps is not None and self.rhythm is not None and self.engine is not None
        jobs = self.rhythm.ticker_jobs() if self._jobs is None else self._jobs
        self.ticker = Ticker(self.deps, jobs)
        if self._scheduler:
            self.ticker.start()
        web_app = build_web_app(
            engine=self.engine,
            bolt_app=None if settings.socket_mode else self.app,
            signing_secret=settings.slack_signing_secret,
        )
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            raise StartupError(
                f"PORT {self._port} cannot be used ({exc.strerror}): pick a free port."
            ) from exc
        self.port = self._runner.addresses[0][1]
        if settings.socket_mode:
            self._socket = AsyncSocketModeHandler(
                self.app, settings.slack_app_token, web_client=self.client
            )
            await self._socket.connect_async()
            log.info("connected to Slack in Socket Mode; health check on port %s", self.port)
        else:
            log.info("listening for Slack on http://%s:%s/slack/events", self._host, self.port)

    async def stop(self) -> None:
        """Stop taking work, let acknowledged work finish, then close connections; safe to
        call twice."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self.ticker is not None:
            self.ticker.stop()
            self.ticker = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        # Acknowledged work (storing a submission, posting its confirmation) finishes
        # before the database closes, so a SIGTERM does not cut it off mid-transaction.
        await self.listener_tasks.drain(DRAIN_TIMEOUT_S)
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or Ctrl-C, then shut down cleanly.

    The signal handlers go in before start-up: in Socket Mode `start` keeps retrying while
    Slack is unreachable, and a signal then must stop that too, not kill the process."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runtime = Runtime(settings)
    started = await _unless_stopped(runtime.start(), stop)
    try:
        if started:
            await stop.wait()
        log.info("shutting down")
    finally:
        await runtime.stop()
        log.info("stopped")


async def _unless_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `work` until it ends (True; its exception is raised) or `stop` is set first
    (False: `work` is cancelled)."""
    working = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if working.done():
        working.result()
        return True
    working.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await working
    return False


def _reason(exc: BaseException) -> str:
    """The innermost cause, in one short line."""
    while exc.__cause__ is not None and exc.__cause__ is not exc:
        exc = exc.__cause__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
