"""A lead's Home tab: their team's dependencies both ways, in one section under the team's
week: what we depend on (status and who acknowledged it) and who depends on us."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.dependency_text import (
    KR_CHARS,
    acknowledged_text,
    dependency_status_text,
    downstream_text,
    team_text,
)
from blocks.digest import pack_sections, section
from blocks.kr_format import user_text
from okr.dependency_status import DependencyLine
from okr.i18n import _, ngettext


def we_depend_line(line: DependencyLine) -> str:
    """`⇠ Marketing · *Generate MQLs* · :large_yellow_circle: at risk · acknowledged by <@U1>`."""
    return _("⇠ {team} · *{kr}* · {status} · {ack}").format(
        team=team_text(line.upstream_team),
        kr=user_text(line.upstream.title, KR_CHARS),
        status=dependency_status_text(line.status),
        ack=acknowledged_text(line),
    )


def depends_on_us_line(line: DependencyLine) -> str:
    """`⇢ Sales · *Contact prospects* · <@U2> depends on *Generate MQLs* · not acknowledged`."""
    return _("⇢ {downstream} depends on *{kr}* · {status} · {ack}").format(
        downstream=downstream_text(line),
        kr=user_text(line.upstream.title, KR_CHARS),
        status=dependency_status_text(line.status),
        ack=acknowledged_text(line),
    )


def dependency_section(
    team_id: int | None, lines: Sequence[DependencyLine], room: int
) -> list[dict[str, Any]]:
    """One section with the team's dependencies both ways; nothing when there are none or
    `room` (blocks left) has none for it. Lines that do not fit are counted."""
    if not lines or room < 1 or team_id is None:
        return []
    ours = [line for line in lines if line.downstream_team_id == team_id]
    theirs = [line for line in lines if line.downstream_team_id != team_id]
    rows = [
        *([_("*We depend on* ({n})").format(n=len(ours))] if ours else []),
        *(we_depend_line(line) for line in ours),
        *([_("*Depends on us* ({n})").format(n=len(theirs))] if theirs else []),
        *(depends_on_us_line(line) for line in theirs),
    ]
    heading = _(":link: *Dependencies*")
    texts, placed = pack_sections(rows, max_blocks=1, heading=heading, budget=2900)
    text = texts[0]
    if placed < len(rows):
        more = len(rows) - placed
        text += "\n" + ngettext("and {n:,} more", "and {n:,} more", more).format(n=more)
    return [section(text)]
