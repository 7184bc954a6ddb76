"""The "History" modal of a key result: every change of its target, newest first.

Layout: the KR and its objective; original vs current target (and start, number of changes)
as section fields; then one section per revision — old → new target in the KR's unit, who,
when (Slack date formatting, shown in the reader's time zone), and the reason quoted. At most
100 blocks: the oldest changes beyond that are summarised as "and N earlier changes".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks.kr_format import (
    KR_TITLE_CHARS,
    MAX_VIEW_BLOCKS,
    TITLE_CHARS,
    clip,
    guard,
    mention,
    plural,
    user_text,
    value_text,
)
from okr.outline import KRLine, TargetChange

MODAL_TITLE = "Target history"
REASON_CHARS = 1000
HISTORY_OVERHEAD = 4
"""Blocks besides the revisions: KR section, targets fields, divider, "and N earlier"."""


def slack_date(moment: datetime) -> str:
    """`<!date^1717408800^{date_short} {time}|2024-06-03 10:00 UTC>`: shown in the reader's
    own time zone; naive datetimes are taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    utc = aware.astimezone(UTC)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{{date_short}} {{time}}|{fallback}>"


def _quote(reason: str) -> str:
    text = clip(reason.strip(), REASON_CHARS) if reason and reason.strip() else "_no reason given_"
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _revision_text(kr: KRLine, change: TargetChange) -> str:
    old, new = value_text(kr, change.old_target), value_text(kr, change.new_target)
    head = f"*{old} → {new}* · by {mention(change.changed_by)} · {slack_date(change.changed_at)}"
    return guard(f"{head}\n{_quote(change.reason)}")


def _sort_key(change: TargetChange) -> float:
    moment = change.changed_at
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.timestamp()


def kr_history_modal(kr: KRLine, objective_title: str) -> dict[str, Any]:
    """A modal view (no submit) listing `kr.revisions`, newest first."""
    revisions = sorted(kr.revisions, key=_sort_key, reverse=True)
    fields = [
        MarkdownTextObject(text=f"*Original target*\n{value_text(kr, kr.original_target)}"),
        MarkdownTextObject(text=f"*Current target*\n{value_text(kr, kr.target)}"),
    ]
    if kr.kind.moves:
        fields.append(MarkdownTextObject(text=f"*Start*\n{value_text(kr, kr.start)}"))
    fields.append(MarkdownTextObject(text=f"*Changes*\n{len(revisions):,}"))
    blocks: list[Any] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f"*{user_text(kr.title, KR_TITLE_CHARS)}*\n"
                    f"Objective: {user_text(objective_title, TITLE_CHARS)}"
                )
            )
        ),
        SectionBlock(fields=fields),
        DividerBlock(),
    ]
    if not revisions:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="The target has not changed since it was set.")]
            )
        )
    room = MAX_VIEW_BLOCKS - HISTORY_OVERHEAD
    shown = revisions[:room] if len(revisions) > room + 1 else revisions
    blocks.extend(
        SectionBlock(text=MarkdownTextObject(text=_revision_text(kr, change))) for change in shown
    )
    if len(shown) < len(revisions):
        earlier = plural(len(revisions) - len(shown), "earlier change")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"and {earlier}")]))
    return View(type="modal", title=MODAL_TITLE, close="Close", blocks=blocks).to_dict()
