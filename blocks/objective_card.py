"""One objective as blocks: a compact card reused by /okr list, the Home tab and confirmations.

Layout (1 + number of KRs blocks; a typical objective with 3 KRs is 4 blocks):

- a section: the bold title, level · team · owner (· archived · as of …), the objective's
  progress bar and percent, what it is aligned to, a short description; an "Edit" button as
  its accessory when the viewer may edit (action_id `EDIT_OBJECTIVE`, value the objective id);
- one section per KR: bold title · owner, value vs target in its unit, bar and percent, the
  trend, and the suggested status beside the owner's confidence; a "History" button as its
  accessory when the target was ever revised (action_id `SHOW_KR_HISTORY`, value the KR id).

No block_id is set: the same card may appear twice on one surface (Home) and Slack generates
unique ones. Each button sits alone in its block, so action ids are unique per block.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import ids
from blocks.kr_format import (
    DESCRIPTION_CHARS,
    KR_TITLE_CHARS,
    PARENT_CHARS,
    TEAM_CHARS,
    TITLE_CHARS,
    guard,
    level_label,
    mention,
    pace_label,
    percent,
    progress_bar,
    standing,
    status_pair,
    trend_label,
    user_text,
)
from okr.i18n import _, ngettext
from okr.outline import KRLine, Level, ObjectiveCard
from okr.progress import KRKind

MIN_CARD_BLOCKS = 2
"""A truncated card keeps at least its objective section and the "and N more" line."""


def more_krs_text(hidden: int) -> str:
    """`and 3 more key results`: what a cut card says of the KRs it leaves out."""
    return ngettext("and {n} more key result", "and {n} more key results", hidden).format(
        n=f"{hidden:,}"
    )


def objective_block_count(card: ObjectiveCard, show_edit: bool = False) -> int:
    """Blocks `objective_blocks` returns for `card` untruncated (the Edit button is an
    accessory, so `show_edit` does not change the count)."""
    del show_edit
    return 1 + len(card.krs)


def objective_text(card: ObjectiveCard, now_label: str | None = None) -> str:
    """The objective section's mrkdwn (≤ ~1,000 characters by construction)."""
    meta = [level_label(card.level)]
    if card.team_name:
        meta.append(user_text(card.team_name, TEAM_CHARS))
    meta.append(mention(card.owner_id))
    if card.archived:
        meta.append(_("archived"))
    if now_label:
        meta.append(_("as of {moment}").format(moment=user_text(now_label, 60)))
    count = len(card.krs)
    krs = ngettext("{n} key result", "{n} key results", count).format(n=f"{count:,}")
    lines = [
        f"*{user_text(card.title, TITLE_CHARS)}*",
        " · ".join(meta),
        f"{progress_bar(card.progress)} *{percent(card.progress)}*"
        + (f" · {krs}" if card.krs else ""),
    ]
    if card.parent_title:
        parent = user_text(card.parent_title, PARENT_CHARS)
        lines.append(_(":arrow_upper_right: aligned to _{parent}_").format(parent=parent))
    elif card.level != Level.COMPANY:
        lines.append(_("not aligned to a company objective"))
    if card.description and card.description.strip():
        lines.append(user_text(card.description, DESCRIPTION_CHARS))
    if not card.krs:
        lines.append(_("_No key results yet._"))
    return guard("\n".join(lines))


def kr_text(
    kr: KRLine,
    *,
    context_line: str | None = None,
    owner_word: str | None = None,
    show_owner: bool = True,
    show_pace: bool = False,
    relative: bool = True,
) -> str:
    """A KR section's mrkdwn: title (· owner), value and progress (· trend), status pair.

    `owner_word` names the owner beside their confidence ("owner", or "you" on Home);
    `context_line` (already escaped) goes under the title, e.g. the objective on Home;
    `show_pace` shows "72% · expected 60%" instead of the bare percent; `relative` shows a
    target typed relative as such (`of +20% → $1.2M`)."""
    head = f"*{user_text(kr.title, KR_TITLE_CHARS)}*"
    if show_owner:
        head += f" · {mention(kr.owner_id)}"
    lines = [head]
    if context_line:
        lines.append(context_line)
    if kr.kind is KRKind.MILESTONE:
        progress_line = (
            _(":white_check_mark: done") if kr.done else _(":white_large_square: not done")
        )
    else:
        shown = pace_label(kr) if show_pace or kr.kind.holds else percent(kr.progress)
        progress_line = standing(kr, shown, full=relative)
    trend = trend_label(kr)
    if trend:
        progress_line += f" · {trend}"
    lines.append(progress_line)
    lines.append(status_pair(kr, owner_word or _("owner")))
    return guard("\n".join(lines))


def history_button(kr: KRLine) -> ButtonElement:
    return ButtonElement(text=_("History"), action_id=ids.SHOW_KR_HISTORY, value=str(kr.id))


def edit_button(card: ObjectiveCard, text: str | None = None) -> ButtonElement:
    return ButtonElement(text=text or _("Edit"), action_id=ids.EDIT_OBJECTIVE, value=str(card.id))


def kr_section(kr: KRLine, **text_options: Any) -> SectionBlock:
    """A KR as one section, with a History button once it has check-ins or revisions."""
    return SectionBlock(
        text=MarkdownTextObject(text=kr_text(kr, **text_options)),
        accessory=history_button(kr) if kr.revisions or kr.checkins else None,
    )


def more_context(text: str) -> ContextBlock:
    """A one-line "and N more …" context."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def objective_blocks(
    card: ObjectiveCard,
    *,
    show_edit: bool,
    now_label: str | None = None,
    max_blocks: int | None = None,
    relative_targets: bool = True,
) -> list[dict[str, Any]]:
    """The card's blocks (see the module docstring); `objective_block_count` of them.

    With `max_blocks` smaller than that, the first KRs are kept and the rest summarised in a
    context "and N more key results" (at least the objective section and that line remain).
    `relative_targets` False shows targets without the relative form they were typed as
    (a confirmation that already said what each became)."""
    header = SectionBlock(
        text=MarkdownTextObject(text=objective_text(card, now_label)),
        accessory=edit_button(card) if show_edit else None,
    )
    blocks: list[Any] = [header]
    krs = list(card.krs)
    hidden = 0
    if max_blocks is not None and 1 + len(krs) > max_blocks:
        keep = max(0, max(MIN_CARD_BLOCKS, max_blocks) - 2)
        hidden = len(krs) - keep
        krs = krs[:keep]
    blocks.extend(kr_section(kr, relative=relative_targets) for kr in krs)
    if hidden:
        blocks.append(more_context(more_krs_text(hidden)))
    return [b.to_dict() for b in blocks]
