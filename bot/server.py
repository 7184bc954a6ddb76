"""The HTTP surface: `POST /slack/events` for Slack, `GET /healthz` for the platform."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.refusal_log import RefusalLog
from bot.request_guard import Refusal, admit
from storage.engine import session_factory
from storage.migrate import is_at_head
from storage.workspaces import paused_workspaces

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024


def build_web_app(
    *, engine: AsyncEngine, bolt_app: AsyncApp | None, signing_secret: str
) -> web.Application:
    """Routes for HTTP mode; in Socket Mode (`bolt_app` None) only the health check."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    verifier = SignatureVerifier(signing_secret)
    refusals = RefusalLog(log)

    async def health(_request: web.Request) -> web.Response:
        try:
            migrated = await is_at_head(engine)
        except Exception as exc:
            log.warning("health check: database unreachable: %r", exc)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        if not migrated:
            return web.json_response({"ok": False, "database": "not migrated"}, status=503)
        paused = await paused_sends(engine)
        if paused:  # serving, but Slack refuses the token: a restart would not help
            return web.json_response({"ok": True, "status": "degraded", "paused": paused})
        return web.json_response({"ok": True})

    async def events(request: web.Request) -> web.Response:
        assert bolt_app is not None
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            refusals.refused(request.remote, 413, f"body over {MAX_BODY_BYTES} bytes")
            return web.Response(status=413, text="request body too large")
        admitted = admit(raw, request.headers, request.content_type, request.charset, verifier)
        if isinstance(admitted, Refusal):
            return _refuse(admitted, request, len(raw), refusals)
        # A parsed body is what Bolt calls "socket_mode": it skips its own parsing and its
        # signature check, both done above.
        bolt_request = AsyncBoltRequest(
            body=admitted,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
            mode="socket_mode",
        )
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    web_app.router.add_get(HEALTH_PATH, health)
    if bolt_app is not None:
        web_app.router.add_post(EVENTS_PATH, events)
    return web_app


def _refuse(
    refusal: Refusal, request: web.Request, size: int, refusals: RefusalLog
) -> web.Response:
    """Answer a refused request; a signed one (Slack, or someone holding the secret) is
    logged each time, a stranger's at most once a minute per address."""
    if refusal.signed:
        detail = f": {refusal.reason}" if refusal.reason else ""
        log.warning("malformed %s body of %d bytes%s", request.content_type, size, detail)
        return web.Response(status=refusal.status, text=f"malformed request body{detail}")
    refusals.refused(request.remote, refusal.status, refusal.reason)
    return web.Response(status=refusal.status, text=refusal.reason)


async def paused_sends(engine: AsyncEngine) -> list[dict[str, str]]:
    """The workspaces whose sends are paused by a token problem, with why and since when
    (scheduler.pauses), for `/healthz` and `okr-bot doctor`."""
    async with session_factory(engine)() as session:
        paused = await paused_workspaces(session)
    return [
        {
            "workspace": w.id,
            "reason": w.paused_reason or "token refused",
            "since": w.paused_since.isoformat() if w.paused_since else "",
        }
        for w in paused
    ]
