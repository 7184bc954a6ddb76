"""The team modal (`/okr team`), its time zone options, and what is said after saving.

Pure: data in, payloads out. `read_team_form` turns a submitted `view.state.values` into a
`TeamForm` plus field errors keyed by block id, ready for `ack(response_action="errors")`.

The modal: an optional "Team" picker on top (dispatches an action; "New team" or a team the
user may change), then name, channel, leads, members and time zone. The time zone is an
external select: ~600 IANA zones do not fit a static select's 100 options.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    ConversationFilter,
    ConversationSelectElement,
    ExternalDataSelectElement,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.mrkdwn import escape, truncate

CALLBACK_ID = "team_settings"
PICK_ACTION = "team_pick"
TIMEZONE_ACTION = "team_timezone"
NEW_TEAM = "new"

PICK_BLOCK = "team_pick"
NAME_BLOCK = "team_name"
CHANNEL_BLOCK = "team_channel"
LEADS_BLOCK = "team_leads"
MEMBERS_BLOCK = "team_members"
TIMEZONE_BLOCK = "team_timezone"

NAME_ACTION = "name"
CHANNEL_ACTION = "channel"
LEADS_ACTION = "leads"
MEMBERS_ACTION = "members"

_INPUTS = (NAME_BLOCK, CHANNEL_BLOCK, LEADS_BLOCK, MEMBERS_BLOCK, TIMEZONE_BLOCK)

MAX_NAME = 80
MAX_OPTIONS = 100
MAX_PICK_TEAMS = MAX_OPTIONS - 1  # one option is "New team"
MAX_OPTION_TEXT = 75
BOT_HANDLE = "@okr-bot"  # manifest.yml: features.bot_user.display_name


@dataclass(frozen=True)
class TeamChoice:
    """A team the picker offers."""

    id: int
    name: str


@dataclass(frozen=True)
class TeamSettings:
    """What the modal shows: a stored team (team_id set) or a new one's defaults."""

    team_id: int | None = None
    name: str = ""
    channel_id: str | None = None
    leads: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    timezone: str = "UTC"


@dataclass(frozen=True)
class TeamMetadata:
    """The view's private_metadata: the team being edited (None: a new team)."""

    team_id: int | None = None

    def dumps(self) -> str:
        return json.dumps({"team_id": self.team_id})


def read_metadata(raw: str | None) -> TeamMetadata:
    """Parse private_metadata; ValueError when it names a team in a form we never wrote."""
    if not raw:
        return TeamMetadata()
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError("private_metadata is not JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("private_metadata is not an object")
    team_id = data.get("team_id")
    if team_id is not None and (isinstance(team_id, bool) or not isinstance(team_id, int)):
        raise ValueError(f"bad team id {team_id!r}")
    return TeamMetadata(team_id)


@dataclass(frozen=True)
class TeamForm:
    """A submitted team modal, trimmed and de-duplicated (leads are left out of members)."""

    name: str
    channel_id: str | None
    leads: tuple[str, ...]
    members: tuple[str, ...]
    timezone: str | None


# --------------------------------------------------------------------------- time zones


def known_zone(name: str | None) -> bool:
    """Whether `name` is an IANA zone this Python knows."""
    if not name:
        return False
    if name in _zones():
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _offset(name: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def timezone_option(name: str, now: datetime) -> Option:
    """`Europe/Berlin` shown as "Europe/Berlin (UTC+01:00)", offset as of `now`."""
    label = name.replace("_", " ")
    if known_zone(name):
        label = f"{label} ({_offset(name, now)})"
    return Option(value=name, text=PlainTextObject(text=truncate(label, MAX_OPTION_TEXT)))


def timezone_options(
    query: str, now: datetime, *, limit: int = MAX_OPTIONS
) -> list[dict[str, Any]]:
    """Zones matching what was typed, best first, at most `limit` (Slack's 100).

    Every typed word must appear in the name (case-insensitive, "new york" finds
    America/New_York). The exact name comes first, then exact cities, cities starting with
    the text, names starting with it, then the rest, each group alphabetically.
    """
    words = query.lower().replace("_", " ").split()
    typed = " ".join(words)

    def rank(name: str) -> tuple[int, str]:
        key = name.lower().replace("_", " ")
        city = key.rsplit("/", 1)[-1]
        if key == typed:
            return 0, name
        if city == typed:
            return 1, name
        if city.startswith(typed):
            return 2, name
        if key.startswith(typed):
            return 3, name
        return 4, name

    found = [name for name in _zones() if all(w in name.lower().replace("_", " ") for w in words)]
    best = sorted(found, key=rank)[: max(0, min(limit, MAX_OPTIONS))]
    return [timezone_option(name, now).to_dict() for name in best]


# --------------------------------------------------------------------------- the modal


def team_modal(
    settings: TeamSettings,
    *,
    now: datetime,
    choices: Sequence[TeamChoice] = (),
    total_choices: int | None = None,
) -> dict[str, Any]:
    """The create / edit modal. `choices` are teams the user may change (the picker shows
    at most 99 of them; `total_choices` says how many there are in all)."""
    editing = settings.team_id is not None
    blocks: list[Any] = []
    if choices or editing:
        blocks.extend(_picker(settings, choices, total_choices))
    if editing:
        intro = f"Changing team *{escape(truncate(settings.name, MAX_NAME))}*."
    else:
        intro = (
            "A team has a channel where I post its OKRs, one or more leads who set its "
            "objectives and may change these settings, and its members."
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=intro)))
    blocks.append(
        InputBlock(
            block_id=block_id(NAME_BLOCK, settings.team_id),
            label="Team name",
            element=PlainTextInputElement(
                action_id=NAME_ACTION,
                initial_value=settings.name or None,
                max_length=MAX_NAME,
                placeholder="e.g. EMEA Sales",
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(CHANNEL_BLOCK, settings.team_id),
            label="Channel for the team's posts",
            element=ConversationSelectElement(
                action_id=CHANNEL_ACTION,
                initial_conversation=settings.channel_id,
                placeholder="Pick a channel",
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_bot_users=True,
                    exclude_external_shared_channels=True,
                ),
            ),
            hint=f"I post digests there, so invite me first: /invite {BOT_HANDLE}",
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(LEADS_BLOCK, settings.team_id),
            label="Team lead(s)",
            element=UserMultiSelectElement(
                action_id=LEADS_ACTION,
                initial_users=list(settings.leads) or None,
                placeholder="Who leads the team?",
            ),
            hint="Leads set the team's objectives and may change these settings.",
        )
    )
    others = [m for m in settings.members if m not in settings.leads]
    blocks.append(
        InputBlock(
            block_id=block_id(MEMBERS_BLOCK, settings.team_id),
            label="Members",
            optional=True,
            element=UserMultiSelectElement(
                action_id=MEMBERS_ACTION,
                initial_users=others or None,
                placeholder="Who is on the team?",
            ),
            hint="Leads are members already.",
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(TIMEZONE_BLOCK, settings.team_id),
            label="Time zone",
            element=ExternalDataSelectElement(
                action_id=TIMEZONE_ACTION,
                placeholder="Type a city, e.g. Berlin",
                initial_option=timezone_option(settings.timezone, now),
                min_query_length=1,
            ),
            hint="Cycles, check-ins and digests follow the team's local time.",
        )
    )
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        title="Team settings" if editing else "New team",
        submit="Save" if editing else "Create team",
        close="Cancel",
        private_metadata=TeamMetadata(settings.team_id).dumps(),
        blocks=blocks,
    )
    return view.to_dict()


def _picker(settings: TeamSettings, choices: Sequence[TeamChoice], total: int | None) -> list[Any]:
    new = Option(value=NEW_TEAM, text=PlainTextObject(text="➕ New team"))
    shown = list(choices[:MAX_PICK_TEAMS])
    if settings.team_id is not None and all(c.id != settings.team_id for c in shown):
        shown = [TeamChoice(settings.team_id, settings.name), *shown[: MAX_PICK_TEAMS - 1]]
    options = [new] + [
        Option(value=str(c.id), text=PlainTextObject(text=truncate(c.name, MAX_OPTION_TEXT)))
        for c in shown
    ]
    initial = next((o for o in options if o.value == str(settings.team_id)), new)
    blocks: list[Any] = [
        InputBlock(
            block_id=PICK_BLOCK,
            label="Team",
            optional=True,
            dispatch_action=True,
            element=StaticSelectElement(
                action_id=PICK_ACTION, options=options, initial_option=initial
            ),
        )
    ]
    total = len(choices) if total is None else total
    if total > len(shown):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Showing {len(shown)} of {total} teams. For another one, "
                        "type `/okr team <name>`."
                    )
                ]
            )
        )
    return blocks


# --------------------------------------------------------------------------- reading


def block_id(base: str, team_id: int | None) -> str:
    """The id of an input block in the modal for `team_id`.

    Slack keeps what was typed into an input across views.update when its block_id stays
    the same, ignoring new initial values; suffixing the team makes the picker load the
    chosen team's settings instead of keeping the previous team's.
    """
    return f"{base}.{NEW_TEAM if team_id is None else team_id}"


def field_block(values: Mapping[str, Any], base: str, team_id: int | None = None) -> str:
    """The block id `base` has in a submitted state (whatever team suffix it carries)."""
    for key in values:
        if key == base or key.startswith(base + "."):
            return key
    return block_id(base, team_id)


def _state(values: Mapping[str, Any], block: str, action: str) -> Mapping[str, Any]:
    entry = (values.get(block) or {}).get(action)
    return entry if isinstance(entry, Mapping) else {}


def _users(entry: Mapping[str, Any]) -> tuple[str, ...]:
    users = entry.get("selected_users") or []
    seen: dict[str, None] = {}
    for user in users:
        if isinstance(user, str) and user:
            seen.setdefault(user, None)
    return tuple(seen)


def read_team_form(
    values: Mapping[str, Any], team_id: int | None = None
) -> tuple[TeamForm, dict[str, str]]:
    """The submitted form and field errors by block id (empty when it may be saved)."""
    errors: dict[str, str] = {}
    ids = {base: field_block(values, base, team_id) for base in _INPUTS}
    name = str(_state(values, ids[NAME_BLOCK], NAME_ACTION).get("value") or "").strip()
    if not name:
        errors[ids[NAME_BLOCK]] = "Give the team a name."
    elif len(name) > MAX_NAME:
        errors[ids[NAME_BLOCK]] = (
            f"Keep the name to {MAX_NAME} characters or fewer (this one has {len(name)})."
        )
    channel = _state(values, ids[CHANNEL_BLOCK], CHANNEL_ACTION).get("selected_conversation")
    channel_id = channel if isinstance(channel, str) and channel else None
    if channel_id is None:
        errors[ids[CHANNEL_BLOCK]] = "Pick the channel where I should post the team's OKRs."
    leads = _users(_state(values, ids[LEADS_BLOCK], LEADS_ACTION))
    if not leads:
        errors[ids[LEADS_BLOCK]] = "Pick at least one lead."
    picked = _users(_state(values, ids[MEMBERS_BLOCK], MEMBERS_ACTION))
    members = tuple(u for u in picked if u not in leads)
    option = _state(values, ids[TIMEZONE_BLOCK], TIMEZONE_ACTION).get("selected_option")
    timezone = option.get("value") if isinstance(option, Mapping) else None
    if timezone is not None and not (isinstance(timezone, str) and known_zone(timezone)):
        errors[ids[TIMEZONE_BLOCK]] = "Pick a time zone from the list (type a city to search)."
        timezone = None
    form = TeamForm(name, channel_id, leads, members, timezone)
    return form, errors


# --------------------------------------------------------------------------- messages


def duplicate_name_error(existing: str) -> str:
    return f"There is already a team called “{existing}”. Pick another name."


def not_in_channel_error(channel_name: str | None) -> str:
    where = f"#{channel_name}" if channel_name else "that channel"
    return f"I'm not in {where} yet: type /invite {BOT_HANDLE} in that channel, then save again."


def archived_channel_error(channel_name: str | None) -> str:
    where = f"#{channel_name}" if channel_name else "That channel"
    return f"{where} is archived: pick another channel."


def not_allowed_text(team_name: str, leads: Sequence[str]) -> str:
    """Why someone may not change a team, and whom to ask (mrkdwn)."""
    who = ", ".join(f"<@{u}>" for u in leads[:10])
    ask = f" Ask {who}." if who else ""
    return f"Only team *{escape(team_name)}*'s leads or a workspace admin can change it.{ask}"


def not_allowed_error(team_name: str) -> str:
    """The same refusal as a field error (plain text)."""
    return f"Only team “{team_name}”'s leads or a workspace admin can change it."


GONE_ERROR = "That team does not exist (any more). Close this and type /okr team again."


def unknown_team_text(name: str) -> str:
    return (
        f"I don't know a team called “{escape(truncate(name, MAX_NAME))}”. "
        "Type `/okr team` to create one or to pick one of yours."
    )


def home_channel_message(name: str, leads: Sequence[str]) -> dict[str, Any]:
    """The short post into the team's channel once it is the team's home."""
    led_by = ", ".join(f"<@{u}>" for u in leads[:10])
    text = f"This channel is now the home of team *{escape(name)}*'s OKRs."
    if led_by:
        text += f" Led by {led_by}."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text="Type `/okr` to see what I can do.")]),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def team_saved_message(
    *,
    created: bool,
    name: str,
    channel_id: str | None,
    leads: Sequence[str],
    member_count: int,
    timezone: str,
    channel_problem: str | None = None,
) -> dict[str, Any]:
    """The confirmation to whoever saved the team; `channel_problem` if the post failed."""
    verb = "created" if created else "updated"
    where = f"<#{channel_id}>" if channel_id else "no channel"
    led_by = ", ".join(f"<@{u}>" for u in leads[:10]) or "nobody"
    people = "1 member" if member_count == 1 else f"{member_count} members"
    text = (
        f":white_check_mark: Team *{escape(name)}* {verb}: posts in {where}, led by {led_by}, "
        f"{people}, time zone {escape(timezone)}."
    )
    if channel_problem:
        text += f"\n:warning: {channel_problem}"
    return {
        "text": truncate(text, 3000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))).to_dict()],
    }
