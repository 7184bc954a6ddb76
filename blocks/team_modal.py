"""The team modal (`/okr team`), its time zone options, and what is said after saving.

Pure: data in, payloads out. `read_team_form` turns a submitted `view.state.values` into a
`TeamForm` plus field errors keyed by block id, ready for `ack(response_action="errors")`.

The modal: an optional "Team" picker on top (dispatches an action; "New team" or a team the
user may change), then name, channel, leads, members and time zone. The time zone is an
external select: ~600 IANA zones do not fit a static select's 100 options.

Below them, the weekly rhythm: check-in day and time, the reminder (a checkbox, its day and
time) and the digest's day and time, each day a static select ("0" Monday ... "6" Sunday)
and each time a timepicker ("HH:mm"). A block missing from a submission (a modal opened
before these fields existed) keeps the team's current value; a present one must be valid.
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
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    ExternalDataSelectElement,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.mrkdwn import escape, truncate
from okr.calendar import country_code
from okr.dates import clock
from okr.i18n import N_, _, ngettext
from okr.local_times import (
    AWAKE_TEXT,
    asleep,
    city_of,
    digest_times,
    own_time_outside,
    place,
    times_line,
)
from okr.rhythm import is_hhmm, parse_hhmm
from okr.team_rhythm import (
    DAY_ERROR,
    DEFAULT_RHYTHM,
    NUDGE_ERROR,
    TIME_ERROR,
    WEEKDAYS,
    TeamRhythm,
    is_weekday,
    weekday_name,
)

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
CHECKIN_DAY_BLOCK = "team_checkin_day"
CHECKIN_TIME_BLOCK = "team_checkin_time"
NUDGE_BLOCK = "team_nudge"
NUDGE_DAY_BLOCK = "team_nudge_day"
NUDGE_TIME_BLOCK = "team_nudge_time"
DIGEST_DAY_BLOCK = "team_digest_day"
DIGEST_TIME_BLOCK = "team_digest_time"
HOLIDAYS_BLOCK = "team_holidays"
LOCAL_TIMES_BLOCK = "team_local_times"

NAME_ACTION = "name"
CHANNEL_ACTION = "channel"
LEADS_ACTION = "leads"
MEMBERS_ACTION = "members"
CHECKIN_DAY_ACTION = "checkin_day"
CHECKIN_TIME_ACTION = "checkin_time"
NUDGE_ACTION = "nudge_enabled"
NUDGE_DAY_ACTION = "nudge_day"
NUDGE_TIME_ACTION = "nudge_time"
DIGEST_DAY_ACTION = "digest_day"
DIGEST_TIME_ACTION = "digest_time"
HOLIDAYS_ACTION = "holiday_country"

#: The value of the reminder checkbox's one option.
NUDGE_ON = "on"
NUDGE_LABEL = N_("Send one reminder to owners who have not checked in")

#: The input block of each TeamRhythm field, to put its problems beside it.
_FIELD_BLOCKS = {
    "checkin_weekday": CHECKIN_DAY_BLOCK,
    "checkin_time": CHECKIN_TIME_BLOCK,
    "nudge_enabled": NUDGE_BLOCK,
    "nudge_weekday": NUDGE_DAY_BLOCK,
    "nudge_time": NUDGE_TIME_BLOCK,
    "digest_weekday": DIGEST_DAY_BLOCK,
    "digest_time": DIGEST_TIME_BLOCK,
}
#: The inputs that decide whether the reminder comes after the check-in.
_ORDER_BLOCKS = (
    CHECKIN_DAY_BLOCK,
    CHECKIN_TIME_BLOCK,
    NUDGE_BLOCK,
    NUDGE_DAY_BLOCK,
    NUDGE_TIME_BLOCK,
)

_INPUTS = (
    NAME_BLOCK,
    CHANNEL_BLOCK,
    LEADS_BLOCK,
    MEMBERS_BLOCK,
    TIMEZONE_BLOCK,
    CHECKIN_DAY_BLOCK,
    CHECKIN_TIME_BLOCK,
    NUDGE_BLOCK,
    NUDGE_DAY_BLOCK,
    NUDGE_TIME_BLOCK,
    DIGEST_DAY_BLOCK,
    DIGEST_TIME_BLOCK,
    HOLIDAYS_BLOCK,
)

_WEEKDAY_VALUES = tuple(str(day) for day in range(len(WEEKDAYS)))

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
    rhythm: TeamRhythm = DEFAULT_RHYTHM
    holiday_country: str | None = None
    #: (user, IANA zone) of the leads and members whose Slack zone the bot knows.
    zones: tuple[tuple[str, str], ...] = ()


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
    rhythm: TeamRhythm = DEFAULT_RHYTHM
    #: The `holidays` country code whose public holidays the team does not work (None: none).
    holiday_country: str | None = None


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
    words = city_of(query).lower().replace("_", " ").split()
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
        intro = _("Changing team *{team}*.").format(team=escape(truncate(settings.name, MAX_NAME)))
    else:
        intro = _(
            "A team has a channel where I post its OKRs, one or more leads who set its "
            "objectives and may change these settings, and its members."
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=intro)))
    blocks.append(
        InputBlock(
            block_id=block_id(NAME_BLOCK, settings.team_id),
            label=_("Team name"),
            element=PlainTextInputElement(
                action_id=NAME_ACTION,
                initial_value=settings.name or None,
                max_length=MAX_NAME,
                placeholder=_("e.g. EMEA Sales"),
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(CHANNEL_BLOCK, settings.team_id),
            label=_("Channel for the team's posts"),
            element=ConversationSelectElement(
                action_id=CHANNEL_ACTION,
                initial_conversation=settings.channel_id,
                placeholder=_("Pick a channel"),
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_bot_users=True,
                    exclude_external_shared_channels=True,
                ),
            ),
            hint=_("I post digests there, so invite me first: /invite {bot}").format(
                bot=BOT_HANDLE
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(LEADS_BLOCK, settings.team_id),
            label=_("Team lead(s)"),
            element=UserMultiSelectElement(
                action_id=LEADS_ACTION,
                initial_users=list(settings.leads) or None,
                placeholder=_("Who leads the team?"),
            ),
            hint=_("Leads set the team's objectives and may change these settings."),
        )
    )
    others = [m for m in settings.members if m not in settings.leads]
    blocks.append(
        InputBlock(
            block_id=block_id(MEMBERS_BLOCK, settings.team_id),
            label=_("Members"),
            optional=True,
            element=UserMultiSelectElement(
                action_id=MEMBERS_ACTION,
                initial_users=others or None,
                placeholder=_("Who is on the team?"),
            ),
            hint=_("Leads are members already."),
        )
    )
    blocks.append(
        InputBlock(
            block_id=block_id(TIMEZONE_BLOCK, settings.team_id),
            label=_("Time zone"),
            element=ExternalDataSelectElement(
                action_id=TIMEZONE_ACTION,
                placeholder=_("Type a city, e.g. Berlin"),
                initial_option=timezone_option(settings.timezone, now),
                min_query_length=1,
            ),
            hint=_("Cycles, check-ins and digests follow the team's local time."),
        )
    )
    blocks.extend(_rhythm_blocks(settings.rhythm, settings.team_id))
    blocks.append(
        local_times_block(
            settings.rhythm, settings.timezone, dict(settings.zones), now, settings.team_id
        )
    )
    blocks.append(_holidays_input(settings.holiday_country, settings.team_id))
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=_("Team settings") if editing else _("New team"),
        submit=_("Save") if editing else _("Create team"),
        close=_("Cancel"),
        private_metadata=TeamMetadata(settings.team_id).dumps(),
        blocks=blocks,
    )
    return view.to_dict()


#: The inputs whose change redraws the local times (their blocks dispatch an action).
LOCAL_TIME_INPUTS = (CHECKIN_TIME_BLOCK, NUDGE_TIME_BLOCK, DIGEST_DAY_BLOCK, DIGEST_TIME_BLOCK)
MAX_MENTIONS = 8


def local_times_text(
    rhythm: TeamRhythm, team_zone: str, zones: Mapping[str, str], now: datetime
) -> str:
    """The digest's local time for each zone of the team, and a warning for each time that
    reaches someone outside 08:00–19:00 (a warning: saving is still allowed)."""
    times = digest_times(rhythm, team_zone, zones, now)
    lines = [times_line(_("Digest"), times)]
    for t in asleep(times):
        who = ", ".join(f"<@{u}>" for u in t.people[:MAX_MENTIONS])
        if len(t.people) > MAX_MENTIONS:
            who = _("{people} and {count} more").format(
                people=who, count=len(t.people) - MAX_MENTIONS
            )
        lines.append(
            _(":warning: The digest reaches {people} at {time} ({place}), outside {hours}.").format(
                people=who, time=clock(t.at), place=escape(place(t.zone)), hours=AWAKE_TEXT
            )
        )
    own = [
        (
            _(":warning: Check-ins reach everyone at {time} their own time, outside {hours}."),
            rhythm.checkin_time,
        )
    ]
    if rhythm.nudge_enabled:
        own.append(
            (
                _(":warning: Reminders reach everyone at {time} their own time, outside {hours}."),
                rhythm.nudge_time,
            )
        )
    for warning, at in own:
        if is_hhmm(at) and own_time_outside(at):
            lines.append(warning.format(time=at, hours=AWAKE_TEXT))
    return truncate("\n".join(lines), 3000)


def local_times_block(
    rhythm: TeamRhythm,
    team_zone: str,
    zones: Mapping[str, str],
    now: datetime,
    team_id: int | None = None,
) -> dict[str, Any]:
    """The context block under the rhythm that says `local_times_text`."""
    text = local_times_text(rhythm, team_zone, zones, now)
    block = ContextBlock(
        block_id=block_id(LOCAL_TIMES_BLOCK, team_id), elements=[MarkdownTextObject(text=text)]
    )
    return block.to_dict()


def with_local_times(view: Mapping[str, Any], block: dict[str, Any]) -> dict[str, Any]:
    """`view` (as Slack sent it in an action) with its local-times block replaced, ready
    for views.update: what was typed stays, since no other block id changes."""
    blocks = [
        block if str(b.get("block_id", "")).startswith(LOCAL_TIMES_BLOCK + ".") else b
        for b in view["blocks"]
    ]
    keys = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keys if k in view}, "blocks": blocks}


def _holidays_input(country: str | None, team_id: int | None) -> InputBlock:
    return InputBlock(
        block_id=block_id(HOLIDAYS_BLOCK, team_id),
        label=_("Public holidays of (country code)"),
        optional=True,
        element=PlainTextInputElement(
            action_id=HOLIDAYS_ACTION,
            initial_value=country or None,
            max_length=8,
            placeholder=_("e.g. CN, US, DE"),
        ),
        hint=_(
            "On those holidays no prompt, reminder or digest goes out; the check-in moves to "
            "the next working day. To skip one week, type /okr pause next week."
        ),
    )


def holidays_error(typed: str) -> str:
    return _(
        "No country calendar has the code “{code}”: type a country code such as CN, US, DE "
        "or GB, or leave it empty for none."
    ).format(code=truncate(typed, 20))


def _read_country(
    values: Mapping[str, Any], block: str, fallback: str | None, errors: dict[str, str]
) -> str | None:
    """The holiday country typed (as its `holidays` code); `fallback` when the block is
    missing (a modal from before the field) or what was typed is no country's code."""
    if block not in values:
        return fallback
    typed = str(_state(values, block, HOLIDAYS_ACTION).get("value") or "").strip()
    if not typed:
        return None
    code = country_code(typed)
    if code is None:
        errors[block] = holidays_error(typed)
        return fallback
    return code


def _weekday_option(day: int) -> Option:
    return Option(value=str(day), text=PlainTextObject(text=weekday_name(day)))


def _day_input(
    base: str, action: str, label: str, day: int, default: int, team_id: int | None
) -> InputBlock:
    day = day if is_weekday(day) else default
    return InputBlock(
        block_id=block_id(base, team_id),
        label=label,
        dispatch_action=base in LOCAL_TIME_INPUTS,
        element=StaticSelectElement(
            action_id=action,
            options=[_weekday_option(d) for d in range(len(WEEKDAYS))],
            initial_option=_weekday_option(day),
        ),
    )


def _time_input(
    base: str,
    action: str,
    label: str,
    at: str,
    default: str,
    team_id: int | None,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id(base, team_id),
        label=label,
        element=TimePickerElement(action_id=action, initial_time=_hhmm_or(at, default)),
        hint=hint,
        dispatch_action=base in LOCAL_TIME_INPUTS,
    )


def _hhmm_or(at: str, default: str) -> str:
    """A stored time as the timepicker's "HH:mm"; Slack refuses the whole view otherwise."""
    if is_hhmm(at):
        return at
    try:
        parsed = parse_hhmm(at)
    except (TypeError, ValueError):
        return default
    return f"{parsed.hour:02d}:{parsed.minute:02d}"


def _rhythm_blocks(rhythm: TeamRhythm, team_id: int | None) -> list[Any]:
    """Check-in, reminder and digest: 2 + 3 + 2 inputs under a short explanation."""
    defaults = DEFAULT_RHYTHM
    nudge = Option(value=NUDGE_ON, text=PlainTextObject(text=_(NUDGE_LABEL)))
    intro = _(
        "*Weekly rhythm*\nEach owner gets the check-in and the reminder at these times in "
        "their own Slack time zone; the digest goes to the team's channel at its time in the "
        "team's time zone."
    )
    return [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=intro)),
        _day_input(
            CHECKIN_DAY_BLOCK,
            CHECKIN_DAY_ACTION,
            _("Check-in day"),
            rhythm.checkin_weekday,
            defaults.checkin_weekday,
            team_id,
        ),
        _time_input(
            CHECKIN_TIME_BLOCK,
            CHECKIN_TIME_ACTION,
            _("Check-in time"),
            rhythm.checkin_time,
            defaults.checkin_time,
            team_id,
            hint=_("I ask every key-result owner for their numbers then."),
        ),
        InputBlock(
            block_id=block_id(NUDGE_BLOCK, team_id),
            label=_("Reminder"),
            optional=True,  # a required checkbox group could not be left unticked
            element=CheckboxesElement(
                action_id=NUDGE_ACTION,
                options=[nudge],
                initial_options=[nudge] if rhythm.nudge_enabled else None,
            ),
        ),
        _day_input(
            NUDGE_DAY_BLOCK,
            NUDGE_DAY_ACTION,
            _("Reminder day"),
            rhythm.nudge_weekday,
            defaults.nudge_weekday,
            team_id,
        ),
        _time_input(
            NUDGE_TIME_BLOCK,
            NUDGE_TIME_ACTION,
            _("Reminder time"),
            rhythm.nudge_time,
            defaults.nudge_time,
            team_id,
            hint=_("After the check-in, in the same week (Monday to Sunday)."),
        ),
        _day_input(
            DIGEST_DAY_BLOCK,
            DIGEST_DAY_ACTION,
            _("Digest day"),
            rhythm.digest_weekday,
            defaults.digest_weekday,
            team_id,
        ),
        _time_input(
            DIGEST_TIME_BLOCK,
            DIGEST_TIME_ACTION,
            _("Digest time"),
            rhythm.digest_time,
            defaults.digest_time,
            team_id,
            hint=_("The team's progress, wins and risks, posted in its channel."),
        ),
    ]


def _picker(settings: TeamSettings, choices: Sequence[TeamChoice], total: int | None) -> list[Any]:
    new = Option(value=NEW_TEAM, text=PlainTextObject(text=_("➕ New team")))
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
            label=_("Team"),
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
                        text=_(
                            "Showing {shown} of {total} teams. For another one, type "
                            "`/okr team <name>`."
                        ).format(shown=len(shown), total=total)
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


def _read_weekday(
    values: Mapping[str, Any], block: str, action: str, fallback: int, errors: dict[str, str]
) -> int:
    if block not in values:
        return fallback
    option = _state(values, block, action).get("selected_option")
    value = option.get("value") if isinstance(option, Mapping) else None
    if value is None:
        errors[block] = _("Pick a day.")
    elif value not in _WEEKDAY_VALUES:
        errors[block] = _(DAY_ERROR)
    else:
        return int(value)
    return fallback


def _read_time(
    values: Mapping[str, Any], block: str, action: str, fallback: str, errors: dict[str, str]
) -> str:
    if block not in values:
        return fallback
    value = _state(values, block, action).get("selected_time")
    if value is None or value == "":
        errors[block] = _("Pick a time.")
    elif not is_hhmm(value):
        errors[block] = _(TIME_ERROR)
    else:
        return str(value)
    return fallback


def _read_nudge(
    values: Mapping[str, Any], block: str, fallback: bool, errors: dict[str, str]
) -> bool:
    if block not in values:
        return fallback
    picked = _state(values, block, NUDGE_ACTION).get("selected_options")
    if picked is None:
        return False
    if not isinstance(picked, list) or not all(
        isinstance(o, Mapping) and o.get("value") == NUDGE_ON for o in picked
    ):
        errors[block] = _(NUDGE_ERROR)
        return fallback
    return bool(picked)


def read_rhythm(
    values: Mapping[str, Any], team_id: int | None = None, current: TeamRhythm | None = None
) -> tuple[TeamRhythm, dict[str, str]]:
    """The rhythm part of a submission and its field errors by block id. A block missing
    from the submission keeps its value in `current` (the defaults for a new team)."""
    current = current or DEFAULT_RHYTHM
    errors: dict[str, str] = {}
    ids = {base: field_block(values, base, team_id) for base in _INPUTS}
    rhythm = TeamRhythm(
        checkin_weekday=_read_weekday(
            values, ids[CHECKIN_DAY_BLOCK], CHECKIN_DAY_ACTION, current.checkin_weekday, errors
        ),
        checkin_time=_read_time(
            values, ids[CHECKIN_TIME_BLOCK], CHECKIN_TIME_ACTION, current.checkin_time, errors
        ),
        nudge_enabled=_read_nudge(values, ids[NUDGE_BLOCK], current.nudge_enabled, errors),
        nudge_weekday=_read_weekday(
            values, ids[NUDGE_DAY_BLOCK], NUDGE_DAY_ACTION, current.nudge_weekday, errors
        ),
        nudge_time=_read_time(
            values, ids[NUDGE_TIME_BLOCK], NUDGE_TIME_ACTION, current.nudge_time, errors
        ),
        digest_weekday=_read_weekday(
            values, ids[DIGEST_DAY_BLOCK], DIGEST_DAY_ACTION, current.digest_weekday, errors
        ),
        digest_time=_read_time(
            values, ids[DIGEST_TIME_BLOCK], DIGEST_TIME_ACTION, current.digest_time, errors
        ),
    )
    # What is left is the order of check-in and reminder, unless an input it involves
    # already has its own error (the rhythm then holds that input's previous value).
    if not any(ids[base] in errors for base in _ORDER_BLOCKS):
        for field, message in rhythm.problems():
            errors.setdefault(ids[_FIELD_BLOCKS[field]], message)
    return rhythm, errors


def read_team_form(
    values: Mapping[str, Any],
    team_id: int | None = None,
    current: TeamRhythm | None = None,
    current_country: str | None = None,
) -> tuple[TeamForm, dict[str, str]]:
    """The submitted form and field errors by block id (empty when it may be saved).
    `current` is the rhythm (`current_country` the holiday country) to keep where a
    submission lacks its fields (see read_rhythm)."""
    rhythm, rhythm_errors = read_rhythm(values, team_id, current)
    errors: dict[str, str] = {}
    ids = {base: field_block(values, base, team_id) for base in _INPUTS}
    name = str(_state(values, ids[NAME_BLOCK], NAME_ACTION).get("value") or "").strip()
    if not name:
        errors[ids[NAME_BLOCK]] = _("Give the team a name.")
    elif len(name) > MAX_NAME:
        errors[ids[NAME_BLOCK]] = _(
            "Keep the name to {limit} characters or fewer (this one has {count})."
        ).format(limit=MAX_NAME, count=len(name))
    channel = _state(values, ids[CHANNEL_BLOCK], CHANNEL_ACTION).get("selected_conversation")
    channel_id = channel if isinstance(channel, str) and channel else None
    if channel_id is None:
        errors[ids[CHANNEL_BLOCK]] = _("Pick the channel where I should post the team's OKRs.")
    leads = _users(_state(values, ids[LEADS_BLOCK], LEADS_ACTION))
    if not leads:
        errors[ids[LEADS_BLOCK]] = _("Pick at least one lead.")
    picked = _users(_state(values, ids[MEMBERS_BLOCK], MEMBERS_ACTION))
    members = tuple(u for u in picked if u not in leads)
    option = _state(values, ids[TIMEZONE_BLOCK], TIMEZONE_ACTION).get("selected_option")
    timezone = option.get("value") if isinstance(option, Mapping) else None
    if timezone is not None and not (isinstance(timezone, str) and known_zone(timezone)):
        errors[ids[TIMEZONE_BLOCK]] = _("Pick a time zone from the list (type a city to search).")
        timezone = None
    errors.update(rhythm_errors)  # below the other fields in the modal
    country = _read_country(values, ids[HOLIDAYS_BLOCK], current_country, errors)
    form = TeamForm(name, channel_id, leads, members, timezone, rhythm, country)
    return form, errors


# --------------------------------------------------------------------------- messages


def duplicate_name_error(existing: str) -> str:
    return _("There is already a team called “{name}”. Pick another name.").format(name=existing)


def not_in_channel_error(channel_name: str | None) -> str:
    if channel_name:
        return _(
            "I'm not in #{channel} yet: type /invite {bot} in that channel, then save again."
        ).format(channel=channel_name, bot=BOT_HANDLE)
    return _(
        "I'm not in that channel yet: type /invite {bot} in that channel, then save again."
    ).format(bot=BOT_HANDLE)


def archived_channel_error(channel_name: str | None) -> str:
    if channel_name:
        return _("#{channel} is archived: pick another channel.").format(channel=channel_name)
    return _("That channel is archived: pick another channel.")


def not_allowed_text(team_name: str, leads: Sequence[str]) -> str:
    """Why someone may not change a team, and whom to ask (mrkdwn)."""
    who = ", ".join(f"<@{u}>" for u in leads[:10])
    text = _("Only team *{team}*'s leads or a workspace admin can change it.").format(
        team=escape(team_name)
    )
    return text + _(" Ask {people}.").format(people=who) if who else text


def not_allowed_error(team_name: str) -> str:
    """The same refusal as a field error (plain text)."""
    return _("Only team “{team}”'s leads or a workspace admin can change it.").format(
        team=team_name
    )


GONE_ERROR = N_("That team does not exist (any more). Close this and type /okr team again.")


def gone_error() -> str:
    """`GONE_ERROR` in the reader's language."""
    return _(GONE_ERROR)


def home_channel_message(name: str, leads: Sequence[str]) -> dict[str, Any]:
    """The short post into the team's channel once it is the team's home."""
    led_by = ", ".join(f"<@{u}>" for u in leads[:10])
    text = _("This channel is now the home of team *{team}*'s OKRs.").format(team=escape(name))
    if led_by:
        text += _(" Led by {people}.").format(people=led_by)
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=_("Type `/okr` to see what I can do."))]),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def rhythm_summary(rhythm: TeamRhythm) -> str:
    """Says the rhythm: "Check-ins Monday 09:00, a reminder Wednesday 14:00, the digest ..."."""
    days = {
        "checkin_day": weekday_name(rhythm.checkin_weekday),
        "checkin_time": rhythm.checkin_time,
        "digest_day": weekday_name(rhythm.digest_weekday),
        "digest_time": rhythm.digest_time,
    }
    if rhythm.nudge_enabled:
        return _(
            "Check-ins {checkin_day} {checkin_time}, a reminder {nudge_day} {nudge_time}, "
            "the digest {digest_day} {digest_time}."
        ).format(nudge_day=weekday_name(rhythm.nudge_weekday), nudge_time=rhythm.nudge_time, **days)
    return _(
        "Check-ins {checkin_day} {checkin_time}, no reminder, the digest {digest_day} "
        "{digest_time}."
    ).format(**days)


def team_saved_message(
    *,
    created: bool,
    name: str,
    channel_id: str | None,
    leads: Sequence[str],
    member_count: int,
    timezone: str,
    channel_problem: str | None = None,
    rhythm: TeamRhythm | None = None,
    local_times: str | None = None,
) -> dict[str, Any]:
    """The confirmation to whoever saved the team; `channel_problem` if the post failed."""
    where = f"<#{channel_id}>" if channel_id else _("no channel")
    led_by = ", ".join(f"<@{u}>" for u in leads[:10]) or _("nobody")
    people = ngettext("{n} member", "{n} members", member_count).format(n=member_count)
    saved = (
        _(
            ":white_check_mark: Team *{team}* created: posts in {channel}, led by {leads}, "
            "{members}, time zone {zone}."
        )
        if created
        else _(
            ":white_check_mark: Team *{team}* updated: posts in {channel}, led by {leads}, "
            "{members}, time zone {zone}."
        )
    )
    text = saved.format(
        team=escape(name), channel=where, leads=led_by, members=people, zone=escape(timezone)
    )
    if rhythm is not None:
        text += f"\n{rhythm_summary(rhythm)}"
    if local_times:
        text += f"\n{local_times}"
    if channel_problem:
        text += f"\n:warning: {channel_problem}"
    return {
        "text": truncate(text, 3000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))).to_dict()],
    }
