"""The company objectives' cycle-end summary, for the company channel (or the admins' DMs):
per company objective its grade and score, then each aligned team objective with its team
and score. At most 1 header + 2 blocks per objective (a section, a context) for the first
`MAX_OBJECTIVES`, then "and N more": far under Slack's 50 blocks. Pure.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from blocks.mrkdwn import escape, truncate
from okr.company_close import CompanyClose
from okr.digest import ObjectiveScore
from okr.display import score_text
from okr.i18n import _
from okr.progress import Grade

MAX_OBJECTIVES = 15
MAX_ALIGNED = 20
TITLE_CHARS = 120
COLOURS = {Grade.GREEN: "🟢", Grade.YELLOW: "🟡", Grade.RED: "🔴"}


def _line(s: ObjectiveScore) -> str:
    team = f"{escape(s.card.team_name)} — " if s.card.team_name else ""
    title = escape(truncate(s.card.title, TITLE_CHARS))
    return f"{COLOURS[s.grade]} {team}{title} · {score_text(s.score)}"


def company_close_message(data: CompanyClose) -> dict[str, Any]:
    """The summary's message (text fallback and blocks)."""
    title = _("Company objectives · {cycle} · final scores").format(cycle=data.cycle_name)
    blocks: list[Any] = [HeaderBlock(text=PlainTextObject(text=truncate(title, 150)))]
    lines: list[str] = []
    for entry in data.objectives[:MAX_OBJECTIVES]:
        top = entry.score
        head = (
            f"{COLOURS[top.grade]} *{escape(truncate(top.card.title, TITLE_CHARS))}* · "
            f"{score_text(top.score)}"
        )
        aligned = [f"• {_line(s)}" for s in entry.aligned[:MAX_ALIGNED]]
        if len(entry.aligned) > MAX_ALIGNED:
            aligned.append(_("…and {n} more").format(n=len(entry.aligned) - MAX_ALIGNED))
        body = "\n".join(aligned) or _("_No team objective is aligned to it._")
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=truncate(f"{head}\n{body}", 3000))),
        ]
        lines.append(head)
    if len(data.objectives) > MAX_OBJECTIVES:
        more = len(data.objectives) - MAX_OBJECTIVES
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=_("…and {n} more objectives").format(n=more))]
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Scores are each objective's weighted key-result scores at cycle end. "
                        "🟢 0.7 or more · 🟡 0.4 to under 0.7 · 🔴 under 0.4"
                    )
                )
            ]
        )
    )
    text = truncate(f"{title}\n" + "\n".join(lines), 3000)
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}
