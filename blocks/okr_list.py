"""`/okr list`: objective cards, paginated so every page is one valid ephemeral message.

Page layout: a header, the page's cards separated by dividers, then (only when there is more
than one page) a context "Page 2 of 5 · 120 objectives" and the navigation buttons.

Pagination buttons. The `LIST_PAGE` listener matches that action id exactly, and Slack wants
action ids unique within a block, so "Previous" and "Next" each sit alone in their own actions
block, both with action_id `blocks.ids.LIST_PAGE`; their block ids differ
(`list_page_prev_<page>` / `list_page_next_<page>`, the current page in the id so each
iteration of an updated message gets new block ids). The value is compact JSON
`{"scope": scope, "page": n}` with `n` the 0-based page to show; the listener renders
`list_message(..., page=n)` again (it clamps an out-of-range page).

Budget: a page holds at most `min(page_size_blocks, 46)` blocks of cards and dividers, so
header + cards + page context + two nav blocks <= 50. Cards are never cut in half; a card that
alone exceeds the budget gets a page to itself and is truncated ("and N more key results").
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import ids
from blocks.dependency_lines import Link, with_links
from blocks.kr_format import (
    MAX_BUTTON_VALUE,
    MAX_HEADER_TEXT,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    clip,
    nav_block,
    one_line,
)
from blocks.objective_card import objective_block_count, objective_blocks
from okr.i18n import _, ngettext
from okr.outline import ObjectiveCard

NAV_OVERHEAD = 4
"""Blocks around the cards on a page: header, page context, Previous, Next."""
MAX_PAGE_BODY = MAX_MESSAGE_BLOCKS - NAV_OVERHEAD
MIN_PAGE_BODY = 2


def paginate(cards: Sequence[ObjectiveCard], budget: int) -> list[list[ObjectiveCard]]:
    """Pack `cards`, in order, into pages of at most `budget` blocks each, counting the card's
    blocks plus one divider between consecutive cards. A card is never split: one that alone
    exceeds `budget` gets a page of its own (the renderer truncates it). No cards: no pages."""
    budget = max(1, budget)
    pages: list[list[ObjectiveCard]] = []
    current: list[ObjectiveCard] = []
    used = 0
    for card in cards:
        cost = objective_block_count(card)
        extra = cost + (1 if current else 0)
        if current and used + extra > budget:
            pages.append(current)
            current, used, extra = [], 0, cost
        current.append(card)
        used += extra
    if current:
        pages.append(current)
    return pages


def page_value(scope: str, page: int) -> str:
    """The navigation buttons' value: compact JSON `{"scope": scope, "page": page}`."""
    value = json.dumps({"scope": scope, "page": page}, separators=(",", ":"))
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"scope is too long for a button value ({len(value)} characters)")
    return value


def _nav_block(direction: str, page: int, target: int, scope: str) -> ActionsBlock:
    return nav_block(ids.LIST_PAGE, direction, page, page_value(scope, target))


def list_message(
    title: str,
    cards: Sequence[ObjectiveCard],
    *,
    page: int,
    page_size_blocks: int = 45,
    editable_ids: Collection[int],
    scope: str,
    empty_text: str,
    check_in: bool = False,
    links: Mapping[int, Sequence[Link]] | None = None,
) -> dict[str, Any]:
    """An ephemeral message with page `page` (0-based, clamped) of `cards`; `check_in` adds
    a "Check in" button under the header (the viewer's own list).

    `title` and `empty_text` are shown as plain (escaped) text; `editable_ids` are the
    objectives the viewer may edit (they get an Edit button); `scope` goes back verbatim in the
    navigation buttons' value."""
    heading = clip(one_line(title) or _("OKRs"), MAX_HEADER_TEXT)
    blocks: list[Any] = [HeaderBlock(text=heading)]
    budget = max(MIN_PAGE_BODY, min(page_size_blocks, MAX_PAGE_BODY))
    if check_in and cards:
        blocks.append(
            ActionsBlock(
                block_id="list_check_in",
                elements=[ButtonElement(text=_("Check in"), action_id=ids.CHECK_IN)],
            )
        )
        budget = max(MIN_PAGE_BODY, budget - 1)
    pages = paginate(cards, budget)
    if not pages:
        empty = clip(empty_text.strip() or _("Nothing to show."), MAX_SECTION_TEXT)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
        return {
            "response_type": "ephemeral",
            "text": _("{heading}: nothing to show").format(heading=heading),
            "blocks": [b.to_dict() for b in blocks],
        }
    page = min(max(0, page), len(pages) - 1)
    editable = set(editable_ids)
    rendered: list[dict[str, Any]] = [b.to_dict() for b in blocks]
    for index, card in enumerate(pages[page]):
        if index:
            rendered.append(DividerBlock().to_dict())
        drawn = objective_blocks(card, show_edit=card.id in editable, max_blocks=budget)
        rendered.extend(with_links(drawn, card, links or {}))
    count = f"{len(cards):,}"
    if len(pages) > 1:
        summary = ngettext(
            "Page {page} of {pages} · {n} objective",
            "Page {page} of {pages} · {n} objectives",
            len(cards),
        ).format(page=page + 1, pages=len(pages), n=count)
        rendered.append(ContextBlock(elements=[MarkdownTextObject(text=summary)]).to_dict())
        if page > 0:
            rendered.append(_nav_block("prev", page, page - 1, scope).to_dict())
        if page < len(pages) - 1:
            rendered.append(_nav_block("next", page, page + 1, scope).to_dict())
    if len(pages) > 1:
        fallback = ngettext(
            "{heading}: {n} objective (page {page} of {pages})",
            "{heading}: {n} objectives (page {page} of {pages})",
            len(cards),
        ).format(heading=heading, n=count, page=page + 1, pages=len(pages))
    else:
        fallback = ngettext("{heading}: {n} objective", "{heading}: {n} objectives", len(cards))
        fallback = fallback.format(heading=heading, n=count)
    return {"response_type": "ephemeral", "text": fallback, "blocks": rendered}
