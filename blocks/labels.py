"""Labels of input fields: what a field asks for, named after the key result it is about.

A label is plain text (Slack shows it as typed, nothing to escape) of at most 2,000
characters; the KR's title is the part that can be long, so it is the part that is cut.
"""

from __future__ import annotations

MAX_LABEL = 2000
"""Slack's limit for an input block's label."""
FIELD_TITLE_CHARS = 120
"""Most characters of a KR's title a field label shows: the rest of the label must fit."""
ELLIPSIS = "…"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def field_label(title: str, detail: str = "") -> str:
    """`Revenue this quarter — target $1.2M`: the title on one line, cut to
    `FIELD_TITLE_CHARS`, then `detail`; the whole within Slack's limit."""
    name = one_line(title)
    if len(name) > FIELD_TITLE_CHARS:
        name = name[: FIELD_TITLE_CHARS - len(ELLIPSIS)] + ELLIPSIS
    label = f"{name} — {detail}" if detail else name
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - len(ELLIPSIS)] + ELLIPSIS
