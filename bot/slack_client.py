"""The Slack Web API client: `SLACK_API_URL`, timeouts and retries in one place.

Retries use slack_sdk's own async handlers: 429 honours Retry-After, 5xx and dropped
connections back off. Slack's 5xx is usually 500 or 503, but a proxy in between answers
502 and 504 too, so the server-error handler here takes every 5xx.
"""

from __future__ import annotations

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


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
        AnyServerErrorRetryHandler(max_retry_count=MAX_RETRIES),
        AsyncConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES),
    ]


def build_client(token: str, base_url: str, *, timeout: int = REQUEST_TIMEOUT_S) -> AsyncWebClient:
    """A Web API client for `token` against `base_url`, retrying what is worth retrying."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers()
    )
