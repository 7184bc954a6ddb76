"""What the author sees after `/okr set`, and the short post announcing a new objective.

The stretch check is a warning, never a block: the objective is saved either way, and the
confirmation lists each KR whose target is "not challenging" or "likely unrealistic" against
its baseline, with one "Adjust targets" button (action_id `EDIT_OBJECTIVE`, value the
objective id) as the warnings section's accessory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from blocks.duplicate_hint import duplicate_hint_blocks
from blocks.kr_format import (
    KR_TITLE_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    PARENT_CHARS,
    TEAM_CHARS,
    TITLE_CHARS,
    guard,
    level_label,
    mention,
    pair,
    plural,
    user_text,
    value_text,
)
from blocks.mrkdwn import escape
from blocks.objective_card import edit_button, objective_block_count, objective_blocks
from okr.display import editable_text
from okr.duplicates import DuplicateHint
from okr.outline import KRLine, ObjectiveCard
from okr.progress import KRKind, StretchVerdict

CONFIRMATION_OVERHEAD = 3
"""Blocks around the card: the intro, the warnings section, the "only a suggestion" note."""


def stretch_warning(kr: KRLine, verdict: StretchVerdict) -> str | None:
    """One warning line for a KR's stretch verdict, or None when there is nothing to warn."""
    verdict = StretchVerdict(verdict)
    if not verdict.is_warning:
        return None
    title = user_text(kr.title, KR_TITLE_CHARS)
    target = value_text(kr, kr.target)
    lowers = kr.kind in (KRKind.DECREASE, KRKind.STAY_BELOW)
    if kr.baseline is None:
        challenging = verdict is StretchVerdict.NOT_CHALLENGING
        reason = "not challenging" if challenging else "likely unrealistic"
        return f"⚠️ *{title}*: target {target} looks {reason}"
    target, baseline = pair(kr, kr.target, kr.baseline)
    if verdict is StretchVerdict.NOT_CHALLENGING:
        beyond = kr.target < kr.baseline if lowers else kr.target > kr.baseline
        where = "within 5 % of" if beyond else ("not below" if lowers else "not above")
        return f"⚠️ *{title}*: target {target} is {where} the baseline {baseline} — not challenging"
    where = "less than a third of the" if lowers else "more than 3× the"
    return f"⚠️ *{title}*: target {target} is {where} baseline {baseline} — likely unrealistic"


def _warning_lines(card: ObjectiveCard, stretch: Mapping[int, StretchVerdict]) -> list[str]:
    lines = []
    for kr in card.krs:
        verdict = stretch.get(kr.id)
        line = stretch_warning(kr, verdict) if verdict is not None else None
        if line:
            lines.append(line)
    return lines


def _pack(lines: list[str], limit: int = MAX_SECTION_TEXT) -> str:
    """As many lines as fit in `limit` characters, then "and N more warnings"."""
    room = limit - 40  # keeps space for the "and N more warnings" line
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if size + len(line) + 1 > room:
            kept.append(f"and {plural(len(lines) - index, 'more warning')}")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def relative_lines(card: ObjectiveCard, relative: Mapping[int, str]) -> list[str]:
    """`• *New ARR*: target +20% → $1.2M`, one per KR whose target was typed relative
    (`relative` maps KR ids to the form typed); the target itself is stored absolute, and
    shown exactly (`-15% → 4.25%`, not a rounded 4.3%)."""
    lines = []
    for kr in card.krs:
        typed = relative.get(kr.id)
        if typed:
            title = user_text(kr.title, KR_TITLE_CHARS)
            became = escape(editable_text(kr.target, kr.measure))
            lines.append(f"• *{title}*: target {user_text(typed, 20)} → {became}")
    return lines


def set_confirmation(
    card: ObjectiveCard,
    stretch: Mapping[int, StretchVerdict],
    relative: Mapping[int, str] | None = None,
    duplicates: Sequence[DuplicateHint] = (),
) -> dict[str, Any]:
    """The message for the author after `/okr set`: the saved card (Edit button when there is
    nothing to warn about), then the stretch warnings with an "Adjust targets" button.

    `stretch` maps KR ids to their verdicts; REASONABLE ones and unknown ids are ignored.
    `relative` maps KR ids to a target typed relative (`+20%`): the intro says what each
    became ("+20% → $1.2M"). `duplicates` are other teams' near-identical KRs: one hint
    each, after the card, with a *Depend on it instead* button (blocks/duplicate_hint.py)."""
    warnings = _warning_lines(card, stretch)
    title = user_text(card.title, TITLE_CHARS)
    saved, shown = f":white_check_mark: Saved *{title}*.", "This is how your team will see it:"
    resolved = relative_lines(card, relative or {})
    intro_text = guard("\n".join([saved, *resolved, shown])) if resolved else f"{saved} {shown}"
    intro = SectionBlock(text=MarkdownTextObject(text=intro_text))
    hints = duplicate_hint_blocks(duplicates, name_mine=len(card.krs) > 1)
    budget = MAX_MESSAGE_BLOCKS - CONFIRMATION_OVERHEAD - len(hints)
    rendered: list[dict[str, Any]] = [intro.to_dict()]
    rendered.extend(
        objective_blocks(
            card,
            show_edit=not warnings,
            max_blocks=budget if objective_block_count(card) > budget else None,
            relative_targets=not resolved,
        )
    )
    rendered.extend(hints)
    fallback = f"Objective saved: {title}"
    if warnings:
        rendered.append(
            SectionBlock(
                text=MarkdownTextObject(text=_pack(warnings)),
                accessory=edit_button(card, "Adjust targets"),
            ).to_dict()
        )
        note = "Your targets are saved as you set them; these warnings are only suggestions."
        rendered.append(ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict())
        fallback += f" ({plural(len(warnings), 'target warning')})"
    return {"text": fallback, "blocks": rendered}


def new_objective_post(card: ObjectiveCard, author_id: str) -> dict[str, Any]:
    """A short channel post: "🎯 New objective by @author: *title* — 3 key results", and a
    context line with its level, team and what it is aligned to."""
    title = user_text(card.title, TITLE_CHARS)
    author = mention(author_id)
    count = plural(len(card.krs), "key result")
    lines = [f"🎯 New objective by {author}: *{title}* — {count}"]
    meta = [level_label(card.level)]
    if card.team_name:
        meta.append(user_text(card.team_name, TEAM_CHARS))
    if card.parent_title:
        meta.append(f"aligned to *{user_text(card.parent_title, PARENT_CHARS)}*")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(meta))]),
    ]
    return {
        "text": f"New objective by {author}: {title} — {count}",
        "blocks": [b.to_dict() for b in blocks],
    }
