"""The Slack Web API client: `SLACK_API_URL`, timeouts and retries in one place.

Retries use slack_sdk's own async handlers: 429 honours Retry-After, 5xx and dropped
connections back off. Slack's 5xx is usually 500 or 503, but a proxy in between answers
502 and 504 too, so the server-error handler here takes every 5xx.

Each handler waits between attempts through the `sleep` it is given (`asyncio.sleep` in
production, as slack_sdk does): a test passes one that records the wait instead, so a
retried call still proves how long the bot would wait without spending that time.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

REQUEST_TIMEOUT_S = 10
MAX_RETRIES = 3

#: How a retry handler waits, given seconds.
Sleep = Callable[[float], Awaitable[None]]


class _WaitsThroughSleep(AsyncRetryHandler):
    """slack_sdk's step before the next attempt, waiting through an injected `sleep`."""

    def __init__(self, *, sleep: Sleep = asyncio.sleep, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        seconds = self._seconds_to_wait(state, response, error)
        state.next_attempt_requested = True
        await self._sleep(seconds)
        state.increment_current_attempt()

    def _seconds_to_wait(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        """slack_sdk's back-off: what the interval calculator says for this attempt."""
        return self.interval_calculator.calculate_sleep_duration(state.current_attempt)


class AnyServerErrorRetryHandler(_WaitsThroughSleep, AsyncServerErrorRetryHandler):
    """Retries every 5xx answer, not only 500 and 503."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


class ConnectionErrorRetryHandler(_WaitsThroughSleep, AsyncConnectionErrorRetryHandler):
    """slack_sdk's retry of a refused or dropped connection."""


class ReportingRateLimitRetryHandler(_WaitsThroughSleep, AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After), telling a listener about the pause so
    a fan-out can hold all its senders back, not just the one that was refused."""

    def __init__(self, on_rate_limited: Callable[[float], None] | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_rate_limited = on_rate_limited

    def _seconds_to_wait(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        """slack_sdk's wait: Retry-After's whole seconds plus up to a second of jitter."""
        if response is None:
            raise error  # type: ignore[misc]  # as slack_sdk does: nothing to wait on
        seconds = _retry_after(response)
        if self._on_rate_limited is not None:
            self._on_rate_limited(seconds)
        return int(seconds) + random.random()


def _retry_after(response: HttpResponse) -> float:
    """The Retry-After header in seconds; 1 when it is missing or unreadable."""
    values = [v for k, v in response.headers.items() if k.lower() == "retry-after"]
    try:
        first = values[0][0] if isinstance(values[0], list) else values[0]
        seconds = float(first)
    except (TypeError, ValueError, IndexError):
        return 1.0
    return seconds if math.isfinite(seconds) else 1.0


def retry_handlers(
    on_rate_limited: Callable[[float], None] | None = None, *, sleep: Sleep = asyncio.sleep
) -> list[AsyncRetryHandler]:
    return [
        ReportingRateLimitRetryHandler(on_rate_limited, sleep=sleep, max_retry_count=MAX_RETRIES),
        AnyServerErrorRetryHandler(sleep=sleep, max_retry_count=MAX_RETRIES),
        ConnectionErrorRetryHandler(sleep=sleep, max_retry_count=MAX_RETRIES),
    ]


def build_client(
    token: str,
    base_url: str,
    *,
    timeout: int = REQUEST_TIMEOUT_S,
    on_rate_limited: Callable[[float], None] | None = None,
    retry_sleep: Sleep = asyncio.sleep,
) -> AsyncWebClient:
    """A Web API client for `token` against `base_url`, retrying what is worth retrying;
    `on_rate_limited(seconds)` hears of every 429, `retry_sleep` waits between attempts."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=retry_handlers(on_rate_limited, sleep=retry_sleep),
    )
