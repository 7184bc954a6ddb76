"""The `/okr` help message: which verbs exist, and what went wrong when a verb is unknown.

Verb summaries are catalog ids (marked with `N_` where the verbs are declared) and are
translated here, when the help is built for its reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from blocks.mrkdwn import escape, truncate
from okr.i18n import _, is_zh

MAX_SECTION_TEXT = 3000


@dataclass(frozen=True)
class VerbHelp:
    """One line of help: how to type it and what it does (an untranslated catalog id)."""

    usage: str
    summary: str


def help_message(
    verbs: Sequence[VerbHelp],
    unknown: str | None = None,
    suggestion: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An ephemeral help message listing `verbs`; `unknown` is what the user typed, if wrong,
    and `suggestion` the verb it resembles. A Chinese reader also sees the Chinese
    `aliases` (alias -> verb) of the verbs listed."""
    lines = [f"`{escape(v.usage)}`  {escape(_(v.summary))}" for v in verbs]
    blocks: list[Any] = [HeaderBlock(text=_("OKRs in Slack"))]
    if unknown is not None:
        shown = escape(truncate(unknown.strip(), 50))
        if suggestion:
            text = _(
                ":thinking_face: I don't know `{typed}`. Did you mean `/okr {verb}`? "
                "Here is what I can do:"
            ).format(typed=shown, verb=escape(suggestion))
        else:
            text = _(":thinking_face: I don't know `{typed}`. Here is what I can do:").format(
                typed=shown
            )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), MAX_SECTION_TEXT)))
    )
    notes = [_("Your key results and your team's objectives are also on my Home tab.")]
    listed = {v.usage.split()[1] for v in verbs if len(v.usage.split()) > 1}
    shown_aliases = [f"`/okr {a}`" for a, verb in (aliases or {}).items() if verb in listed]
    if is_zh() and shown_aliases:
        also = _("You can also type these: {aliases}")
        notes.append(also.format(aliases=" ".join(shown_aliases)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes]))
    fallback = _("OKR bot commands: {commands}").format(commands=", ".join(v.usage for v in verbs))
    return {"text": fallback, "blocks": [b.to_dict() for b in blocks]}
