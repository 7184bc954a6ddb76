"""What a POST to /slack/events must be before Bolt sees it, checked in the order that lets a
stranger learn nothing and cost little.

Bolt decodes and parses a body before and while it checks the signature, and trusts the
shape it finds: a timestamp that is not a number, bytes that are not UTF-8, an unknown
charset or JSON nested past Python's recursion limit each became a 500 with a traceback.
Here every such request gets a `Refusal` (400 or 401, with a short reason that quotes
nothing from the request), and only a signed body of Slack's shape is let through, already
parsed: Bolt's own parser takes any form containing the text "payload" (a channel named
#payload-ops, a team called Payloads) for an interaction and reads it as empty.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

from bot.payload_shape import MAX_DEPTH, shape_problem

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
#: Slack's timestamps are 10 digits; a few more allow for clocks far in the future.
MAX_TIMESTAMP_DIGITS = 12
_UTF8 = codecs.lookup("utf-8").name


@dataclass(frozen=True)
class Refusal:
    """Why a request is not handed to Bolt: `status` to answer, `reason` in a few words.
    `signed` is True when the signature was valid (Slack, or someone holding the secret,
    sent it); unsigned refusals are a stranger's and are logged rate-limited."""

    status: int
    reason: str
    signed: bool = False


def admit(
    raw: bytes,
    headers: Mapping[str, str],
    content_type: str,
    charset: str | None,
    verifier: SignatureVerifier,
) -> dict[str, Any] | Refusal:
    """The parsed body when Bolt may handle the request, else the `Refusal`.

    `headers` look names up case-insensitively (aiohttp's do); `content_type` is the media
    type without parameters, `charset` the one the Content-Type declares, if any."""
    if charset is not None and not _is_utf8(charset):
        return Refusal(400, "the body's charset is not UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "the body is not UTF-8")
    unsigned = _signature_problem(
        text, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), verifier
    )
    if unsigned is not None:
        if _is_ssl_check(text, content_type):
            return {"ssl_check": "1"}  # unsigned by design; Bolt answers it 200, nothing else
        return Refusal(401, unsigned)
    try:
        body = parse(text, content_type)
    except RecursionError:
        return Refusal(400, f"nested deeper than {MAX_DEPTH} levels", signed=True)
    except ValueError:
        return Refusal(400, "", signed=True)
    if not isinstance(body, dict):
        return Refusal(400, "", signed=True)
    problem = shape_problem(body)
    if problem is not None:
        return Refusal(400, problem, signed=True)
    return body


def parse(text: str, content_type: str) -> Any:
    """The body as Slack sends it: JSON (Events API), a form whose `payload` field is JSON
    (interactivity), or a plain form (slash commands). Raises ValueError (or RecursionError
    for JSON nested past Python's limit) when it is none of them."""
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return json.loads(form["payload"])
    return form


def _signature_problem(
    text: str, timestamp: str | None, signature: str | None, verifier: SignatureVerifier
) -> str | None:
    """Why the request is not signed by Slack, or None when it is."""
    if timestamp is None:
        return f"no {TIMESTAMP_HEADER}"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > MAX_TIMESTAMP_DIGITS:
        return f"{TIMESTAMP_HEADER} is not a number"
    if signature is None:
        return f"no {SIGNATURE_HEADER}"
    # hmac.compare_digest refuses non-ASCII text with a TypeError.
    if not signature.isascii() or not verifier.is_valid(text, timestamp, signature):
        return "invalid or expired signature"
    return None


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in {_UTF8, "ascii"}
    except LookupError:
        return False


def _is_ssl_check(text: str, content_type: str) -> bool:
    """Slack's unsigned certificate check of a slash command URL: a form with ssl_check=1."""
    if content_type == "application/json" or text.startswith("{"):
        return False
    return dict(parse_qsl(text, keep_blank_values=True)).get("ssl_check") == "1"
