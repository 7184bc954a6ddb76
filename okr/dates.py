"""Dates and times as the reader writes them: `Tue 1 Dec` / `12月1日 周二`, `09:00`.

English keeps the forms the bot has always used (day before month, `Mon 10 Jun 2024`);
Chinese comes from Babel's CLDR data for zh_CN (`12月1日`, `2026年12月1日`, `周二`). Every
surface formats a calendar date through these, so a date reads one way in one language.
A moment that Slack can render in the viewer's own zone stays a `<!date^…>` token
(`blocks.mrkdwn`); these are for calendar dates and local clock times.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton

from okr.i18n import babel_locale, is_zh


@lru_cache(maxsize=4)
def _parsed(name: str) -> Locale:
    """The Babel locale `name`, parsed once (Babel would parse the string on every call)."""
    return Locale.parse(name)


def _locale() -> Locale:
    return _parsed(babel_locale())


def month_abbr(month: int) -> str:
    """`Jun` / `6月`."""
    return f"{month}月" if is_zh() else date(2000, month, 1).strftime("%b")


def weekday_abbr(weekday: int) -> str:
    """`Mon` / `周一` (weekday 0 is Monday)."""
    day = date(2024, 1, 1 + weekday)  # 2024-01-01 was a Monday
    return format_date(day, "EEE", locale=_locale()) if is_zh() else f"{day:%a}"


def day_month(day: date) -> str:
    """`10 Jun` / `6月10日`."""
    if is_zh():
        return format_skeleton("MMMd", day, locale=_locale())
    return f"{day.day} {month_abbr(day.month)}"


def day_month_year(day: date) -> str:
    """`10 Jun 2024` / `2024年6月10日`."""
    if is_zh():
        return format_skeleton("yMMMd", day, locale=_locale())
    return f"{day.day} {month_abbr(day.month)} {day.year}"


def weekday_day_month(day: date) -> str:
    """`Mon 10 Jun` / `6月10日 周一`."""
    if is_zh():
        return f"{day_month(day)} {weekday_abbr(day.weekday())}"
    return f"{weekday_abbr(day.weekday())} {day_month(day)}"


def weekday_day_month_year(day: date) -> str:
    """`Mon 10 Jun 2024` / `2024年6月10日 周一`."""
    if is_zh():
        return f"{day_month_year(day)} {weekday_abbr(day.weekday())}"
    return f"{weekday_abbr(day.weekday())} {day_month_year(day)}"


def clock(moment: time | datetime) -> str:
    """A local clock time, 24-hour in both languages as the team settings write it: `09:00`."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def span(first: date, last: date) -> str:
    """`1 Apr – 30 Jun 2027` / `2027年4月1日 – 6月30日`."""
    if is_zh():
        tail = day_month(last) if first.year == last.year else day_month_year(last)
        return f"{day_month_year(first)} – {tail}"
    head = day_month(first) if first.year == last.year else day_month_year(first)
    return f"{head} – {day_month_year(last)}"
