"""The company objectives' cycle-end summary: each company objective's score, and under it
the score of every team objective aligned to it. Pure; scores are okr.digest's cycle-close
scores (the same numbers the teams' own summaries show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from okr.digest import ObjectiveScore, assemble_close
from okr.outline import ObjectiveCard
from okr.rhythm import Slot

COMPANY = "company"


@dataclass(frozen=True)
class CompanyObjective:
    """A company objective's score and those of the objectives aligned to it."""

    score: ObjectiveScore
    aligned: tuple[ObjectiveScore, ...]


@dataclass(frozen=True)
class CompanyClose:
    cycle_name: str
    objectives: tuple[CompanyObjective, ...]


def assemble_company_close(cycle_name: str, cards: Sequence[ObjectiveCard]) -> CompanyClose:
    """The summary from a cycle's cards: its company objectives (none: nothing to send)
    and, under each, the team objectives aligned to it directly."""
    scored = {
        s.card.id: s
        for s in assemble_close(team_name="", cycle_name=cycle_name, cards=cards).objectives
    }
    company = [s for s in scored.values() if s.card.level == COMPANY]
    return CompanyClose(
        cycle_name,
        tuple(
            CompanyObjective(
                top,
                tuple(
                    s
                    for s in scored.values()
                    if s.card.parent_id == top.card.id and s.card.level != COMPANY
                ),
            )
            for top in company
        ),
    )


def company_close_slot(last_day: date, cycle_id: int) -> Slot:
    """The company summary: once the cycle's last day is over everywhere on Earth (12:00
    UTC the day after: UTC-12 ends its day then), so every team's final check-in is in."""
    due = datetime.combine(last_day + timedelta(days=1), time(12, 0), tzinfo=UTC)
    return Slot(f"cycle:{cycle_id}", due)
