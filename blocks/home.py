"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks.help import VerbHelp
from blocks.mrkdwn import escape, truncate


def home_view(verbs: Sequence[VerbHelp]) -> dict[str, Any]:
    """The Home tab for someone with no OKRs yet: how to start, and what `/okr` can do."""
    commands = "\n".join(f"`{escape(v.usage)}`  {escape(v.summary)}" for v in verbs)
    view = View(
        type="home",
        blocks=[
            HeaderBlock(text="Your OKRs"),
            SectionBlock(
                text=MarkdownTextObject(
                    text=(
                        "You have no key results this cycle yet. Objectives and key results "
                        "you own, and your team's, will show here with their progress."
                    )
                )
            ),
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=truncate(commands, 3000))),
            ContextBlock(
                elements=[MarkdownTextObject(text="Type `/okr` in any channel for help.")]
            ),
        ],
    )
    return view.to_dict()
