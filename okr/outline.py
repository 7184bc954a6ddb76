"""What every surface shows of an objective and its key results, computed once.

Storage turns rows into these; `blocks` renders them. They hold plain values only, so a
builder can be tested with a literal and a query can be counted without Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from okr.cycles import today_in, zone
from okr.display import Measure
from okr.periods import Period
from okr.progress import (
    KRKind,
    Status,
    clamp01,
    due_share,
    expected_progress,
    forecast_progress,
    objective_progress,
    progress,
    suggested_status,
    trend,
)
from okr.quota import AwaySpell, QuotaBasis, QuotaSummary, Reading, summarise
from okr.relative_target import still_relative
from okr.values import Unit


class Level:
    """Objective levels, top of the alignment tree first."""

    COMPANY = "company"
    TEAM = "team"
    PERSONAL = "personal"
    ALL = (COMPANY, TEAM, PERSONAL)


@dataclass(frozen=True)
class TargetChange:
    """One revision of a KR's target, for its history."""

    old_target: float
    new_target: float
    reason: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class CheckInNote:
    """One check-in as the history shows it."""

    id: int
    value: float
    confidence: str | None
    note: str
    user_id: str
    at: datetime
    edited: bool = False
    period_key: str | None = None
    """The period a quota reading counts for (`2026-W48`, `2026-11`); None for other kinds."""


@dataclass(frozen=True)
class KRLine:
    """A key result as shown: value in its unit, progress, pace, status beside confidence."""

    id: int
    title: str
    kind: KRKind
    unit: Unit
    currency: str | None
    start: float
    target: float
    original_target: float
    current: float
    owner_id: str
    weight: float
    progress: float
    """Raw progress: 1.2 shows as 120 %."""
    expected: float
    status: Status | None
    """Suggested from progress / expected; None while it is too early to tell."""
    confidence: str | None
    """The owner's own call, shown beside the suggestion, never replaced by it."""
    trend: float | None
    """Change of the value since the previous check-in."""
    baseline: float | None = None
    revisions: tuple[TargetChange, ...] = ()
    """Changes of the target, oldest first."""
    checkins: tuple[CheckInNote, ...] = ()
    """This cycle's check-ins, oldest first (deleted and replaced ones left out)."""
    forecast_progress: float | None = None
    """Progress the least-squares line through the check-ins reaches at cycle end (a
    quota's: its mean attainment so far)."""
    reported: bool = False
    """Whether the KR has a reading this cycle (without one its status is "too early")."""
    unit_word: str | None = None
    """What a count counts ("prospects"), shown after its numbers; None for a plain number."""
    period: Period | None = None
    """A quota's period (week or month); None for other kinds."""
    due_date: date | None = None
    """A milestone's due date (the cycle's last day unless one was set)."""
    quota: QuotaSummary | None = None
    """A quota's periods so far, counts and attainment, as of the line's moment."""
    quota_basis: QuotaBasis | None = None
    """What a quota's periods are measured against, to recompute it as of another moment."""
    relative_target: str | None = None
    """The target as typed relative to the start or baseline (`+20%`), while the target is
    still what it makes of them; None for a target typed absolute."""

    @property
    def measure(self) -> Measure:
        """How this KR's numbers read (okr.display)."""
        return Measure(self.unit, self.currency, self.unit_word)

    @property
    def last_revised(self) -> TargetChange | None:
        """The latest change of the target (`revisions` are oldest first), if any."""
        return self.revisions[-1] if self.revisions else None

    @property
    def score(self) -> float:
        return clamp01(self.progress)

    @property
    def done(self) -> bool:
        return self.kind is KRKind.MILESTONE and self.current >= 1


@dataclass(frozen=True)
class ObjectiveCard:
    """An objective with its key results and where it sits in the alignment tree."""

    id: int
    title: str
    description: str
    level: str
    owner_id: str
    team_id: int | None
    team_name: str | None
    cycle_id: int
    cycle_name: str
    parent_id: int | None
    parent_title: str | None
    krs: tuple[KRLine, ...] = ()
    archived: bool = False

    @property
    def progress(self) -> float:
        return objective_progress((kr.progress, kr.weight) for kr in self.krs)


@dataclass(frozen=True)
class TreeNode:
    """An objective in the alignment tree, with the objectives aligned under it."""

    id: int
    title: str
    level: str
    owner_id: str
    team_name: str | None
    progress: float
    children: tuple[TreeNode, ...] = field(default=())

    def size(self) -> int:
        """Nodes in this subtree, itself included."""
        return 1 + sum(child.size() for child in self.children)


def kr_line(
    *,
    id: int,
    title: str,
    kind: str,
    unit: str,
    currency: str | None,
    start: float,
    target: float,
    original_target: float,
    current: float,
    owner_id: str,
    weight: float,
    confidence: str | None,
    history: tuple[float, ...] | tuple[CheckInNote, ...],
    cycle_start: datetime,
    cycle_end: datetime,
    at: datetime,
    baseline: float | None = None,
    revisions: tuple[TargetChange, ...] = (),
    unit_word: str | None = None,
    period: str | None = None,
    due_date: date | None = None,
    timezone: str = "UTC",
    away: tuple[AwaySpell, ...] = (),
    target_text: str | None = None,
) -> KRLine:
    """Compute a KR's line from stored values; `history` is this cycle's check-ins (or just
    their values), oldest first (empty before the first check-in).

    `timezone` is the team's: a quota's periods and a milestone's due date are its calendar
    days (`cycle_start` / `cycle_end` are the cycle's bounds in it). `away` are the owner's
    away spells, which a quota leaves out of its mean. `target_text` is the target as typed
    when it was relative (`+20%`)."""
    kr_kind = KRKind(kind)
    notes = tuple(h for h in history if isinstance(h, CheckInNote))
    history = tuple(h.value if isinstance(h, CheckInNote) else h for h in history)
    expected = expected_progress(cycle_start, cycle_end, at)
    basis = summary = None
    if kr_kind is KRKind.QUOTA:
        basis = quota_basis(target, period, timezone, cycle_start, cycle_end, away)
        summary = summarise(basis, readings_of(notes), at)
        raw = ahead = summary.progress
        status = suggested_status(
            kr_kind, raw, expected, reported=bool(history), recent_attainment=summary.recent
        )
    else:
        points = [(n.at, n.value) for n in notes]
        ahead = (
            forecast_progress(kr_kind, start, target, points, cycle_start, cycle_end)
            if len(points) >= 2 and kr_kind.moves
            else None
        )
        raw = progress(kr_kind, start, target, current, history_values=history, done=current >= 1)
        pace, past_due = expected, False
        if kr_kind is KRKind.MILESTONE:
            pace, past_due = due_share(cycle_start, due_end(due_date, timezone, cycle_end), at)
        status = suggested_status(
            kr_kind,
            raw,
            pace,
            target=target,
            done=current >= 1,
            readings=history,
            reported=bool(history),
            past_due=past_due,
        )
    previous = history[-2] if len(history) >= 2 else None
    return KRLine(
        id=id,
        title=title,
        kind=kr_kind,
        unit=Unit(unit),
        currency=currency,
        start=start,
        target=target,
        original_target=original_target,
        current=current,
        owner_id=owner_id,
        weight=weight,
        progress=raw,
        expected=expected,
        status=status,
        confidence=confidence,
        trend=trend(previous, current) if history and basis is None else None,
        baseline=baseline,
        revisions=revisions,
        checkins=notes,
        forecast_progress=ahead,
        reported=bool(history),
        unit_word=unit_word,
        period=basis.period if basis else None,
        due_date=due_date if kr_kind is KRKind.MILESTONE else None,
        quota=summary,
        quota_basis=basis,
        relative_target=relative_form(target_text, kr_kind, target, start, baseline),
    )


def relative_form(
    text: str | None, kind: KRKind, target: float, start: float, baseline: float | None
) -> str | None:
    """`text` (`+20%`) while it still makes `target` from the start, or from the baseline (a
    threshold typed without a start is stored with its target as start)."""
    relative = still_relative(text, kind, target, start, baseline) or still_relative(
        text, kind, target, None, baseline
    )
    return relative.text if relative is not None else None


def readings_of(notes: tuple[CheckInNote, ...]) -> list[Reading]:
    """A quota's readings from its check-ins."""
    return [Reading(n.period_key, n.at, n.value) for n in notes]


@lru_cache(maxsize=256)
def cycle_days(cycle_start: datetime, cycle_end: datetime, timezone: str) -> tuple[date, date]:
    """The cycle's first and last local day, from its bounds (local midnights)."""
    return today_in(timezone, cycle_start), today_in(timezone, cycle_end - timedelta(seconds=1))


def quota_basis(
    quota: float,
    period: str | None,
    timezone: str,
    cycle_start: datetime,
    cycle_end: datetime,
    away: tuple[AwaySpell, ...] = (),
) -> QuotaBasis:
    """A quota KR's measure: a missing period reads as a week."""
    first, last = cycle_days(cycle_start, cycle_end, timezone)
    return QuotaBasis(quota, Period(period or Period.WEEK), timezone, first, last, away)


def due_end(due_date: date | None, timezone: str, cycle_end: datetime) -> datetime:
    """The instant a milestone's due date is over: local midnight after it; the cycle's end
    without a due date."""
    if due_date is None:
        return cycle_end
    return datetime.combine(due_date + timedelta(days=1), time(0), tzinfo=zone(timezone))
