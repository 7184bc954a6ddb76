"""The alignment tree (company → team → personal) as a compact, paginated message.

One line per objective — `• `, `  ◦ `, `    ▪ ` by depth — with title, team, owner, percent
and a short bar; many lines per section (each ≤ 3,000 characters), so a big tree takes few
blocks. Subtrees deeper than `max_depth` collapse into "… and N more aligned objectives".
Roots that are not company objectives are shown as roots marked "not aligned".

Pages: lines are packed into sections from the top; a page holds `max_blocks - 4` sections
(header, footer context, Previous, Next). Navigation buttons each sit alone in an actions block
with action_id `blocks.ids.TREE_PAGE` (block ids `tree_page_prev_<page>` /
`tree_page_next_<page>`), value compact JSON `{"page": n}` (0-based), plus `"cycle": id` when
`cycle_id` is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import ids
from blocks.kr_format import (
    MAX_HEADER_TEXT,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    clip,
    mention,
    nav_block,
    one_line,
    percent,
    progress_bar,
    user_text,
)
from okr.i18n import _, ngettext
from okr.outline import Level, TreeNode

TREE_OVERHEAD = 4
"""Blocks around the sections on a page: header, footer context, Previous, Next."""
LINE_TITLE_CHARS = 120
LINE_TEAM_CHARS = 40
BAR_WIDTH = 5
_BULLETS = ("•", "◦", "▪")


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    nodes: int  # 1 for an objective line, 0 for a "… and N more" line


def _indent(depth: int) -> str:
    return "  " * depth + _BULLETS[min(depth, len(_BULLETS) - 1)] + " "


def _subtree_size(node: TreeNode) -> int:
    """Nodes in `node`'s subtree, iteratively (a deep chain must not hit the recursion limit)."""
    count, stack = 0, [node]
    while stack:
        current = stack.pop()
        count += 1
        stack.extend(current.children)
    return count


def _node_line(node: TreeNode, depth: int, *, root: bool) -> str:
    parts = [f"*{user_text(node.title, LINE_TITLE_CHARS)}*"]
    if node.team_name:
        parts.append(user_text(node.team_name, LINE_TEAM_CHARS))
    parts.append(mention(node.owner_id))
    parts.append(f"{percent(node.progress)} {progress_bar(node.progress, BAR_WIDTH)}")
    if root and node.level != Level.COMPANY:
        parts.append(_("_not aligned_"))
    return _indent(depth) + " · ".join(parts)


def tree_lines(roots: Sequence[TreeNode], max_depth: int = 3) -> Iterator[_Line]:
    """Every line of the tree, depth first; company roots first (otherwise in given order)."""
    max_depth = max(1, max_depth)
    ordered = sorted(roots, key=lambda n: 0 if n.level == Level.COMPANY else 1)
    stack: list[tuple[TreeNode, int]] = [(node, 0) for node in reversed(ordered)]
    while stack:
        node, depth = stack.pop()
        yield _Line(_node_line(node, depth, root=depth == 0), 1)
        if not node.children:
            continue
        if depth + 1 < max_depth:
            stack.extend((child, depth + 1) for child in reversed(node.children))
        else:
            hidden = sum(_subtree_size(child) for child in node.children)
            more = ngettext(
                "… and {n} more aligned objective", "… and {n} more aligned objectives", hidden
            ).format(n=f"{hidden:,}")
            yield _Line("  " * (depth + 1) + more, 0)


def _sections(lines: Iterator[_Line]) -> list[tuple[str, int]]:
    """Lines packed into section texts of at most 3,000 characters, with their node counts."""
    sections: list[tuple[str, int]] = []
    texts: list[str] = []
    size = nodes = 0
    for line in lines:
        text = line.text[:MAX_SECTION_TEXT]
        added = len(text) + (1 if texts else 0)
        if texts and size + added > MAX_SECTION_TEXT:
            sections.append(("\n".join(texts), nodes))
            texts, size, nodes, added = [], 0, 0, len(text)
        texts.append(text)
        size += added
        nodes += line.nodes
    if texts:
        sections.append(("\n".join(texts), nodes))
    return sections


def _page_value(page: int, cycle_id: int | None) -> str:
    value: dict[str, int] = {"page": page}
    if cycle_id is not None:
        value = {"cycle": cycle_id, **value}
    return json.dumps(value, separators=(",", ":"))


def _nav(direction: str, page: int, target: int, cycle_id: int | None) -> ActionsBlock:
    return nav_block(ids.TREE_PAGE, direction, page, _page_value(target, cycle_id))


def tree_message(
    cycle_name: str,
    roots: Sequence[TreeNode],
    *,
    max_depth: int = 3,
    max_blocks: int = 45,
    page: int = 0,
    cycle_id: int | None = None,
) -> dict[str, Any]:
    """An ephemeral message with page `page` (0-based, clamped) of the alignment tree.

    `max_blocks` (capped at 50) bounds the whole message; `cycle_id`, when given, is added to
    the navigation buttons' value."""
    cycle = one_line(cycle_name) or _("this cycle")
    heading = clip(_("Alignment · {cycle}").format(cycle=cycle), MAX_HEADER_TEXT)
    blocks: list[Any] = [HeaderBlock(text=heading)]
    sections = _sections(tree_lines(roots, max_depth))
    total = sum(nodes for _, nodes in sections)
    if not sections:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=_("No objectives in this cycle yet.")))
        )
        return {
            "response_type": "ephemeral",
            "text": _("{heading}: no objectives yet").format(heading=heading),
            "blocks": [b.to_dict() for b in blocks],
        }
    per_page = max(1, min(max_blocks, MAX_MESSAGE_BLOCKS) - TREE_OVERHEAD)
    pages = [sections[i : i + per_page] for i in range(0, len(sections), per_page)]
    page = min(max(0, page), len(pages) - 1)
    shown = pages[page]
    blocks.extend(SectionBlock(text=MarkdownTextObject(text=text)) for text, _ in shown)
    if len(pages) > 1:
        after = sum(nodes for chunk in pages[page + 1 :] for _, nodes in chunk)
        footer = ngettext(
            "Page {page} of {pages} · {n} objective",
            "Page {page} of {pages} · {n} objectives",
            total,
        ).format(page=page + 1, pages=len(pages), n=f"{total:,}")
        if after:
            footer = ngettext(
                "and {n} more objective · {footer}", "and {n} more objectives · {footer}", after
            ).format(n=f"{after:,}", footer=footer)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
        if page > 0:
            blocks.append(_nav("prev", page, page - 1, cycle_id))
        if page < len(pages) - 1:
            blocks.append(_nav("next", page, page + 1, cycle_id))
    fallback = ngettext("{heading}: {n} objective", "{heading}: {n} objectives", total).format(
        heading=heading, n=f"{total:,}"
    )
    return {
        "response_type": "ephemeral",
        "text": fallback,
        "blocks": [b.to_dict() for b in blocks],
    }
