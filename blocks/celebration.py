"""Public praise when a key result reaches its target."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from blocks.kr_format import clip, kr_value, mention, revised_from
from okr.outline import KRLine


def celebration_post(kr: KRLine, objective_title: str) -> dict[str, Any]:
    """A channel post naming the owner of a KR that just hit its target; a target that was
    changed says so: `26 of 26 — target revised from 30 on 9 Nov`."""
    text = (
        f":tada: {mention(kr.owner_id)} hit the target of *{clip(kr.title, 150)}*: {kr_value(kr)}"
    )
    revised = revised_from(kr)
    if revised:
        text += f" — {revised}"
    return {
        "text": f"{mention(kr.owner_id)} hit a target",
        "blocks": [
            SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
            ContextBlock(
                elements=[MarkdownTextObject(text=f"For *{clip(objective_title, 150)}*")]
            ).to_dict(),
        ],
    }
