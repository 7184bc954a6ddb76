"""The "History" modal of a key result: every change of its target, newest first.

Layout: the KR as its sentence (okr.kr_sentence) and its objective; original vs current
target (and start, number of changes) as section fields; then one section per revision — old →
new target in the KR's unit, who, when (Slack date formatting, shown in the reader's time
zone), and the reason quoted. At most 100 blocks: the oldest changes beyond that are
summarised as "and N earlier changes".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import ids
from blocks.dependency_lines import Link, links_context
from blocks.kr_format import (
    KR_TITLE_CHARS,
    MAX_VIEW_BLOCKS,
    TITLE_CHARS,
    clip,
    confidence_label,
    full_target,
    guard,
    mention,
    pair,
    user_text,
    value_text,
)
from blocks.mrkdwn import escape, slack_date
from blocks.quota_lines import counted_for
from okr.display import beside_target
from okr.i18n import N_, _, ngettext
from okr.kr_sentence import kr_sentence, names_a_number, sentence_lang
from okr.outline import CheckInNote, KRLine, TargetChange

MODAL_TITLE = N_("History")
REASON_CHARS = 1000
HISTORY_OVERHEAD = 4
"""Blocks besides the revisions: KR section, targets fields, divider, "and N earlier"."""


def heading(kr: KRLine) -> str:
    """The KR as the sentence a person would type for it ("Keep churn below 3%"), in the
    language of its title: what was typed and what is read back are one language. A title
    that is a sentence with numbers already (set before KRs were sentences) stays as typed."""
    if names_a_number(kr.title):
        return kr.title
    return kr_sentence(kr, lang=sentence_lang(kr.title))


def _quote(reason: str) -> str:
    given = reason and reason.strip()
    text = clip(reason.strip(), REASON_CHARS) if given else _("_no reason given_")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _revision_text(kr: KRLine, change: TargetChange) -> str:
    old, new = pair(kr, change.old_target, change.new_target)
    head = _("*{old} → {new}* · by {who} · {date}").format(
        old=old, new=new, who=mention(change.changed_by), date=slack_date(change.changed_at)
    )
    return guard(f"{head}\n{_quote(change.reason)}")


def _sort_key(change: TargetChange) -> float:
    moment = change.changed_at
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.timestamp()


MAX_CHECKINS_SHOWN = 12
CHECKIN_NOTE_CHARS = 280


def _checkin_text(kr: KRLine, checkin: CheckInNote, value: str) -> str:
    """One check-in; `value` is its value as shown (at the precision of the whole modal)."""
    confidence = f" · {confidence_label(checkin.confidence)}" if checkin.confidence else ""
    edited = " · " + _("_edited_") if checkin.edited else ""
    head = (
        f"*{value}*{counted_for(kr, checkin)}{confidence} · {mention(checkin.user_id)} · "
        f"{slack_date(checkin.at)}{edited}"
    )
    note = f"\n{_quote(checkin.note)}" if checkin.note.strip() else ""
    return guard(head + note)


def newest_checkins(kr: KRLine) -> list[CheckInNote]:
    return list(reversed(kr.checkins))[:MAX_CHECKINS_SHOWN]


def history_values(kr: KRLine) -> tuple[str, str, list[str]]:
    """The current target, the original one and the newest check-ins' values, at one
    precision (okr.display.beside_target): none reads like a different current target."""
    readings = [c.value for c in newest_checkins(kr)]
    target, texts = beside_target(kr.target, [kr.original_target, *readings], kr.measure)
    return escape(target), escape(texts[0]), [escape(text) for text in texts[1:]]


def checkin_blocks(kr: KRLine, editable_checkin_id: int | None) -> list[Any]:
    """The latest check-ins, newest first; Edit and Delete beside the one its author may
    still change (their latest, this week)."""
    if not kr.checkins:
        return [ContextBlock(elements=[MarkdownTextObject(text=_("No check-ins yet."))])]
    newest = newest_checkins(kr)
    *_targets, shown = history_values(kr)
    blocks: list[Any] = []
    for checkin, value in zip(newest, shown, strict=True):
        text = _checkin_text(kr, checkin, value)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        if checkin.id == editable_checkin_id:
            blocks.append(
                ActionsBlock(
                    block_id=f"checkin_actions_{checkin.id}",
                    elements=[
                        ButtonElement(
                            text=_("Edit"), action_id=ids.EDIT_CHECK_IN, value=str(checkin.id)
                        ),
                        ButtonElement(
                            text=_("Delete"),
                            action_id=ids.DELETE_CHECK_IN,
                            value=str(checkin.id),
                            style="danger",
                            confirm=ConfirmObject(
                                title=_("Delete this check-in?"),
                                text=_("The key result goes back to its previous value."),
                                confirm=_("Delete"),
                                deny=_("Keep it"),
                            ),
                        ),
                    ],
                )
            )
    if len(kr.checkins) > len(newest):
        n = len(kr.checkins) - len(newest)
        earlier = ngettext("and {n} earlier check-in", "and {n} earlier check-ins", n)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=earlier.format(n=f"{n:,}"))]))
    return blocks


def kr_history_modal(
    kr: KRLine,
    objective_title: str,
    *,
    editable_checkin_id: int | None = None,
    links: Sequence[Link] = (),
) -> dict[str, Any]:
    """A modal view (no submit): the KR's latest check-ins, then its target revisions,
    newest first."""
    revisions = sorted(kr.revisions, key=_sort_key, reverse=True)
    target, original, _readings = history_values(kr)
    fields = [
        MarkdownTextObject(text=_("*Original target*\n{value}").format(value=original)),
        MarkdownTextObject(
            text=_("*Current target*\n{value}").format(value=full_target(kr, target))
        ),
    ]
    if kr.kind.moves:
        start = value_text(kr, kr.start)
        fields.append(MarkdownTextObject(text=_("*Start*\n{value}").format(value=start)))
    fields.append(
        MarkdownTextObject(text=_("*Changes*\n{count}").format(count=f"{len(revisions):,}"))
    )
    blocks: list[Any] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{user_text(heading(kr), KR_TITLE_CHARS)}*\n"
                + _("Objective: {title}").format(title=user_text(objective_title, TITLE_CHARS))
            )
        ),
        SectionBlock(fields=fields),
        *([links_context(links)] if links else []),
        DividerBlock(),
        *checkin_blocks(kr, editable_checkin_id),
        DividerBlock(),
    ]
    if not revisions:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=_("The target has not changed since it was set."))
                ]
            )
        )
    room = MAX_VIEW_BLOCKS - HISTORY_OVERHEAD - (len(blocks) - 3)
    shown = revisions[:room] if len(revisions) > room + 1 else revisions
    blocks.extend(
        SectionBlock(text=MarkdownTextObject(text=_revision_text(kr, change))) for change in shown
    )
    if len(shown) < len(revisions):
        n = len(revisions) - len(shown)
        earlier = ngettext("and {n} earlier change", "and {n} earlier changes", n)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=earlier.format(n=f"{n:,}"))]))
    return View(type="modal", title=_(MODAL_TITLE), close=_("Close"), blocks=blocks).to_dict()
