"""Reading what Slack sends back from our views: input states, private_metadata, and the
values of clicked buttons. Everything here may have been crafted, so every reader
answers "nothing" rather than raising on a wrong shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_ID_DIGITS = 12


def element(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    """The state of the one element of an input block in `view.state.values`."""
    block = values.get(block_id)
    if not isinstance(block, Mapping) or not block:
        return {}
    found = next(iter(block.values()))
    return found if isinstance(found, Mapping) else {}


def json_object(text: object) -> dict[str, Any]:
    """A JSON object from a button value or private_metadata; anything else reads as {}."""
    if not isinstance(text, str) or not text or len(text) > 3000:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """The view's private_metadata."""
    return json_object(view.get("private_metadata"))


def action_value(body: Mapping[str, Any]) -> str:
    """The value of the button or option that was clicked."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return ""
    action = actions[0]
    value = action.get("value")
    if value is None:
        value = (action.get("selected_option") or {}).get("value")
    return value if isinstance(value, str) else ""


def row_id(value: object) -> int | None:
    """A database id from text ("42"); None for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= MAX_ID_DIGITS else None
