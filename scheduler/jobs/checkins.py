"""Check-in prompts: each owner's prompt at their team's check-in day and time, in their
own zone (on the next working day when that day is a holiday of the team's country; none
in a week its lead paused), and the prompt again once a snooze of it is over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from blocks.checkin_modal import CheckInItem
from blocks.prompt import prompt_message
from okr.i18n import use_lang
from okr.rhythm import PROMPT_WINDOW, Slot, State, checked_in_this_week, snoozed_slot, week_label
from scheduler import ledger
from scheduler.deliver import Item, Outcome
from scheduler.job import Context, ScheduledJob
from scheduler.owners import Owner
from storage.models import Delivery
from storage.outlines import objective_cards
from storage.people import lang_of
from storage.rhythm import deliveries, last_checkins

#: An owner and the prompt of theirs that is due.
Due = tuple[Owner, Slot]


async def deliver(
    ctx: Context, workspace_id: str, now: datetime, team: str | None
) -> list[Outcome]:
    """This week's prompts due now, and the snoozed ones due again."""
    async with ctx.deps.sessions() as session:
        owners = await ctx.owners.of(session, workspace_id, now, team)
        due, snoozed = await _due_and_snoozed(ctx, session, workspace_id, owners, now)
        again = await _not_prompted_again(session, workspace_id, snoozed, now)
        lines = await _check_in_items(ctx, session, workspace_id, [o for o, _ in due + again])
    items = [
        _prompt(ctx, workspace_id, kind, owner, slot, lines[owner.user_id], now)
        for kind, batch in (("prompt", due), ("reprompt", again))
        for owner, slot in batch
    ]
    return await ctx.sender.deliver_to_people(workspace_id, items)


async def _due_and_snoozed(
    ctx: Context, session: AsyncSession, workspace_id: str, owners: Sequence[Owner], now: datetime
) -> tuple[list[Due], list[Due]]:
    """Prompts due now, and sent prompts whose snooze is over; a prompt whose window
    closed unsent (after downtime) is recorded as skipped."""
    slots = {o.user_id: o.rhythm.checkin_slot(now, o.timezone, o.calendar) for o in owners}
    periods = {s.period for s in slots.values() if s is not None}
    sent = await deliveries(session, workspace_id, "prompt", periods)
    due: list[Due] = []
    snoozed: list[Due] = []
    for owner in owners:
        slot = slots[owner.user_id]
        if slot is None or owner.resting(now, slot.period):  # a paused week, or no day left
            continue
        row = sent.get((owner.user_id, slot.period))
        if not ledger.pending(row, now):
            again = _snooze_over(owner, row, slot, now)
            if again is not None:
                snoozed.append((owner, again))
            continue
        state = slot.state(now, PROMPT_WINDOW)
        if state is State.DUE:
            due.append((owner, slot))
        elif state is State.STALE:
            key = ledger.DeliveryKey(workspace_id, "prompt", owner.user_id, slot.period)
            await ctx.sender.skip_stale(key, slot, now)
    return due, snoozed


def _snooze_over(owner: Owner, row: Delivery | None, slot: Slot, now: datetime) -> Slot | None:
    """The prompt again, when this week's was sent and its owner's snooze is over."""
    if row is None or row.status != ledger.SENT:
        return None
    return snoozed_slot(slot, owner.person.snoozed_until if owner.person else None, now)


async def _not_prompted_again(
    session: AsyncSession, workspace_id: str, snoozed: Sequence[Due], now: datetime
) -> list[Due]:
    """The snoozed prompts not sent again yet, to owners who have not checked in since."""
    again = await deliveries(session, workspace_id, "reprompt", {s.period for _, s in snoozed})
    waiting = [(o, s) for o, s in snoozed if ledger.pending(again.get((o.user_id, s.period)), now)]
    checked = await last_checkins(session, workspace_id, [o.user_id for o, _ in waiting])
    return [
        (o, s)
        for o, s in waiting
        if not checked_in_this_week(checked.get(o.user_id), now, o.timezone)
    ]


async def _check_in_items(
    ctx: Context, session: AsyncSession, workspace_id: str, owners: Sequence[Owner]
) -> dict[str, list[CheckInItem]]:
    """Each owner's key results as their prompt lists them."""
    objectives = list({o.id: o for owner in owners for _, o in owner.krs}.values())
    cards = await objective_cards(
        session,
        workspace_id,
        objectives,
        at=ctx.deps.clock(),
        default_timezone=ctx.deps.default_timezone,
    )
    lines = {kr.id: (kr, card.title) for card in cards for kr in card.krs}
    return {
        owner.user_id: [CheckInItem(*lines[kr.id]) for kr, _ in owner.krs if kr.id in lines]
        for owner in owners
    }


def _prompt(
    ctx: Context,
    workspace_id: str,
    kind: str,
    owner: Owner,
    slot: Slot,
    items: list[CheckInItem],
    now: datetime,
) -> Item:
    key = ledger.DeliveryKey(workspace_id, kind, owner.user_id, slot.period)
    with use_lang(lang_of(owner.person)):  # a DM: its reader's language
        message = prompt_message(
            cycle_name=owner.cycle_name, week_label=week_label(now, owner.timezone), items=items
        )
    return ctx.sender.post(key, owner.user_id, message)


JOB = ScheduledJob(
    "checkins", "each owner's check-in prompt, and the prompt again after a snooze", deliver
)
