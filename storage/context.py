"""What listeners and jobs are given instead of reading globals: sessions, clock, policy.

Tests and benchmarks build one with their own database and a fake clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storage.engine import SessionFactory

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware and in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    """Dependencies of the listeners and of the scheduler."""

    sessions: SessionFactory
    clock: Clock = system_clock
    default_timezone: str = "UTC"
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    #: A workspace's own OKR templates (OKR_TEMPLATES_DIR), offered beside the shipped ones.
    templates_dir: Path | None = None
