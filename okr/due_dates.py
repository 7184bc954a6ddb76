"""A milestone's due date as people type it: `15 Dec`, `Dec 15`, `15 December 2026`,
`2026-12-15`, `12月15日`, `2026年12月15日`. Without a year it is the one date of that day
and month inside the cycle, so "15 Jan" in a November-to-January cycle is next January, not last."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from okr.i18n import N_, _
from okr.values import ValueParseError

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(r"(\d{1,2})\.?\s*([a-z]+)\.?,?(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?")
_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")

EXPECTED = N_("a date like 15 Dec or 2026-12-15 (or nothing: the cycle's last day)")


@dataclass(frozen=True)
class DueDay:
    """A typed due date; `year` None when it was left out."""

    month: int
    day: int
    year: int | None = None

    def within(self, first: date, last: date) -> date | None:
        """The date this names inside `first`..`last`, or None when it falls outside."""
        years = [self.year] if self.year is not None else range(first.year, last.year + 1)
        for year in years:
            try:
                found = date(year, self.month, self.day)
            except ValueError:
                continue
            if first <= found <= last:
                return found
        return None


def parse_due(text: str) -> DueDay:
    """The due date in `text`; ValueParseError (saying what was expected) otherwise."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())
    chinese = _ZH_DATE.fullmatch(cleaned)
    if chinese:
        year = int(chinese[1]) if chinese[1] else None
        return _checked(DueDay(int(chinese[2]), int(chinese[3]), year), text)
    iso = _ISO.fullmatch(cleaned)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return _checked(DueDay(month, day, year), text)
    for pattern, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        day_text, month_text = match[1], match[2]
        if not day_first:
            day_text, month_text = month_text, day_text
        month = _MONTHS.get(month_text)
        if month is None:
            break
        year = int(match[3]) if match[3] else None
        return _checked(DueDay(month, int(day_text), year), text)
    raise ValueParseError(
        _("“{text}” is not a date: type {expected}.").format(
            text=text.strip()[:40], expected=_(EXPECTED)
        )
    )


def _checked(due: DueDay, text: str) -> DueDay:
    try:
        date(due.year if due.year is not None else 2000, due.month, due.day)  # 2000: 29 Feb
    except ValueError:
        raise ValueParseError(
            _("“{text}” is not a day of the calendar: type {expected}.").format(
                text=text.strip()[:40], expected=_(EXPECTED)
            )
        ) from None
    return due
