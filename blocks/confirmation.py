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
    user_text,
    value_text,
)
from blocks.mrkdwn import escape
from blocks.objective_card import edit_button, objective_block_count, objective_blocks
from okr.display import editable_text
from okr.duplicates import DuplicateHint
from okr.i18n import _, ngettext
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
        if verdict is StretchVerdict.NOT_CHALLENGING:
            return _("⚠️ *{kr}*: target {target} looks not challenging").format(
                kr=title, target=target
            )
        return _("⚠️ *{kr}*: target {target} looks likely unrealistic").format(
            kr=title, target=target
        )
    target, baseline = pair(kr, kr.target, kr.baseline)
    if verdict is StretchVerdict.NOT_CHALLENGING:
        beyond = kr.target < kr.baseline if lowers else kr.target > kr.baseline
        if beyond:
            line = _(
                "⚠️ *{kr}*: target {target} is within 5 % of the baseline {baseline} — not "
                "challenging"
            )
        elif lowers:
            line = _(
                "⚠️ *{kr}*: target {target} is not below the baseline {baseline} — not challenging"
            )
        else:
            line = _(
                "⚠️ *{kr}*: target {target} is not above the baseline {baseline} — not challenging"
            )
    elif lowers:
        line = _(
            "⚠️ *{kr}*: target {target} is less than a third of the baseline {baseline} — "
            "likely unrealistic"
        )
    else:
        line = _(
            "⚠️ *{kr}*: target {target} is more than 3× the baseline {baseline} — likely unrealistic"
        )
    return line.format(kr=title, target=target, baseline=baseline)


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
            more = len(lines) - index
            kept.append(
                ngettext("and {n} more warning", "and {n} more warnings", more).format(
                    n=f"{more:,}"
                )
            )
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
            lines.append(
                _("• *{kr}*: target {typed} → {value}").format(
                    kr=title, typed=user_text(typed, 20), value=became
                )
            )
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
    saved = _(":white_check_mark: Saved *{objective}*.").format(objective=title)
    shown = _("This is how your team will see it:")
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
    fallback = _("Objective saved: {objective}").format(objective=title)
    if warnings:
        rendered.append(
            SectionBlock(
                text=MarkdownTextObject(text=_pack(warnings)),
                accessory=edit_button(card, _("Adjust targets")),
            ).to_dict()
        )
        note = _("Your targets are saved as you set them; these warnings are only suggestions.")
        rendered.append(ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict())
        count = len(warnings)
        fallback += ngettext(" ({n} target warning)", " ({n} target warnings)", count).format(
            n=f"{count:,}"
        )
    return {"text": fallback, "blocks": rendered}


def new_objective_post(card: ObjectiveCard, author_id: str) -> dict[str, Any]:
    """A short channel post: "🎯 New objective by @author: *title* — 3 key results", and a
    context line with its level, team and what it is aligned to."""
    title = user_text(card.title, TITLE_CHARS)
    author = mention(author_id)
    krs = len(card.krs)
    count = ngettext("{n} key result", "{n} key results", krs).format(n=f"{krs:,}")
    lines = [
        _("🎯 New objective by {author}: *{objective}* — {count}").format(
            author=author, objective=title, count=count
        )
    ]
    meta = [level_label(card.level)]
    if card.team_name:
        meta.append(user_text(card.team_name, TEAM_CHARS))
    if card.parent_title:
        meta.append(
            _("aligned to *{objective}*").format(
                objective=user_text(card.parent_title, PARENT_CHARS)
            )
        )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(meta))]),
    ]
    return {
        "text": _("New objective by {author}: {objective} — {count}").format(
            author=author, objective=title, count=count
        ),
        "blocks": [b.to_dict() for b in blocks],
    }
