"""Signed requests into a running Bolt app over real HTTP, the way Slack sends them.

Used by the sandbox (each click on its page becomes one of these) and by the tests'
driver (tests/driver.py). Modelled on bolt-python's scenario tests: payloads carry the
fields Slack really sends (team, user, api_app_id, trigger_id, the full view object...)
and every request is signed with `v0=HMAC-SHA256(signing_secret, "v0:{ts}:{body}")`, so
the app's own request verification runs. `raw()` sends whatever a bad-input test needs.

Timestamps come from `clock` (default time.time). Bolt checks them against the real
time.time() with a 5 minute window, so a fake clock far from now makes requests stale
unless the app's verifier is given the same clock: the sandbox signs with real time
whatever its bot's clock says.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier


@dataclass
class DriverResponse:
    """What the app answered: Slack only looks at status and body, so do tests."""

    status: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any:
        """The body as JSON, or None when it is empty or not JSON (best-effort)."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None


class SignedRequests:
    """Sends slash commands, interactions and events to `{base_url}/slack/events`."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0001",
        team_domain: str = "okr-test",
        api_app_id: str = "A0001",
        bot_user_id: str = "UBOT",
        verification_token: str = "fake-verification-token",
        path: str = "/slack/events",
        response_urls: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        """`response_urls(name)` makes response_url values (the stand-in's
        `response_url`, to capture them); without it they point at a `.invalid` host."""
        self.url = base_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.verification_token = verification_token
        self.response_urls = response_urls
        self.clock = clock
        self.timeout = timeout
        self._seq = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SignedRequests:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (opened lazily by the first request)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ helpers

    def sign(self, body: str | bytes, timestamp: int | str) -> str:
        """The X-Slack-Signature Slack would send, via slack_sdk's own algorithm."""
        verifier = SignatureVerifier(self.signing_secret)
        signature = verifier.generate_signature(timestamp=str(timestamp), body=body)
        assert signature is not None
        return signature

    def trigger_id(self) -> str:
        """A fresh trigger_id shaped like Slack's ("123.456.hex")."""
        return f"{next(self._seq)}{int(self.clock())}.{self.team_id[1:]}.{secrets.token_hex(16)}"

    def response_url(self, kind: str = "commands") -> str:
        """A fresh response_url, captured by the fake when `response_urls` is set."""
        name = f"{kind}-{next(self._seq)}"
        if self.response_urls is not None:
            return self.response_urls(name)
        return f"https://hooks.slack.invalid/{kind}/{self.team_id}/{name}/{secrets.token_hex(8)}"

    def user(self, user_id: str) -> dict[str, str]:
        """The `user` object of an interaction payload."""
        name = user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def team(self) -> dict[str, str]:
        return {"id": self.team_id, "domain": self.team_domain}

    def view(
        self,
        callback_id: str = "",
        *,
        state_values: Mapping[str, Any] | None = None,
        private_metadata: str = "",
        view_id: str | None = None,
        hash: str | None = None,
        title: str = "OKR",
        blocks: list[dict[str, Any]] | None = None,
        base: Mapping[str, Any] | None = None,
        view_type: str = "modal",
    ) -> dict[str, Any]:
        """A full view object as Slack embeds it in payloads; `base` (e.g. the view
        FakeSlack answered views.open with) supplies id, hash and blocks."""
        now = int(self.clock())
        vid = view_id or f"V{next(self._seq):010d}"
        view: dict[str, Any] = {
            "id": vid,
            "team_id": self.team_id,
            "type": view_type,
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": {}},
            "hash": hash or f"{now}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": self.api_app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": "B0001",
        }
        if base is not None:
            view.update({k: v for k, v in base.items() if v is not None})
            if blocks is not None:
                view["blocks"] = blocks
            if view_id is not None:
                view["id"] = view_id
            if hash is not None:
                view["hash"] = hash
            if callback_id:
                view["callback_id"] = callback_id
            if private_metadata:
                view["private_metadata"] = private_metadata
        view["state"] = {"values": dict(state_values or {})}
        return view

    # ------------------------------------------------------------------ transport

    async def raw(
        self,
        body: bytes | str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        sign: bool = True,
        send_timestamp: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> DriverResponse:
        """POST `body` as is. `sign=False` leaves X-Slack-Signature out, `signature=`
        sends a given (wrong) one, `timestamp=` a stale one (signed correctly, so only
        the age is wrong), `send_timestamp=False` omits the timestamp header."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        ts = str(int(self.clock())) if timestamp is None else str(timestamp)
        request_headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0"}
        if send_timestamp:
            request_headers["X-Slack-Request-Timestamp"] = ts
        if signature is not None:
            request_headers["X-Slack-Signature"] = signature
        elif sign:
            request_headers["X-Slack-Signature"] = self.sign(data, ts)
        request_headers.update(headers or {})
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        async with self._session.post(self.url, data=data, headers=request_headers) as resp:
            text = await resp.text()
            return DriverResponse(resp.status, dict(resp.headers), text)

    async def _form(self, fields: Mapping[str, str], **kw: Any) -> DriverResponse:
        return await self.raw(urlencode(fields), **kw)

    async def _payload(self, payload: Mapping[str, Any], **kw: Any) -> DriverResponse:
        return await self._form({"payload": json.dumps(payload)}, **kw)

    # ------------------------------------------------------------------ Slack requests

    async def command(
        self,
        text: str = "",
        user_id: str = "U0001",
        command: str = "/okr",
        channel_id: str = "C0001",
        response_url: str | None = None,
        trigger_id: str | None = None,
        *,
        channel_name: str | None = None,
        user_name: str | None = None,
    ) -> DriverResponse:
        """A slash command, form-encoded with the fields in Slack's order."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name
            or ("directmessage" if channel_id.startswith("D") else channel_id.lower()),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url("commands"),
            "trigger_id": trigger_id or self.trigger_id(),
        }
        return await self._form(fields)

    def _container(
        self,
        *,
        view: Mapping[str, Any] | None,
        message: Mapping[str, Any] | None,
        channel_id: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(container, the surface fields) for a payload from a view or a message."""
        if view is not None:
            container = {"type": "view", "view_id": view["id"]}
            return container, {"view": dict(view)}
        msg = (
            dict(message)
            if message is not None
            else {
                "type": "message",
                "user": self.bot_user_id,
                "ts": f"{int(self.clock())}.000100",
                "text": "",
                "blocks": [],
            }
        )
        container = {
            "type": "message",
            "message_ts": msg["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        return container, {
            "channel": {"id": channel_id, "name": channel_id.lower()},
            "message": msg,
        }

    async def block_action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user_id: str = "U0001",
        block_id: str | None = None,
        action_type: str = "button",
        view: Mapping[str, Any] | None = None,
        message: Mapping[str, Any] | None = None,
        channel_id: str = "C0001",
        container: Mapping[str, Any] | None = None,
        state_values: Mapping[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        **action_fields: Any,
    ) -> DriverResponse:
        """A block_actions payload for one action, from `view` if given (a modal or the
        Home tab), else from `message` in `channel_id` (a stand-in message if None).
        `action_fields` go into the action (selected_option=..., text=...)."""
        surface_container, surface = self._container(
            view=view, message=message, channel_id=channel_id
        )
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id or f"b-{action_id}",
            "type": action_type,
            "action_ts": f"{self.clock():.6f}",
        }
        if action_type == "button":
            action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
        if value is not None:
            action["value"] = value
        action.update(action_fields)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self.user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "container": dict(container or surface_container),
            "trigger_id": trigger_id or self.trigger_id(),
            "team": self.team(),
            "enterprise": None,
            "is_enterprise_install": False,
            **surface,
            "state": {"values": dict(state_values or {})},
            "actions": [action],
        }
        if view is None:
            payload["response_url"] = response_url or self.response_url("actions")
        elif state_values is not None:
            payload["view"] = {**payload["view"], "state": {"values": dict(state_values)}}
        return await self._payload(payload)

    async def view_submission(
        self,
        callback_id: str,
        state_values: Mapping[str, Any],
        *,
        user_id: str = "U0001",
        private_metadata: str = "",
        view_id: str | None = None,
        hash: str | None = None,
        view: Mapping[str, Any] | None = None,
        blocks: list[dict[str, Any]] | None = None,
        response_urls: list[dict[str, Any]] | None = None,
        trigger_id: str | None = None,
    ) -> DriverResponse:
        """A modal submitted with `state_values` ({block_id: {action_id: {...}}});
        pass `view` (e.g. from FakeSlack's views.open answer) to submit that view."""
        full_view = self.view(
            callback_id,
            state_values=state_values,
            private_metadata=private_metadata,
            view_id=view_id,
            hash=hash,
            blocks=blocks,
            base=view,
        )
        payload = {
            "type": "view_submission",
            "team": self.team(),
            "user": self.user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id or self.trigger_id(),
            "view": full_view,
            "response_urls": list(response_urls or []),
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._payload(payload)

    async def view_closed(
        self,
        callback_id: str,
        *,
        user_id: str = "U0001",
        private_metadata: str = "",
        view_id: str | None = None,
        view: Mapping[str, Any] | None = None,
        is_cleared: bool = False,
    ) -> DriverResponse:
        """A modal closed with notify_on_close set."""
        full_view = self.view(
            callback_id, private_metadata=private_metadata, view_id=view_id, base=view
        )
        full_view["notify_on_close"] = True
        payload = {
            "type": "view_closed",
            "team": self.team(),
            "user": self.user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "view": full_view,
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._payload(payload)

    async def block_suggestion(
        self,
        action_id: str,
        value: str,
        *,
        user_id: str = "U0001",
        block_id: str | None = None,
        view: Mapping[str, Any] | None = None,
        message: Mapping[str, Any] | None = None,
        channel_id: str = "C0001",
    ) -> DriverResponse:
        """An external_select options request (what the user typed is `value`)."""
        if view is None and message is None:
            view = self.view("")
        container, surface = self._container(view=view, message=message, channel_id=channel_id)
        payload = {
            "type": "block_suggestion",
            "user": self.user(user_id),
            "container": container,
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "action_id": action_id,
            "block_id": block_id or f"b-{action_id}",
            "value": value,
            "team": self.team(),
            "enterprise": None,
            "is_enterprise_install": False,
            **surface,
        }
        return await self._payload(payload)

    async def event(
        self,
        event: Mapping[str, Any],
        event_id: str | None = None,
        event_time: int | None = None,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> DriverResponse:
        """An Events API event_callback; `retry_num` adds Slack's retry headers."""
        now = int(self.clock())
        envelope = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._seq):08d}{secrets.token_hex(2).upper()}",
            "event_time": event_time if event_time is not None else now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(12)}",
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.raw(json.dumps(envelope), "application/json", headers=headers)
