"""What one person's page shows, read from the stand-in: the shapes of the protocol
(/work/notes/sandbox-protocol.md), and who a change of the stand-in concerns."""

from __future__ import annotations

from typing import Any

from sandbox import workspace
from sandbox.slack_api import Change, SlackApi


def page_message(api: SlackApi, channel: str, message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the page draws it (channel in it, `edited` a flag, replies
    counted)."""
    out: dict[str, Any] = {
        "channel": channel,
        "ts": message["ts"],
        "text": message.get("text", ""),
    }
    for key in ("thread_ts", "user", "bot_id", "blocks", "attachments"):
        if message.get(key) is not None:
            out[key] = message[key]
    if message.get("bot_id"):
        out["username"] = api.bot_name
    if message.get("edited"):
        out["edited"] = True
    if message.get("ephemeral"):
        out["ephemeral"] = True
    replies = [
        m
        for (c, _), m in api.messages.items()
        if c == channel and m.get("thread_ts") == message["ts"] and m["ts"] != message["ts"]
    ]
    if replies:
        out["reply_count"] = len(replies)
    return out


def dm_owner(api: SlackApi, channel: str) -> str | None:
    """The person whose DM with the bot `channel` is, or None for a channel."""
    return None if channel in api.channels else api.dm_user(channel)


def sees_channel(api: SlackApi, user: str, channel: str) -> bool:
    """Whether `user`'s page shows `channel`: every channel, and their own DM."""
    owner = dm_owner(api, channel)
    return owner is None or owner == user


def state(api: SlackApi, user: str, now: str) -> dict[str, Any]:
    """GET /api/state for `user`."""
    dm = api.dm_channel(user)
    channels = [c for c in api.channels.values() if not c["is_archived"]]
    messages: dict[str, list[dict[str, Any]]] = {c["id"]: [] for c in channels}
    messages[dm] = []
    for (channel, _ts), message in sorted(api.messages.items()):
        if channel in messages:
            messages[channel].append(page_message(api, channel, message))
    for message in api.ephemerals:
        if message["for_user"] == user and message["channel"] in messages:
            messages[message["channel"]].append(page_message(api, message["channel"], message))
    for listed in messages.values():
        listed.sort(key=lambda m: float(m["ts"]))
    people = []
    for p in workspace.PEOPLE:
        people.append(
            {
                "id": p.id,
                "name": p.name,
                "real_name": p.real_name,
                "tz": p.tz,
                "title": p.title,
                "is_admin": p.is_admin,
            }
        )
    return {
        "workspace": {"id": api.team_id, "name": api.team_name},
        "bot": {"id": api.bot_user_id, "name": api.bot_name},
        "now": now,
        "me": user,
        "people": people,
        "channels": [
            {"id": c["id"], "name": c["name"], "is_member": user in api.channel_members[c["id"]]}
            for c in channels
        ],
        "dm": dm,
        "messages": messages,
        "home": api.home_views.get(user),
        "views": api.user_views(user),
    }


def page_event(api: SlackApi, change: Change, user: str) -> dict[str, Any] | None:
    """The server-sent event `user`'s page gets for a change of the stand-in, or None when
    the change is not theirs to see (another person's DM, ephemeral, modal or Home)."""
    kind = change["type"]
    if kind in ("message", "message_changed"):
        channel = change["channel"]
        if not sees_channel(api, user, channel):
            return None
        return {"type": kind, "message": page_message(api, channel, change["message"])}
    if kind == "message_deleted":
        if not sees_channel(api, user, change["channel"]):
            return None
        return {"type": kind, "channel": change["channel"], "ts": change["ts"]}
    if change.get("user") != user:
        return None
    if kind == "ephemeral":
        message = page_message(api, change["channel"], change["message"])
        return {"type": "message", "message": message}
    if kind == "views":
        return {"type": "views", "views": change["views"]}
    if kind == "home":
        return {"type": "home", "view": change["view"]}
    return None
