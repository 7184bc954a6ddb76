"""Dependencies as people read them: the lines under a KR shown in full ("⇠ depends on
Marketing · Generate 200 MQLs a month · at risk", "⇢ Sales · Contact 50 prospects a week
depends on this"), the upstream lead's DM with *Acknowledge* / *Discuss*, the thread a
*Discuss* opens, and the note to dependants when a KR they depend on is removed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import ids
from blocks.mrkdwn import escape
from okr.i18n import N_, _
from okr.outline import ObjectiveCard

#: How the other end's status reads after a "depends on" line (`dependency_status`).
STATUS_WORDS = {
    "off_track": N_("off track"),
    "at_risk": N_("at risk"),
    "on_track": N_("on track"),
    "too_early": N_("too early"),
}
SECTION_MAX = 3000


@dataclass(frozen=True)
class End:
    """The other end of a link as a line names it: its team (or owner) and title."""

    team: str | None
    owner_id: str
    title: str

    def name(self) -> str:
        """ "Marketing · Generate 200 MQLs a month" (a personal KR: its owner)."""
        who = escape(self.team) if self.team else f"<@{self.owner_id}>"
        return f"{who} · {escape(' '.join(self.title.split()))}"


@dataclass(frozen=True)
class Link:
    """One link seen from a KR: `upstream` True when this KR depends on `other`."""

    upstream: bool
    other: End
    status: str | None = None


def link_line(link: Link) -> str:
    """One line under a KR."""
    if link.upstream:
        word = STATUS_WORDS.get(link.status or "")
        if word:
            return _("⇠ depends on {kr} · {status}").format(kr=link.other.name(), status=_(word))
        return _("⇠ depends on {kr}").format(kr=link.other.name())
    return _("⇢ {kr} depends on this").format(kr=link.other.name())


def link_lines(links: Sequence[Link]) -> str:
    """A KR's links, those it depends on first."""
    ordered = sorted(links, key=lambda link: not link.upstream)
    return "\n".join(link_line(link) for link in ordered)


def with_links(
    blocks: list[dict[str, Any]], card: ObjectiveCard, links: Mapping[int, Sequence[Link]]
) -> list[dict[str, Any]]:
    """A card's blocks with each KR's links under its line: the card's sections after its
    header are its KRs in order (blocks/objective_card.py), so the lines join their text
    and the card keeps its block count (the pages stay as they were packed)."""
    if not links:
        return blocks
    sections = [b for b in blocks if b.get("type") == "section"][1:]
    for block, kr in zip(sections, card.krs, strict=False):
        mine = links.get(kr.id)
        text = block.get("text")
        if mine and isinstance(text, dict):
            joined = f"{text.get('text', '')}\n{link_lines(mine)}"
            text["text"] = joined if len(joined) <= SECTION_MAX else text.get("text", "")
    return blocks


def links_context(links: Sequence[Link]) -> ContextBlock | None:
    """The links of one KR as a context block (its History modal)."""
    if not links:
        return None
    return ContextBlock(elements=[MarkdownTextObject(text=link_lines(links)[:SECTION_MAX])])


@dataclass(frozen=True)
class Told:
    """A new dependency as its upstream lead is told of it."""

    dependency_id: int
    downstream: End
    upstream: End
    need: str
    by: str
    upstream_kr_id: int = 0


def told_text(told: Told) -> str:
    text = _("{who} ({kr}) now depends on your team's key result *{upstream}*.").format(
        who=f"<@{told.downstream.owner_id}>",
        kr=told.downstream.name(),
        upstream=escape(told.upstream.title),
    )
    if told.need:
        text += "\n" + _("What they need: {need}").format(need=escape(told.need))
    return text


def upstream_message(told: Told, acknowledged_by: str | None = None) -> dict[str, Any]:
    """The upstream lead's DM: who depends on which KR and why, with *Acknowledge* and
    *Discuss* (after an acknowledgement: who acknowledged, in place of the first)."""
    text = told_text(told)
    value = str(told.dependency_id)
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=text[:SECTION_MAX]))]
    buttons = [ButtonElement(text=_("Discuss"), action_id=ids.DEPENDENCY_DISCUSS, value=value)]
    if acknowledged_by is None:
        buttons.insert(
            0,
            ButtonElement(
                text=_("Acknowledge"),
                action_id=ids.DEPENDENCY_ACK,
                value=value,
                style="primary",
            ),
        )
    blocks.append(ActionsBlock(block_id="dependency", elements=buttons))
    if acknowledged_by is not None:
        done = _("✓ Acknowledged by {who}").format(who=f"<@{acknowledged_by}>")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=done)]))
    return {"text": text[:SECTION_MAX], "blocks": [b.to_dict() for b in blocks]}


def removed_message(upstream: End, downstream_title: str, by: str) -> dict[str, Any]:
    """To a dependant's owner: a KR they depended on was removed."""
    text = _(
        "{by} removed *{upstream}*, which your key result *{kr}* depended on. "
        "Talk to them if you still need it."
    ).format(by=f"<@{by}>", upstream=upstream.name(), kr=escape(downstream_title))
    return {"text": text}


def removal_warning(dependants: Sequence[End]) -> str:
    """The field error shown before a KR others depend on is removed."""
    names = ", ".join(end.name() for end in dependants[:3])
    more = len(dependants) - 3
    if more > 0:
        return _(
            "{names} and {n} more depend on a key result you removed. Save again to remove "
            "it anyway; their owners will be told."
        ).format(names=names, n=more)
    return _(
        "{names} depend on a key result you removed. Save again to remove it anyway; "
        "their owners will be told."
    ).format(names=names)


def archive_warning(dependants: Sequence[End]) -> str:
    """Before an objective whose KRs others depend on is archived."""
    names = ", ".join(end.name() for end in dependants[:5])
    return _(
        "{names} depend on this objective's key results. Archive it anyway? "
        "Their owners will be told."
    ).format(names=names)


#: The objective modal's metadata key naming the removed KRs the author confirmed.
CONFIRMED = "confirm_removal"


def asking_to_confirm(view: dict[str, Any], kr_ids: Sequence[int], warning: str) -> dict[str, Any]:
    """The objective modal drawn again with the removal's warning on top and, in its
    metadata, the KRs whose removal a second save confirms."""
    meta = json.loads(view.get("private_metadata") or "{}")
    meta[CONFIRMED] = sorted(kr_ids)
    text = f":warning: {warning}"[:SECTION_MAX]
    block = ContextBlock(block_id="dependants", elements=[MarkdownTextObject(text=text)])
    return {
        **view,
        "private_metadata": json.dumps(meta, separators=(",", ":")),
        "blocks": [block.to_dict(), *view.get("blocks", [])],
    }


def confirmed(meta: Mapping[str, Any]) -> set[int]:
    """The removed KRs a modal's metadata says the author confirmed."""
    found = meta.get(CONFIRMED)
    return {i for i in found if isinstance(i, int)} if isinstance(found, list) else set()


def archive_anyway(objective_id: int, warning: str) -> dict[str, Any]:
    """The notice that replaces the edit modal when an archived objective's KRs have
    dependants: who, and an *Archive anyway* button."""
    return View(
        type="modal",
        title=PlainTextObject(text=_("Archive objective")[:24]),
        close=PlainTextObject(text=_("Keep it")),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f":warning: {warning}"[:SECTION_MAX])),
            ActionsBlock(
                block_id="archive",
                elements=[
                    ButtonElement(
                        text=_("Archive anyway"),
                        action_id=ids.ARCHIVE_OBJECTIVE,
                        value=f"{objective_id}:{CONFIRMED}",
                        style="danger",
                    )
                ],
            ),
        ],
    ).to_dict()
