"""Who reported what this week, per key-result owner of a team: what the lead's DM and the
lead's Home tell. Pure: storage hands in the week's check-ins and each owner's rest.

One standing per owner, the first that applies:

- updated: a real check-in this week (the values typed in the check-in modal);
- no change: only *No change this week* clicks this week (never counted as updated);
- away: *I'm away…* through a date that has not passed;
- skipped: *Skip this week* pressed for this week;
- missing: none of these.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from okr.outline import KRLine, ObjectiveCard
from okr.rhythm import is_away, local_today, week_key


class Standing(StrEnum):
    """Where an owner stands this week, in the order the lead reads them."""

    MISSING = "missing"
    SKIPPED = "skipped"
    AWAY = "away"
    NO_CHANGE = "no_change"
    UPDATED = "updated"


NO_CHANGE_KEY = "nochange:"
"""How a *No change* click's check-ins are keyed: counted apart from updates."""


def no_change_key(user_id: str, week: str) -> str:
    """The submission key of `user_id`'s *No change* click in ISO `week` (one per week)."""
    return f"{NO_CHANGE_KEY}{user_id}:{week}"


def is_no_change(submission_key: str | None) -> bool:
    """Whether a check-in came from a *No change* click rather than an update."""
    return bool(submission_key) and str(submission_key).startswith(NO_CHANGE_KEY)


@dataclass(frozen=True)
class WeekCheckIn:
    """One live check-in of this week: whose, on which KR, when, and whether it was a
    *No change* click (a repeat of the last reading, not an update)."""

    user_id: str
    key_result_id: int
    at: datetime
    no_change: bool


@dataclass(frozen=True)
class Rest:
    """What an owner said about this week: away through a date, a skipped week (ISO week
    key), the zone their week is read in; `gone` when Slack said they left."""

    away_until: date | None
    skipped_week: str | None
    timezone: str
    gone: bool = False


@dataclass(frozen=True)
class LatestNote:
    """An owner's latest note, on which KR and when."""

    text: str
    kr_title: str
    at: datetime


@dataclass(frozen=True)
class MemberWeek:
    """One owner's week."""

    user_id: str
    standing: Standing
    updated: tuple[KRLine, ...] = ()
    """The KRs they updated this week, as of now (their values)."""
    away_until: date | None = None
    note: LatestNote | None = None
    checked_in_at: datetime | None = None
    """Their latest check-in of this week (an update or a *No change*)."""


def owners_of(cards: Iterable[ObjectiveCard]) -> list[str]:
    """The KR owners of the live cards, in the order they first appear."""
    found: dict[str, None] = {}
    for card in cards:
        if not card.archived:
            for kr in card.krs:
                if kr.owner_id:
                    found.setdefault(kr.owner_id, None)
    return list(found)


def latest_notes(cards: Iterable[ObjectiveCard]) -> dict[str, LatestNote]:
    """Each person's latest non-empty check-in note across the cards' KRs."""
    notes: dict[str, LatestNote] = {}
    for card in cards:
        for kr in card.krs:
            for checkin in kr.checkins:
                text = " ".join(checkin.note.split())
                if not text:
                    continue
                known = notes.get(checkin.user_id)
                if known is None or checkin.at >= known.at:
                    notes[checkin.user_id] = LatestNote(text, kr.title, checkin.at)
    return notes


def member_weeks(
    *,
    cards: Sequence[ObjectiveCard],
    checkins: Iterable[WeekCheckIn],
    rests: Mapping[str, Rest],
    now: datetime,
    owners: Collection[str] | None = None,
) -> tuple[MemberWeek, ...]:
    """Each owner's standing this week (see the module docstring), grouped in `Standing`
    order, then in the order they own KRs on the cards. `checkins` are this week's live
    check-ins; `owners` defaults to the cards' KR owners; those Slack said are gone are left
    out."""
    lines = {kr.id: kr for card in cards for kr in card.krs}
    theirs: dict[str, list[WeekCheckIn]] = {}
    for checkin in checkins:
        theirs.setdefault(checkin.user_id, []).append(checkin)
    notes = latest_notes(cards)
    people = list(owners) if owners is not None else owners_of(cards)
    found: list[MemberWeek] = []
    for user_id in people:
        rest = rests.get(user_id)
        if rest is not None and rest.gone:
            continue
        found.append(_member(user_id, theirs.get(user_id, []), rest, lines, notes, now))
    order = list(Standing)
    return tuple(sorted(found, key=lambda m: order.index(m.standing)))


def _member(
    user_id: str,
    checkins: Sequence[WeekCheckIn],
    rest: Rest | None,
    lines: Mapping[int, KRLine],
    notes: Mapping[str, LatestNote],
    now: datetime,
) -> MemberWeek:
    note = notes.get(user_id)
    when = max((c.at for c in checkins), default=None)
    real = [c for c in checkins if not c.no_change]
    if real:
        ids = dict.fromkeys(c.key_result_id for c in real)
        updated = tuple(lines[i] for i in ids if i in lines)
        return MemberWeek(user_id, Standing.UPDATED, updated, note=note, checked_in_at=when)
    if checkins:
        return MemberWeek(user_id, Standing.NO_CHANGE, note=note, checked_in_at=when)
    if rest is not None and is_away(rest.away_until, now, rest.timezone):
        return MemberWeek(user_id, Standing.AWAY, away_until=rest.away_until, note=note)
    if rest is not None and rest.skipped_week == week_key(local_today(now, rest.timezone)):
        return MemberWeek(user_id, Standing.SKIPPED, note=note)
    return MemberWeek(user_id, Standing.MISSING, note=note)


def count(members: Iterable[MemberWeek], standing: Standing) -> int:
    return sum(1 for m in members if m.standing is standing)


class NudgeAnswer(StrEnum):
    """What a lead's *Nudge now* did: the week's one nudge sent, or why not."""

    SENT = "sent"
    ALREADY = "already"
    AWAY = "away"
    SKIPPED = "skipped"
    PAUSED = "paused"
    CHECKED_IN = "checked_in"
    NOT_OWNER = "not_owner"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckedIn:
    """A person's check-in of this week: when (the latest), and whether it was only
    *No change* clicks (shown apart from an update)."""

    at: datetime
    no_change: bool


def checked_in(checkins: Iterable[WeekCheckIn]) -> CheckedIn | None:
    """This week's check-in from the person's check-ins of the week; None before it."""
    mine = list(checkins)
    if not mine:
        return None
    return CheckedIn(max(c.at for c in mine), all(c.no_change for c in mine))
