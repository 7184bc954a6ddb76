"""Rules for custom cycles, pure: what makes a (name, start, end) acceptable.

Errors come back keyed by field ("name", "start", "end"), each a sentence saying what to
change; an empty dict means the cycle may be created. Surfaces map fields to their own ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from okr.dates import day_month_year
from okr.i18n import _

MAX_NAME = 80
MAX_DAYS = 366

NAME = "name"
START = "start"
END = "end"

_QUARTER_NAME = re.compile(r"^fy\s*\d{4}\s*q[1-4]$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ExistingCycle:
    """A stored cycle, as far as the rules care."""

    name: str
    start: date
    end: date
    is_custom: bool


def _day(d: date) -> str:
    return day_month_year(d)


def validate_custom_cycle(
    name: str | None,
    start: date | None,
    end: date | None,
    existing: Iterable[ExistingCycle] = (),
) -> dict[str, str]:
    """Field errors for a new custom cycle against the workspace's `existing` cycles.

    Name: required, at most 80 characters, unique in the workspace (case-insensitive) and
    not shaped like a fiscal quarter's name ("FY2027 Q1"). Dates: both required, the end
    after the start, at most 366 days long, no overlap with another custom cycle, and not
    exactly the days of a cycle that already exists.
    """
    errors: dict[str, str] = {}
    cleaned = (name or "").strip()
    others = list(existing)
    if not cleaned:
        errors[NAME] = _("Give the cycle a name, e.g. “H1 2027 sales push”.")
    elif len(cleaned) > MAX_NAME:
        errors[NAME] = _(
            "Keep the name to {limit} characters or fewer (this one has {count})."
        ).format(limit=MAX_NAME, count=len(cleaned))
    elif _QUARTER_NAME.match(cleaned):
        errors[NAME] = _("Names like “FY2027 Q1” belong to fiscal quarters: pick another name.")
    else:
        taken = next((c for c in others if c.name.strip().lower() == cleaned.lower()), None)
        if taken is not None:
            errors[NAME] = _("There is already a cycle called “{name}”: pick another name.").format(
                name=taken.name
            )
    if start is None:
        errors[START] = _("Pick the first day of the cycle.")
    if end is None:
        errors[END] = _("Pick the last day of the cycle.")
    if start is None or end is None:
        return errors
    days = (end - start).days + 1
    if end <= start:
        errors[END] = _("The cycle must end after it starts.")
    elif days > MAX_DAYS:
        errors[END] = _("A cycle can last at most {limit} days; this one has {days}.").format(
            limit=MAX_DAYS, days=days
        )
    else:
        same = next((c for c in others if (c.start, c.end) == (start, end)), None)
        clash = next((c for c in others if c.is_custom and c.start <= end and start <= c.end), None)
        if clash is not None:
            errors[START] = _(
                "Overlaps “{name}” ({first} – {last}): custom cycles may not overlap."
            ).format(name=clash.name, first=_day(clash.start), last=_day(clash.end))
        elif same is not None:
            errors[START] = _("“{name}” already covers exactly these days.").format(name=same.name)
    return errors
