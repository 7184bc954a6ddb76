"""The monthly cross-team review a lead gets on the month's first working day: every
dependency of their team both ways, with status, latest note and who acknowledged it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from blocks.dependency_text import (
    acknowledged_text,
    dependency_status_text,
    downstream_text,
    latest_note_text,
    upstream_text,
)
from blocks.digest import context, header, pack_sections, section
from blocks.kr_format import guard
from okr.dependency_status import DependencyLine
from okr.i18n import _, ngettext

MAX_SECTIONS = 20
"""Section blocks per direction; a team with more dependencies gets "and N more"."""


def review_line(line: DependencyLine) -> str:
    """`• Sales · *KR* · owner ⇠ Marketing · *KR* · owner · value · status`, then the note
    and the acknowledgement."""
    return _("• {downstream}\n      ⇠ {upstream} · {status}\n      {note} · {ack}").format(
        downstream=downstream_text(line),
        upstream=upstream_text(line),
        status=dependency_status_text(line.status),
        note=latest_note_text(line),
        ack=acknowledged_text(line),
    )


def _part(title: str, lines: Sequence[DependencyLine]) -> list[dict[str, Any]]:
    if not lines:
        return []
    texts, placed = pack_sections(
        [review_line(line) for line in lines], max_blocks=MAX_SECTIONS, heading=title
    )
    blocks = [section(text) for text in texts]
    if placed < len(lines):
        more = len(lines) - placed
        blocks.append(context(ngettext("and {n:,} more", "and {n:,} more", more).format(n=more)))
    return blocks


def review_message(
    day: str, team_ids: Collection[int], lines: Sequence[DependencyLine]
) -> dict[str, Any]:
    """The review of `lines` (the lead's teams' dependencies) sent on `day` (as read:
    "Tue 1 Dec 2026"); "we depend on" are those whose downstream is one of `team_ids`."""
    ours = [line for line in lines if line.downstream_team_id in team_ids]
    theirs = [line for line in lines if line.downstream_team_id not in team_ids]
    heading = _("Cross-team dependencies · {day}").format(day=day)
    blocks = [
        header(heading),
        context(
            _(
                "Once a month: what your team depends on and who depends on you, "
                "with status and the latest note."
            )
        ),
        *_part(_("*We depend on* ({n})").format(n=len(ours)), ours),
        *_part(_("*Depends on us* ({n})").format(n=len(theirs)), theirs),
    ]
    at_risk = sum(1 for line in lines if line.at_risk)
    fallback = ngettext(
        "{heading}: {n} dependency, {risky} at risk",
        "{heading}: {n} dependencies, {risky} at risk",
        len(lines),
    ).format(heading=heading, n=len(lines), risky=at_risk)
    return {"text": guard(fallback, 1000), "blocks": blocks}
