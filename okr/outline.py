"""What every surface shows of an objective and its key results, computed once.

Storage turns rows into these; `blocks` renders them. They hold plain values only, so a
builder can be tested with a literal and a query can be counted without Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from okr.display import Measure
from okr.progress import (
    KRKind,
    Status,
    clamp01,
    expected_progress,
    forecast_progress,
    objective_progress,
    progress,
    suggested_status,
    trend,
)
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
    """Progress the least-squares line through the check-ins reaches at cycle end."""
    reported: bool = False
    """Whether the KR has a reading this cycle (without one its status is "too early")."""
    unit_word: str | None = None
    """What a count counts ("prospects"), shown after its numbers; None for a plain number."""

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
) -> KRLine:
    """Compute a KR's line from stored values; `history` is this cycle's check-ins (or just
    their values), oldest first (empty before the first check-in)."""
    kr_kind = KRKind(kind)
    notes = tuple(h for h in history if isinstance(h, CheckInNote))
    history = tuple(h.value if isinstance(h, CheckInNote) else h for h in history)
    points = [(n.at, n.value) for n in notes]
    ahead = (
        forecast_progress(kr_kind, start, target, points, cycle_start, cycle_end)
        if len(points) >= 2 and kr_kind.moves
        else None
    )
    raw = progress(kr_kind, start, target, current, history_values=history, done=current >= 1)
    expected = expected_progress(cycle_start, cycle_end, at)
    status = suggested_status(
        kr_kind,
        raw,
        expected,
        latest_value=history[-1] if history else None,
        target=target,
        done=current >= 1,
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
        trend=trend(previous, current) if history else None,
        baseline=baseline,
        revisions=revisions,
        checkins=notes,
        forecast_progress=ahead,
        reported=bool(history),
        unit_word=unit_word,
    )
