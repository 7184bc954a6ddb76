"""The least a parsed Slack request body must hold before Bolt and our listeners look in it.

Bolt indexes into a body the way Slack shapes it (`body["view"]["callback_id"]`,
`body["actions"][0]["action_id"]`, `body["team"].get("id")`), and so do listeners
(`body["user"]["id"]`). A signed body of any other shape (only someone holding the signing
secret can send one) would fail inside Bolt with a 500 and a traceback; `shape_problem`
names the first field out of shape instead, so the request is answered 400.
"""

from __future__ import annotations

from typing import Any

#: Deeper bodies are refused: Slack's deepest (rich text in a modal's state) are ~15 levels.
MAX_DEPTH = 64

_ID_OR_OBJECT = (str, dict, type(None))
_OBJECT = (dict, type(None))

#: Top-level fields Bolt or listeners read whenever they are present, and the types they read.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "command": (str,),
    "team": _ID_OR_OBJECT,
    "user": _ID_OR_OBJECT,
    "enterprise": _ID_OR_OBJECT,
    "channel": _ID_OR_OBJECT,
    "event": (dict,),
    "view": _OBJECT,
    "container": _OBJECT,
    "message": _OBJECT,
    "state": _OBJECT,
    "actions": (list,),
    "authorizations": (list, type(None)),
    "response_urls": (list,),
    "response_url": (str,),
    "trigger_id": (str,),
    "action_id": (str,),
    "callback_id": (str,),
}

#: Lists whose items Bolt reads as objects.
OBJECT_LISTS = ("actions", "authorizations", "response_urls")

_VIEW = ("user.id", "view.id", "view.type", "view.callback_id")
#: Per payload type, the text fields it must carry ("view.type": the view's `type`).
REQUIRED: dict[str, tuple[str, ...]] = {
    "event_callback": ("event.type",),
    "view_submission": _VIEW,
    "view_closed": _VIEW,
    "block_actions": ("user.id", "actions.0.action_id"),
    "block_suggestion": ("user.id", "action_id"),
    "shortcut": ("user.id", "callback_id"),
    "message_action": ("user.id", "callback_id"),
}

_TYPE_NAMES = {str: "a string", dict: "an object", list: "a list", type(None): "null"}


def shape_problem(body: object) -> str | None:
    """What is out of shape in `body` for Bolt, in a few words, or None when nothing is."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if nesting_depth(body) > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels"
    if not any(key in body for key in ("type", "command", "ssl_check")):
        return "no type"
    for name, types in FIELD_TYPES.items():
        if name in body and not isinstance(body[name], types):
            return f"{name} is not {_one_of([_TYPE_NAMES[t] for t in types])}"
    for name in ("team", "user", "enterprise", "channel"):
        value = body.get(name)
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str):
            return f"{name}.id is not a string"
    for name in OBJECT_LISTS:
        if not all(isinstance(item, dict) for item in body.get(name) or []):
            return f"{name} holds something that is not an object"
    for path in REQUIRED.get(body.get("type", ""), ()):
        if not isinstance(_at(body, path), str):
            return f"{path} is missing or not a string"
    return None


def _one_of(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def nesting_depth(value: Any) -> int:
    """How many objects and lists deep `value` goes (iteratively: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _at(body: dict[str, Any], path: str) -> Any:
    """The value at a dotted path ("actions.0.action_id"), or None when it is not there."""
    value: Any = body
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value
