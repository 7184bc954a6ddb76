"""Telling a person what could not be delivered, so nothing is lost in silence.

- A DM that fails for good because of the person (gone, deactivated): their team's leads
  are told once, and the person is marked inactive until Slack shows them active again.
- A delivery whose window closed while Slack kept failing it: the leads of the team it
  was for are sent one list per tick; when the workspace's sends were paused by a token
  problem meanwhile, the list goes to the admins instead.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from blocks.delivery_errors import Undelivered, person_problem, undelivered_report
from okr.i18n import use_lang
from scheduler.deliver import Item, Outcome
from scheduler.ledger import DeliveryKey
from storage.models import Delivery
from storage.people import langs_of
from storage.rhythm import admins, home_team
from storage.teams import get_team, leads_of
from storage.workspaces import get_workspace

if TYPE_CHECKING:
    from scheduler.sending import Sender

log = logging.getLogger(__name__)

_TEAM_PREFIX = "team:"


@dataclass(frozen=True)
class GivenUp:
    """A delivery skipped when its window closed, and whom to tell."""

    key: DeliveryKey
    item: Undelivered
    #: The pause's reason when the workspace's sends were paused meanwhile (admins told).
    pause_reason: str | None


def team_of_recipient(recipient: str) -> int | None:
    """The team id of a channel delivery's recipient ("team:12"), else None."""
    if recipient.startswith(_TEAM_PREFIX) and recipient[len(_TEAM_PREFIX) :].isdigit():
        return int(recipient[len(_TEAM_PREFIX) :])
    return None


async def report_given_up(
    sender: Sender, workspace_id: str, given_up: Sequence[GivenUp]
) -> list[Outcome]:
    """One DM per lead (or admin) listing what was given up on; exactly once, keyed by
    the minute and the list itself, so two replicas never send the same list twice."""
    if not given_up:
        return []
    deps = sender.deps
    by_person: dict[str, list[GivenUp]] = defaultdict(list)
    async with deps.sessions() as session:
        admin_ids = await admins(session, workspace_id, deps.admin_user_ids)
        for entry in given_up:
            told = admin_ids if entry.pause_reason else await _leads_for(session, entry.key)
            for person in told or admin_ids:
                by_person[person].append(entry)
        langs = await langs_of(session, workspace_id, list(by_person))
    if not by_person:
        log.error(
            "nobody to tell in %s that these were not delivered: %s",
            workspace_id,
            [str(g.key) for g in given_up],
        )
        return []
    now = deps.clock()
    items: list[Item] = []
    for person, entries in by_person.items():
        digest = hashlib.sha1("|".join(sorted(str(e.key) for e in entries)).encode()).hexdigest()[
            :12
        ]
        key = DeliveryKey(workspace_id, "undelivered", person, f"{now:%Y%m%dT%H%M}:{digest}")
        pause = next((e.pause_reason for e in entries if e.pause_reason), None)
        with use_lang(langs.get(person)):  # each reader's own language
            message = undelivered_report([e.item for e in entries], pause_reason=pause)
        items.append(sender.post(key, person, message))
    return await sender.deliver(items)


async def report_gone(sender: Sender, workspace_id: str, gone: Sequence[Outcome]) -> list[Outcome]:
    """Each person's team leads (or, without leads, the admins) told once that a DM to
    them failed for good, and why."""
    if not gone:
        return []
    deps = sender.deps
    items: list[Item] = []
    async with deps.sessions() as session:
        admin_ids = await admins(session, workspace_id, deps.admin_user_ids)
        for outcome in gone:
            user = outcome.key.recipient
            told = await _leads_for(session, outcome.key) or [a for a in admin_ids if a != user]
            langs = await langs_of(session, workspace_id, told)
            for person in told:
                with use_lang(langs.get(person)):  # each reader's own language
                    message = person_problem(
                        user_id=user, kind=outcome.key.kind, error=outcome.error or ""
                    )
                recipient = f"{person}:{user}:{outcome.error}"[:64]
                key = DeliveryKey(workspace_id, "problem", recipient, outcome.key.period)
                items.append(sender.post(key, person, message))
    return await sender.deliver(items)


async def _leads_for(session: AsyncSession, key: DeliveryKey) -> list[str]:
    """The leads of the team a delivery was for: a channel post's team, or the home team
    of the person a DM was for (not that person themself)."""
    team_id = team_of_recipient(key.recipient)
    if team_id is None:
        homes = await home_team(session, key.workspace_id, [key.recipient])
        team = homes.get(key.recipient)
        team_id = team.id if team is not None else None
    if team_id is None:
        return []
    found = await leads_of(session, key.workspace_id, [team_id])
    return [lead for lead in found.get(team_id, []) if lead != key.recipient]


async def given_up(
    session: AsyncSession, key: DeliveryKey, row: Delivery | None, due: datetime, now: datetime
) -> GivenUp | None:
    """What to report of `key`, skipped when its window closed (`row` as it was before):
    None after the bot's own downtime, which is only logged."""
    workspace = await get_workspace(session, key.workspace_id)
    pause = None
    if workspace is not None and workspace.paused_during(due, now):
        pause = workspace.paused_reason or "token refused"
    error = row.error if row is not None and row.attempts > 0 else None
    if pause is None and error is None:
        return None
    team_id = team_of_recipient(key.recipient)
    team = await get_team(session, key.workspace_id, team_id) if team_id is not None else None
    item = Undelivered(
        kind=key.kind,
        user_id=None if team_id is not None else key.recipient,
        team_name=team.name if team is not None else None,
        due=due,
        error=error or pause or "unknown",
        attempts=row.attempts if row is not None and error else 0,
    )
    return GivenUp(key, item, pause)
