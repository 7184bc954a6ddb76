"""Who the prompts and nudges are for: each key-result owner with their team's rhythm,
their own time zone and the key results of their team's current cycle.

Reading them is the heaviest query of a tick, so within one tick (`Owners.shared`) every
job reads a workspace's owners once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from okr.calendar import NO_DAYS_OFF, WorkCalendar
from okr.rhythm import is_resting, local_today
from okr.team_rhythm import DEFAULT_RHYTHM, TeamRhythm
from storage.cycles import current_cycle
from storage.models import Cycle, KeyResult, Objective, Person, Team
from storage.rhythm import active_krs, home_team, people
from storage.team_calendar import calendars
from storage.teams import list_teams, rhythm_of

KRs = list[tuple[KeyResult, Objective]]


@dataclass(frozen=True)
class Owner:
    """A key-result owner, their team's rhythm (the default one in no team), the zone
    their week is read in, and the KRs a prompt lists."""

    user_id: str
    rhythm: TeamRhythm
    timezone: str
    person: Person | None
    krs: KRs
    cycle_name: str
    #: Their team's holidays and paused weeks (none outside a team).
    calendar: WorkCalendar = NO_DAYS_OFF

    def resting(self, now: datetime, week: str) -> bool:
        """Away, or skipping `week`: no prompt, no nudge, not counted as missing."""
        person = self.person
        return person is not None and is_resting(
            person.away_until, person.skipped_week, now, self.timezone, week
        )


class Owners:
    """Reads the owners of a workspace; inside `shared()`, once per (workspace, time,
    team) however many jobs ask."""

    def __init__(self, default_timezone: str) -> None:
        self.default_timezone = default_timezone
        self._memo: dict[tuple[str, datetime, str | None], list[Owner]] | None = None

    @contextmanager
    def shared(self) -> Iterator[None]:
        """One tick: the jobs inside share one read of each workspace's owners."""
        self._memo = {}
        try:
            yield
        finally:
            self._memo = None

    async def of(
        self, session: AsyncSession, workspace_id: str, now: datetime, team_name: str | None
    ) -> list[Owner]:
        """The active owners as of `now`, of the team called `team_name` or of all."""
        key = (workspace_id, now, team_name)
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        owners = await self._read(session, workspace_id, now, team_name)
        if self._memo is not None:
            self._memo[key] = owners
        return owners

    async def _read(
        self, session: AsyncSession, workspace_id: str, now: datetime, team_name: str | None
    ) -> list[Owner]:
        teams = await list_teams(session, workspace_id)
        zones = {t.timezone for t in teams} | {self.default_timezone}
        cycles = {
            zone: await current_cycle(session, workspace_id, local_today(now, zone))
            for zone in zones
        }
        await session.commit()
        rows = await active_krs(session, workspace_id, {c.id for c in cycles.values() if c.id})
        by_owner: dict[str, KRs] = defaultdict(list)
        for kr, objective in rows:
            by_owner[kr.owner_id].append((kr, objective))
        homes = await home_team(session, workspace_id, by_owner)
        persons = await people(session, workspace_id, by_owner)
        days_off = await calendars(session, workspace_id, teams, (now - timedelta(days=8)).date())
        found = (
            self._owner(user_id, krs, homes.get(user_id), persons.get(user_id), cycles, days_off)
            for user_id, krs in by_owner.items()
            if _in_team(homes.get(user_id), team_name)
        )
        return [owner for owner in found if owner is not None]

    def _owner(
        self,
        user_id: str,
        krs: Sequence[tuple[KeyResult, Objective]],
        team: Team | None,
        person: Person | None,
        cycles: Mapping[str, Cycle],
        days_off: Mapping[int, WorkCalendar],
    ) -> Owner | None:
        """The owner as the jobs see them; None when Slack said they are gone or they own
        nothing in their team's current cycle."""
        if person is not None and person.inactive:
            return None
        team_zone = team.timezone if team else self.default_timezone
        cycle = cycles[team_zone]
        mine = [(kr, o) for kr, o in krs if o.cycle_id == cycle.id]
        if not mine:
            return None
        zone = person.tz if person is not None and person.tz else team_zone
        rhythm = rhythm_of(team) if team else DEFAULT_RHYTHM
        calendar = days_off.get(team.id, NO_DAYS_OFF) if team and team.id else NO_DAYS_OFF
        return Owner(user_id, rhythm, zone, person, mine, cycle.name, calendar)


def _in_team(team: Team | None, team_name: str | None) -> bool:
    """Whether an owner whose home team is `team` is wanted for `team_name` (None: all)."""
    return team_name is None or (team is not None and team.name == team_name)
