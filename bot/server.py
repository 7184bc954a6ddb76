"""The HTTP surface: `POST /slack/events` for Slack, `GET /healthz` for the platform."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import is_at_head

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

    async def health(_request: web.Request) -> web.Response:
        try:
            migrated = await is_at_head(engine)
        except Exception as exc:
            log.warning("health check: database unreachable: %r", exc)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        if not migrated:
            return web.json_response({"ok": False, "database": "not migrated"}, status=503)
        return web.json_response({"ok": True})

    async def events(request: web.Request) -> web.Response:
        assert bolt_app is not None
        body = await request.text()
        if not _parses(body, request.content_type):
            # Bolt parses before it verifies, and would answer garbage with a 500.
            if not verifier.is_valid_request(body, dict(request.headers)):
                return web.Response(status=401, text="invalid signature")
            log.warning("malformed %s body of %d bytes", request.content_type, len(body))
            return web.Response(status=400, text="malformed request body")
        bolt_response = await bolt_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    web_app.router.add_get(HEALTH_PATH, health)
    if bolt_app is not None:
        web_app.router.add_post(EVENTS_PATH, events)
    return web_app


def _parses(body: str, content_type: str) -> bool:
    """Whether Bolt's body parser will accept `body` (JSON, or a form whose payload is JSON)."""
    try:
        if body.lstrip().startswith("{") or content_type == "application/json":
            return isinstance(json.loads(body), dict)
        form = parse_qs(body, keep_blank_values=True, strict_parsing=bool(body))
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return True
    except ValueError:
        return False
