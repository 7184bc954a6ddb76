"""What people read in the payloads the bot sent to the fake Slack, and whether it is in the
right language; and every payload checked against slack_sdk's Block Kit models.

The language checks read only what Slack shows: `text` fields, titles, labels, hints,
placeholders, button and option text, chart titles and labels, never ids, values or
metadata. Before looking for a wrong language they take out what is never translated:
mentions (`<@U1>`, `<#C1>`), emoji codes, inline code (commands such as `/okr set`),
links' addresses, command usages, and the words people typed or are called (`allowed`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from sandbox.slack_api import Call

#: Methods whose arguments are something a person reads.
READ_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
        "response_url",
    }
)
#: Keys whose string values are shown to a person.
TEXT_KEYS = frozenset(
    {
        "text",
        "title",
        "label",
        "hint",
        "placeholder",
        "alt_text",
        "submit",
        "close",
        "name",
        "x_label",
        "y_label",
    }
)
#: Keys whose lists of strings are shown (a chart's axis).
LIST_KEYS = frozenset({"categories"})
#: Keys never shown, whatever they hold.
HIDDEN_KEYS = frozenset(
    {"metadata", "private_metadata", "value", "action_id", "block_id", "callback_id", "url"}
)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]")
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<(?:https?|mailto):[^>]*>")
_MENTION = re.compile(r"<[@#!][^>]*>")
_EMOJI = re.compile(r":[a-z0-9_+\-']+:")
_CODE = re.compile(r"`[^`]*`")
#: A command's usage as typed, outside backticks (a fallback text): `/okr set [title]`.
_USAGE = re.compile(r"/(?:okr|invite)(?: [a-z0-9|\[\]@#…\-]+)*")
#: Two or more English words in a row (each two letters or more, six letters in all at the
#: least): "Checked in", "on track", "Weekly check-in". One word alone (a name, "OKR",
#: "USD") is not a sentence.
_PHRASE = re.compile(r"(?<![A-Za-z])[A-Za-z][a-z']+(?:[ ,\-/]+[A-Za-z][a-z']+)+(?![A-Za-z])")
#: A whole label that is one English word ("Discuss", "Snooze", "Monday").
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def _loaded(value: Any) -> Any:
    """Blocks and views sent form-encoded arrive as JSON strings."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _strings(node: Any, key: str = "") -> Iterator[str]:
    if key in HIDDEN_KEYS:
        return
    node = _loaded(node)
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        if key in LIST_KEYS:
            yield from (v for v in node if isinstance(v, str))
        else:
            for v in node:
                yield from _strings(v, key if key in ("blocks", "elements", "fields") else "")
    elif isinstance(node, str) and key in TEXT_KEYS:
        yield node


def shown_texts(calls: Iterable[Call], extra: Iterable[Any] = ()) -> list[str]:
    """Every text a person reads in these calls' payloads (and in `extra` payloads, such as
    the bodies of acks that answered in place)."""
    found: list[str] = []
    for call in calls:
        if call.method in READ_METHODS:
            found += _strings({k: v for k, v in call.args.items() if k != "channel"})
    for payload in extra:
        found += _strings(payload)
    return [t for t in found if t.strip()]


def _plain(text: str, allowed: Iterable[str]) -> str:
    """`text` without what is never translated."""
    text = _DATE.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group(1) or "", text)
    for pattern in (_MENTION, _EMOJI, _CODE, _USAGE):
        text = pattern.sub(" ", text)
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def english_in(texts: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The texts that hold an English phrase (or are one English word), with what it is."""
    allowed = list(allowed)
    leaks = []
    for text in texts:
        plain = _plain(text, allowed)
        found = _PHRASE.search(plain)
        whole = plain.strip()
        if found is not None:
            leaks.append(f"{found.group(0)!r} in {text!r}")
        elif _WORD.fullmatch(whole):
            leaks.append(f"{whole!r} (a whole label)")
    return leaks


def chinese_in(texts: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The texts that hold a Chinese character (or full-width punctuation)."""
    allowed = list(allowed)
    return [t for t in texts if _CJK.search(_plain(t, allowed))]


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def block_problems(calls: Iterable[Call]) -> list[str]:
    """What slack_sdk's models say is wrong with the blocks and views of these calls: each
    block parsed (`Block.parse`) and validated (`validate_json`), each view too. Blocks
    slack_sdk does not model yet (charts) are left to the fake Slack's own checks."""
    problems = []
    for call in calls:
        if call.method not in READ_METHODS or not call.ok:
            continue
        view = _loaded(call.args.get("view"))
        blocks = _loaded(call.args.get("blocks")) or []
        if isinstance(view, dict):
            blocks = view.get("blocks") or []
            try:
                View(**view).validate_json()
            except Exception as exc:  # slack_sdk raises SlackObjectFormationError and others
                problems.append(f"{call.method} view: {exc}")
        ids = [b["block_id"] for b in blocks if isinstance(b, dict) and "block_id" in b]
        if len(ids) != len(set(ids)):
            problems.append(f"{call.method}: a block_id twice in {ids}")
        for block in blocks:
            try:
                parsed = Block.parse(block)
                if parsed is not None and type(parsed) is not Block:
                    parsed.validate_json()
                    parsed.to_dict()  # validates the nested elements too
            except Exception as exc:
                problems.append(f"{call.method} {block.get('type')}: {exc}")
    return problems
