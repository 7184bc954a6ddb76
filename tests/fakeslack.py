"""The tests' fake Slack: the sandbox's stand-in for the Web API plus fault injection.

Modelled on opsdroid's recording fake API server: `sandbox.slack_api.SlackApi` records
every request as a `Call` and answers with the shape real Slack answers with; this
subclass lets a test script faults (429 with Retry-After, 5xx, Slack errors, slow
answers, per-method rate limits) to prove retries and error handling without mocking any
project function, and serves a Socket Mode websocket.

    async with FakeSlack() as slack:
        client = AsyncWebClient(base_url=slack.url, token="xoxb-test")
        await client.chat_postMessage(channel="C1", text="hi")
        [call] = slack.calls_to("chat.postMessage")
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from sandbox.slack_api import (
    DEFAULT_SCOPES,
    Answer,
    Call,
    Predicate,
    SlackApi,
    SlackError,
    UploadedFile,
)

__all__ = ["DEFAULT_SCOPES", "Call", "FakeSlack", "SlackError", "UploadedFile"]

_DEFAULT_ERRORS_BY_STATUS = {
    429: "ratelimited",
    500: "internal_error",
    502: "request_timeout",
    503: "service_unavailable",
    504: "request_timeout",
}


@dataclass
class _Fault:
    method: str
    status: int
    error: str | None
    retry_after: int | None
    times: int | None
    match: Predicate | None

    def applies(self, method: str, args: dict[str, Any]) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method not in ("*", method):
            return False
        return self.match is None or bool(self.match(args))


@dataclass
class _Delay:
    method: str
    seconds: float
    times: int | None


class FakeSlack(SlackApi):
    """The stand-in, with scripted faults, limits, delays and Socket Mode."""

    def __init__(self, **kwargs: Any) -> None:
        """Takes `SlackApi`'s arguments (scopes, team and bot ids, valid_tokens,
        strict_channels, clock)."""
        super().__init__(**kwargs)
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._limits: dict[str, tuple[float, float | None]] = {}
        self._windows: dict[str, deque[tuple[float, str]]] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_get("/socket", self._handle_socket)

    async def stop(self) -> None:
        """Close websockets, fail pending acks and stop the server."""
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        for fut in self._acks.values():
            if not fut.done():
                fut.cancel()
        self._acks.clear()
        await super().stop()

    # ------------------------------------------------------------------ scripting

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        match: Predicate | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` ("*" = any) with a fault.

        status=429 sends Retry-After (`retry_after`, default 1 s); status >= 500 answers
        that status; status=200 with `error` answers ok:false with that error. `match`
        is a predicate on the parsed args limiting the fault to, say, one channel.
        `times=None` means until `reset()`.
        """
        if status == 200 and error is None:
            raise ValueError("fail() needs an error for status 200, or a non-200 status")
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.append(_Fault(method, status, error, retry_after, times, match))

    def rate_limit(
        self, method: str, *, per_second: float, per_channel_per_second: float | None = 1.0
    ) -> None:
        """Enforce Slack-style limits on `method`: at most `per_second` calls a second for
        the workspace and `per_channel_per_second` per channel (sliding one-second window);
        calls over it get HTTP 429 with Retry-After (whole seconds, as Slack sends)."""
        self._limits[method] = (per_second, per_channel_per_second)

    def _over_limit(self, method: str, args: dict[str, Any]) -> int | None:
        """Seconds to wait when this call is over the method's limit, else None (and the
        call is counted)."""
        limit = self._limits.get(method)
        if limit is None:
            return None
        per_second, per_channel = limit
        now = time.monotonic()
        window = self._windows.setdefault(method, deque())
        while window and window[0][0] <= now - 1:
            window.popleft()
        channel = str(args.get("channel", ""))
        same_channel = [t for t, c in window if c == channel]
        if len(window) >= per_second or (
            per_channel is not None and len(same_channel) >= per_channel
        ):
            oldest = (
                same_channel[0]
                if per_channel and len(same_channel) >= per_channel
                else (window[0][0])
            )
            return max(1, math.ceil(oldest + 1 - now))
        window.append((now, channel))
        return None

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        """Hold answers to `method` ("*" = any) back by `seconds`, for timeout tests."""
        self._delays.append(_Delay(method, seconds, times))

    def reset(self) -> None:
        """Forget recorded calls, scripted faults and delays (seeded state stays)."""
        self.calls.clear()
        self._faults.clear()
        self._delays.clear()

    # ------------------------------------------------------------------ socket mode

    async def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any]:
        """Push an envelope to the connected Socket Mode client; return its ack.

        `envelope_type` is "slash_commands", "interactive" or "events_api". Slack lets
        the first two carry a response payload in the ack, events not.
        """
        cond = self._condition()
        try:
            async with cond:
                await asyncio.wait_for(
                    cond.wait_for(lambda: self._open_socket() is not None), timeout
                )
        except TimeoutError:
            raise AssertionError(f"no Socket Mode client connected within {timeout}s") from None
        ws = self._open_socket()
        assert ws is not None
        envelope_id = str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type != "events_api"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = fut
        try:
            await ws.send_json(envelope)
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no ack for {envelope_type} envelope {envelope_id} within {timeout}s"
            ) from None
        finally:
            self._acks.pop(envelope_id, None)

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's `disconnect` message; a well-behaved client reconnects."""
        ws = self._open_socket()
        if ws is None:
            raise AssertionError("no Socket Mode client connected")
        await ws.send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        )

    @property
    def socket_connected(self) -> bool:
        """Whether a Socket Mode client currently holds an open websocket."""
        return self._open_socket() is not None

    def _open_socket(self) -> web.WebSocketResponse | None:
        live = [ws for ws in self._sockets if not ws.closed]
        return live[-1] if live else None

    # ------------------------------------------------------------------ internals

    def _intercept(self, method: str, args: dict[str, Any], call: Call) -> Answer | None:
        """A scripted delay, rate limit or fault for this call, if any."""
        call.delayed = self._take_delay(method)
        wait = self._over_limit(method, args)
        if wait is not None:
            call.fault = "http_429"
            return Answer(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        fault = self._take_fault(method, args)
        if fault is None:
            return None
        answer, call.fault = self._fault_answer(fault)
        return answer

    def _take_fault(self, method: str, args: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.applies(method, args):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _take_delay(self, method: str) -> float:
        for d in self._delays:
            if d.method in ("*", method) and (d.times is None or d.times > 0):
                if d.times is not None:
                    d.times -= 1
                return d.seconds
        return 0.0

    @staticmethod
    def _fault_answer(fault: _Fault) -> tuple[Answer, str]:
        if fault.status == 200:
            return Answer({"ok": False, "error": fault.error}), f"error:{fault.error}"
        error = fault.error or _DEFAULT_ERRORS_BY_STATUS.get(fault.status, "fatal_error")
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        return Answer({"ok": False, "error": error}, fault.status, headers), f"http_{fault.status}"

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        """The Socket Mode websocket: send hello, then resolve acks by envelope_id."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        live = sum(1 for s in self._sockets if not s.closed)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": live,
                "debug_info": {
                    "host": "applink-fake",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )
        await self._notify()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
                await self._record(
                    Call(
                        method="socket_ack",
                        args=data if isinstance(data, dict) else {"_raw": data},
                        headers={},
                        timestamp=self.clock(),
                        path=request.path,
                        body=msg.data.encode("utf-8"),
                    )
                )
                fut = self._acks.get(envelope_id) if envelope_id else None
                if fut is not None and not fut.done():
                    fut.set_result(data)
        finally:
            self._sockets.remove(ws)
            await self._notify()
        return ws

    def _methods(self) -> Mapping[str, Callable[[dict[str, Any]], Any]]:
        return {**super()._methods(), "apps.connections.open": self._apps_connections_open}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4()
        ws_url = f"ws://127.0.0.1:{self._port}/socket?ticket={ticket}&app_id={self.app_id}"
        return {"url": ws_url}
