"""Which change of an upstream KR's status warrants a warning to the teams depending on it.

One status table only: a KR's status for a dependency is what `okr.progress` already says
of it for the digest's risk list (`risk_severity`: the bot's suggestion or its owner's own
call, the worse of the two), read as one word: off track, at risk, or on track.

The dependency row keeps the status last *recorded* (`upstream_status`) and a counter of
its changes (`status_changes`); a warning goes out, once per recipient, for each count at
which the recorded status is a risk. What is recorded:

- a slip into a worse risk (on track → at risk, on track or at risk → off track);
- a return to on track, which warns nobody but re-arms the next slip;
- nothing for an easing within the risks (off track → at risk): its warning was given.

A new dependency has recorded nothing (None reads as on track), so one made on a KR
already at risk warns its team once, the first time the job sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from okr.calendar import WorkCalendar
from okr.outline import KRLine
from okr.progress import Status, risk_severity

OFF_TRACK = Status.OFF_TRACK.value
AT_RISK = Status.AT_RISK.value
ON_TRACK = Status.ON_TRACK.value
_BY_SEVERITY = (OFF_TRACK, AT_RISK, ON_TRACK)
RISKS = frozenset({OFF_TRACK, AT_RISK})
#: No suggestion yet (no reading) and no call of risk from the owner: never shown as on track.
TOO_EARLY = "too_early"


def dependency_status(status: Status | str | None, confidence: str | None) -> str:
    """The upstream KR's status as a dependency sees it: the worse of suggestion and call;
    "too early" while there is no suggestion and the owner calls no risk."""
    severity = risk_severity(status, confidence)
    if status is None and _BY_SEVERITY[severity] not in RISKS:
        return TOO_EARLY
    return _BY_SEVERITY[severity]


def _severity(recorded: str | None) -> int:
    return _BY_SEVERITY.index(recorded) if recorded in _BY_SEVERITY else 2


def next_recorded(recorded: str | None, seen: str) -> str | None:
    """The status to record now that `seen` is seen (`recorded` before, None: never), or
    None when the row stays as it is (see the module docstring)."""
    before, now = _severity(recorded), _severity(seen)
    if now == 2:
        return ON_TRACK if before < 2 else None
    return seen if now < before else None


def warns(recorded: str | None) -> bool:
    """Whether a recorded status is one the dependants are warned about."""
    return recorded in RISKS


def first_working_day(year: int, month: int, calendar: WorkCalendar) -> date | None:
    """The month's first day that is no weekend day, holiday or paused week's (the monthly
    review's day); None when the month has none."""
    day = date(year, month, 1)
    while day.month == month:
        if (
            day.weekday() not in calendar.weekend
            and calendar.holiday(day) is None
            and not calendar.paused(day)
        ):
            return day
        day += timedelta(days=1)
    return None


@dataclass(frozen=True)
class DependencyLine:
    """One dependency as every reader of it shows it (warning, digest, Home, review, map):
    the upstream KR as a line in its units, both teams, the status and the latest note."""

    id: int
    upstream: KRLine
    upstream_team_id: int | None
    upstream_team: str | None
    downstream_title: str
    """The downstream KR's title, or the objective's when the whole objective depends."""
    downstream_owner: str
    downstream_team_id: int | None
    downstream_team: str | None
    need: str
    acknowledged_by: str | None
    recorded: str | None
    """The status the warning job last recorded (None: never)."""
    changes: int

    @property
    def status(self) -> str:
        """The upstream KR's status now (`dependency_status`)."""
        return dependency_status(self.upstream.status, self.upstream.confidence)

    @property
    def at_risk(self) -> bool:
        return self.status in RISKS

    @property
    def note(self) -> str | None:
        """The upstream owner's latest note this cycle (raw text), or None."""
        return next((c.note for c in reversed(self.upstream.checkins) if c.note.strip()), None)

    @property
    def noted_at(self) -> datetime | None:
        return next((c.at for c in reversed(self.upstream.checkins) if c.note.strip()), None)
