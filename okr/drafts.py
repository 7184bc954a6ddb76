"""A validated objective as the person submitted it, before it is stored.

The modal reader in `blocks` produces these and `storage` writes them, so they live on
the floor both stand on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
