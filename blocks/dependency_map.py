"""`/okr map`: the cycle's company objectives with each team's objectives under them (the
alignment tree's lines, two levels), then the dependency edges between teams with status.

Paginated like `/okr tree` (blocks.tree): lines packed into sections of at most 3,000
characters, a page holding `max_blocks - 4` of them (header, footer, Previous, Next), the
buttons' action id `blocks.ids.MAP_PAGE` with value compact JSON `{"page": n}`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from blocks import ids
from blocks.dependency_text import dependency_status_text, team_text
from blocks.digest import context, header, pack_sections, section
from blocks.kr_format import MAX_MESSAGE_BLOCKS, guard, nav_block, one_line, user_text
from blocks.tree import TREE_OVERHEAD, tree_lines
from okr.dependency_status import DependencyLine
from okr.i18n import _, ngettext
from okr.outline import TreeNode

KR_CHARS = 80
#: Company objectives, the teams' under them; personal ones are counted, not listed.
MAP_DEPTH = 2


def edge_line(line: DependencyLine) -> str:
    """`• Sales · *Contact prospects* ⇠ Marketing · *Generate MQLs* · <status label>`."""
    return _("• {team} · *{kr}* ⇠ {upstream_team} · *{upstream_kr}* · {status}").format(
        team=team_text(line.downstream_team),
        kr=user_text(line.downstream_title, KR_CHARS),
        upstream_team=team_text(line.upstream_team),
        upstream_kr=user_text(line.upstream.title, KR_CHARS),
        status=dependency_status_text(line.status),
    )


def map_lines(roots: Sequence[TreeNode], edges: Sequence[DependencyLine]) -> list[str]:
    """Every line of the map, in order: the objectives, then the edges under a heading."""
    lines = [line.text for line in tree_lines(roots, MAP_DEPTH)]
    if not lines:
        lines.append(_("No objectives in this cycle yet."))
    between = [line for line in edges if line.upstream_team_id != line.downstream_team_id]
    heading = _("*Dependencies between teams* ({n})").format(n=len(between))
    if not between:
        return [*lines, heading, _("No team depends on another team's key result yet.")]
    return [*lines, heading, *(edge_line(line) for line in between)]


def _pages(lines: Sequence[str], per_page: int) -> list[list[str]]:
    pages, rest = [], list(lines)
    while rest:
        texts, placed = pack_sections(rest, max_blocks=per_page)
        pages.append(texts)
        rest = rest[max(placed, 1) :]
    return pages


def map_message(
    cycle_name: str,
    roots: Sequence[TreeNode],
    edges: Sequence[DependencyLine],
    *,
    page: int = 0,
    max_blocks: int = 45,
) -> dict[str, Any]:
    """An ephemeral message with page `page` (0-based, clamped) of the company map."""
    name = one_line(cycle_name) or _("this cycle")
    heading = _("Company map · {cycle}").format(cycle=name)
    per_page = max(1, min(max_blocks, MAX_MESSAGE_BLOCKS) - TREE_OVERHEAD)
    pages = _pages(map_lines(roots, edges), per_page)
    page = min(max(0, page), len(pages) - 1)
    blocks = [header(heading), *(section(text) for text in pages[page])]
    if len(pages) > 1:
        blocks.append(context(_("Page {page} of {pages}").format(page=page + 1, pages=len(pages))))
        for direction, target in (("prev", page - 1), ("next", page + 1)):
            if 0 <= target < len(pages):
                value = json.dumps({"page": target}, separators=(",", ":"))
                blocks.append(nav_block(ids.MAP_PAGE, direction, page, value).to_dict())
    count = sum(1 for line in edges if line.upstream_team_id != line.downstream_team_id)
    fallback = ngettext(
        "{heading}: {n} dependency between teams",
        "{heading}: {n} dependencies between teams",
        count,
    ).format(heading=heading, n=count)
    return {"response_type": "ephemeral", "text": guard(fallback, 1000), "blocks": blocks}
