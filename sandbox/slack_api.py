"""A stand-in for Slack's Web API on 127.0.0.1: what the sandbox runs the bot against,
and what the tests' fake Slack (tests/fakeslack.py) builds its fault injection on.

Every request is recorded as a `Call` and answered with the shape real Slack answers
with. It also serves `response_url` posts and the files upload v2 flow.

    async with SlackApi() as slack:
        client = AsyncWebClient(base_url=slack.url, token="xoxb-test")
        await client.chat_postMessage(channel="C1", text="hi")
        [call] = slack.calls_to("chat.postMessage")

State it keeps (messages, ephemerals, views and each person's modal stack, Home tabs,
users, channels, uploads) makes it answer like Slack does: `chat.update` of a ts nobody
posted is `message_not_found`, `views.update` with a stale hash is `hash_conflict`, a
user id is not a channel id for `chat.update`. Each change is told to `listeners`, so
the sandbox can redraw its page.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.scopes import REQUIRED_BOT_SCOPES

DEFAULT_SCOPES: tuple[str, ...] = REQUIRED_BOT_SCOPES
"""The scopes auth.test reports in `x-oauth-scopes` (the ones the manifest asks for)
unless `SlackApi(scopes=...)` says."""

# Arguments Slack takes as JSON-encoded strings in form bodies and query strings.
_JSON_ARGS = frozenset(
    {
        "attachments",
        "blocks",
        "files",
        "metadata",
        "option_groups",
        "options",
        "outputs",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)
# Block Kit limits Slack enforces server side (a subset: the ones a bot trips over).
_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100
_MAX_SECTION_TEXT = 3000
_MAX_BUTTON_TEXT = 75
_MAX_MODAL_TITLE = 24

log = logging.getLogger(__name__)

Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class UploadedFile:
    """A file body the fake received (multipart field or files v2 upload)."""

    filename: str | None
    content_type: str
    content: bytes


@dataclass
class Call:
    """One request the fake received, with what it answered.

    `fault` is None for a normal answer, else what the script made it answer:
    "http_429", "http_503", "error:channel_not_found". `delayed` is the seconds the
    answer was held back by the tests' `FakeSlack.delay`. `response`/`response_headers` are what
    the caller got (e.g. the ts of a posted message, a Retry-After header).
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    timestamp: float
    token: str | None = None
    http_method: str = "POST"
    content_type: str = ""
    path: str = ""
    body: bytes = b""
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    delayed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the answer was HTTP 200 with ok: true, as the caller saw it."""
        return (
            self.status == 200 and isinstance(self.response, dict) and bool(self.response.get("ok"))
        )

    def header(self, name: str) -> str | None:
        """A request header, looked up case-insensitively."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass
class Answer:
    """What the stand-in answers a request with (a subclass's `_intercept` may give one)."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class SlackError(Exception):
    """Raised inside a method handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


#: A change of the stand-in's state, told to its listeners: {"type": "message" |
#: "message_changed" | "message_deleted" | "ephemeral" | "views" | "home", ...}.
Change = dict[str, Any]
Listener = Callable[[Change], None]


class SlackApi:
    """A recording stand-in for Slack's Web API, response_url and file uploads."""

    def __init__(
        self,
        *,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        team_id: str = "T0001",
        team_domain: str = "okr-test",
        team_name: str = "OKR Test",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        bot_name: str = "okrbot",
        valid_tokens: Iterable[str] | None = None,
        strict_channels: bool = False,
        clock: Callable[[], float] = time.time,
        keep_calls: int | None = None,
        default_locale: str = "en-US",
    ) -> None:
        """`valid_tokens` (if given) makes any other token `invalid_auth`;
        `strict_channels` makes posting to a channel not added with `add_channel` fail
        with `channel_not_found` instead of succeeding; `keep_calls` bounds the recorded
        calls to the newest ones (a long-running sandbox); `default_locale` is the Slack
        language of every user added without one (`zh-CN` runs a scenario in Chinese)."""
        self.default_locale = default_locale
        self.scopes = list(scopes)
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_name = bot_name
        self.valid_tokens = set(valid_tokens) if valid_tokens is not None else None
        self.strict_channels = strict_channels
        self.clock = clock
        self.keep_calls = keep_calls

        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.channel_members: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self._dms: dict[str, str] = {}
        self.ephemerals: list[dict[str, Any]] = []
        #: Each person's open modals, bottom first (view ids), for views opened with a
        #: trigger_id given out by `trigger_for`.
        self.view_stacks: dict[str, list[str]] = {}
        #: response_url name -> where posts to it go ({user, channel, ts}), set by the
        #: sandbox when it sends a request carrying that response_url.
        self.response_targets: dict[str, dict[str, str]] = {}
        self.listeners: list[Listener] = []
        self._triggers: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._last_ts = 0
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self.add_user(bot_user_id, name=bot_name, real_name="OKR Bot", is_bot=True)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> SlackApi:
        """Listen on 127.0.0.1 on a free port; `url` is valid afterwards."""
        if self._runner is not None:
            return self
        self._cond = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_post("/response_url/{name:.*}", self._handle_response_url)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    def _add_routes(self, app: web.Application) -> None:
        """More routes for a subclass (the tests' Socket Mode websocket)."""

    async def stop(self) -> None:
        """Stop the server."""
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> SlackApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, the server root."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started; use `async with` it")
        return f"http://127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        """The Web API base URL (ends in /api/), for slack_sdk's `base_url`."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "default") -> str:
        """A response_url on this server; posts to it are recorded as `response_url` calls."""
        return f"{self.base_url}/response_url/{name}"

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "America/Los_Angeles",
        tz_label: str | None = None,
        tz_offset: int | None = None,
        locale: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        email: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Make users.info know `user_id`. tz_offset/tz_label default to what `tz` is now."""
        name = name or user_id.lower()
        real_name = real_name if real_name is not None else name.title()
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "email": email or f"{name}@example.com",
                "image_72": f"https://avatars.example.com/{user_id}_72.png",
                "team": self.team_id,
            },
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "locale": locale or self.default_locale,
            **extra,
        }
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
        members: Iterable[str] = (),
        **extra: Any,
    ) -> dict[str, Any]:
        """Make conversations.info/members know `channel_id`; also decides whether
        chat.postMessage there succeeds (archived -> is_archived, bot not a member ->
        not_in_channel for public, channel_not_found for private)."""
        name = name or channel_id.lower()
        now = int(self.clock())
        channel: dict[str, Any] = {
            "id": channel_id,
            "name": name,
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "created": now,
            "is_archived": is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "updated": now * 1000,
            "parent_conversation": None,
            "creator": "U0000",
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "pending_connected_team_ids": [],
            "is_member": is_member,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
            **extra,
        }
        self.channels[channel_id] = channel
        self.channel_members[channel_id] = list(members)
        return channel

    def add_message(
        self,
        channel: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        ts: str | None = None,
        user: str | None = None,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """Seed a message (as if posted earlier) so chat.update/delete can find it."""
        ts = ts or self._next_ts()
        message = self._message(text, blocks, ts, user=user, extra={"thread_ts": thread_ts})
        self.messages[(channel, ts)] = message
        self._changed({"type": "message", "channel": channel, "message": message})
        return message

    def add_ephemeral(
        self,
        user: str,
        channel: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """An ephemeral message from the bot, seen by `user` only (until replaced)."""
        message = self._message(text, blocks, self._next_ts())
        message.update(channel=channel, for_user=user, ephemeral=True)
        self.ephemerals.append(message)
        self._changed({"type": "ephemeral", "user": user, "channel": channel, "message": message})
        return message

    # ------------------------------------------------------------------ modals

    def remember_trigger(self, trigger_id: str, user: str) -> None:
        """Views opened with `trigger_id` go on `user`'s modal stack."""
        self._triggers[trigger_id] = user
        if len(self._triggers) > 1000:  # triggers expire after 3 s at Slack
            self._triggers.pop(next(iter(self._triggers)))

    def user_views(self, user: str) -> list[dict[str, Any]]:
        """`user`'s open modals, bottom first."""
        return [self.views[v] for v in self.view_stacks.get(user, []) if v in self.views]

    def push_view(self, user: str, view: dict[str, Any]) -> dict[str, Any]:
        """A modal pushed on `user`'s stack (response_action push)."""
        stack = self.view_stacks.setdefault(user, [])
        obj = self._view_object(
            self._check_view(view, home=False),
            self._new_id("V"),
            stack[0] if stack else None,
            stack[-1] if stack else None,
        )
        self.views[obj["id"]] = obj
        stack.append(obj["id"])
        self._views_changed(user)
        return obj

    def replace_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """A modal replaced in place (response_action update)."""
        current = self.views[view_id]
        obj = self._view_object(
            self._check_view(view, home=False),
            view_id,
            current["root_view_id"],
            current["previous_view_id"],
        )
        self.views[view_id] = obj
        self._views_changed(self._owner_of(view_id))
        return obj

    def set_view_errors(self, view_id: str, errors: dict[str, str]) -> None:
        """Field errors shown under their inputs (response_action errors)."""
        self.views[view_id]["errors"] = dict(errors)
        self._views_changed(self._owner_of(view_id))

    def keep_view_state(self, view_id: str, values: dict[str, Any]) -> None:
        """What the person typed, kept in the view as Slack keeps it between actions."""
        if view_id in self.views:
            self.views[view_id]["state"] = {"values": values}

    def close_views(self, user: str, view_id: str | None = None) -> None:
        """Close `view_id` and the modals above it (the whole stack when None)."""
        stack = self.view_stacks.get(user, [])
        if view_id is None or view_id not in stack:
            stack.clear()
        else:
            del stack[stack.index(view_id) :]
        self._views_changed(user)

    def _owner_of(self, view_id: str) -> str | None:
        return next((u for u, stack in self.view_stacks.items() if view_id in stack), None)

    def _views_changed(self, user: str | None) -> None:
        if user is not None:
            self._changed({"type": "views", "user": user, "views": self.user_views(user)})

    # ------------------------------------------------------------------ changes

    def _changed(self, change: Change) -> None:
        """Tell the listeners; one that fails does not stop Slack's answer."""
        for listener in list(self.listeners):
            try:
                listener(change)
            except Exception:
                log.exception("stand-in listener failed on %s", change.get("type"))

    def _apply_response(self, target: Mapping[str, str], args: Mapping[str, Any]) -> None:
        """A response_url post, as Slack applies it: replace or delete the message the
        request came from, or post a new one (ephemeral unless `in_channel`)."""
        user, channel, ts = target["user"], target["channel"], target.get("ts", "")
        text, blocks = args.get("text") or "", args.get("blocks")
        ephemeral = next((m for m in self.ephemerals if m["ts"] == ts), None)
        if args.get("delete_original") or args.get("replace_original"):
            if ephemeral is not None:
                self.ephemerals.remove(ephemeral)
                self._changed({"type": "message_deleted", "channel": channel, "ts": ts})
                if args.get("replace_original"):
                    self.add_ephemeral(user, channel, text=text, blocks=blocks)
                return
            if (channel, ts) not in self.messages:
                raise SlackError("message_not_found")
            if args.get("delete_original"):
                self._chat_delete({"channel": channel, "ts": ts})
            else:
                self._chat_update({"channel": channel, "ts": ts, "text": text, "blocks": blocks})
            return
        if args.get("response_type") == "in_channel":
            self._chat_post_message({"channel": channel, "text": text, "blocks": blocks})
        else:
            self.add_ephemeral(user, channel, text=text, blocks=blocks)

    def dm_channel(self, user_id: str) -> str:
        """The stable DM channel id ("D...") between the bot and `user_id`."""
        if user_id not in self._dms:
            self._dms[user_id] = self._new_id("D")
        return self._dms[user_id]

    def dm_user(self, channel: str) -> str | None:
        """The person whose DM with the bot `channel` is, or None."""
        return next((u for u, c in self._dms.items() if c == channel and "," not in u), None)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The current state of a posted message (after updates), or None if deleted."""
        return self.messages.get((channel, ts))

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in `channel`, oldest first."""
        return [m for (c, _), m in sorted(self.messages.items()) if c == channel]

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str, match: Predicate | None = None) -> list[Call]:
        """Recorded calls to `method`, optionally only those whose args match."""
        return [c for c in self.calls if c.method == method and (match is None or match(c.args))]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
        match: Predicate | None = None,
    ) -> list[Call]:
        """Wait until `count` calls to `method` were recorded and return them all.

        Bolt runs listeners after ack(), so a test must wait for the Web API calls a
        listener makes rather than assume they happened by the time the HTTP answer came.
        """
        cond = self._condition()

        def ready() -> bool:
            return len(self.calls_to(method, match)) >= count

        try:
            async with cond:
                await asyncio.wait_for(cond.wait_for(ready), timeout)
        except TimeoutError:
            seen = [c.method for c in self.calls]
            got = len(self.calls_to(method, match))
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s, got {got}; "
                f"recorded: {seen}"
            ) from None
        return self.calls_to(method, match)

    # ------------------------------------------------------------------ internals

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def _notify(self) -> None:
        cond = self._condition()
        async with cond:
            cond.notify_all()

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        if self.keep_calls is not None and len(self.calls) > self.keep_calls:
            del self.calls[: len(self.calls) - self.keep_calls]
        await self._notify()

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010d}"

    def _next_ts(self) -> str:
        """A message ts: epoch seconds from the clock, strictly increasing like Slack's."""
        micros = max(int(self.clock() * 1_000_000), self._last_ts + 100)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _decode_json_args(args: dict[str, Any]) -> dict[str, Any]:
        for key in _JSON_ARGS & args.keys():
            value = args[key]
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(value)
        return args

    async def _parse(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile], bytes]:
        """Args from the query string and the body, whatever its encoding."""
        args: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        raw = b""
        ctype = request.content_type
        if ctype == "multipart/form-data":
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    args[key] = value
        else:
            raw = await request.read()
            if ctype == "application/json" and raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    args.update(body)
            elif raw and ctype in ("application/x-www-form-urlencoded", ""):
                args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        return self._decode_json_args(args), files, raw

    @staticmethod
    def _bearer(request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer ") and auth[7:].strip():
            return auth[7:].strip()
        return None

    async def _respond(self, call: Call, answer: Answer) -> web.Response:
        call.status = answer.status
        call.response = answer.body
        call.response_headers = dict(answer.headers)
        await self._record(call)
        if call.delayed:
            await asyncio.sleep(call.delayed)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)

    # ------------------------------------------------------------------ HTTP routes

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args, files, raw = await self._parse(request)
        token = self._bearer(request)
        if token is None and isinstance(args.get("token"), str) and args["token"]:
            token = args["token"]  # Slack still accepts a token POST parameter
        args.pop("token", None)
        call = Call(
            method=method,
            args=args,
            headers=dict(request.headers),
            timestamp=self.clock(),
            token=token,
            http_method=request.method,
            content_type=request.content_type,
            path=request.path,
            body=raw,
            files=files,
        )
        scripted = self._intercept(method, args, call)
        if scripted is not None:
            return await self._respond(call, scripted)
        return await self._respond(call, self._dispatch(method, args, call))

    def _intercept(self, method: str, args: dict[str, Any], call: Call) -> Answer | None:
        """An answer to give instead of the normal one (None: answer normally); the tests'
        fake scripts faults, limits and delays here (setting `call.fault`/`delayed`)."""
        return None

    def _dispatch(self, method: str, args: dict[str, Any], call: Call) -> Answer:
        if not call.token:
            return Answer({"ok": False, "error": "not_authed"})
        if self.valid_tokens is not None and call.token not in self.valid_tokens:
            return Answer({"ok": False, "error": "invalid_auth"})
        is_app_token = call.token.startswith("xapp-")
        if (method == "apps.connections.open") != is_app_token:
            return Answer({"ok": False, "error": "not_allowed_token_type"})
        handler = self._methods().get(method)
        if handler is None:
            return Answer({"ok": False, "error": "unknown_method", "req_method": method})
        try:
            result = handler(args)
        except SlackError as e:
            body: dict[str, Any] = {"ok": False, "error": e.error}
            if e.messages:
                body["response_metadata"] = {"messages": e.messages}
            return Answer(body)
        if isinstance(result, Answer):
            return result
        return Answer({"ok": True, **result})

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The files.slack.com/upload/v1/... URL: Slack answers text/plain "OK - <size>"."""
        file_id = request.match_info["file_id"]
        args, files, raw = await self._parse(request)
        content = next(iter(files.values())).content if files else raw
        call = Call(
            method="file_upload",
            args={**args, "file_id": file_id, "length": len(content)},
            headers=dict(request.headers),
            timestamp=self.clock(),
            token=self._bearer(request),
            http_method=request.method,
            content_type=request.content_type,
            path=request.path,
            body=raw,
            files=files,
        )
        scripted = self._intercept("file_upload", call.args, call)
        if scripted is not None:
            return await self._respond(call, scripted)
        pending = self.uploads.get(file_id)
        if pending is None:
            call.status, call.response = 404, "Not Found"
            await self._record(call)
            return web.Response(status=404, text="Not Found")
        pending["content"] = content
        text = f"OK - {len(content)}"
        call.response = text
        await self._record(call)
        if call.delayed:
            await asyncio.sleep(call.delayed)
        return web.Response(text=text, content_type="text/plain")

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        """A response_url: Slack takes a JSON message and answers {"ok": true}."""
        raw = await request.read()
        try:
            args = json.loads(raw) if raw else {}
        except ValueError:
            args = {"_raw": raw.decode("utf-8", "replace")}
        if not isinstance(args, dict):
            args = {"_raw": args}
        call = Call(
            method="response_url",
            args=self._decode_json_args(args),
            headers=dict(request.headers),
            timestamp=self.clock(),
            token=self._bearer(request),
            http_method=request.method,
            content_type=request.content_type,
            path=request.path,
            body=raw,
        )
        scripted = self._intercept("response_url", args, call)
        if scripted is not None:
            return await self._respond(call, scripted)
        target = self.response_targets.get(request.match_info["name"])
        if target is not None:
            try:
                self._apply_response(target, call.args)
            except SlackError as e:
                return await self._respond(call, Answer({"ok": False, "error": e.error}))
        return await self._respond(call, Answer({"ok": True}))

    # ------------------------------------------------------------------ Web API methods

    def _methods(self) -> Mapping[str, Callable[[dict[str, Any]], Any]]:
        return {
            "api.test": lambda args: {"args": args},
            "auth.test": self._auth_test,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "conversations.history": self._conversations_history,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.push": self._views_push,
            "views.update": self._views_update,
        }

    def _auth_test(self, args: dict[str, Any]) -> Answer:
        body = {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }
        return Answer(body, headers={"x-oauth-scopes": ",".join(self.scopes)})

    # chat.* ------------------------------------------------------------

    def _message(
        self,
        text: str,
        blocks: list[dict[str, Any]] | None,
        ts: str,
        *,
        user: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "text": text, "ts": ts}
        if user is None or user == self.bot_user_id:
            message.update(
                user=self.bot_user_id,
                bot_id=self.bot_id,
                app_id=self.app_id,
                bot_profile={
                    "id": self.bot_id,
                    "app_id": self.app_id,
                    "name": self.bot_name,
                    "team_id": self.team_id,
                    "deleted": False,
                },
            )
        else:
            message["user"] = user
        message["team"] = self.team_id
        if blocks is not None:
            message["blocks"] = blocks
        for key in ("attachments", "thread_ts", "metadata"):
            if extra and extra.get(key) is not None:
                message[key] = extra[key]
        return message

    def _target_channel(self, channel: Any) -> str:
        """Where chat.postMessage lands, applying Slack's channel rules."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):
            if channel in self.users and self.users[channel]["deleted"]:
                raise SlackError("user_disabled")
            return self.dm_channel(channel)
        if channel.startswith("#"):
            by_name = [c for c in self.channels.values() if c["name"] == channel[1:]]
            if not by_name:
                raise SlackError("channel_not_found")
            channel = by_name[0]["id"]
        info = self.channels.get(channel)
        if info is None:
            if channel in self._dms.values() or not self.strict_channels:
                return channel
            raise SlackError("channel_not_found")
        if info["is_archived"]:
            raise SlackError("is_archived")
        if not info["is_member"]:
            if info["is_private"]:
                raise SlackError("channel_not_found")
            if "chat:write.public" not in self.scopes:
                raise SlackError("not_in_channel")
        return channel

    def _existing_message(self, args: dict[str, Any]) -> tuple[str, str]:
        channel, ts = args.get("channel"), args.get("ts")
        if not isinstance(channel, str) or channel.startswith(("U", "W", "#")):
            # chat.update/delete need the channel *id* from chat.postMessage's answer
            raise SlackError("channel_not_found")
        if not isinstance(ts, str) or (channel, ts) not in self.messages:
            raise SlackError("message_not_found")
        return channel, ts

    @staticmethod
    def _block_errors(blocks: Any, limit: int, pointer: str) -> list[str]:
        """Slack's invalid_blocks reasons for the limits a bot is likely to trip."""
        if blocks is None:
            return []
        if not isinstance(blocks, list):
            return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
        errors = []
        if len(blocks) > limit:
            errors.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
        for i, block in enumerate(blocks):
            if not isinstance(block, dict) or "type" not in block:
                errors.append(f"[ERROR] missing required field: type [json-pointer:{pointer}/{i}]")
                continue
            text = block.get("text")
            long_text = isinstance(text, dict) and len(text.get("text", "")) > _MAX_SECTION_TEXT
            if block["type"] == "section" and long_text:
                errors.append(
                    f"[ERROR] must be less than {_MAX_SECTION_TEXT + 1} characters "
                    f"[json-pointer:{pointer}/{i}/text/text]"
                )
            elements = block.get("elements") if block["type"] == "actions" else None
            for j, el in enumerate(elements or []):
                label = el.get("text", {}).get("text", "") if el.get("type") == "button" else ""
                if len(label) > _MAX_BUTTON_TEXT:
                    errors.append(
                        f"[ERROR] must be less than {_MAX_BUTTON_TEXT + 1} characters "
                        f"[json-pointer:{pointer}/{i}/elements/{j}/text/text]"
                    )
        return errors

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._target_channel(args.get("channel"))
        text, blocks = args.get("text") or "", args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        errors = self._block_errors(blocks, _MAX_MESSAGE_BLOCKS, "/blocks")
        if errors:
            raise SlackError("invalid_blocks", *errors)
        ts = self._next_ts()
        message = self._message(text, blocks, ts, extra=args)
        self.messages[(channel, ts)] = message
        self._changed({"type": "message", "channel": channel, "message": message})
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._existing_message(args)
        errors = self._block_errors(args.get("blocks"), _MAX_MESSAGE_BLOCKS, "/blocks")
        if errors:
            raise SlackError("invalid_blocks", *errors)
        message = self.messages[(channel, ts)]
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._changed({"type": "message_changed", "channel": channel, "message": message})
        return {"channel": channel, "ts": ts, "text": message.get("text", ""), "message": message}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._existing_message(args)
        del self.messages[(channel, ts)]
        self._changed({"type": "message_deleted", "channel": channel, "ts": ts})
        return {"channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._target_channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_in_channel")
        if not args.get("text") and not args.get("blocks") and not args.get("attachments"):
            raise SlackError("no_text")
        errors = self._block_errors(args.get("blocks"), _MAX_MESSAGE_BLOCKS, "/blocks")
        if errors:
            raise SlackError("invalid_blocks", *errors)
        message = self.add_ephemeral(
            args["user"], channel, text=args.get("text") or "", blocks=args.get("blocks")
        )
        return {"message_ts": message["ts"]}

    # views.* -----------------------------------------------------------

    def _check_view(self, view: Any, *, home: bool) -> dict[str, Any]:
        if not isinstance(view, dict) or "type" not in view:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
        if home != (view["type"] == "home"):
            want = "home" if home else "modal"
            raise SlackError(
                "invalid_arguments", f"[ERROR] must be '{want}' [json-pointer:/view/type]"
            )
        errors = self._block_errors(view.get("blocks", []), _MAX_VIEW_BLOCKS, "/view/blocks")
        title = view.get("title", {}).get("text", "") if isinstance(view.get("title"), dict) else ""
        if not home and not title:
            errors.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        if len(title) > _MAX_MODAL_TITLE:
            errors.append(
                f"[ERROR] must be less than {_MAX_MODAL_TITLE + 1} characters "
                "[json-pointer:/view/title/text]"
            )
        if errors:
            raise SlackError("invalid_arguments", *errors)
        return view

    def _view_object(
        self, view: dict[str, Any], view_id: str, root: str | None, previous: str | None
    ) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{uuid.uuid4().hex[:8]}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _open_view(self, args: dict[str, Any], *, push: bool) -> dict[str, Any]:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: trigger_id")
        view = self._check_view(args.get("view"), home=False)
        view_id = self._new_id("V")
        user = self._triggers.get(str(args.get("trigger_id") or ""))
        stack = self.view_stacks.setdefault(user, []) if user is not None else None
        if stack is not None and not push:
            stack.clear()
        root = stack[0] if stack else None
        obj = self._view_object(view, view_id, root, stack[-1] if stack else None)
        self.views[view_id] = obj
        if stack is not None:
            stack.append(view_id)
            self._views_changed(user)
        return {"view": obj}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args, push=False)

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args, push=True)

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: view_id")
        if not view_id:
            found = [v for v in self.views.values() if v["external_id"] == external_id]
            view_id = found[0]["id"] if found else None
        current = self.views.get(view_id) if view_id else None
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view = self._check_view(args.get("view"), home=current["type"] == "home")
        obj = self._view_object(
            view, current["id"], current["root_view_id"], current["previous_view_id"]
        )
        self.views[current["id"]] = obj
        for user_id, home in list(self.home_views.items()):
            if home["id"] == obj["id"]:  # a Home tab updated by its view id
                self.home_views[user_id] = obj
                self._changed({"type": "home", "user": user_id, "view": obj})
        self._views_changed(self._owner_of(current["id"]))
        return {"view": obj}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user_id")
        if not user_id:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: user_id")
        view = self._check_view(args.get("view"), home=True)
        current = self.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view_id = current["id"] if current else self._new_id("V")
        obj = self._view_object(view, view_id, None, None)
        self.home_views[user_id] = obj
        self.views[view_id] = obj
        self._changed({"type": "home", "user": user_id, "view": obj})
        return {"view": obj}

    # users / conversations ---------------------------------------------

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("user") or "")
        if user is None:
            raise SlackError("user_not_found")
        out = dict(user)
        zone = ZoneInfo(out["tz"])
        now = datetime.fromtimestamp(self.clock(), zone)
        offset = now.utcoffset()
        if out["tz_offset"] is None:
            out["tz_offset"] = int(offset.total_seconds()) if offset is not None else 0
        if out["tz_label"] is None:
            out["tz_label"] = now.tzname() or out["tz"]
        # Slack only includes locale when asked to
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            out.pop("locale", None)
        return {"user": out}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users and args.get("channel"):
            return {"no_op": True, "already_open": True, "channel": {"id": args["channel"]}}
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) == 1:
            fresh = users[0] not in self._dms
            channel_id = self.dm_channel(users[0])
            if fresh:
                return {"channel": {"id": channel_id}}
            return {"no_op": True, "already_open": True, "channel": {"id": channel_id}}
        key = ",".join(sorted(users))
        fresh = key not in self._dms
        if fresh:
            self._dms[key] = self._new_id("G")
        return {"channel": {"id": self._dms[key]}, **({} if fresh else {"no_op": True})}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = args.get("channel") or ""
        info = self.channels.get(channel_id)
        if info is not None:
            out = dict(info)
            if str(args.get("include_num_members", "")).lower() in ("1", "true"):
                out["num_members"] = len(self.channel_members.get(channel_id, []))
            return {"channel": out}
        user = next((u for u, d in self._dms.items() if d == channel_id and "," not in u), None)
        if user is None:
            raise SlackError("channel_not_found")
        return {
            "channel": {
                "id": channel_id,
                "created": int(self.clock()),
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "updated": int(self.clock()) * 1000,
                "user": user,
                "is_user_deleted": bool(self.users.get(user, {}).get("deleted", False)),
                "priority": 0,
            }
        }

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, `oldest` exclusive; metadata only with include_all_metadata, as
        Slack does. (Reading needs a *:history scope; the fake does not check scopes.)"""
        channel = self._target_channel(args.get("channel"))
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = []
        for message in reversed(self.messages_in(channel)):
            if float(message["ts"]) <= oldest:
                continue
            shown = dict(message)
            if not with_metadata:
                shown.pop("metadata", None)
            found.append(shown)
        return {
            "messages": found[:limit],
            "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = args.get("channel") or ""
        if channel_id not in self.channels:
            raise SlackError("channel_not_found")
        members = self.channel_members[channel_id]
        try:
            limit = int(args.get("limit") or 100)
        except ValueError:
            raise SlackError("invalid_limit") from None
        start = 0
        if args.get("cursor"):
            try:
                kind, member = base64.b64decode(args["cursor"]).decode().split(":", 1)
                start = members.index(member)
            except ValueError:
                raise SlackError("invalid_cursor") from None
            if kind != "user":
                raise SlackError("invalid_cursor")
        page = members[start : start + max(limit, 1)]
        rest = members[start + len(page) :]
        next_cursor = base64.b64encode(f"user:{rest[0]}".encode()).decode() if rest else ""
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    # files v2 ------------------------------------------------------------

    def _files_get_upload_url_external(self, args: dict[str, Any]) -> dict[str, Any]:
        filename, length = args.get("filename"), args.get("length")
        if not filename or length in (None, ""):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: length")
        file_id = self._new_id("F")
        self.uploads[file_id] = {
            "id": file_id,
            "filename": filename,
            "length": int(length),
            "alt_txt": args.get("alt_txt"),
            "snippet_type": args.get("snippet_type"),
            "content": None,
            "title": None,
            "channels": [],
            "initial_comment": None,
            "completed": False,
        }
        return {"upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: files")
        targets: list[str] = []
        if args.get("channel_id"):
            targets.append(self._target_channel(args["channel_id"]))
        for channel in str(args.get("channels") or "").split(","):
            if channel:
                targets.append(self._target_channel(channel))
        out = []
        for item in files:
            upload = self.uploads.get(item.get("id", "")) if isinstance(item, dict) else None
            if upload is None or upload["content"] is None:
                raise SlackError("file_not_found")
        for item in files:
            upload = self.uploads[item["id"]]
            upload.update(
                title=item.get("title") or upload["filename"],
                channels=targets,
                initial_comment=args.get("initial_comment"),
                thread_ts=args.get("thread_ts"),
                completed=True,
            )
            out.append({"id": upload["id"], "title": upload["title"]})
        return {"files": out}
