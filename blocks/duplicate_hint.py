"""The "another team already has this" hints in a save's confirmation, and what one turns
into once its *Depend on it instead* button is pressed.

A hint is a warning, never a block: the objective is already saved when it is shown. Each
hint is one section whose accessory is the button (action_id `DEPEND_INSTEAD`, value
`{"kr": <the author's KR>, "on": <the other team's KR>}`); its block id names the pair, so
the confirmation can be updated in place when the button is pressed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ButtonElement, MarkdownTextObject, SectionBlock

from blocks import ids
from blocks.kr_format import KR_TITLE_CHARS, TEAM_CHARS, guard, mention, user_text
from okr.duplicates import DuplicateHint
from okr.i18n import _

#: Block ids of hints start with this, then "<kr id>_<other KR id>".
HINT_PREFIX = "dup_"


def hint_block_id(kr_id: int, other_id: int) -> str:
    return f"{HINT_PREFIX}{kr_id}_{other_id}"


def hint_text(hint: DuplicateHint, *, name_mine: bool) -> str:
    """The hint's sentence; `name_mine` says which of the author's KRs it is about (when
    the objective has more than one)."""
    values = {
        "team": user_text(hint.team_name, TEAM_CHARS),
        "other": user_text(hint.other_sentence, KR_TITLE_CHARS),
        "owner": mention(hint.owner_id),
    }
    if name_mine:
        text = _(
            ":link: *{mine}*: {team} already has “{other}” ({owner}). "
            "Depend on it instead of repeating it?"
        ).format(mine=user_text(hint.kr_title, KR_TITLE_CHARS), **values)
    else:
        text = _(
            ":link: {team} already has “{other}” ({owner}). Depend on it instead of repeating it?"
        ).format(**values)
    return guard(text)


def duplicate_hint_blocks(
    hints: Sequence[DuplicateHint], *, name_mine: bool = True
) -> list[dict[str, Any]]:
    """One section per hint, its *Depend on it instead* button beside it."""
    return [
        SectionBlock(
            block_id=hint_block_id(hint.kr_id, hint.other_id),
            text=MarkdownTextObject(text=hint_text(hint, name_mine=name_mine)),
            accessory=ButtonElement(
                text=_("Depend on it instead"),
                action_id=ids.DEPEND_INSTEAD,
                value=json.dumps({"kr": hint.kr_id, "on": hint.other_id}),
            ),
        ).to_dict()
        for hint in hints
    ]


def depended_text(team_name: str, other_sentence: str) -> str:
    """What a hint becomes once its button made the dependency."""
    return guard(
        _(
            ":white_check_mark: Now depends on {team} · {other}. Your key result stays as it "
            "is: edit the objective if you want to drop it."
        ).format(
            team=user_text(team_name, TEAM_CHARS),
            other=user_text(other_sentence, KR_TITLE_CHARS),
        )
    )


def with_hint_done(
    blocks: Sequence[Mapping[str, Any]], block_id: str, text: str
) -> list[dict[str, Any]]:
    """The confirmation's blocks with the hint `block_id` replaced by `text` (no button);
    the other blocks as they were."""
    done = SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text)).to_dict()
    return [done if b.get("block_id") == block_id else dict(b) for b in blocks]
