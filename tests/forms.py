"""Fill in a modal the way a person does in Slack: start from what the app drew (initial
values), change some fields, and get the `view.state.values` Slack would submit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def fill(view: Mapping[str, Any], changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """State values for every input block of `view`; `changes` maps block ids to what the
    person typed or picked: text, an option value, a (value, label) pair for an external
    select, a user id, a time "HH:MM", the option values ticked in a checkbox group (a
    list, [] for none), or None to clear the field. A value that is not one of the
    element's options is sent as a crafted option, as a forged request would."""
    changes = dict(changes or {})
    unknown = set(changes) - {b.get("block_id") for b in view.get("blocks", [])}
    if unknown:
        raise AssertionError(f"the modal has no blocks {sorted(unknown)}")
    values: dict[str, Any] = {}
    for block_id, element in _stateful(view):
        kind, action_id = element["type"], element["action_id"]
        changed = block_id in changes
        new = changes.get(block_id)
        if kind == "plain_text_input":
            state = {"type": kind, "value": new if changed else element.get("initial_value")}
        elif kind == "static_select":
            option = element.get("initial_option")
            if changed:
                matches = [o for o in element["options"] if o["value"] == new]
                option = (
                    matches[0]
                    if matches
                    else (
                        None
                        if new is None
                        else {"text": {"type": "plain_text", "text": str(new)}, "value": str(new)}
                    )
                )
            state = {"type": kind, "selected_option": option}
        elif kind == "external_select":
            option = element.get("initial_option")
            if changed:
                option = (
                    None
                    if new is None
                    else {"text": {"type": "plain_text", "text": str(new[1])}, "value": str(new[0])}
                )
            state = {"type": kind, "selected_option": option}
        elif kind == "multi_external_select":
            chosen = element.get("initial_options") or []
            if changed:
                chosen = [
                    {"text": {"type": "plain_text", "text": str(label)}, "value": str(value)}
                    for value, label in (new or [])
                ]
            state = {"type": kind, "selected_options": list(chosen)}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": new if changed else element.get("initial_user")}
        elif kind == "multi_users_select":
            users = new if changed else element.get("initial_users", [])
            state = {"type": kind, "selected_users": list(users or [])}
        elif kind == "conversations_select":
            state = {
                "type": kind,
                "selected_conversation": new if changed else element.get("initial_conversation"),
            }
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": new if changed else element.get("initial_date")}
        elif kind == "timepicker":
            state = {"type": kind, "selected_time": new if changed else element.get("initial_time")}
        elif kind == "checkboxes":
            ticked = list(element.get("initial_options") or [])
            if changed:
                by_value = {o["value"]: o for o in element["options"]}
                ticked = [
                    by_value.get(v)
                    or {"text": {"type": "plain_text", "text": str(v)}, "value": str(v)}
                    for v in (new or [])
                ]
            state = {"type": kind, "selected_options": ticked}
        else:
            raise AssertionError(f"fill() does not know {kind} elements yet")
        values[block_id] = {action_id: state}
    return values


#: Elements of an actions block that keep a state Slack submits with the view.
_STATEFUL = {"static_select", "users_select", "external_select", "conversations_select"}


def _stateful(view: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(block id, element) of every input block, and of the one stateful element of an
    actions block (a row's owner picker, a template select): Slack submits both."""
    found = []
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            found.append((block["block_id"], block["element"]))
        elif block.get("type") == "actions":
            kept = [e for e in block.get("elements", []) if e.get("type") in _STATEFUL]
            found += [(block["block_id"], e) for e in kept[:1]]
    return found
