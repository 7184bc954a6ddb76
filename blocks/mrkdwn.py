"""Escaping user text for Slack's mrkdwn.

Slack only turns `<...>` sequences into mentions, broadcasts and links, and only `&`,
`<` and `>` need escaping for that (api.slack.com/reference/surfaces/formatting#escaping).
Escaping them makes `<!channel>` or `<https://evil|bank>` render as plain text.
"""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """User text made safe to embed in a mrkdwn or plain_text field."""
    return text.translate(_ESCAPES)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `text` to at most `limit` characters, marking the cut, for Block Kit limits."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis
