"""The App Home tab: the team's objectives with all their key results, the viewer's own
first; where this week's check-in stands; for a lead, the team this week.

Layout: a header "Your OKRs · {cycle}"; for an owner of key results a line saying whether
this week's check-in is in ("Checked in Mon 28 Dec ✓", "No change reported Mon 28 Dec ✓",
"Not checked in this week yet"); an actions block (block_id `home_actions`): *Check in*
(`ids.CHECK_IN`, the primary button) and *No change this week* (`ids.NO_CHANGE`) until the
check-in is in, then *Edit* (the check-in modal again, with this week's values), and *New
OKR* (`ids.NEW_OKR`, never primary); for a lead, "{team} this week" panels (who updated, who
is away or skipped, who is missing, latest notes); then "Yours": the objectives the viewer
owns or holds a key result in, each with all its key results (theirs with pace, "you:"
beside their confidence); then "Your team's objectives": the others. Every objective appears
once. The whole view stays within 100 blocks: objectives are cut in order with "and N more
objectives — type /okr list". Someone with nothing yet gets the welcome text, the command
list and *New OKR*.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
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
from blocks.dependency_home import dependency_section
from blocks.dependency_lines import Link, with_links
from blocks.help import VerbHelp
from blocks.kr_format import MAX_HEADER_TEXT, MAX_VIEW_BLOCKS, TEAM_CHARS, clip, one_line
from blocks.mrkdwn import escape, truncate
from blocks.objective_card import (
    edit_button,
    kr_section,
    more_context,
    more_krs_text,
    objective_text,
)
from blocks.participation import panel_sections
from okr.dates import weekday_day_month
from okr.dependency_status import DependencyLine
from okr.i18n import N_, _, ngettext
from okr.outline import ObjectiveCard
from okr.participation import CheckedIn, MemberWeek

PANEL_SECTIONS = 3
"""Sections a lead's panel of one team may take."""
MIN_CARD_ROOM = 2
YOURS = N_("Yours")
TEAMS_OBJECTIVES = N_("Your team's objectives")


@dataclass(frozen=True)
class TeamPanel:
    """A team the viewer leads, and each of its owners' week."""

    team_name: str
    members: tuple[MemberWeek, ...]
    team_id: int | None = None
    dependencies: tuple[DependencyLine, ...] = ()


def _heading(cycle_name: str | None) -> str:
    cycle = one_line(cycle_name or "")
    heading = _("Your OKRs · {cycle}").format(cycle=cycle) if cycle else _("Your OKRs")
    return clip(heading, MAX_HEADER_TEXT)


def checked_in_text(week: CheckedIn | None) -> str:
    """`Checked in Mon 28 Dec ✓` (`week.at` in the viewer's zone), or not yet."""
    if week is None:
        return _("Not checked in this week yet.")
    if week.no_change:
        return _("No change reported {day} ✓").format(day=weekday_day_month(week.at.date()))
    return _("Checked in {day} ✓").format(day=weekday_day_month(week.at.date()))


def _actions(*, owns_krs: bool, week: CheckedIn | None) -> ActionsBlock:
    """*Check in* is primary until this week's check-in is in; then *Edit*."""
    buttons: list[ButtonElement] = []
    if owns_krs and week is None:
        buttons.append(ButtonElement(text=_("Check in"), action_id=ids.CHECK_IN, style="primary"))
        buttons.append(ButtonElement(text=_("No change this week"), action_id=ids.NO_CHANGE))
    elif owns_krs:
        buttons.append(ButtonElement(text=_("Edit check-in"), action_id=ids.CHECK_IN))
    buttons.append(ButtonElement(text=_("New OKR"), action_id=ids.NEW_OKR))
    return ActionsBlock(block_id="home_actions", elements=buttons)


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _summary(verb: VerbHelp) -> str:
    """A verb's one-line summary in the reader's language (the verbs mark it with `N_`)."""
    return _(verb.summary) if verb.summary else ""


def _welcome(cycle_name: str | None, verbs: Sequence[VerbHelp]) -> list[Any]:
    """The Home tab for someone with no OKRs yet: how to start, and what `/okr` can do."""
    commands = "\n".join(f"`{escape(v.usage)}`  {escape(_summary(v))}" for v in verbs)
    blocks: list[Any] = [
        HeaderBlock(text=_heading(cycle_name)),
        SectionBlock(
            text=MarkdownTextObject(
                text=_(
                    "You have no key results this cycle yet. Objectives and key results "
                    "you own, and your team's, will show here with their progress."
                )
            )
        ),
        _actions(owns_krs=False, week=None),
        DividerBlock(),
    ]
    if commands:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(commands, 3000))))
    blocks.append(_context(_("Type `/okr` in any channel for help.")))
    return blocks


def is_own(card: ObjectiveCard, user_id: str) -> bool:
    """The viewer owns the objective or one of its key results."""
    return card.owner_id == user_id or any(kr.owner_id == user_id for kr in card.krs)


def card_blocks(
    card: ObjectiveCard, user_id: str, *, show_edit: bool, max_blocks: int | None = None
) -> list[dict[str, Any]]:
    """One objective with all its key results; the viewer's own with their pace and "you".
    Cut to `max_blocks` (the first key results kept, "and N more key results")."""
    header = SectionBlock(
        text=MarkdownTextObject(text=objective_text(card)),
        accessory=edit_button(card) if show_edit else None,
    )
    krs = list(card.krs)
    hidden = 0
    if max_blocks is not None and 1 + len(krs) > max_blocks:
        keep = max(0, max(MIN_CARD_ROOM, max_blocks) - 2)
        hidden, krs = len(krs) - keep, krs[:keep]
    blocks: list[Any] = [header]
    for kr in krs:
        if kr.owner_id == user_id:
            blocks.append(kr_section(kr, owner_word=_("you"), show_owner=False, show_pace=True))
        else:
            blocks.append(kr_section(kr))
    if hidden:
        blocks.append(more_context(more_krs_text(hidden)))
    return [b.to_dict() for b in blocks]


def _cards_within(
    cards: Sequence[ObjectiveCard],
    user_id: str,
    editable: Collection[int],
    room: int,
    links: Mapping[int, Sequence[Link]] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The cards' blocks in order, dividers between them, within `room`; how many fit."""
    rendered: list[dict[str, Any]] = []
    placed = 0
    for card in cards:
        cost = 1 + len(card.krs) + (1 if placed else 0)
        if len(rendered) + cost > room:
            break
        if placed:
            rendered.append(DividerBlock().to_dict())
        own = card_blocks(card, user_id, show_edit=card.id in editable)
        rendered.extend(with_links(own, card, links or {}))
        placed += 1
    if not placed and cards and room >= MIN_CARD_ROOM:
        card = cards[0]
        own = card_blocks(card, user_id, show_edit=card.id in editable, max_blocks=room)
        rendered.extend(with_links(own, card, links or {}))
        placed = 1
    return rendered, placed


def home_view(
    *,
    user_id: str,
    cards: Sequence[ObjectiveCard],
    editable_ids: Collection[int],
    cycle_name: str | None,
    verbs: Sequence[VerbHelp],
    week: CheckedIn | None = None,
    panels: Sequence[TeamPanel] = (),
    links: Mapping[int, Sequence[Link]] | None = None,
) -> dict[str, Any]:
    """The Home tab view (type "home") of `user_id`; see the module docstring.

    `cards` are the viewer's objectives and their teams' (each once); `week` their check-in
    of this week (its time in their zone), None before it; `panels` the teams they lead."""
    if not cards:
        return View(type="home", blocks=_welcome(cycle_name, verbs)).to_dict()
    owns_krs = any(kr.owner_id == user_id for card in cards for kr in card.krs)
    head: list[Any] = [HeaderBlock(text=_heading(cycle_name))]
    if owns_krs:
        head.append(SectionBlock(text=MarkdownTextObject(text=checked_in_text(week))))
    head.append(_actions(owns_krs=owns_krs, week=week))
    blocks: list[dict[str, Any]] = [b.to_dict() for b in head]

    own = [c for c in cards if is_own(c, user_id)]
    others = [c for c in cards if not is_own(c, user_id)]
    groups = [
        (_(title), group) for title, group in ((YOURS, own), (TEAMS_OBJECTIVES, others)) if group
    ]
    reserve = 3 * len(groups)  # a divider, a header and an "and N more" line each
    for panel in panels:
        if MAX_VIEW_BLOCKS - len(blocks) - reserve < PANEL_SECTIONS + 2 + MIN_CARD_ROOM:
            break
        name = one_line(panel.team_name)[:TEAM_CHARS]
        blocks.append(DividerBlock().to_dict())
        this_week = _("{team} this week").format(team=name)
        blocks.append(HeaderBlock(text=clip(this_week, MAX_HEADER_TEXT)).to_dict())
        blocks.extend(panel_sections(panel.members, max_blocks=PANEL_SECTIONS))
        room = MAX_VIEW_BLOCKS - len(blocks) - reserve - MIN_CARD_ROOM
        blocks.extend(dependency_section(panel.team_id, panel.dependencies, room))

    editable = set(editable_ids)
    for index, (title, group) in enumerate(groups):
        blocks.append(DividerBlock().to_dict())
        blocks.append(HeaderBlock(text=title).to_dict())
        later = 3 * (len(groups) - index - 1)
        room = MAX_VIEW_BLOCKS - len(blocks) - 1 - later
        if index == 0 and len(groups) > 1:
            room -= MIN_CARD_ROOM  # leave the team's objectives a foothold
        rendered, placed = _cards_within(group, user_id, editable, room, links)
        blocks.extend(rendered)
        if placed < len(group):
            n = len(group) - placed
            more = ngettext(
                "and {n} more objective — type `/okr list`",
                "and {n} more objectives — type `/okr list`",
                n,
            ).format(n=f"{n:,}")
            blocks.append(_context(more).to_dict())
    return View(type="home", blocks=blocks).to_dict()
