"""A validated objective as the person submitted it, before it is stored.

The modal reader in `blocks` produces these and `storage` writes them, so they live on
the floor both stand on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from okr.due_dates import DueDay
from okr.periods import Period
from okr.progress import KRKind
from okr.values import Unit


@dataclass(frozen=True)
class KRDraft:
    """A validated key result, values parsed."""

    row: int
    title: str
    kind: KRKind
    unit: Unit
    currency: str | None
    start: float
    target: float
    owner_id: str
    baseline: float | None
    weight: float
    kr_id: int | None = None
    unit_word: str | None = None
    """What a count counts, from `38 prospects`."""
    relative_target: str | None = None
    """The target as typed when it was relative (`+20%`); `target` holds what it became."""
    period: Period | None = None
    """A quota's period (week or month)."""
    due: DueDay | None = None
    """A milestone's due date as typed; placed in the cycle when stored (None: its end)."""
    reason: str = ""
    """Editing: why this row's target changed (its revision keeps it)."""


@dataclass(frozen=True)
class ObjectiveDraft:
    """A validated objective: what the handler stores once the database checks pass."""

    title: str
    description: str
    level: str
    team_id: int | None
    cycle_id: int
    parent_id: int | None
    krs: tuple[KRDraft, ...]
    removed_kr_ids: tuple[int, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class TargetChange:
    """A KR target a save changed: its new value, in the KR's unit."""

    kr_id: int
    title: str
    new_target: float
    unit: Unit
    currency: str | None


@dataclass(frozen=True)
class LastSave:
    """What the latest save of an objective did, and who made it when: what a person whose
    edit modal is older than that save is shown, instead of their save undoing it."""

    by: str | None
    at: datetime
    version: int
    targets: tuple[TargetChange, ...] = ()
    #: (kr id, title) of the KRs it removed.
    removed: tuple[tuple[int, str], ...] = ()
    #: Titles of the KRs it added.
    added: tuple[str, ...] = ()
