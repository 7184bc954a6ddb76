"""Kudos: the short post in the team channel naming who gave it, the *Give kudos* modal
(opened beside a win in the digest, prefilled "for <KR title>"), and reading
`/okr kudos @person for ...` and the modal back. Pure: the checks that need Slack or the
database are the handler's."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import ids
from blocks.kr_format import KR_TITLE_CHARS, guard, mention, one_line, user_text
from blocks.view_state import element, metadata, row_id
from okr.i18n import N_, _

MAX_KUDOS = 280
"""Characters a kudos may say (the kudos table holds 280)."""
TEXT_BLOCK = "kudos_text"
USAGE = N_("Type `/okr kudos @person for what they did`, e.g. `/okr kudos @ana for the Acme demo`.")

_MENTION = re.compile(r"^\s*<@([UW][A-Z0-9]{1,30})(?:\|[^>]*)?>\s*(.*)$", re.DOTALL)

EMPTY = N_("Say what the kudos is for, e.g. “for the Acme demo”.")
TOO_LONG = N_("Keep kudos to {limit} characters. This one has {length:,}.")


@dataclass(frozen=True)
class KudosRequest:
    """Who a kudos is for and what it says (one line, as typed)."""

    receiver: str
    text: str


def reason_problem(text: str) -> str | None:
    """Why `text` cannot be a kudos (empty, too long); None when it can."""
    if not text:
        return _(EMPTY)
    if len(text) > MAX_KUDOS:
        return _(TOO_LONG).format(limit=MAX_KUDOS, length=len(text))
    return None


def parse_kudos(args: str) -> KudosRequest | str:
    """`<@U123|ana> for the Acme demo` (Slack escapes the mention) -> the request; else the
    error to show: no person named, nothing said, or over 280 characters."""
    found = _MENTION.match(args or "")
    if found is None:
        return _("Name the person to thank with an @mention. {usage}").format(usage=_(USAGE))
    text = one_line(found.group(2))
    problem = reason_problem(text)
    return KudosRequest(found.group(1), text) if problem is None else problem


def kudos_post(giver: str, receiver: str, text: str) -> dict[str, Any]:
    """`:clap: <@giver> gave kudos to <@receiver>: for the Acme demo` (escaped)."""
    said = user_text(text, MAX_KUDOS, "")
    line = _(":clap: {giver} gave kudos to {receiver}: {text}").format(
        giver=mention(giver), receiver=mention(receiver), text=said
    )
    return {
        "text": guard(line, 1000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=guard(line))).to_dict()],
    }


def kudos_modal(*, receiver: str, kr_id: int, kr_title: str, channel_id: str) -> dict[str, Any]:
    """The *Give kudos* modal: to the KR's owner, prefilled "for <KR title>"."""
    title = one_line(kr_title)[: KR_TITLE_CHARS // 2]
    prefill = _("for {title}").format(title=title)[:MAX_KUDOS]
    meta = {"to": receiver, "kr": kr_id, "channel": channel_id}
    return View(
        type="modal",
        callback_id=ids.KUDOS_VIEW,
        title=PlainTextObject(text=_("Give kudos")),
        submit=PlainTextObject(text=_("Post kudos")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=json.dumps(meta, separators=(",", ":")),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=_(
                        "Kudos to {receiver}, posted in the team channel with your name."
                    ).format(receiver=mention(receiver))
                )
            ),
            InputBlock(
                block_id=TEXT_BLOCK,
                label=_("What are they getting kudos for?"),
                element=PlainTextInputElement(
                    action_id="value", initial_value=prefill, max_length=MAX_KUDOS
                ),
            ),
        ],
    ).to_dict()


@dataclass(frozen=True)
class KudosForm:
    """What the modal sent back: who it is for, on which KR, where it was opened."""

    receiver: str
    kr_id: int | None
    channel_id: str
    text: str


def read_kudos_modal(view: dict[str, Any]) -> KudosForm:
    meta = metadata(view)
    values = (view.get("state") or {}).get("values") or {}
    raw = element(values, TEXT_BLOCK).get("value")
    receiver, channel = meta.get("to"), meta.get("channel")
    return KudosForm(
        receiver if isinstance(receiver, str) else "",
        row_id(meta.get("kr")),
        channel if isinstance(channel, str) else "",
        one_line(raw) if isinstance(raw, str) else "",
    )
