"""The Slack Web API client: `SLACK_API_URL`, timeouts and retries in one place.

Retries use slack_sdk's own async handlers: 429 honours Retry-After, 5xx and dropped
connections back off. Slack's 5xx is usually 500 or 503, but a proxy in between answers
502 and 504 too, so the server-error handler here takes every 5xx.
"""

from __future__ import annotations

from collections.abc import Callable
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


class AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
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


class ReportingRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After), telling a listener about the pause so
    a fan-out can hold all its senders back, not just the one that was refused."""

    def __init__(self, on_rate_limited: Callable[[float], None] | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_rate_limited = on_rate_limited

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if self._on_rate_limited is not None and response is not None:
            values = [v for k, v in response.headers.items() if k.lower() == "retry-after"]
            try:
                first = values[0][0] if isinstance(values[0], list) else values[0]
                seconds = float(first)
            except (TypeError, ValueError, IndexError):
                seconds = 1.0
            self._on_rate_limited(seconds)
        await super().prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


def retry_handlers(
    on_rate_limited: Callable[[float], None] | None = None,
) -> list[AsyncRetryHandler]:
    return [
        ReportingRateLimitRetryHandler(on_rate_limited, max_retry_count=MAX_RETRIES),
        AnyServerErrorRetryHandler(max_retry_count=MAX_RETRIES),
        AsyncConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES),
    ]


def build_client(
    token: str,
    base_url: str,
    *,
    timeout: int = REQUEST_TIMEOUT_S,
    on_rate_limited: Callable[[float], None] | None = None,
) -> AsyncWebClient:
    """A Web API client for `token` against `base_url`, retrying what is worth retrying;
    `on_rate_limited(seconds)` hears of every 429."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=retry_handlers(on_rate_limited),
    )
