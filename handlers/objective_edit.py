"""Editing an objective (prefilled modal; a changed target needs a reason and leaves a
revision), archiving it behind a confirmation, and showing a KR's target history."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.dependency_lines import (
    Told,
    archive_anyway,
    archive_warning,
    asking_to_confirm,
    confirmed,
    removal_warning,
)
from blocks.kr_history import kr_history_modal
from blocks.mrkdwn import escape
from blocks.notice import notice_modal
from blocks.objective_form import (
    WHY_MISSING,
    Choice,
    FormState,
    KRRow,
    kr_block,
    objective_modal,
    plain_number,
    read_form,
    state_of,
    version_of,
)
from blocks.stale_edit import stale_edit_errors
from blocks.view_state import action_value, metadata, row_id
from handlers.before_ack import in_time, store_session
from handlers.context import Ctx
from handlers.dependencies import (
    Wanted,
    by_kr,
    dependants,
    link_errors,
    links_of_cards,
    store_links,
    tell_removed,
    wanted_of,
    with_stored_links,
)
from handlers.failures import after_saved
from handlers.objective_set import (
    announce,
    cycle_bounds,
    cycle_choices,
    gone_owners,
    shown_state,
    team_people,
    validate_in_database,
)
from handlers.viewer import Viewer, load_viewer, user_of, workspace_of
from okr.display import Measure, editable_text
from okr.drafts import ObjectiveDraft
from okr.i18n import N_, _
from okr.kr_sentence import kr_sentence
from okr.permissions import can_change_checkin
from okr.values import Unit
from storage.context import Deps
from storage.cycles import cycle_for
from storage.engine import AsyncSession, write_turn
from storage.models import KeyResult, Objective
from storage.objectives import (
    StaleObjective,
    archive_objective,
    get_objective,
    key_results_of,
    last_save,
    objectives_of_krs,
    target_edits,
    update_objective,
)
from storage.outlines import objective_cards
from storage.people import get_person, lang_of_user
from storage.teams import get_team

log = logging.getLogger(__name__)

NOT_FOUND = N_("That objective was archived or does not exist any more.")
NOT_ALLOWED = N_(
    "Only the objective's owner, its team's leads and workspace admins can change it. "
    "Ask one of them, or set an objective of your own with `/okr set`."
)


async def editable_objective(
    session: AsyncSession, viewer: Viewer, objective_id: int | None
) -> tuple[Objective | None, str | None]:
    """The objective the viewer asked to change, or why they cannot: it is gone (or in
    another workspace: the same answer) or they are not its owner, lead or an admin."""
    objective = (
        await get_objective(session, viewer.workspace_id, objective_id) if objective_id else None
    )
    if objective is None:
        return None, _(NOT_FOUND)
    if not viewer.may_edit(owner_id=objective.owner_id, team_id=objective.team_id):
        return None, _(NOT_ALLOWED)
    return objective, None


@dataclass(frozen=True)
class _Sentenced:
    """A stored KR as `kr_sentence` reads one."""

    title: str
    kind: str
    unit: str
    currency: str | None
    start: float
    target: float
    unit_word: str | None
    relative_target: str | None
    period: str | None
    due_date: date | None


def _row(kr: KeyResult, lang: str) -> KRRow:
    """A stored KR as its edit line: the sentence it reads as ("Keep churn below 3%"), and
    as Details what a sentence does not say (its baseline, a weight)."""
    details = {}
    if kr.baseline is not None:
        measure = Measure(Unit(kr.unit), kr.currency, kr.unit_word)
        details["baseline"] = editable_text(kr.baseline, measure)
    if kr.weight != 1:
        details["weight"] = plain_number(kr.weight)
    return KRRow(
        sentence=kr_sentence(
            _Sentenced(
                kr.title,
                kr.kind,
                kr.unit,
                kr.currency,
                kr.start_value,
                kr.target_value,
                kr.unit_word,
                kr.target_text,
                kr.period,
                kr.due_date,
            ),
            lang=lang,
        ),
        owner_id=kr.owner_id,
        kr_id=kr.id,
        details=details,
        stored_target=kr.target_value,
    )


async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The "Edit" button on an objective: the prefilled modal, or why it cannot be."""
    deps = ctx.deps
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    objective_id = row_id(action_value(body))
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id)
        objective, problem = await editable_objective(session, viewer, objective_id)
        if objective is None:
            await client.views_open(
                trigger_id=body["trigger_id"],
                view=notice_modal(_("Edit objective"), problem or _(NOT_FOUND)),
            )
            return
        krs = (await key_results_of(session, workspace_id, [objective.id or 0]))[objective.id or 0]
        cycles = await cycle_choices(session, viewer)
        if str(objective.cycle_id) not in {c.value for c in cycles}:
            cycles = [Choice(str(objective.cycle_id), _("(its own cycle)")), *cycles][:100]
        team = (
            await get_team(session, workspace_id, objective.team_id)
            if (objective.team_id)
            else None
        )
        parent = (
            await get_objective(session, workspace_id, objective.parent_id)
            if (objective.parent_id)
            else None
        )
        bounds = await cycle_bounds(session, viewer, cycles)
        lang = await lang_of_user(session, workspace_id, user_id)
        team_choice = Choice(str(team.id), team.name) if team else None
        members = await team_people(session, viewer, team_choice)
        rows = await with_stored_links(session, workspace_id, [_row(kr, lang) for kr in krs])
    state = FormState(
        author_id=user_id,
        cycles=cycles,
        cycle_id=objective.cycle_id,
        level=objective.level,
        team=team_choice,
        parent=Choice(str(parent.id), parent.title) if parent else None,
        title=objective.title,
        description=objective.description,
        rows=rows or [KRRow()],
        objective_id=objective.id,
        version=objective.version,
        bounds=bounds,
        lang=lang,
        members=members,
    )
    await client.views_open(trigger_id=body["trigger_id"], view=objective_modal(state))


@dataclass(frozen=True)
class Edited:
    """An edit's submission, checked and (when right) stored before its ack."""

    errors: dict[str, str]
    viewer: Viewer | None = None
    objective: Objective | None = None
    #: Who owned it or one of its KRs before the edit: their Home tabs change too.
    owners_before: frozenset[str] = frozenset()
    #: Its KRs' titles before the edit: only new and renamed KRs get duplicate hints.
    titles_before: dict[int, str] = field(default_factory=dict)
    #: New dependencies (upstream leads told) and removed KRs' dependants (owners told).
    links: tuple[int, ...] = ()
    removed: tuple[Told, ...] = ()
    #: Removed KRs others depend on, not confirmed yet: (their ids, the warning).
    confirm: tuple[tuple[int, ...], str] | None = None


async def check_and_update(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    draft: ObjectiveDraft,
    meta: dict[str, Any],
    wanted: Sequence[Wanted] = (),
) -> Edited:
    """The database's checks (field errors, nothing stored), including that nobody saved
    the objective since the modal was drawn, then the edit with its revisions."""
    kr_rows = meta.get("kr_ids") if isinstance(meta.get("kr_ids"), list) else []
    drawn_from = version_of(meta)
    async with store_session(deps) as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id)
        objective, problem = await editable_objective(
            session, viewer, row_id(meta.get("objective_id"))
        )
        if objective is None:
            return Edited({"title": problem or NOT_FOUND})
        if drawn_from != objective.version:
            return Edited(await stale_errors(session, deps, viewer, objective, drawn_from, kr_rows))
        existing = (await key_results_of(session, workspace_id, [objective.id or 0]))[
            objective.id or 0
        ]
        errors = await validate_in_database(session, viewer, draft, objective=objective)
        errors.update(
            await gone_owners(client, deps, workspace_id, draft, existing, author_id=user_id)
        )
        rows = {d.kr_id: d for d in draft.krs}
        for edit in target_edits(existing, draft):
            if not rows[edit.kr.id].reason:
                errors[kr_block(rows[edit.kr.id].row, "why")] = _(WHY_MISSING)
        cycle = await cycle_for(session, workspace_id, draft.cycle_id)
        if cycle is not None:
            refused = await link_errors(
                session,
                viewer,
                wanted,
                objective_id=objective.id,
                cycle_span=(cycle.start_date, cycle.end_date),
            )
            errors.update({kr_block(row): text for row, text in refused.items()})
        if errors:
            return Edited(errors)
        removed = await dependants(session, workspace_id, draft.removed_kr_ids)
        asked = {t.upstream_kr_id for t in removed}
        if removed and not asked <= confirmed(meta):
            warning = removal_warning([t.downstream for t in removed])
            return Edited({}, confirm=(tuple(asked), warning))
        before = frozenset({objective.owner_id, *(kr.owner_id for kr in existing)})
        titles = {kr.id: kr.title for kr in existing if kr.id is not None}
        objective_id = objective.id or 0  # the rollback below expires what was loaded
        try:
            async with write_turn(session):
                await update_objective(
                    session,
                    workspace_id,
                    objective,
                    existing,
                    draft,
                    version=objective.version,
                    author_id=user_id,
                    now=deps.clock(),
                )
                live = (await key_results_of(session, workspace_id, [objective_id]))[objective_id]
                ids_by_title = {kr.title.casefold(): kr.id or 0 for kr in live}
                kr_of_row = {
                    d.row: d.kr_id or ids_by_title.get(d.title.casefold(), 0) for d in draft.krs
                }
                links = await store_links(
                    session, workspace_id, by_kr(wanted, kr_of_row), by=user_id, now=deps.clock()
                )
                await session.commit()
        except StaleObjective:  # saved by someone else between our read and our write
            await session.rollback()
            fresh = await get_objective(session, workspace_id, objective_id, archived=True)
            if fresh is None or fresh.archived_at is not None:
                return Edited({"title": NOT_FOUND})
            return Edited(await stale_errors(session, deps, viewer, fresh, drawn_from, kr_rows))
    return Edited({}, viewer, objective, before, titles, tuple(links), tuple(removed))


async def stale_errors(
    session: AsyncSession,
    deps: Deps,
    viewer: Viewer,
    objective: Objective,
    drawn_from: int | None,
    kr_rows: Sequence[object],
) -> dict[str, str]:
    """What the last save changed, as the field error of a modal drawn before it."""
    last = await last_save(session, viewer.workspace_id, objective)
    author = await get_person(session, viewer.workspace_id, last.by) if last.by else None
    return stale_edit_errors(
        last,
        drawn_from=drawn_from,
        viewer_id=viewer.user_id,
        by_name=author.real_name if author is not None else "",
        kr_rows=kr_rows,
        timezone=viewer.timezone,
        now=deps.clock(),
    )


async def on_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The edit modal: checked and saved before the ack, within Slack's 3 s (a changed
    target needs a reason; a modal older than the objective's last save is refused with
    what that save changed), then announced."""
    view = body["view"]
    workspace_id, user_id = workspace_of(body), user_of(body)
    meta = metadata(view)
    read = read_form(view, author_id=user_id)
    draft = read.draft
    if draft is None:
        await ack(response_action="errors", errors=read.errors)
        return
    if read.reveal:  # a target changed without Enter: show its "why" field, store nothing
        await ack(response_action="update", view=objective_modal(shown_state(view, user_id)))
        return
    wanted = wanted_of(state_of(view, user_id, ()).rows)
    edited = await in_time(
        check_and_update(client, ctx.deps, workspace_id, user_id, draft, meta, wanted)
    )
    if edited.confirm is not None:  # a removed KR others depend on: ask first
        shown = objective_modal(shown_state(view, user_id))
        asking = asking_to_confirm(shown, *edited.confirm)
        await ack(response_action="update", view=asking)
        return
    if edited.errors or edited.viewer is None or edited.objective is None:
        await ack(response_action="errors", errors=edited.errors)
        return
    await ack()
    log.info("objective %s edited by %s", edited.objective.id, user_id)
    await after_saved(client, user_id, N_("Your change"), _announce(client, ctx, edited, draft))


async def _announce(
    client: AsyncWebClient, ctx: Ctx, edited: Edited, draft: ObjectiveDraft
) -> None:
    assert edited.viewer is not None and edited.objective is not None
    viewer = edited.viewer
    await announce(
        client,
        ctx,
        viewer,
        edited.objective,
        new=False,
        draft=draft,
        titles_before=edited.titles_before,
        links=edited.links,
    )
    await tell_removed(client, ctx, viewer.workspace_id, edited.removed, viewer.user_id)
    await ctx.home.publish_many(
        client, viewer.workspace_id, edited.owners_before - {viewer.user_id}
    )


async def on_archive(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The archive confirmation: the objective is archived, its history kept."""
    deps = ctx.deps
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    value, _sep, sure = str(action_value(body) or "").partition(":")
    objective_id = row_id(value)
    view = body.get("view") or {}
    removed: list[Told] = []
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id)
        objective, problem = await editable_objective(session, viewer, objective_id)
        if objective is None:
            text = problem or _(NOT_FOUND)
        else:
            krs = (await key_results_of(session, workspace_id, [objective.id or 0]))[
                objective.id or 0
            ]
            removed = await dependants(session, workspace_id, [kr.id or 0 for kr in krs])
            if removed and not sure and view.get("id"):  # others depend on it: ask first
                warning = archive_warning([t.downstream for t in removed])
                await client.views_update(
                    view_id=view["id"], view=archive_anyway(objective.id or 0, warning)
                )
                return
            await archive_objective(session, objective, deps.clock(), by=user_id)
            await session.commit()
            text = _("*{objective}* is archived. Its history is kept.").format(
                objective=escape(objective.title)
            )
            log.info("objective %s archived by %s", objective.id, user_id)
    if view.get("id"):
        await client.views_update(view_id=view["id"], view=notice_modal(_("Objective"), text))
    if objective is not None and objective.archived_at is not None:
        owners = {user_id, objective.owner_id, *(kr.owner_id for kr in krs)}
        await ctx.home.publish_many(client, workspace_id, owners)
        await tell_removed(client, ctx, workspace_id, removed, user_id)


async def on_history(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """A KR's "History": its check-ins and target changes, the latest editable by its author."""
    deps = ctx.deps
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    kr_id = row_id(action_value(body))
    async with deps.sessions() as session:
        objectives = await objectives_of_krs(session, workspace_id, [kr_id] if kr_id else [])
        cards = await objective_cards(
            session,
            workspace_id,
            objectives,
            at=deps.clock(),
            default_timezone=deps.default_timezone,
        )
        viewer = await load_viewer(session, client, deps, workspace_id, user_id, check_admin=False)
        links = await links_of_cards(
            session, workspace_id, cards, at=deps.clock(), default_timezone=deps.default_timezone
        )
    found = [(c, k) for c in cards for k in c.krs if k.id == kr_id]
    if not found:
        view = notice_modal(_("History"), _("That key result does not exist any more."))
    else:
        [(card, line)] = found
        latest = line.checkins[-1] if line.checkins else None
        editable = (
            latest.id
            if latest
            and not card.archived
            and can_change_checkin(
                user_id,
                author_id=latest.user_id,
                checked_in_at=latest.at,
                now=deps.clock(),
                timezone=viewer.timezone,
            )
            else None
        )
        view = kr_history_modal(
            line, card.title, editable_checkin_id=editable, links=links.get(line.id, ())
        )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.EDIT_OBJECTIVE)(on_edit)
    app.view(ids.EDIT_OBJECTIVE_VIEW)(on_submit)
    app.action(ids.ARCHIVE_OBJECTIVE)(on_archive)
    app.action(ids.SHOW_KR_HISTORY)(on_history)
