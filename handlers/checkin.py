"""Checking in: `/okr log` and the "Check in" buttons open one modal for all of a person's
key results; "No change" checks them all in at their current values in one click; the
latest check-in of the week can be corrected or deleted from a KR's History.

A KR that reaches its target gets one celebration post in its team's channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.celebration import celebration_post
from blocks.checkin_modal import (
    Answer,
    CheckInItem,
    checkin_modal,
    edit_checkin_modal,
    read_checkin,
    value_block,
    with_sent,
)
from blocks.kr_history import kr_history_modal
from blocks.notice import notice_modal
from blocks.quota_lines import left_unreported
from blocks.view_state import action_value, metadata, row_id
from handlers.answers import tell
from handlers.app_home import Home
from handlers.before_ack import in_time, store_session
from handlers.context import Ctx
from handlers.failures import after_saved
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.posting import post
from handlers.viewer import load_viewer, user_of, workspace_of
from okr.i18n import N_, _, ngettext
from okr.outline import KRLine, ObjectiveCard
from okr.participation import no_change_key
from okr.permissions import can_change_checkin
from okr.progress import KRKind, at_target
from okr.rhythm import local_today, week_key
from storage.checkins import (
    Entry,
    active_krs_of,
    checkable,
    claim_reached,
    delete_checkin,
    latest_checkin,
    live_checkin,
    record,
    replace_checkin,
    reported_krs,
)
from storage.context import Deps
from storage.engine import AsyncSession, write_turn
from storage.models import CheckIn, Objective
from storage.objectives import objectives_of_krs
from storage.outlines import objective_cards
from storage.teams import teams_by_id

log = logging.getLogger(__name__)

#: Called after someone checked in, with (deps, client, workspace, user, source): the
#: rhythm's turns its prompt to "done".
AfterCheckIn = Callable[[Deps, AsyncWebClient, str, str, Mapping[str, Any]], Awaitable[None]]


ALREADY_THIS_WEEK = N_(
    "You already checked in this week: nothing new was stored. To change a value, use *Check in*."
)

#: Listeners' work after the ack (celebrations, hooks, Home tabs) that may run at once. A
#: Monday burst of check-ins then queues here instead of starving the acks of the next
#: submissions on the shared event loop.
AFTER_ACK_CONCURRENCY = 4


def reached(kr: KRLine) -> bool:
    return at_target(kr.kind, kr.target, kr.current)


async def lines_of(
    session: AsyncSession, deps: Deps, workspace_id: str, objectives: Sequence[Objective]
) -> tuple[list[ObjectiveCard], dict[int, KRLine]]:
    """Cards for the objectives, and every KR line by id."""
    unique = list({o.id: o for o in objectives}.values())
    cards = await objective_cards(
        session, workspace_id, unique, at=deps.clock(), default_timezone=deps.default_timezone
    )
    return cards, {kr.id: kr for card in cards for kr in card.krs}


def _kr_ids(meta: Mapping[str, Any]) -> list[int]:
    raw = meta.get("kr_ids")
    if not isinstance(raw, list):
        return []
    return [k for k in raw if isinstance(k, int) and not isinstance(k, bool)][:100]


class CheckIns:
    """What the check-in listeners share (in `ctx.checkins`): the deps, the Home publisher,
    the hooks run after each check-in, and the bound on work after the ack."""

    def __init__(self, deps: Deps, home: Home, after: Sequence[AfterCheckIn] = ()) -> None:
        self.deps = deps
        self.home = home
        self.after = tuple(after)
        self._after_ack = asyncio.Semaphore(AFTER_ACK_CONCURRENCY)

    async def open_modal(
        self,
        client: AsyncWebClient,
        workspace_id: str,
        user_id: str,
        trigger_id: str,
        source: Mapping[str, Any],
    ) -> None:
        async with self.deps.sessions() as session:
            viewer = await load_viewer(
                session, client, self.deps, workspace_id, user_id, check_admin=False
            )
            assert viewer.cycle.id is not None
            active = await active_krs_of(session, workspace_id, user_id, viewer.cycle.id)
            _cards, lines = await lines_of(
                session, self.deps, workspace_id, [a.objective for a in active]
            )
        if not active:
            view = notice_modal(
                _("Weekly check-in"),
                _("You own no key results in {cycle} yet. Set one with `{command} set`.").format(
                    cycle=viewer.cycle.name, command=COMMAND
                ),
            )
        else:
            items = [CheckInItem(lines[a.kr.id or 0], a.objective.title) for a in active]
            view = checkin_modal(items, source=source)
        await client.views_open(trigger_id=trigger_id, view=view)

    async def celebrate(
        self, client: AsyncWebClient, workspace_id: str, kr_ids: Collection[int]
    ) -> None:
        """One post per KR that reached its target with this check-in, in its team channel."""
        if not kr_ids:
            return
        async with self.deps.sessions() as session:
            objectives = await objectives_of_krs(session, workspace_id, kr_ids)
            cards, _ = await lines_of(session, self.deps, workspace_id, objectives)
            posts = []
            for card in cards:
                for kr in card.krs:
                    if (
                        kr.id in kr_ids
                        and reached(kr)
                        and await claim_reached(session, kr.id, self.deps.clock())
                    ):
                        posts.append((card, kr))
            await session.commit()
            teams = await teams_by_id(
                session, workspace_id, [c.team_id for c, _kr in posts if c.team_id]
            )
        for card, kr in posts:
            team = teams.get(card.team_id) if card.team_id else None
            if team is None or not team.channel_id:
                log.info("KR %s reached its target; no team channel to celebrate in", kr.id)
                continue
            await post(
                client, team.channel_id, celebration_post(kr, card.title), what="celebration"
            )

    async def finish(
        self,
        client: AsyncWebClient,
        workspace_id: str,
        user_id: str,
        stored: Collection[int],
        source: Mapping[str, Any],
    ) -> None:
        """After a check-in is committed: praise, hooks (the prompt's done state), Home.
        `stored` are the KRs checked in; only those now at target are looked at again."""
        async with self._after_ack:
            await self.celebrate(client, workspace_id, stored)
            for hook in self.after:
                try:
                    await hook(self.deps, client, workspace_id, user_id, source)
                except Exception:
                    log.exception("after-check-in hook %s failed", hook)
            await self.home.publish_many(client, workspace_id, {user_id})


async def log_verb(request: CommandRequest) -> None:
    """`/okr log`: the check-in modal, thanked for where it was typed."""
    await request.ack()
    source = {"channel": request.channel_id}
    await request.ctx.checkins.open_modal(
        request.client,
        request.workspace_id,
        request.user_id,
        str(request.body.get("trigger_id", "")),
        source,
    )


async def on_check_in(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    await ack()
    await ctx.checkins.open_modal(
        client, workspace_of(body), user_of(body), body["trigger_id"], message_source(body)
    )


async def on_confidence(ack: AsyncAck) -> None:
    """The confidence menu reports each change; its value is read on submit."""
    await ack()


@dataclass(frozen=True)
class Submitted:
    """A check-in submission, checked and (when right) stored before its ack."""

    errors: dict[str, str]
    #: The KRs checked in now; empty for a repeat of a stored submission.
    stored: list[int] = field(default_factory=list)
    #: The KRs that reached their target with it.
    reached: list[int] = field(default_factory=list)
    #: What was checked in, for the prompt's done state to repeat.
    sent: list[Answer] = field(default_factory=list)


async def check_and_store(
    deps: Deps, workspace_id: str, user_id: str, view: dict[str, Any]
) -> Submitted:
    """The modal's checks (field errors, nothing stored), then one check-in per KR that
    changed or has a note (all when none did), stored once however often Slack sends it."""
    kr_ids = _kr_ids(metadata(view))
    async with store_session(deps) as session:
        problems, measures = await checkable(
            session, workspace_id, user_id, kr_ids, deps.default_timezone
        )
        errors = {value_block(k): why for k, why in problems.items() if why}
        if errors or not kr_ids:
            return Submitted(errors or {"none": _("Nothing to check in.")})
        answers, errors = read_checkin(
            view.get("state", {}).get("values", {}), measures, view.get("blocks", [])
        )
        if errors:
            return Submitted(errors)
        news = [a for a in answers if a.changed] or answers
        async with write_turn(session):
            stored = await record(
                session,
                workspace_id,
                user_id,
                [Entry(a.kr_id, a.value, a.confidence, a.note, a.period_key) for a in news],
                submission_key=f"view:{view.get('id', '')}",
                now=deps.clock(),
            )
            await session.commit()
    reached = [
        a.kr_id
        for a in news
        if a.kr_id in stored
        and at_target(measures[a.kr_id].kind, measures[a.kr_id].target, a.value)
    ]
    return Submitted({}, stored, reached, news)


async def on_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The check-in modal: checked and stored before the ack, within Slack's 3 s (field
    errors, or a busy database, keep it open with nothing stored), then thanks,
    celebrations and hooks."""
    view = body["view"]
    workspace_id, user_id = workspace_of(body), user_of(body)
    submitted = await in_time(check_and_store(ctx.deps, workspace_id, user_id, view))
    if submitted.errors:
        await ack(response_action="errors", errors=submitted.errors)
        return
    await ack()
    if not submitted.stored:
        log.info("check-in view %s was already stored; ignored the repeat", view.get("id"))
        return
    meta = metadata(view)
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    await after_saved(
        client,
        user_id,
        _("Your check-in"),
        _thank_and_finish(ctx, client, workspace_id, user_id, submitted, source),
    )


async def _thank_and_finish(
    ctx: Ctx,
    client: AsyncWebClient,
    workspace_id: str,
    user_id: str,
    submitted: Submitted,
    source: Mapping[str, Any],
) -> None:
    await _thank(client, source, user_id, len(submitted.stored))
    sent = with_sent(source, submitted.sent)
    await ctx.checkins.finish(client, workspace_id, user_id, submitted.reached, sent)


async def on_no_change(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    ctx: Ctx,
) -> None:
    """The "No change" button: every active KR that has a reading checked in at its
    current value, once a week (the person's week: clicked again, it says so and stores
    nothing). Quotas and KRs nobody has reported on yet are left unreported, and the owner
    is told so: a count starts again every period, and no reading is invented."""
    await ack()
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    now = deps.clock()
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id, check_admin=False)
        assert viewer.cycle.id is not None
        active = await active_krs_of(session, workspace_id, user_id, viewer.cycle.id)
        week = week_key(local_today(now, viewer.timezone))
        reported = await reported_krs(session, workspace_id, [a.kr.id or 0 for a in active])
        unchanged = [a for a in active if a.kr.kind != KRKind.QUOTA and a.kr.id in reported]
        quotas = [a.kr.title for a in active if a.kr.kind == KRKind.QUOTA]
        unread = [a.kr.title for a in active if a.kr.kind != KRKind.QUOTA and a not in unchanged]
        stored = await record(
            session,
            workspace_id,
            user_id,
            [Entry(a.kr.id or 0, a.kr.current_value, a.kr.confidence, "") for a in unchanged],
            submission_key=no_change_key(user_id, week),
            now=now,
        )
        await session.commit()
    if unchanged and not stored:
        await tell(ack, body, client, respond, _(ALREADY_THIS_WEEK))
        return
    if quotas or unread:
        await post(client, user_id, left_unreported(quotas, unread), what="no-change note")
    if stored:  # unchanged values reach no new target: nothing to celebrate
        await after_saved(
            client,
            user_id,
            _("Your check-in"),
            ctx.checkins.finish(client, workspace_id, user_id, [], message_source(body)),
        )


async def editable_checkin(
    session: AsyncSession,
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    checkin_id: int | None,
) -> tuple[CheckIn | None, str]:
    """The check-in the user may still change, or why not."""
    row = await live_checkin(session, workspace_id, checkin_id) if checkin_id else None
    if row is None:
        return None, _("That check-in was changed or deleted in the meantime.")
    latest = await latest_checkin(session, workspace_id, row.key_result_id)
    viewer = await load_viewer(session, client, deps, workspace_id, user_id, check_admin=False)
    problems, _measures = await checkable(session, workspace_id, user_id, [row.key_result_id])
    problem = problems[row.key_result_id]
    if problem:
        return None, problem
    if (latest is None or latest.id != row.id) or not can_change_checkin(
        user_id,
        author_id=row.user_id,
        checked_in_at=row.created_at,
        now=deps.clock(),
        timezone=viewer.timezone,
    ):
        return None, _("Only your latest check-in can be changed, during the week you made it.")
    return row, ""


async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The "Edit" button of a KR's History: the edit modal, or why it cannot be."""
    await ack()
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    checkin_id = row_id(action_value(body))
    async with deps.sessions() as session:
        row, problem = await editable_checkin(
            session, client, deps, workspace_id, user_id, checkin_id
        )
        if row is not None:
            [objective] = await objectives_of_krs(session, workspace_id, [row.key_result_id])
            _cards, lines = await lines_of(session, deps, workspace_id, [objective])
    if row is None:
        await client.views_push(
            trigger_id=body["trigger_id"], view=notice_modal(_("Edit check-in"), problem)
        )
        return
    line = lines[row.key_result_id]
    note = next(n for n in line.checkins if n.id == row.id)
    await client.views_push(
        trigger_id=body["trigger_id"],
        view=edit_checkin_modal(CheckInItem(line, objective.title), note),
    )


async def on_edit_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """A corrected check-in: checked and stored before the ack, like a new one."""
    view = body["view"]
    workspace_id, user_id = workspace_of(body), user_of(body)
    errors, kr_id = await in_time(correct_checkin(ctx.deps, client, workspace_id, user_id, view))
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack(response_action="clear")
    await after_saved(
        client,
        user_id,
        _("Your corrected check-in"),
        ctx.checkins.finish(client, workspace_id, user_id, [kr_id], {}),
    )


async def correct_checkin(
    deps: Deps, client: AsyncWebClient, workspace_id: str, user_id: str, view: dict[str, Any]
) -> tuple[dict[str, str], int]:
    """Field errors, or none and the KR whose latest check-in was replaced."""
    meta = metadata(view)
    checkin_id = row_id(meta.get("checkin_id"))
    async with store_session(deps) as session:
        row, problem = await editable_checkin(
            session, client, deps, workspace_id, user_id, checkin_id
        )
        if row is None:
            first = next(iter(_kr_ids(meta)), 0)
            return {value_block(first): problem}, 0
        [objective] = await objectives_of_krs(session, workspace_id, [row.key_result_id])
        _cards, lines = await lines_of(session, deps, workspace_id, [objective])
        answers, errors = read_checkin(
            view.get("state", {}).get("values", {}),
            {row.key_result_id: lines[row.key_result_id]},
        )
        if errors:
            return errors, 0
        [answer] = answers
        async with write_turn(session):
            await replace_checkin(
                session,
                row,
                value=answer.value,
                confidence=answer.confidence,
                note=answer.note,
                now=deps.clock(),
            )
            await session.commit()
    return {}, row.key_result_id


async def on_delete(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    await ack()
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    checkin_id = row_id(action_value(body))
    view = body.get("view") or {}
    async with deps.sessions() as session:
        row, problem = await editable_checkin(
            session, client, deps, workspace_id, user_id, checkin_id
        )
        if row is not None:
            await delete_checkin(session, row, now=deps.clock())
            await session.commit()
            [objective] = await objectives_of_krs(session, workspace_id, [row.key_result_id])
            _cards, lines = await lines_of(session, deps, workspace_id, [objective])
    if view.get("id"):
        if row is None:
            refreshed = notice_modal(_("History"), problem)
        else:
            refreshed = kr_history_modal(lines[row.key_result_id], objective.title)
        await client.views_update(view_id=view["id"], view=refreshed)
    if row is not None:
        await ctx.home.publish_many(client, workspace_id, {user_id})


VERBS = (Verb("log", f"{COMMAND} log", N_("Check in on your key results"), log_verb),)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.CHECK_IN)(on_check_in)
    app.action(ids.CHECK_IN_CONFIDENCE)(on_confidence)
    app.action(ids.NO_CHANGE)(on_no_change)
    app.action(ids.EDIT_CHECK_IN)(on_edit)
    app.action(ids.DELETE_CHECK_IN)(on_delete)
    app.view(ids.CHECK_IN_VIEW)(on_submit)
    app.view(ids.EDIT_CHECK_IN_VIEW)(on_edit_submit)


def message_source(body: Mapping[str, Any]) -> dict[str, Any]:
    """Where a button was clicked, when it was on a message (the Monday prompt): so that
    message can be turned to its done state afterwards."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    if channel and message.get("ts"):
        return {"channel": channel, "ts": message["ts"]}
    return {}


async def _thank(
    client: AsyncWebClient, source: Mapping[str, Any], user_id: str, count: int
) -> None:
    """A short ephemeral thank-you where `/okr log` was typed. A prompt (a message with a
    ts) is turned to its done state by the rhythm's hook instead."""
    channel = source.get("channel")
    if not isinstance(channel, str) or not channel or source.get("ts"):
        return
    text = ngettext(
        "Checked in {n} key result. Thank you!", "Checked in {n} key results. Thank you!", count
    ).format(n=count)
    try:
        await client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    except SlackApiError as exc:  # e.g. a channel the bot is not in: the Home tab shows it
        log.info("check-in thanks in %s failed: %s", channel, exc.response.get("error"))
