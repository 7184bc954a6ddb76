"""Escaping user text for Slack's mrkdwn.

Slack only turns `<...>` sequences into mentions, broadcasts and links, and only `&`,
`<` and `>` need escaping for that (api.slack.com/reference/surfaces/formatting#escaping).
Escaping them makes `<!channel>` or `<https://evil|bank>` render as plain text.
A moment is a `<!date^…>` token (`slack_date`), with a fallback in the reader's language.
"""

from __future__ import annotations

from datetime import UTC, datetime

from okr import dates
from okr.i18n import is_zh

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """User text made safe to embed in a mrkdwn or plain_text field."""
    return text.translate(_ESCAPES)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `text` to at most `limit` characters, marking the cut, for Block Kit limits."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def slack_date(moment: datetime, token: str = "{date_short} {time}") -> str:
    """`<!date^1717408800^{date_short} {time}|2024-06-03 10:00 UTC>`: Slack renders the token
    in the viewer's own zone and language; the fallback (old clients, notifications) is in
    the current language, in UTC: `2024-06-03 10:00 UTC` / `2024年6月3日 10:00 UTC`.
    Naive datetimes are taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    utc = aware.astimezone(UTC)
    if is_zh():
        fallback = f"{dates.day_month_year(utc.date())} {dates.clock(utc)} UTC"
    else:
        fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{token}|{escape(fallback)}>"
