"""Public praise when a key result reaches its target."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from blocks.kr_format import clip, kr_value, mention, revised_from
from okr.i18n import _
from okr.outline import KRLine


def celebration_post(kr: KRLine, objective_title: str) -> dict[str, Any]:
    """A channel post naming the owner of a KR that just hit its target; a target that was
    changed says so: `26 of 26 — target revised from 30 on 9 Nov`."""
    text = _(":tada: {owner} hit the target of *{kr}*: {value}").format(
        owner=mention(kr.owner_id), kr=clip(kr.title, 150), value=kr_value(kr)
    )
    revised = revised_from(kr)
    if revised:
        text += f" — {revised}"
    return {
        "text": _("{owner} hit a target").format(owner=mention(kr.owner_id)),
        "blocks": [
            SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=_("For *{objective}*").format(objective=clip(objective_title, 150))
                    )
                ]
            ).to_dict(),
        ],
    }
