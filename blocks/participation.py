"""This week's participation as the team leads read it: the private DM sent with the
digest, and the team panel of a lead's Home tab.

The DM (at most 50 blocks, whatever the team's size):

- a section: "*Check-ins · {team} · {cycle} · week N of M*" and the counts, *No change*
  counted apart from updates ("2 of 5 updated · 1 no change · 1 away · 1 skipped ·
  1 missing");
- "Not checked in": one section per missing owner (their latest note) with a *Nudge now*
  button (action_id `ids.NUDGE_NOW`), at most `MAX_NUDGE_BUTTONS`; the rest by mention;
- "Skipped this week", "Away", "No change", "Updated" (with the values, in units), each
  owner on a line with their latest note quoted under it;
- a context: who gets this list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import ButtonElement, MarkdownTextObject, SectionBlock

from blocks import ids
from blocks.digest import context, pack_sections, section
from blocks.kr_format import (
    KR_TITLE_CHARS,
    TEAM_CHARS,
    guard,
    kr_value,
    mention,
    user_text,
)
from blocks.view_state import json_object
from okr.dates import day_month, weekday_day_month
from okr.i18n import N_, _, ngettext
from okr.participation import MemberWeek, Standing, count

MAX_NUDGE_BUTTONS = 20
"""Missing owners listed one per section with a *Nudge now* button; the rest by mention."""
MAX_UPDATED_KRS = 3
"""KRs named per updated owner; the rest are counted."""
NOTE_CHARS = 150
GROUP_SECTIONS = 4
"""Sections each group of the DM may take (lines packed within Slack's 3,000 characters)."""

GROUPS = (
    (Standing.SKIPPED, N_("*Skipped this week* ({n:,})")),
    (Standing.AWAY, N_("*Away* ({n:,})")),
    (Standing.NO_CHANGE, N_("*No change* ({n:,})")),
    (Standing.UPDATED, N_("*Updated* ({n:,})")),
)
COUNT_WORDS = (
    (Standing.NO_CHANGE, N_("{n:,} no change")),
    (Standing.AWAY, N_("{n:,} away")),
    (Standing.SKIPPED, N_("{n:,} skipped")),
    (Standing.MISSING, N_("{n:,} missing")),
)


def short_day(day: date | datetime) -> str:
    """`Mon 28 Dec` / `12月28日 周一`."""
    return weekday_day_month(day)


def and_more(hidden: int) -> str:
    """`and 3 more`."""
    return ngettext("and {n:,} more", "and {n:,} more", hidden).format(n=hidden)


def counts_text(members: Sequence[MemberWeek]) -> str:
    """`2 of 5 updated · 1 no change · 1 away · 1 skipped · 1 missing`: a *No change*
    click is never counted as an update; parts that are zero are left out."""
    if not members:
        return _("No key-result owners this cycle yet")
    parts = [
        _("{updated:,} of {owners:,} updated").format(
            updated=count(members, Standing.UPDATED), owners=len(members)
        )
    ]
    for standing, words in COUNT_WORDS:
        number = count(members, standing)
        if number:
            parts.append(_(words).format(n=number))
    return " · ".join(parts)


def note_line(member: MemberWeek) -> str:
    """`      > “Two reps at the trade show” — _New ARR_, 12 Nov`, or empty."""
    note = member.note
    if note is None:
        return ""
    text = user_text(note.text, NOTE_CHARS, "")
    title = user_text(note.kr_title, 60)
    return "\n      " + _("“{text}” — _{title}_, {day}").format(
        text=text, title=title, day=day_month(note.at)
    )


def _updated_values(member: MemberWeek) -> str:
    shown = [
        f"*{user_text(kr.title, KR_TITLE_CHARS // 2)}* {kr_value(kr)}"
        for kr in member.updated[:MAX_UPDATED_KRS]
    ]
    hidden = len(member.updated) - len(shown)
    if hidden > 0:
        shown.append(
            ngettext("and {n:,} more key result", "and {n:,} more key results", hidden).format(
                n=hidden
            )
        )
    return " · ".join(shown)


def standing_text(member: MemberWeek) -> str:
    """What the member did this week, in words (values in their units for an update)."""
    match member.standing:
        case Standing.UPDATED:
            values = _updated_values(member)
            return _("updated: {values}").format(values=values) if values else _("updated")
        case Standing.NO_CHANGE:
            if member.checked_in_at:
                return _("no change ({day})").format(day=short_day(member.checked_in_at))
            return _("no change")
        case Standing.AWAY:
            until = member.away_until
            return _("away until {day}").format(day=short_day(until)) if until else _("away")
        case Standing.SKIPPED:
            return _("skipped this week")
    return _("not checked in")


def member_line(member: MemberWeek) -> str:
    """`<@U1> · away until Fri 4 Dec`, with the latest note under it."""
    return f"{mention(member.user_id)} · {standing_text(member)}{note_line(member)}"


def nudge_button(team_id: int, user_id: str) -> ButtonElement:
    value = json.dumps({"team": team_id, "user": user_id}, separators=(",", ":"))
    return ButtonElement(text=_("Nudge now"), action_id=ids.NUDGE_NOW, value=value)


def nudge_target(value: str) -> tuple[int, str] | None:
    """(team id, user id) from a *Nudge now* button's value; None when it is not one."""
    raw = json_object(value)
    team, user = raw.get("team"), raw.get("user")
    if isinstance(team, int) and not isinstance(team, bool) and isinstance(user, str) and user:
        return team, user
    return None


def grouped_sections(members: Sequence[MemberWeek], *, max_blocks: int) -> list[dict[str, Any]]:
    """The skipped, away, no-change and updated groups, each under its heading, packed."""
    blocks: list[dict[str, Any]] = []
    for standing, title in GROUPS:
        group = [m for m in members if m.standing is standing]
        room = min(GROUP_SECTIONS, max_blocks - len(blocks) - 1)
        if not group or room < 1:
            continue
        texts, placed = pack_sections(
            [member_line(m) for m in group],
            max_blocks=room,
            heading=_(title).format(n=len(group)),
        )
        blocks.extend(section(t) for t in texts)
        if placed < len(group):
            blocks.append(context(and_more(len(group) - placed)))
    return blocks


def lead_message(
    *,
    team_id: int,
    team_name: str,
    cycle_name: str,
    week_label: str,
    members: Sequence[MemberWeek],
) -> dict[str, Any]:
    """The leads' private DM (see the module docstring)."""
    team = user_text(team_name, TEAM_CHARS, _("Team"))
    cycle = user_text(cycle_name, 60, _("cycle"))
    counts = counts_text(members)
    heading = _("*Check-ins · {team} · {cycle} · {week}*").format(
        team=team, cycle=cycle, week=user_text(week_label, 40, "")
    )
    blocks: list[dict[str, Any]] = [section(f"{heading}\n{counts}")]
    missing = [m for m in members if m.standing is Standing.MISSING]
    if missing:
        blocks.append(section(_("*Not checked in* ({n:,})").format(n=len(missing))))
        for member in missing[:MAX_NUDGE_BUTTONS]:
            who = mention(member.user_id)
            block = SectionBlock(
                text=MarkdownTextObject(text=guard(f"{who}{note_line(member)}")),
                accessory=nudge_button(team_id, member.user_id) if who.startswith("<@") else None,
            )
            blocks.append(block.to_dict())
        rest = [mention(m.user_id) for m in missing[MAX_NUDGE_BUTTONS:]]
        if rest:
            texts, _placed = pack_sections([", ".join(rest)], max_blocks=1, heading=_("And:"))
            blocks.append(section(texts[0]))
    elif members and count(members, Standing.UPDATED) == len(members):
        blocks.append(section(_("Everyone updated this week 🎉")))
    footer = _("Only the team leads get these names; the channel digest shows the counts only.")
    room = 50 - len(blocks) - 1
    blocks.extend(grouped_sections(members, max_blocks=room))
    blocks.append(context(footer))
    return {"text": guard(f"{team}: {counts}", 1000), "blocks": blocks}


def panel_sections(members: Sequence[MemberWeek], *, max_blocks: int) -> list[dict[str, Any]]:
    """A lead's Home team panel: the counts, then who is missing, who is away or skipped,
    and who reported, each with their latest note, in at most `max_blocks` sections."""
    if max_blocks < 1:
        return []
    lines = [member_line(m) for m in members]
    texts, placed = pack_sections(
        lines,
        max_blocks=max(1, max_blocks - 1),
        heading=_("*This week:* {counts}").format(counts=counts_text(members)),
    )
    blocks = [section(t) for t in texts]
    if placed < len(members):
        blocks.append(context(and_more(len(members) - placed)))
    return blocks
