"""The sandbox's web page and its API (/work/notes/sandbox-protocol.md): GET / with the
page's token, /static, /api/state, server-sent events per person, and the POSTs that
become signed requests into the bot.

The page has no login: a POST must carry the token written into the page and come from
the page's own origin (403 otherwise), and on loopback the Host must be the sandbox's own,
so another site (or one rebinding its DNS name to 127.0.0.1) cannot drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import page_state
from sandbox.runner import BotError, Sandbox
from sandbox.slack_api import Change

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TOKEN_HEADER = "X-Sandbox-Token"
LOOPBACK = ("127.0.0.1", "localhost")
_META = re.compile(r'<meta\s+name="sandbox-token"\s+content="[^"]*"\s*/?>')


class HostRefused(Exception):
    """Another address than loopback, not asked for with --host; str() is the line to print."""


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PageServer:
    """The page and its API in front of a started `Sandbox`."""

    def __init__(
        self, box: Sandbox, *, host: str = "127.0.0.1", port: int = 3000, remote: bool = False
    ) -> None:
        """`remote` must be True for any `host` but loopback: only `--host` sets it."""
        if host not in LOOPBACK and not remote:
            raise HostRefused(
                f"the sandbox listens on 127.0.0.1 only; to listen on {host} (with no "
                "authentication) give it with --host"
            )
        self.box = box
        self.host = host
        self.port = port
        self.token = secrets.token_urlsafe(24)
        self._runner: web.AppRunner | None = None
        self._streams: list[tuple[str, asyncio.Queue[dict[str, Any] | None]]] = []
        box.listen(self._on_change)
        box.error_listeners.append(self._on_error)

    # ------------------------------------------------------------------ lifecycle

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=1024 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/events", self._events)
        posts: dict[str, Handler] = {
            "command": self._command,
            "action": self._action,
            "submit": self._submit,
            "close": self._close,
            "options": self._options,
            "home": self._home,
            "clock": self._clock,
            "message": self._message,
        }
        for name, handler in posts.items():
            app.router.add_post(f"/api/{name}", _answering(handler))
        return app

    async def start(self) -> PageServer:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for _user, queue in self._streams:
            queue.put_nowait(None)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ safety

    def _own_hosts(self) -> set[str]:
        names = {self.host, *LOOPBACK} if self.host in LOOPBACK else {self.host}
        return {f"{name}:{self.port}" for name in names}

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """403 for a request to another Host name on loopback (DNS rebinding), and for a
        POST without the page's token or from another Origin than the page's (the Host
        the request was sent to)."""
        loopback = self.host in LOOPBACK
        if loopback and request.host not in self._own_hosts():
            return web.json_response({"ok": False, "error": "wrong host"}, status=403)
        if request.method == "POST":
            if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), self.token):
                return web.json_response({"ok": False, "error": "no sandbox token"}, status=403)
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"http://{request.host}":
                return web.json_response({"ok": False, "error": "wrong origin"}, status=403)
        return await handler(request)

    # ------------------------------------------------------------------ reads

    async def _index(self, _request: web.Request) -> web.Response:
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        meta = f'<meta name="sandbox-token" content="{html.escape(self.token)}">'
        if _META.search(page):
            page = _META.sub(meta, page, count=1)
        else:
            page = page.replace("<head>", f"<head>\n  {meta}", 1)
        return web.Response(
            text=page, content_type="text/html", headers={"Cache-Control": "no-store"}
        )

    async def _state(self, request: web.Request) -> web.Response:
        user = self._user(request.query.get("user"))
        return web.json_response(page_state.state(self.box.api, user, self._now()))

    async def _events(self, request: web.Request) -> web.StreamResponse:
        user = self._user(request.query.get("user"))
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        entry = (user, queue)
        self._streams.append(entry)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), 15)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"data: {json.dumps(event)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._streams.remove(entry)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    def _user(self, user: str | None) -> str:
        if user and user in self.box.api.users and not self.box.api.users[user]["is_bot"]:
            return user
        raise web.HTTPBadRequest(
            text=json.dumps({"ok": False, "error": f"unknown user {user!r}"}),
            content_type="application/json",
        )

    def _now(self) -> str:
        return self.box.clock().isoformat()

    # ------------------------------------------------------------------ pushes

    def _on_change(self, change: Change) -> None:
        for user, queue in list(self._streams):
            event = page_state.page_event(self.box.api, change, user)
            if event is not None:
                queue.put_nowait(event)

    def _on_error(self, user: str | None, text: str) -> None:
        for listener, queue in list(self._streams):
            if user is None or listener == user:
                queue.put_nowait({"type": "error", "text": text})

    def _broadcast(self, event: dict[str, Any]) -> None:
        for _user, queue in list(self._streams):
            queue.put_nowait(event)

    # ------------------------------------------------------------------ writes

    async def _command(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        channel = str(body.get("channel") or self.box.dm(user))
        text = str(body.get("text") or "")
        text = re.sub(r"^\s*/okr\b\s*", "", text)
        shown = await self.box.command(user, channel, text)
        if shown is None:
            return {}
        return {"ephemeral": page_state.page_message(self.box.api, channel, shown)}

    async def _action(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        action = body.get("action")
        if not isinstance(action, dict) or not action.get("action_id"):
            raise ValueError("action needs an action_id")
        state = body.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        await self.box.action(
            user,
            action,
            source=str(body.get("source") or "message"),
            channel=body.get("channel"),
            ts=body.get("ts"),
            view_id=body.get("view_id"),
            state_values=values,
        )
        return {}

    async def _submit(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        values = body.get("values") or {}
        errors = await self.box.submit(user, str(body.get("view_id")), values)
        return {"errors": errors} if errors else {}

    async def _close(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        await self.box.close(user, str(body.get("view_id")))
        return {}

    async def _options(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        state = body.get("state")
        answer = await self.box.options(
            user,
            str(body.get("action_id")),
            body.get("block_id"),
            str(body.get("value") or ""),
            body.get("view_id"),
            state.get("values") if isinstance(state, dict) else None,
        )
        out: dict[str, Any] = {"options": answer.get("options", [])}
        if "option_groups" in answer:
            out["option_groups"] = answer["option_groups"]
        return out

    async def _home(self, body: dict[str, Any]) -> dict[str, Any]:
        await self.box.home(self._user(body.get("user")))
        return {}

    async def _clock(self, body: dict[str, Any]) -> dict[str, Any]:
        viewer = body.get("user")
        if body.get("at"):
            at = datetime.fromisoformat(str(body["at"]))
            if at.tzinfo is None:
                raise ValueError("give `at` with its UTC offset")
            now = await self.box.jump(at=at, viewer=viewer)
        else:
            now = await self.box.jump(str(body.get("jump")), viewer=viewer)
        self._broadcast({"type": "clock", "now": now.isoformat()})
        return {"now": now.isoformat()}

    async def _message(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(body.get("user"))
        channel = str(body.get("channel") or "")
        if not page_state.sees_channel(self.box.api, user, channel):
            raise ValueError(f"{user} cannot post in {channel!r}")
        message = self.box.message(
            user, channel, str(body.get("text") or ""), body.get("thread_ts")
        )
        return {"message": page_state.page_message(self.box.api, channel, message)}


def _answering(
    handler: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
) -> Handler:
    """A JSON POST route: {ok: true, ...} or {ok: false, error}; a bot that did not
    respond is 502 (the page has already had the error event)."""

    async def route(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "body is not JSON"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "body is not an object"}, status=400)
        try:
            answer = await handler(body)
        except BotError as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=502)
        except (LookupError, ValueError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response({"ok": True, **answer})

    return route
