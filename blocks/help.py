"""The `/okr` help message: which verbs exist, and what went wrong when a verb is unknown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from blocks.mrkdwn import escape, truncate

MAX_SECTION_TEXT = 3000


@dataclass(frozen=True)
class VerbHelp:
    """One line of help: how to type it and what it does."""

    usage: str
    summary: str


def help_message(verbs: Sequence[VerbHelp], unknown: str | None = None) -> dict[str, Any]:
    """An ephemeral help message listing `verbs`; `unknown` is what the user typed, if wrong."""
    lines = [f"`{escape(v.usage)}`  {escape(v.summary)}" for v in verbs]
    blocks: list[Any] = [HeaderBlock(text="OKRs in Slack")]
    if unknown is not None:
        shown = truncate(unknown.strip(), 50)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":thinking_face: I don't know `{escape(shown)}`. Here is what I can do:"
                )
            )
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000))))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Your key results and your team's objectives are also on my Home tab."
                )
            ]
        )
    )
    fallback = "OKR bot commands: " + ", ".join(v.usage for v in verbs)
    return {"text": fallback, "blocks": [b.to_dict() for b in blocks]}
