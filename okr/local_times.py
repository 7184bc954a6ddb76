"""What a team's chosen times are for each of its people: "Digest Fri 16:00 Shanghai ·
09:00 Berlin · 03:00 New York", and who a time reaches outside waking hours.

The digest goes out at one instant in the team's zone, so each member's zone sees it at
its own local time; the check-in and the reminder go out at the chosen time in each
owner's own zone, so for them only the time itself can be too early or too late. Offsets
are this week's (DST-safe through okr.rhythm). Pure: zones in, lines out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from okr.dates import clock, weekday_abbr
from okr.i18n import is_zh
from okr.rhythm import parse_hhmm, weekly_slot
from okr.team_rhythm import TeamRhythm

#: Waking working hours: a post outside them warns (it is not refused).
AWAKE_FROM = time(8, 0)
AWAKE_UNTIL = time(19, 0)
AWAKE_TEXT = "08:00–19:00"


def place(zone: str) -> str:
    """ "America/New_York" -> "New York"; "UTC" stays; in Chinese, the city's Chinese name
    where the catalog has it (the zone's own name otherwise)."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return _CITY_ZH.get(city, city) if is_zh() else city


#: Chinese names of the cities whose zones sales teams use most; others keep the zone's.
_CITY_ZH = {
    "Shanghai": "上海",
    "Hong Kong": "香港",
    "Taipei": "台北",
    "Singapore": "新加坡",
    "Tokyo": "东京",
    "Seoul": "首尔",
    "Berlin": "柏林",
    "London": "伦敦",
    "Paris": "巴黎",
    "New York": "纽约",
    "Los Angeles": "洛杉矶",
    "Chicago": "芝加哥",
    "Sydney": "悉尼",
    "Dubai": "迪拜",
    "Kolkata": "加尔各答",
}


def city_of(typed: str) -> str:
    """A Chinese city name typed in a time-zone search as its zone's city (`上海` →
    `Shanghai`); anything else as typed."""
    name = typed.strip()
    return next((city for city, zh in _CITY_ZH.items() if zh == name), typed)


def awake(at: time) -> bool:
    return AWAKE_FROM <= at <= AWAKE_UNTIL


@dataclass(frozen=True)
class LocalTime:
    """One zone's view of a team post: its place, weekday and time, and who lives there."""

    zone: str
    weekday: int
    at: time
    people: tuple[str, ...]

    @property
    def awake(self) -> bool:
        return awake(self.at)


def digest_times(
    rhythm: TeamRhythm, team_zone: str, zones: Mapping[str, str], now: datetime
) -> list[LocalTime]:
    """This week's digest instant in the team's zone and in each person's (`zones`: user ->
    zone; a person without one is in the team's), the team's zone first, then east to west."""
    due = weekly_slot(now, team_zone, rhythm.digest_weekday, rhythm.digest_time).due
    by_zone: dict[str, list[str]] = {team_zone: []}
    for user, zone in zones.items():
        by_zone.setdefault(zone or team_zone, []).append(user)
    found = []
    for zone, people in by_zone.items():
        local = due.astimezone(ZoneInfo(zone))
        found.append(LocalTime(zone, local.weekday(), local.time(), tuple(sorted(people))))
    team, others = found[0], found[1:]
    others.sort(key=lambda t: (-_offset_minutes(due, t.zone), t.zone))
    return [team, *others]


def _offset_minutes(at: datetime, zone: str) -> int:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def times_line(label: str, times: list[LocalTime]) -> str:
    """ "Digest Fri 16:00 Shanghai · 09:00 Berlin · 03:00 New York": the weekday where it
    differs from the first zone's, places whose time is outside waking hours marked ⚠."""
    first = times[0].weekday
    parts = []
    for i, t in enumerate(times):
        day = f"{weekday_abbr(t.weekday)} " if i == 0 or t.weekday != first else ""
        mark = "" if t.awake else " ⚠"
        parts.append(f"{day}{clock(t.at)} {place(t.zone)}{mark}")
    return f"{label} " + " · ".join(parts)


def asleep(times: list[LocalTime]) -> list[LocalTime]:
    """The zones with people in them where the post lands outside waking hours."""
    return [t for t in times if t.people and not t.awake]


def own_time_outside(at: str) -> bool:
    """Whether a time sent in each person's own zone (check-in, reminder) is outside
    waking hours for everyone."""
    return not awake(parse_hhmm(at))
