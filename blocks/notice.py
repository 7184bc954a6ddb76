"""A small modal that tells the person something instead of the form they asked for."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from blocks.mrkdwn import truncate
from okr.i18n import _


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """`text` is mrkdwn the caller has escaped; `title` is cut to Slack's 24 characters."""
    return View(
        type="modal",
        title=PlainTextObject(text=truncate(title, 24)),
        close=PlainTextObject(text=_("Close")),
        blocks=[SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))],
    ).to_dict()


def notice_home(text: str) -> dict[str, Any]:
    """A Home tab holding only `text` (mrkdwn the caller has escaped): shown when the
    real one cannot be drawn, until the next time it can."""
    return View(
        type="home", blocks=[SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))]
    ).to_dict()
