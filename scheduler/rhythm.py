"""The weekly rhythm: Monday prompts, one nudge, the team digest, cycle close and the
planning reminder, each computed from the database as of `now` and delivered once.

Every message goes through the ledger (scheduler.deliver), keyed by workspace, kind,
recipient and period, so two replicas ticking together, a restart, or an operator's
`okr-bot jobs run` never send one twice. Posts carry metadata naming their key, so a
claim taken over from a killed process first looks for the message it may have posted.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from blocks.checkin_modal import CheckInItem
from blocks.cycle_close import close_summary, planning_reminder
from blocks.delivery_errors import delivery_problem
from blocks.digest import digest_message, missing_message
from blocks.prompt import nudge_message, prompt_message
from okr.cycles import next_quarter, quarter_for
from okr.digest import assemble_close, assemble_digest
from okr.rhythm import (
    CLOSE_WINDOW,
    DIGEST_WINDOW,
    PROMPT_WINDOW,
    Slot,
    State,
    day_slot,
    is_away,
    local_today,
    week_began,
    week_label,
    weekly_slot,
)
from scheduler import ledger
from scheduler.deliver import Item, Outcome, Result, deliver_all
from scheduler.pacing import Pacer
from storage.context import Deps
from storage.cycles import current_cycle, fiscal_start_month
from storage.models import Cycle, Delivery, KeyResult, Objective, Person, Team
from storage.objectives import objectives_of_teams
from storage.outlines import cycle_window, objective_cards
from storage.people import save_person
from storage.rhythm import (
    active_krs,
    close_cycles,
    deliveries,
    ended_cycles,
    home_team,
    last_checkins,
    last_sent,
    mark_inactive,
    people,
    workspaces,
)
from storage.teams import leads_of, list_teams

log = logging.getLogger(__name__)

#: Errors that mean the person is gone: stop prompting them.
GONE = frozenset({"account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot"})
METADATA_TYPE = "okr_delivery"
REFRESH_PER_TICK = 50
PERSON_MAX_AGE = timedelta(hours=24)
JOBS = ("checkins", "nudges", "digests", "cycle-close", "planning")


@dataclass(frozen=True)
class Schedule:
    """A team's rhythm settings; people in no team get the defaults."""

    timezone: str
    checkin_weekday: int = 0
    checkin_time: str = "09:00"
    nudge_enabled: bool = True
    nudge_weekday: int = 2
    nudge_time: str = "14:00"

    @classmethod
    def of(cls, team: Team) -> Schedule:
        return cls(
            team.timezone,
            team.checkin_weekday,
            team.checkin_time,
            team.nudge_enabled,
            team.nudge_weekday,
            team.nudge_time,
        )


@dataclass
class Owner:
    """A key-result owner, their rhythm, and the KRs a prompt lists."""

    user_id: str
    schedule: Schedule
    timezone: str
    person: Person | None
    krs: list[tuple[KeyResult, Objective]]
    cycle_name: str


def pending(row: Delivery | None, now: datetime) -> bool:
    """Whether a delivery still has to be made: never claimed, or claimed by a sender
    whose lease ran out (it died, or Slack failed it transiently)."""
    if row is None:
        return True
    return row.status == ledger.CLAIMED and row.lease_until <= now


def key_text(key: ledger.DeliveryKey) -> str:
    return f"{key.kind}|{key.recipient}|{key.period}"


class Rhythm:
    """The jobs, with the Slack client, the pacer and this process's ledger identity."""

    def __init__(
        self, deps: Deps, client: AsyncWebClient, pacer: Pacer, *, concurrency: int = 8
    ) -> None:
        self.deps = deps
        self.client = client
        self.pacer = pacer
        self.concurrency = concurrency
        self.owner = ledger.process_owner()
        self._owners_memo: dict[tuple[str, datetime, str | None], list[Owner]] | None = None

    # --- the tick -------------------------------------------------------------------

    def jobs(self) -> list[Callable[[Deps, datetime], Awaitable[None]]]:
        """The Ticker's jobs, each a function of (deps, now)."""

        async def tick(_deps: Deps, now: datetime) -> None:
            await self.refresh_people(now)
            self._owners_memo = {}  # the jobs of one tick share one read of the owners
            try:
                for name in JOBS:
                    try:
                        await self.run(name, now)
                    except Exception:
                        log.exception("rhythm job %s failed at %s", name, now)
            finally:
                self._owners_memo = None

        return [tick]

    async def run(self, name: str, now: datetime, team: str | None = None) -> Counter[str]:
        """One job as of `now` (optionally for one team by name); counts its outcomes."""
        job = {
            "checkins": self.prompts,
            "nudges": self.nudges,
            "digests": self.digests,
            "cycle-close": self.cycle_close,
            "planning": self.planning,
        }[name]
        outcomes = await job(now, team)
        counts = Counter(o.result.value for o in outcomes)
        if outcomes:
            log.info("%s at %s: %s", name, now.isoformat(), dict(sorted(counts.items())))
        return counts

    # --- sending --------------------------------------------------------------------

    def _post(
        self,
        key: ledger.DeliveryKey,
        channel: str,
        message: dict[str, Any] | Callable[[], dict[str, Any]],
    ) -> Item:
        """A ledger item posting `message` to `channel` (a user id posts to their DM); a
        callable message is built only when its claim is won."""
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key_text(key)}}

        async def send() -> Any:
            body = message() if callable(message) else message
            await self.pacer.wait()
            return await self.client.chat_postMessage(channel=channel, metadata=metadata, **body)

        async def find() -> tuple[str, str] | None:
            target = channel
            if channel.startswith(("U", "W")):
                opened = await self.client.conversations_open(users=channel)
                target = opened["channel"]["id"]
            history = await self.client.conversations_history(
                channel=target, limit=50, include_all_metadata=True
            )
            for posted in history.get("messages", []):
                payload = (posted.get("metadata") or {}).get("event_payload") or {}
                if payload.get("key") == key_text(key):
                    return target, posted["ts"]
            return None

        return Item(
            self.client, self.deps.sessions, key, send, self.deps.clock(), self.owner, find=find
        )

    async def _deliver(self, items: Sequence[Item]) -> list[Outcome]:
        return await deliver_all(items, concurrency=self.concurrency) if items else []

    async def _forget_gone(self, workspace_id: str, outcomes: Sequence[Outcome]) -> None:
        gone = [
            o.key.recipient
            for o in outcomes
            if o.result is Result.FAILED_PERMANENT and o.error in GONE
        ]
        if gone:
            async with self.deps.sessions() as session:
                await mark_inactive(session, workspace_id, gone, self.deps.clock())
                await session.commit()
            log.warning("marked inactive after Slack said they are gone: %s", gone)

    # --- owners ---------------------------------------------------------------------

    async def _owners(
        self, session: AsyncSession, workspace_id: str, now: datetime, team_name: str | None
    ) -> list[Owner]:
        memo = self._owners_memo
        if memo is not None and (workspace_id, now, team_name) in memo:
            return memo[(workspace_id, now, team_name)]
        owners = await self._read_owners(session, workspace_id, now, team_name)
        if memo is not None:
            memo[(workspace_id, now, team_name)] = owners
        return owners

    async def _read_owners(
        self, session: AsyncSession, workspace_id: str, now: datetime, team_name: str | None
    ) -> list[Owner]:
        teams = await list_teams(session, workspace_id)
        zones = {t.timezone for t in teams} | {self.deps.default_timezone}
        cycles = {
            zone: await current_cycle(session, workspace_id, local_today(now, zone))
            for zone in zones
        }
        await session.commit()
        rows = await active_krs(session, workspace_id, {c.id for c in cycles.values() if c.id})
        by_owner: dict[str, list[tuple[KeyResult, Objective]]] = defaultdict(list)
        for kr, objective in rows:
            by_owner[kr.owner_id].append((kr, objective))
        homes = await home_team(session, workspace_id, by_owner)
        persons = await people(session, workspace_id, by_owner)
        owners = []
        for user_id, krs in by_owner.items():
            team = homes.get(user_id)
            if team_name is not None and (team is None or team.name != team_name):
                continue
            schedule = Schedule.of(team) if team else Schedule(self.deps.default_timezone)
            person = persons.get(user_id)
            if person is not None and person.inactive:
                continue
            zone = (person.tz if person and person.tz else None) or schedule.timezone
            cycle = cycles[schedule.timezone]
            mine = [(kr, o) for kr, o in krs if o.cycle_id == cycle.id]
            if mine:
                owners.append(Owner(user_id, schedule, zone, person, mine, cycle.name))
        return owners

    def _resting(self, owner: Owner, now: datetime, period: str) -> bool:
        """Away, or skipping this week: no prompt, no nudge, not counted as missing."""
        person = owner.person
        return person is not None and (
            is_away(person.away_until, now, owner.timezone) or person.skipped_week == period
        )

    async def _items_for(
        self, session: AsyncSession, workspace_id: str, owners: Sequence[Owner]
    ) -> dict[str, list[CheckInItem]]:
        objectives = list({o.id: o for owner in owners for _, o in owner.krs}.values())
        cards = await objective_cards(
            session,
            workspace_id,
            objectives,
            at=self.deps.clock(),
            default_timezone=self.deps.default_timezone,
        )
        lines = {kr.id: (kr, card.title) for card in cards for kr in card.krs}
        return {
            owner.user_id: [CheckInItem(*lines[kr.id]) for kr, _ in owner.krs if kr.id in lines]
            for owner in owners
        }

    # --- prompts and nudges ---------------------------------------------------------

    async def prompts(self, now: datetime, team: str | None = None) -> list[Outcome]:
        outcomes = []
        for workspace_id in await self._workspaces():
            items: list[Item] = []
            async with self.deps.sessions() as session:
                owners = await self._owners(session, workspace_id, now, team)
                slots = {
                    o.user_id: weekly_slot(
                        now, o.timezone, o.schedule.checkin_weekday, o.schedule.checkin_time
                    )
                    for o in owners
                }
                sent = await deliveries(
                    session, workspace_id, "prompt", {s.period for s in slots.values()}
                )
                due, reprompts = [], []
                for owner in owners:
                    slot = slots[owner.user_id]
                    if self._resting(owner, now, slot.period):
                        continue
                    row = sent.get((owner.user_id, slot.period))
                    state = slot.state(now, PROMPT_WINDOW)
                    if pending(row, now) and state is State.DUE:
                        due.append((owner, slot))
                    elif pending(row, now) and state is State.STALE:
                        await ledger.mark_skipped(
                            self.deps.sessions,
                            ledger.DeliveryKey(workspace_id, "prompt", owner.user_id, slot.period),
                            now=now,
                            reason=f"stale: was due {slot.due.isoformat()}",
                        )
                    elif row is not None and row.status == "sent":
                        snooze = self._snoozed(owner, now, slot)
                        if snooze is not None:
                            reprompts.append((owner, snooze))
                again = await deliveries(
                    session, workspace_id, "reprompt", {s.period for _, s in reprompts}
                )
                reprompts = [
                    (o, s) for o, s in reprompts if pending(again.get((o.user_id, s.period)), now)
                ]
                checked = await last_checkins(
                    session, workspace_id, [o.user_id for o, _ in reprompts]
                )
                reprompts = [
                    (o, s)
                    for o, s in reprompts
                    if checked.get(o.user_id, s.due - timedelta(days=8))
                    < week_began(now, o.timezone)
                ]
                messages = await self._items_for(
                    session, workspace_id, [o for o, _ in due + reprompts]
                )
            for kind, batch in (("prompt", due), ("reprompt", reprompts)):
                for owner, slot in batch:
                    key = ledger.DeliveryKey(workspace_id, kind, owner.user_id, slot.period)
                    message = prompt_message(
                        cycle_name=owner.cycle_name,
                        week_label=week_label(now, owner.timezone),
                        items=messages[owner.user_id],
                    )
                    items.append(self._post(key, owner.user_id, message))
            done = await self._deliver(items)
            await self._forget_gone(workspace_id, done)
            outcomes += done
        return outcomes

    def _snoozed(self, owner: Owner, now: datetime, slot: Slot) -> Slot | None:
        """A snooze asked for on this week's prompt, now due again."""
        person = owner.person
        until = person.snoozed_until if person else None
        if until is None or until < slot.due:
            return None
        again = Slot(f"{slot.period}@{until.strftime('%Y%m%dT%H%M')}", until)
        return again if again.state(now, PROMPT_WINDOW) is State.DUE else None

    async def nudges(self, now: datetime, team: str | None = None) -> list[Outcome]:
        outcomes = []
        for workspace_id in await self._workspaces():
            items: list[Item] = []
            async with self.deps.sessions() as session:
                owners = [
                    o
                    for o in await self._owners(session, workspace_id, now, team)
                    if o.schedule.nudge_enabled
                ]
                slots = {
                    o.user_id: weekly_slot(
                        now, o.timezone, o.schedule.nudge_weekday, o.schedule.nudge_time
                    )
                    for o in owners
                }
                periods = {s.period for s in slots.values()}
                prompted = await deliveries(session, workspace_id, "prompt", periods)
                nudged = await deliveries(session, workspace_id, "nudge", periods)
                checked = await last_checkins(session, workspace_id, [o.user_id for o in owners])
                due = []
                for owner in owners:
                    slot = slots[owner.user_id]
                    prompt = prompted.get((owner.user_id, slot.period))
                    if (
                        slot.state(now, PROMPT_WINDOW) is not State.DUE
                        or not pending(nudged.get((owner.user_id, slot.period)), now)
                        or prompt is None
                        or prompt.status != "sent"
                        or self._resting(owner, now, slot.period)
                        or checked.get(owner.user_id, datetime.min.replace(tzinfo=now.tzinfo))
                        >= week_began(now, owner.timezone)
                    ):
                        continue
                    due.append((owner, slot))
            for owner, slot in due:
                key = ledger.DeliveryKey(workspace_id, "nudge", owner.user_id, slot.period)
                message = nudge_message(
                    cycle_name=owner.cycle_name,
                    week_label=week_label(now, owner.timezone),
                    count=len(owner.krs),
                )
                items.append(self._post(key, owner.user_id, message))
            done = await self._deliver(items)
            await self._forget_gone(workspace_id, done)
            outcomes += done
        return outcomes

    # --- digests --------------------------------------------------------------------

    async def digests(self, now: datetime, team: str | None = None) -> list[Outcome]:
        outcomes = []
        for workspace_id in await self._workspaces():
            async with self.deps.sessions() as session:
                teams = [
                    t
                    for t in await list_teams(session, workspace_id)
                    if t.channel_id and (team is None or t.name == team)
                ]
                slots = {
                    t.id: weekly_slot(now, t.timezone, t.digest_weekday, t.digest_time)
                    for t in teams
                }
                sent = await deliveries(
                    session, workspace_id, "digest", {s.period for s in slots.values()}
                )
            for t in teams:
                slot = slots[t.id]
                key = ledger.DeliveryKey(workspace_id, "digest", f"team:{t.id}", slot.period)
                if not pending(sent.get((key.recipient, slot.period)), now):
                    continue
                state = slot.state(now, DIGEST_WINDOW)
                if state is State.STALE:
                    await ledger.mark_skipped(
                        self.deps.sessions,
                        key,
                        now=now,
                        reason=f"stale: was due {slot.due.isoformat()}",
                    )
                elif state is State.DUE:
                    outcomes += await self.post_digest(workspace_id, t, now, slot.period)
        return outcomes

    async def digest_now(self, workspace_id: str, team: Team, now: datetime) -> bool:
        """`/okr digest`: this week's digest now, recorded like a scheduled one (so the
        next digest's "change since" starts here); True when it reached the channel."""
        outcomes = await self.post_digest(
            workspace_id, team, now, f"manual:{now.strftime('%Y%m%dT%H%M%S')}"
        )
        return bool(outcomes) and outcomes[0].result is Result.SENT

    async def post_digest(
        self, workspace_id: str, team: Team, now: datetime, period: str
    ) -> list[Outcome]:
        """The team's digest to its channel, and who is missing to each lead privately."""
        assert team.id is not None and team.channel_id
        async with self.deps.sessions() as session:
            cycle = await current_cycle(session, workspace_id, local_today(now, team.timezone))
            await session.commit()
            assert cycle.id is not None
            objectives = await objectives_of_teams(session, workspace_id, [team.id], cycle.id)
            cards = await objective_cards(
                session, workspace_id, objectives, at=now, default_timezone=team.timezone
            )
            owners = {kr.owner_id for card in cards for kr in card.krs}
            persons = await people(session, workspace_id, owners)
            week = weekly_slot(now, team.timezone, 0, "00:00").period
            resting = {
                u
                for u, p in persons.items()
                if p.inactive
                or is_away(p.away_until, now, p.tz or team.timezone)
                or p.skipped_week == week
            }
            owners -= resting
            checked = await last_checkins(session, workspace_id, owners)
            began = week_began(now, team.timezone)
            previous = await last_sent(session, workspace_id, "digest", f"team:{team.id}")
            leads = (await leads_of(session, workspace_id, [team.id])).get(team.id, [])
        start, end = cycle_window(cycle, team.timezone)
        data = assemble_digest(
            team_name=team.name,
            cycle_name=cycle.name,
            cycle_start=start,
            cycle_end=end,
            cards=cards,
            at=now,
            since=previous.sent_at if previous else None,
            checked_in={u for u, when in checked.items() if when >= began},
            owners=owners,
        )
        key = ledger.DeliveryKey(workspace_id, "digest", f"team:{team.id}", period)
        [posted] = await self._deliver([self._post(key, team.channel_id, digest_message(data))])
        items = [
            self._post(
                ledger.DeliveryKey(workspace_id, "digest_leads", f"{team.id}:{lead}", period),
                lead,
                missing_message(data),
            )
            for lead in leads
        ]
        items += self._problem_reports(workspace_id, team, leads, posted, period)
        return [posted, *await self._deliver(items)]

    def _problem_reports(
        self,
        workspace_id: str,
        team: Team,
        leads: Sequence[str],
        outcome: Outcome,
        period: str,
    ) -> list[Item]:
        """A channel the bot cannot post to is reported to the team's leads, once."""
        if not outcome.unreachable:
            return []
        error = outcome.error or "unknown"
        log.warning("team %s: cannot post to %s: %s", team.id, team.channel_id, error)
        message = delivery_problem(team_name=team.name, channel_id=team.channel_id, error=error)
        return [
            self._post(
                ledger.DeliveryKey(workspace_id, "problem", f"{lead}:{team.id}:{error}", period),
                lead,
                message,
            )
            for lead in leads
        ]

    # --- cycle close and planning ---------------------------------------------------

    async def cycle_close(self, now: datetime, team: str | None = None) -> list[Outcome]:
        outcomes = []
        for workspace_id in await self._workspaces():
            async with self.deps.sessions() as session:
                teams = [
                    t
                    for t in await list_teams(session, workspace_id)
                    if t.channel_id and (team is None or t.name == team)
                ]
                cycles = await ended_cycles(
                    session, workspace_id, now - timedelta(days=9), now + timedelta(days=1)
                )
                sent = await deliveries(
                    session, workspace_id, "cycle_close", {f"cycle:{c.id}" for c in cycles}
                )
                await close_cycles(session, workspace_id, now)
                await session.commit()
            for t in teams:
                for cycle in cycles:
                    slot = day_slot(
                        cycle.end_date + timedelta(days=1),
                        t.timezone,
                        t.digest_time,
                        f"cycle:{cycle.id}",
                    )
                    key = ledger.DeliveryKey(
                        workspace_id, "cycle_close", f"team:{t.id}", slot.period
                    )
                    if not pending(sent.get((key.recipient, key.period)), now):
                        continue
                    if slot.state(now, CLOSE_WINDOW) is State.DUE:
                        outcomes += await self._close(workspace_id, t, cycle, key)
        return outcomes

    async def _close(
        self, workspace_id: str, team: Team, cycle: Cycle, key: ledger.DeliveryKey
    ) -> list[Outcome]:
        assert team.id is not None and cycle.id is not None and team.channel_id
        async with self.deps.sessions() as session:
            objectives = await objectives_of_teams(session, workspace_id, [team.id], cycle.id)
            cards = await objective_cards(
                session,
                workspace_id,
                objectives,
                at=self.deps.clock(),
                default_timezone=team.timezone,
            )
            leads = (await leads_of(session, workspace_id, [team.id])).get(team.id, [])
        data = assemble_close(team_name=team.name, cycle_name=cycle.name, cards=cards)
        message = close_summary(data, team_id=team.id, cycle_id=cycle.id)
        [posted] = await self._deliver([self._post(key, team.channel_id, message)])
        reports = self._problem_reports(workspace_id, team, leads, posted, key.period)
        return [posted, *await self._deliver(reports)]

    async def planning(self, now: datetime, team: str | None = None) -> list[Outcome]:
        outcomes = []
        for workspace_id in await self._workspaces():
            wanted: list[tuple[ledger.DeliveryKey, dict[str, Any]]] = []
            async with self.deps.sessions() as session:
                teams = [
                    t
                    for t in await list_teams(session, workspace_id)
                    if team is None or t.name == team
                ]
                leads = await leads_of(session, workspace_id, [t.id for t in teams if t.id])
                month = await fiscal_start_month(session, workspace_id)
                for t in teams:
                    upcoming = next_quarter(quarter_for(local_today(now, t.timezone), month), month)
                    slot = day_slot(
                        upcoming.start - timedelta(days=7),
                        t.timezone,
                        t.checkin_time,
                        f"plan:{upcoming.start.isoformat()}",
                    )
                    if slot.state(now, PROMPT_WINDOW) is not State.DUE:
                        continue
                    message = planning_reminder(
                        team_name=t.name, next_cycle_name=upcoming.name, starts=upcoming.start
                    )
                    wanted += [
                        (ledger.DeliveryKey(workspace_id, "planning", lead, slot.period), message)
                        for lead in leads.get(t.id or 0, [])
                    ]
                sent = await deliveries(
                    session, workspace_id, "planning", {key.period for key, _ in wanted}
                )
            items = [
                self._post(key, key.recipient, message)
                for key, message in wanted
                if pending(sent.get((key.recipient, key.period)), now)
            ]
            outcomes += await self._deliver(items)
        return outcomes

    # --- people ---------------------------------------------------------------------

    async def refresh_people(self, now: datetime) -> int:
        """Keep owners' time zones fresh from users.info, a few per tick so a large
        workspace never floods Slack: the prompt's local time follows the person."""
        refreshed = 0
        for workspace_id in await self._workspaces():
            async with self.deps.sessions() as session:
                owners = await self._owners(session, workspace_id, now, None)
            stale = [
                o.user_id
                for o in owners
                if o.person is None
                or o.person.refreshed_at is None
                or now - o.person.refreshed_at > PERSON_MAX_AGE
            ][:REFRESH_PER_TICK]
            for user_id in stale:
                try:
                    answer = await self.client.users_info(user=user_id)
                except Exception as exc:
                    log.info("users.info for %s failed: %r", user_id, exc)
                    continue
                async with self.deps.sessions() as session:
                    await save_person(session, workspace_id, answer["user"], now)
                    await session.commit()
                refreshed += 1
        return refreshed

    async def _workspaces(self) -> list[str]:
        async with self.deps.sessions() as session:
            return await workspaces(session)
