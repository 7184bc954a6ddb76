"""One dependency as text, the same in the warning, the digest, the Home tab, the monthly
review and the map: the upstream team and KR, its status, value and latest note. (It
does not import `blocks.digest`, which shows the digest's "Waiting on other teams" with it.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import DividerBlock, MarkdownTextObject, SectionBlock

from blocks.kr_format import guard, kr_value, mention, status_label, user_text
from okr.dependency_status import DependencyLine
from okr.i18n import _, ngettext
from okr.progress import Status

KR_CHARS = 120
NOTE_CHARS = 200
TEAM_CHARS = 40


def team_text(name: str | None) -> str:
    """The team's name, escaped; "no team" for an objective of nobody's team."""
    return user_text(name, TEAM_CHARS, _("no team"))


def dependency_status_text(status: str) -> str:
    """`:large_yellow_circle: at risk` (the status labels every KR line uses); one the
    bot cannot tell yet reads "too early to tell"."""
    return status_label(Status(status) if status in set(Status) else None)


def upstream_text(line: DependencyLine) -> str:
    """`Marketing · *Generate 200 MQLs a month* · <@U1> · 120 of 200 MQLs`."""
    return _("{team} · *{kr}* · {owner} · {value}").format(
        team=team_text(line.upstream_team),
        kr=user_text(line.upstream.title, KR_CHARS),
        owner=mention(line.upstream.owner_id),
        value=kr_value(line.upstream),
    )


def downstream_text(line: DependencyLine) -> str:
    """`Sales · *Contact 50 prospects a week* · <@U2>`."""
    return _("{team} · *{kr}* · {owner}").format(
        team=team_text(line.downstream_team),
        kr=user_text(line.downstream_title, KR_CHARS),
        owner=mention(line.downstream_owner),
    )


def latest_note_text(line: DependencyLine) -> str:
    """The upstream owner's latest note, quoted, or that there is none yet."""
    if line.note is None:
        return _("No note from {owner} yet.").format(owner=mention(line.upstream.owner_id))
    return _("Latest note from {owner}: “{note}”").format(
        owner=mention(line.upstream.owner_id), note=user_text(line.note, NOTE_CHARS)
    )


def need_text(line: DependencyLine) -> str | None:
    """`What we need: 200 MQLs a month from campaigns`, or None when nothing was said."""
    if not line.need.strip():
        return None
    return _("What we need: {need}").format(need=user_text(line.need, NOTE_CHARS))


def acknowledged_text(line: DependencyLine) -> str:
    """Who on the upstream side acknowledged the dependency, or that nobody has."""
    if line.acknowledged_by is None:
        return _("not acknowledged yet")
    return _("acknowledged by {person}").format(person=mention(line.acknowledged_by))


def waiting_line(line: DependencyLine) -> str:
    """A digest or review line: `• Marketing · *KR* · owner · value · status` and the note
    under it."""
    status = dependency_status_text(line.status)
    return f"• {upstream_text(line)} · {status}\n      {latest_note_text(line)}"


MAX_WAITING = 8
"""Lines of the digest's "Waiting on other teams"; more are counted."""


def waiting_blocks(lines: Sequence[DependencyLine]) -> list[dict[str, Any]]:
    """The digest's "Waiting on other teams": a divider and one section listing each
    at-risk KR of another team this team depends on; nothing when there is none."""
    if not lines:
        return []
    shown = [waiting_line(line) for line in lines[:MAX_WAITING]]
    if len(lines) > MAX_WAITING:
        more = len(lines) - MAX_WAITING
        shown.append(ngettext("and {n:,} more", "and {n:,} more", more).format(n=more))
    heading = _("*Waiting on other teams* ({n})").format(n=len(lines))
    text = guard("\n".join([heading, *shown]))
    return [DividerBlock().to_dict(), SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
