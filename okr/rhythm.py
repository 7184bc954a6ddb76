"""When the weekly rhythm is due, in each person's or team's own time zone.

Every delivery has a period (the ISO week of its local due date, or a cycle) and a due
instant. The tick asks "what is due now?": a delivery is due from its instant until its
window closes (24 h for prompts and nudges), and stale after that. DST is handled by
zoneinfo: a local time that does not exist on the day (clocks spring forward) is moved
forward by the gap; one that exists twice (clocks fall back) is the first of the two.
So a change of clocks neither skips nor doubles a delivery: the period is the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from okr.cycles import CycleSpan, next_quarter, quarter_for
from okr.dates import day_month
from okr.i18n import _

PROMPT_WINDOW = timedelta(hours=24)
DIGEST_WINDOW = timedelta(hours=24)
CLOSE_WINDOW = timedelta(days=7)
PLANNING_LEAD = timedelta(days=7)


class State(StrEnum):
    """Where a delivery stands at a moment."""

    NOT_YET = "not_yet"
    DUE = "due"
    STALE = "stale"


#: A stored rhythm time: two-digit hours and minutes, 00:00 to 23:59.
HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def is_hhmm(text: object) -> bool:
    """Whether `text` is a time the team settings may store ("09:00", not "9:00")."""
    return isinstance(text, str) and HHMM.fullmatch(text) is not None


def parse_hhmm(text: str) -> time:
    """ "09:00" -> 09:00; raises ValueError for anything else."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time like 09:00")
    return time(int(hours), int(minutes))


def week_key(day: date) -> str:
    """The ISO week of a date, as a ledger period: "2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    """The Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local date and time, DST-safe (see the module docstring)."""
    # fold=0 reads a nonexistent time with the offset in force before the gap, which lands
    # on the wall time after it (02:30 -> 03:30), and an ambiguous time as its first pass.
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    """One weekly occurrence: its period and the instant it is due."""

    period: str
    due: datetime

    def state(self, now: datetime, window: timedelta) -> State:
        if now < self.due:
            return State.NOT_YET
        return State.DUE if now < self.due + window else State.STALE


def weekly_slot(now: datetime, zone_name: str, weekday: int, at: str) -> Slot:
    """This week's occurrence (the ISO week containing `now` locally) of a weekly time."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    day = week_start(today) + timedelta(days=weekday)
    return Slot(week_key(day), local_instant(day, parse_hhmm(at), zone))


def local_today(now: datetime, zone_name: str) -> date:
    return now.astimezone(ZoneInfo(zone_name)).date()


def week_began(now: datetime, zone_name: str) -> datetime:
    """Monday 00:00 of the current local week, as a UTC instant (for "checked in this
    week")."""
    zone = ZoneInfo(zone_name)
    return local_instant(week_start(now.astimezone(zone).date()), time(0, 0), zone)


def is_away(away_until: date | None, now: datetime, zone_name: str) -> bool:
    """Away through the given date, inclusive, in the person's own zone."""
    return away_until is not None and local_today(now, zone_name) <= away_until


def is_resting(
    away_until: date | None, skipped_week: str | None, now: datetime, zone_name: str, week: str
) -> bool:
    """Away, or skipping `week`: no prompt, no nudge, and not counted as missing."""
    return is_away(away_until, now, zone_name) or skipped_week == week


def checked_in_this_week(last_checkin: datetime | None, now: datetime, zone_name: str) -> bool:
    """Whether the last check-in falls in the current local week: then no nudge, no
    snoozed prompt, and not missing from the digest."""
    return last_checkin is not None and last_checkin >= week_began(now, zone_name)


def snoozed_slot(slot: Slot, snoozed_until: datetime | None, now: datetime) -> Slot | None:
    """This week's prompt again, when its owner snoozed it until a time that has come.

    The period names the snooze, so each snooze prompts once; a snooze from before this
    week's prompt, or one whose window has closed, prompts nothing."""
    if snoozed_until is None or snoozed_until < slot.due:
        return None
    again = Slot(f"{slot.period}@{snoozed_until.strftime('%Y%m%dT%H%M')}", snoozed_until)
    return again if again.state(now, PROMPT_WINDOW) is State.DUE else None


def snooze_until(now: datetime, zone_name: str, choice: str, checkin_time: str) -> datetime:
    """ "later": three hours from now; "tomorrow": tomorrow at the check-in time (local)."""
    if choice == "later":
        return now + timedelta(hours=3)
    if choice == "tomorrow":
        zone = ZoneInfo(zone_name)
        tomorrow = local_today(now, zone_name) + timedelta(days=1)
        return local_instant(tomorrow, parse_hhmm(checkin_time), zone)
    raise ValueError(f"unknown snooze {choice!r}")


def day_slot(day: date, zone_name: str, at: str, period: str) -> Slot:
    """A one-off occurrence on a given local day (cycle close, planning reminder)."""
    return Slot(period, local_instant(day, parse_hhmm(at), ZoneInfo(zone_name)))


def close_slot(last_day: date, zone_name: str, at: str, cycle_id: int) -> Slot:
    """The cycle-close summary: the day after the cycle's last day, at `at` (the team's
    digest time)."""
    return day_slot(last_day + timedelta(days=1), zone_name, at, f"cycle:{cycle_id}")


def planning_slot(
    now: datetime, zone_name: str, at: str, fiscal_start_month: int
) -> tuple[CycleSpan, Slot]:
    """The next quarter and its planning reminder: PLANNING_LEAD before it starts, at `at`
    (the team's check-in time)."""
    this = quarter_for(local_today(now, zone_name), fiscal_start_month)
    upcoming = next_quarter(this, fiscal_start_month)
    start = upcoming.start
    return upcoming, day_slot(start - PLANNING_LEAD, zone_name, at, f"plan:{start.isoformat()}")


def week_label(now: datetime, zone_name: str) -> str:
    """ "week of 23 Nov": how a prompt names its week, in the reader's zone."""
    monday = week_start(local_today(now, zone_name))
    return _("week of {day}").format(day=day_month(monday))
