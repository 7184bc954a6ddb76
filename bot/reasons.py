"""Why a connection failed, in the few plain words an operator reads in one line.

Client libraries describe a failure with nested reprs ("ClientConnectorError(ConnectionKey(
host=...") that say little and get cut mid-text when shortened; the cause an operator can act
on (refused, no such host, no answer, bad certificate) sits in the chain underneath.
"""

from __future__ import annotations

import os
import socket
import ssl
import textwrap
from collections.abc import Iterator

#: The longest reason shown; longer messages are shortened at a word boundary.
MAX_REASON_CHARS = 160


def plain_reason(exc: BaseException, *, timeout_s: float | None = None) -> str:
    """What went wrong, e.g. "connection refused", "no answer within 10 s",
    "host name not found", 'database "x" does not exist'."""
    chain = list(_causes(exc))
    for error in chain:
        if isinstance(error, TimeoutError):
            return f"no answer within {timeout_s:g} s" if timeout_s else "no answer in time"
        if isinstance(error, socket.gaierror):
            return "host name not found"
        if isinstance(error, ssl.SSLCertVerificationError):
            return "its TLS certificate is not trusted"
        if isinstance(error, ssl.SSLError):
            return "the TLS handshake failed (https to a plain http port?)"
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, ConnectionResetError):
            return "the connection was reset (https to a plain http port?)"
        if isinstance(error, OSError) and error.errno and error.errno > 0:
            return os.strerror(error.errno).lower()
    innermost = chain[-1]
    lines = str(innermost).strip().splitlines()
    text = lines[0] if lines else type(innermost).__name__
    return textwrap.shorten(text, MAX_REASON_CHARS, placeholder=" …")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what caused it (explicit causes and aiohttp's `os_error`), outermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = _cause_of(current)


def _cause_of(exc: BaseException) -> BaseException | None:
    for name in ("os_error", "orig"):  # aiohttp's connector error, SQLAlchemy's DBAPIError
        wrapped = getattr(exc, name, None)
        if isinstance(wrapped, BaseException):
            return wrapped
    if exc.__cause__ is not None or exc.__suppress_context__:
        return exc.__cause__
    return exc.__context__
