"""The App Home tab: my key results with pace, my team's objectives, quick actions.

Layout: a header "Your OKRs · {cycle}", an actions block (block_id `home_actions`) with "New
OKR" (`ids.NEW_OKR`) and, when the user owns KRs, "Check in" (`ids.CHECK_IN`) and "No change
this week" (`ids.NO_CHANGE`); then "My key
results", one section per KR (objective, value vs target, bar, "72% · expected 60%", trend,
suggested status beside "you: …", a History button when its target was revised); then "My
team's objectives" as objective cards (Edit buttons on `editable_ids`). The whole view stays
within 100 blocks: when both lists cannot fit, my KRs get at least half of the room, the rest
is cut with "and N more … — type /okr list". Someone with nothing yet gets the welcome text,
the command list and the "New OKR" button.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
from slack_sdk.models.views import View

from blocks import ids
from blocks.help import VerbHelp
from blocks.kr_format import (
    MAX_HEADER_TEXT,
    MAX_VIEW_BLOCKS,
    TITLE_CHARS,
    clip,
    one_line,
    plural,
    user_text,
)
from blocks.mrkdwn import escape, truncate
from blocks.objective_card import kr_section, objective_block_count, objective_blocks
from okr.outline import KRLine, ObjectiveCard

MIN_CARD_ROOM = 2


def _heading(cycle_name: str | None) -> str:
    cycle = one_line(cycle_name or "")
    return clip(f"Your OKRs · {cycle}" if cycle else "Your OKRs", MAX_HEADER_TEXT)


def _actions(with_check_in: bool) -> ActionsBlock:
    buttons = [ButtonElement(text="New OKR", action_id=ids.NEW_OKR, style="primary")]
    if with_check_in:
        buttons.append(ButtonElement(text="Check in", action_id=ids.CHECK_IN))
        buttons.append(ButtonElement(text="No change this week", action_id=ids.NO_CHANGE))
    return ActionsBlock(block_id="home_actions", elements=buttons)


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _welcome(cycle_name: str | None, verbs: Sequence[VerbHelp]) -> list[Any]:
    """The Home tab for someone with no OKRs yet: how to start, and what `/okr` can do."""
    commands = "\n".join(f"`{escape(v.usage)}`  {escape(v.summary)}" for v in verbs)
    blocks: list[Any] = [
        HeaderBlock(text=_heading(cycle_name)),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    "You have no key results this cycle yet. Objectives and key results "
                    "you own, and your team's, will show here with their progress."
                )
            )
        ),
        _actions(with_check_in=False),
        DividerBlock(),
    ]
    if commands:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(commands, 3000))))
    blocks.append(_context("Type `/okr` in any channel for help."))
    return blocks


def _split_room(room: int, kr_need: int, team_need: int, has_team: bool) -> tuple[int, int]:
    """Blocks for my KRs and for the team cards out of `room`."""
    if not has_team:
        return min(kr_need, room), 0
    if kr_need + team_need <= room:
        return kr_need, room - kr_need
    kr_room = min(kr_need, max(room - team_need, room // 2))
    return kr_room, room - kr_room


def home_view(
    *,
    my_krs: Sequence[tuple[ObjectiveCard, KRLine]],
    team_cards: Sequence[ObjectiveCard],
    editable_ids: Collection[int],
    cycle_name: str | None,
    verbs: Sequence[VerbHelp],
) -> dict[str, Any]:
    """The Home tab view (type "home") for one user; see the module docstring for the layout.

    `my_krs` are the user's KRs with the objective each belongs to; `team_cards` the
    objectives of the user's team(s); `verbs` the `/okr` commands shown to newcomers."""
    if not my_krs and not team_cards:
        return View(type="home", blocks=_welcome(cycle_name, verbs)).to_dict()

    blocks: list[Any] = [HeaderBlock(text=_heading(cycle_name)), _actions(bool(my_krs))]
    blocks.append(HeaderBlock(text="My key results"))
    fixed = len(blocks) + (2 if team_cards else 0)  # + divider and heading before the team
    reserve = 2  # an "and N more" line under each list
    room = MAX_VIEW_BLOCKS - fixed - reserve
    costs = [objective_block_count(card) for card in team_cards]
    team_need = sum(costs) + max(0, len(costs) - 1)
    kr_room, team_room = _split_room(room, max(1, len(my_krs)), team_need, bool(team_cards))

    if not my_krs:
        blocks.append(_context("You own no key results this cycle."))
    shown = my_krs[:kr_room]
    for card, kr in shown:
        objective = f"_{user_text(card.title, TITLE_CHARS)}_"
        blocks.append(
            kr_section(
                kr, context_line=objective, owner_word="you", show_owner=False, show_pace=True
            )
        )
    if len(my_krs) > len(shown):
        hidden = len(my_krs) - len(shown)
        blocks.append(_context(f"and {plural(hidden, 'more key result')} — type `/okr list`"))

    rendered: list[dict[str, Any]] = [b.to_dict() for b in blocks]
    if team_cards:
        rendered.append(DividerBlock().to_dict())
        rendered.append(HeaderBlock(text="My team's objectives").to_dict())
        editable = set(editable_ids)
        used = placed = 0
        for card, cost in zip(team_cards, costs, strict=True):
            extra = cost + (1 if placed else 0)
            if used + extra > team_room:
                break
            if placed:
                rendered.append(DividerBlock().to_dict())
            rendered.extend(objective_blocks(card, show_edit=card.id in editable))
            used += extra
            placed += 1
        if not placed and team_room >= MIN_CARD_ROOM:
            card = team_cards[0]
            rendered.extend(
                objective_blocks(card, show_edit=card.id in editable, max_blocks=team_room)
            )
            placed = 1
        if placed < len(team_cards):
            hidden = len(team_cards) - placed
            more = f"and {plural(hidden, 'more objective')} — type `/okr list`"
            rendered.append(_context(more).to_dict())
    return View(type="home", blocks=rendered).to_dict()
