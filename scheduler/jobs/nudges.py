"""The reminder: one nudge on the team's nudge day (the next working day after a holiday,
none in a paused week) to owners who were prompted this week and have not checked in yet."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from blocks.prompt import nudge_message
from okr.i18n import use_lang
from okr.participation import NudgeAnswer
from okr.rhythm import (
    PROMPT_WINDOW,
    Slot,
    State,
    checked_in_this_week,
    is_away,
    local_today,
    week_label,
)
from scheduler import ledger
from scheduler.deliver import Item, Outcome, Result
from scheduler.job import Context, ScheduledJob
from scheduler.owners import Owner
from storage.models import Delivery
from storage.people import lang_of
from storage.rhythm import deliveries, last_checkins


async def deliver(
    ctx: Context, workspace_id: str, now: datetime, team: str | None
) -> list[Outcome]:
    """The nudges due now."""
    async with ctx.deps.sessions() as session:
        owners = [
            o
            for o in await ctx.owners.of(session, workspace_id, now, team)
            if o.rhythm.nudge_enabled
        ]
        slots = {
            o.user_id: slot
            for o in owners
            if (slot := o.rhythm.nudge_slot(now, o.timezone, o.calendar)) is not None
        }
        periods = {s.period for s in slots.values()}
        prompted = await deliveries(session, workspace_id, "prompt", periods)
        nudged = await deliveries(session, workspace_id, "nudge", periods)
        checked = await last_checkins(session, workspace_id, list(slots))
    items = [
        _nudge(ctx, workspace_id, owner, slots[owner.user_id], now)
        for owner in owners
        if owner.user_id in slots
        and _wanted(owner, slots[owner.user_id], prompted, nudged, checked.get(owner.user_id), now)
    ]
    return await ctx.sender.deliver_to_people(workspace_id, items)


def _wanted(
    owner: Owner,
    slot: Slot,
    prompted: Mapping[tuple[str, str], Delivery],
    nudged: Mapping[tuple[str, str], Delivery],
    last_checkin: datetime | None,
    now: datetime,
) -> bool:
    """Due now and not nudged yet; prompted this week before the reminder's time (a prompt
    a holiday moved past it gets no reminder minutes later), not resting, not checked in."""
    prompt = prompted.get((owner.user_id, slot.period))
    return (
        slot.state(now, PROMPT_WINDOW) is State.DUE
        and ledger.pending(nudged.get((owner.user_id, slot.period)), now)
        and prompt is not None
        and prompt.status == ledger.SENT
        and (prompt.sent_at is None or prompt.sent_at <= slot.due)
        and not owner.resting(now, slot.period)
        and not checked_in_this_week(last_checkin, now, owner.timezone)
    )


def _nudge(ctx: Context, workspace_id: str, owner: Owner, slot: Slot, now: datetime) -> Item:
    key = ledger.DeliveryKey(workspace_id, "nudge", owner.user_id, slot.period)
    with use_lang(lang_of(owner.person)):  # a DM: its reader's language
        message = nudge_message(
            cycle_name=owner.cycle_name,
            week_label=week_label(now, owner.timezone),
            count=len(owner.krs),
        )
    return ctx.sender.post(key, owner.user_id, message)


async def nudge_now(ctx: Context, workspace_id: str, user_id: str, now: datetime) -> NudgeAnswer:
    """A lead's *Nudge now*: this week's one nudge to `user_id` now, through the same ledger
    key as the scheduled one, so it is never sent twice; or why not (away, skipping,
    checked in, owns nothing this cycle)."""
    async with ctx.deps.sessions() as session:
        found = await ctx.owners.of(session, workspace_id, now, None)
        checked = await last_checkins(session, workspace_id, [user_id])
    owner = next((o for o in found if o.user_id == user_id), None)
    if owner is None:
        return NudgeAnswer.NOT_OWNER
    slot = owner.rhythm.nudge_slot(now, owner.timezone)
    person = owner.person
    if person is not None and is_away(person.away_until, now, owner.timezone):
        return NudgeAnswer.AWAY
    if owner.calendar.paused(local_today(now, owner.timezone)):
        return NudgeAnswer.PAUSED
    if owner.resting(now, slot.period):
        return NudgeAnswer.SKIPPED
    if checked_in_this_week(checked.get(user_id), now, owner.timezone):
        return NudgeAnswer.CHECKED_IN
    item = _nudge(ctx, workspace_id, owner, slot, now)
    [outcome] = await ctx.sender.deliver_to_people(workspace_id, [item])
    if outcome.result is Result.SENT:
        return NudgeAnswer.SENT
    if outcome.result is Result.ALREADY_DONE:
        return NudgeAnswer.ALREADY
    return NudgeAnswer.FAILED


JOB = ScheduledJob("nudges", "one reminder to owners who have not checked in yet", deliver)
