"""`/okr set`: the objective modal, its "Add key result" row, its searchable selects, and
storing a new objective. The edit flow (handlers/objective_edit.py) shares the form."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.confirmation import new_objective_post, set_confirmation
from blocks.objective_form import (
    TEAM_PICK,
    TEMPLATE_BLOCK,
    Choice,
    FormState,
    due_errors,
    kr_block,
    objective_modal,
    read_form,
    state_of,
    with_extra_row,
)
from blocks.okr_options import objective_options, team_options
from handlers.before_ack import in_time, store_session
from handlers.context import Ctx
from handlers.dependencies import Wanted, by_kr, link_errors, store_links, tell_upstream, wanted_of
from handlers.duplicates import check_saved, update_confirmation
from handlers.failures import after_saved
from handlers.okr_command import COMMAND, CommandRequest, Verb
from handlers.people import is_admin, person
from handlers.posting import post, post_to_update
from handlers.templates import TEMPLATE_WORDS, template_choices
from handlers.viewer import Viewer, load_viewer, user_of, workspace_of
from okr.drafts import ObjectiveDraft
from okr.i18n import N_, _, use_lang
from okr.outline import Level, ObjectiveCard
from okr.progress import StretchVerdict, stretch_check
from storage.context import Deps
from storage.cycles import cycle_for, previous_cycle, selectable_cycles
from storage.engine import AsyncSession, write_turn
from storage.models import Cycle, KeyResult, Objective, Team
from storage.objectives import (
    create_objective,
    descends_from,
    get_objective,
    previous_results,
    search_objectives,
)
from storage.outlines import objective_cards
from storage.people import lang_of_user, names_of
from storage.teams import get_team, list_teams, team_by_channel, team_roster

log = logging.getLogger(__name__)


async def cycle_choices(session: AsyncSession, viewer: Viewer) -> list[Choice]:
    cycles = await selectable_cycles(session, viewer.workspace_id, viewer.today)
    if viewer.cycle.id not in {c.id for c in cycles}:
        cycles = [viewer.cycle, *cycles]
    return [Choice(str(c.id), c.name) for c in cycles][:100]


async def team_choice(session: AsyncSession, viewer: Viewer, channel_id: str) -> Choice | None:
    """The team a new objective is for at first: the team of the channel `/okr set` was
    typed in (when the author may set its objectives), else the author's only team."""
    team = await team_by_channel(session, viewer.workspace_id, channel_id) if channel_id else None
    if team is None or not team.id or not viewer.may_set_for(team.id):
        team = viewer.teams[0] if len(viewer.teams) == 1 else None
    return Choice(str(team.id), team.name) if team and team.id else None


#: How many of a team's people its owner menu lists (the modal keeps them in its metadata).
TEAM_MENU_MAX = 20


async def team_people(
    session: AsyncSession, viewer: Viewer, team: Choice | None
) -> tuple[str, list[Choice]] | None:
    """The team's people, offered first as key-result owners when one of its leads sets or
    edits its objective: reps first, then the leads, by name as Slack gave it."""
    team_id = int(team.value) if team is not None and team.value.isdigit() else None
    if team_id is None or team_id not in viewer.led_team_ids:
        return None
    leads, members = await team_roster(session, viewer.workspace_id, team_id)
    ordered = [m for m in members if m not in leads] + leads
    names = await names_of(session, viewer.workspace_id, ordered)
    people = [Choice(u, (names.get(u) or u)[:30]) for u in ordered[:TEAM_MENU_MAX]]
    return str(team_id), people


async def cycle_bounds(session: AsyncSession, viewer: Viewer, cycles: Sequence[Choice]) -> dict:
    """Each offered cycle's first and last day, for reading due dates in sentences."""
    bounds = {}
    for choice in cycles[:12]:
        cycle = await cycle_for(session, viewer.workspace_id, int(choice.value))
        if cycle is not None:
            bounds[choice.value] = [cycle.start_date.isoformat(), cycle.end_date.isoformat()]
    return bounds


async def validate_in_database(
    session: AsyncSession,
    viewer: Viewer,
    draft: ObjectiveDraft,
    *,
    objective: Objective | None = None,
) -> dict[str, str]:
    """The checks the form cannot make alone: the cycle, team and alignment target exist
    in this workspace, the target is in the same cycle, no alignment loop appears, and
    milestone due dates fall inside the cycle, and the author may give the objective to its
    team (when it is new or moves there)."""
    errors: dict[str, str] = {}
    ws = viewer.workspace_id
    objective_id = objective.id if objective is not None else None
    cycle = await cycle_for(session, ws, draft.cycle_id)
    if cycle is None:
        errors["cycle"] = _("That cycle does not exist any more: pick another.")
    elif cycle.closed_at is not None:
        errors["cycle"] = _("{cycle} is closed: pick a current cycle.").format(cycle=cycle.name)
    else:
        errors.update(due_errors(draft, cycle.start_date, cycle.end_date, cycle.name))
    team = await get_team(session, ws, draft.team_id) if draft.team_id is not None else None
    if draft.team_id is not None and team is None:
        errors["team"] = _("That team does not exist any more: pick another.")
    elif (
        team is not None
        and (objective is None or objective.team_id != team.id)
        and not viewer.may_set_for(team.id or 0)
    ):
        errors["team"] = _(
            "Only the leads and members of {team} (and workspace admins) set its objectives: "
            "pick your own team, or ask one of its leads."
        ).format(team=team.name)
    if draft.level == Level.COMPANY and not viewer.is_admin:
        errors["level"] = _("Only workspace admins set company objectives: pick team or personal.")
    if draft.parent_id is not None:
        parent = await get_objective(session, ws, draft.parent_id)
        if parent is None:
            errors["align"] = _("That objective was archived or does not exist: pick another.")
        elif parent.cycle_id != draft.cycle_id:
            other = await cycle_for(session, ws, parent.cycle_id)
            errors["align"] = (
                _("“{objective}” is in {cycle}: align to an objective of the same cycle.").format(
                    objective=parent.title[:60], cycle=other.name
                )
                if other
                else _(
                    "“{objective}” is in another cycle: align to an objective of the same cycle."
                ).format(objective=parent.title[:60])
            )
        elif objective_id is not None and (
            parent.id == objective_id or await descends_from(session, ws, parent.id, objective_id)
        ):
            errors["align"] = _("That objective is aligned under this one: pick one above it.")
    return errors


async def stretch_verdicts(
    session: AsyncSession, workspace_id: str, cycle: Cycle, card: ObjectiveCard
) -> dict[int, StretchVerdict]:
    """DESIGN's stretch check per KR: against the typed baseline, else the owner's result
    for the same KR last cycle. Only warnings are returned."""
    previous = await previous_cycle(session, workspace_id, cycle)
    last = await previous_results(
        session, workspace_id, previous, [(kr.owner_id, kr.title) for kr in card.krs]
    )
    verdicts = {}
    for kr in card.krs:
        baseline = kr.baseline
        if baseline is None:
            baseline = last.get((kr.owner_id, kr.title.lower()))
        verdict = stretch_check(kr.kind, baseline, kr.target)
        if verdict is not None and verdict.is_warning:
            verdicts[kr.id] = verdict
    return verdicts


async def _confirmation_reads(
    deps: Deps, viewer: Viewer, objective: Objective
) -> tuple[ObjectiveCard, dict[int, StretchVerdict], Team | None]:
    """The saved objective as its card, its stretch warnings, and its team."""
    async with deps.sessions() as session:
        [card] = await objective_cards(
            session,
            viewer.workspace_id,
            [objective],
            at=deps.clock(),
            default_timezone=deps.default_timezone,
        )
        cycle = await cycle_for(session, viewer.workspace_id, objective.cycle_id)
        assert cycle is not None
        verdicts = await stretch_verdicts(session, viewer.workspace_id, cycle, card)
        team = (
            await get_team(session, viewer.workspace_id, objective.team_id)
            if (objective.team_id)
            else None
        )
    return card, verdicts, team


async def announce(
    client: AsyncWebClient,
    ctx: Ctx,
    viewer: Viewer,
    objective: Objective,
    *,
    new: bool,
    draft: ObjectiveDraft | None = None,
    titles_before: Mapping[int, str] | None = None,
    links: Sequence[int] = (),
) -> None:
    """After a save: the author's confirmation with the stretch check (and what each target
    typed relative, `+20%`, became), the team channel's post (new objectives only), the
    confirmation updated with other teams' near-identical KRs when there are any (checked
    once it is posted, so the check never delays it; for a new objective's KRs or an
    edit's new and renamed ones, see `titles_before`), and fresh Home tabs for everyone
    whose OKRs changed; the upstream leads of new dependencies (`links`) are told."""
    deps = ctx.deps
    card, verdicts, team = await _confirmation_reads(deps, viewer, objective)
    # The KRs are stored in the draft's order, so row i of the draft is card.krs[i].
    relative = {
        kr.id: typed.relative_target
        for kr, typed in zip(card.krs, draft.krs if draft else (), strict=False)
        if typed.relative_target
    }
    confirmation = set_confirmation(card, verdicts, relative)
    sent = await post_to_update(client, viewer.user_id, confirmation, what="confirmation")
    if new and team is not None and team.channel_id:
        with use_lang(team.lang):  # a channel post: the team's language
            announcement = new_objective_post(card, viewer.user_id)
        await post(client, team.channel_id, announcement, what="new-objective post")
    hints = await check_saved(
        deps,
        viewer.workspace_id,
        objective,
        card.krs,
        author_team_ids=viewer.member_team_ids,
        titles_before=titles_before,
    )
    if hints and sent is not None:  # the confirmation again, with other teams' KRs
        await update_confirmation(client, sent, set_confirmation(card, verdicts, relative, hints))
    owners = {viewer.user_id, objective.owner_id, *(kr.owner_id for kr in card.krs)}
    await ctx.home.publish_many(client, viewer.workspace_id, owners)
    await tell_upstream(client, ctx, viewer.workspace_id, links)
    await tell_upstream(client, ctx, viewer.workspace_id, links)


async def open_set_modal(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    trigger_id: str,
    title: str = "",
    channel_id: str = "",
    *,
    template_first: bool = False,
) -> None:
    """The objective modal, prefilled with the current cycle and the user's team; with
    `template_first` the template picker has the focus."""
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id)
        cycles = await cycle_choices(session, viewer)
        team = await team_choice(session, viewer, channel_id)
        members = await team_people(session, viewer, team)
        bounds = await cycle_bounds(session, viewer, cycles)
        lang = await lang_of_user(session, workspace_id, user_id)
    state = FormState(
        author_id=user_id,
        cycles=cycles,
        cycle_id=viewer.cycle.id,
        level=Level.TEAM if team else Level.PERSONAL,
        team=team,
        title=title.strip()[:150],
        channel_id=channel_id,
        bounds=bounds,
        templates=template_choices(deps, lang),
        focus_template=template_first,
        lang=lang,
        members=members,
    )
    await client.views_open(trigger_id=trigger_id, view=objective_modal(state))


async def set_verb(request: CommandRequest) -> None:
    """`/okr set [title]`; `/okr set template` opens it on the template picker."""
    await request.ack()
    template_first = request.args.strip().lower() in TEMPLATE_WORDS
    await open_set_modal(
        request.client,
        request.ctx.deps,
        request.workspace_id,
        request.user_id,
        str(request.body.get("trigger_id", "")),
        "" if template_first else request.args,
        request.channel_id,
        template_first=template_first,
    )


async def on_new_okr(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The Home tab's "New OKR" button."""
    await ack()
    await open_set_modal(client, ctx.deps, workspace_of(body), user_of(body), body["trigger_id"])


async def on_add_row(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    """The "Add key result" button: the same modal with one more row, as typed so far."""
    await ack()
    await redraw(client, body, with_extra_row)


async def on_align_options(ack: AsyncAck, body: dict[str, Any], ctx: Ctx) -> None:
    """The "Aligns to" search: objectives of the chosen cycle matching what is typed."""
    view = body.get("view") or {}
    state = state_of(view, user_of(body), _cycles_shown(view))
    workspace_id = workspace_of(body)
    async with ctx.deps.sessions() as session:
        cycle_id = state.cycle_id
        if cycle_id is None:
            await ack(options=[])
            return
        found = await search_objectives(
            session,
            workspace_id,
            cycle_id,
            str(body.get("value", "")),
            exclude_id=state.objective_id,
        )
    await ack(options=objective_options([(o.id or 0, o.level, o.title) for o in found]))


async def on_team_options(ack: AsyncAck, body: dict[str, Any], ctx: Ctx) -> None:
    """The team select's search."""
    async with ctx.deps.sessions() as session:
        teams = await list_teams(session, workspace_of(body))
    choices = [(t.id or 0, t.name) for t in teams]
    await ack(options=team_options(choices, str(body.get("value", ""))))


@dataclass(frozen=True)
class Saved:
    """A new objective's submission, checked and (when right) stored before its ack."""

    errors: dict[str, str]
    viewer: Viewer | None = None
    #: None for a repeat of a submission already stored.
    objective: Objective | None = None
    #: The new dependencies (their upstream leads are told after the ack).
    links: tuple[int, ...] = ()


async def check_and_create(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    user_id: str,
    draft: ObjectiveDraft,
    view_id: str | None,
    wanted: Sequence[Wanted] = (),
) -> Saved:
    """The database's checks (field errors, nothing stored), then the objective, created
    once per modal however often Slack delivers its submission."""
    async with store_session(deps) as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id, check_admin=False)
        if draft.level == Level.COMPANY or (
            draft.team_id is not None and draft.team_id not in viewer.member_team_ids
        ):  # only then does it matter whether they are an admin (a users.info call)
            viewer = replace(viewer, is_admin=await is_admin(client, deps, workspace_id, user_id))
        errors = await validate_in_database(session, viewer, draft)
        errors.update(await gone_owners(client, deps, workspace_id, draft, author_id=user_id))
        cycle = await cycle_for(session, workspace_id, draft.cycle_id)
        if cycle is not None:
            span = (cycle.start_date, cycle.end_date)
            refused = await link_errors(session, viewer, wanted, objective_id=None, cycle_span=span)
            errors.update({kr_block(row): text for row, text in refused.items()})
        if errors:
            return Saved(errors)
        links: list[int] = []
        async with write_turn(session):
            created = await create_objective(
                session,
                workspace_id,
                draft,
                author_id=user_id,
                now=deps.clock(),
                submission_key=f"view:{view_id}" if view_id else None,
            )
            if created is not None:
                rows = {d.row: kr.id or 0 for d, kr in zip(draft.krs, created[1], strict=True)}
                wishes = by_kr([w for w in wanted if w.upstream], rows)
                links = await store_links(
                    session, workspace_id, wishes, by=user_id, now=deps.clock()
                )
            await session.commit()
    return Saved({}, viewer, created[0] if created is not None else None, tuple(links))


async def on_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """The objective modal: the form's and the database's checks and the store, before
    the ack and within Slack's 3 s (field errors, or a busy database, keep it open with
    nothing stored); then the announcements."""
    view = body["view"]
    user_id, workspace_id = user_of(body), workspace_of(body)
    read = read_form(view, author_id=user_id)
    draft = read.draft
    if draft is None:
        await ack(response_action="errors", errors=read.errors)
        return
    wanted = wanted_of(state_of(view, user_id, ()).rows)
    saved = await in_time(
        check_and_create(client, ctx.deps, workspace_id, user_id, draft, view.get("id"), wanted)
    )
    if saved.errors:
        await ack(response_action="errors", errors=saved.errors)
        return
    await ack()
    if saved.objective is None or saved.viewer is None:
        log.info("objective view %s was already stored; ignored the repeat", view.get("id"))
        return
    log.info("objective %s created by %s in %s", saved.objective.id, user_id, workspace_id)
    await after_saved(
        client,
        user_id,
        N_("Your objective"),
        announce(
            client, ctx, saved.viewer, saved.objective, new=True, draft=draft, links=saved.links
        ),
    )


#: How long a save may spend asking Slack about owners who might have left: its store must
#: still fit Slack's 3 s. Past it, the owners are taken as present (the scheduler finds gone
#: people when it writes to them).
GONE_CHECK_S = 0.8


async def gone_owners(
    client: AsyncWebClient,
    deps: Deps,
    workspace_id: str,
    draft: ObjectiveDraft,
    existing: Sequence[KeyResult] = (),
    *,
    author_id: str = "",
) -> dict[str, str]:
    """A field error on each row given to someone who left the workspace (users.info says
    deleted; cached a day). The author, and a KR an edit leaves with its owner, are not
    asked about; the others at once, within GONE_CHECK_S."""
    kept = {(kr.id, kr.owner_id) for kr in existing}
    owners = sorted(
        {kr.owner_id for kr in draft.krs if (kr.kr_id, kr.owner_id) not in kept} - {author_id}
    )
    if not owners:
        return {}
    try:
        people = await asyncio.wait_for(
            asyncio.gather(*(person(client, deps, workspace_id, o) for o in owners)),
            GONE_CHECK_S,
        )
    except TimeoutError:
        log.warning(
            "users.info for %d owners took over %.1f s: not checked", len(owners), GONE_CHECK_S
        )
        return {}
    gone = {p.user_id for p in people if p.inactive}
    return {
        kr_block(kr.row): _("{owner} has left the workspace: pick another owner.").format(
            owner=f"<@{kr.owner_id}>"
        )
        for kr in draft.krs
        if kr.owner_id in gone
    }


VERBS = (
    Verb("set", f"{COMMAND} set [title]", N_("Set an objective and its key results"), set_verb),
)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.NEW_OKR)(on_new_okr)
    app.action(ids.ADD_KR_ROW)(on_add_row)
    app.options(ids.ALIGN_TO)(on_align_options)
    app.options(TEAM_PICK)(on_team_options)
    app.view(ids.SET_OBJECTIVE_VIEW)(on_submit)


def _options_shown(view: dict[str, Any], block_id: str) -> list[Choice]:
    """The options a select of the modal was drawn with, to redraw it without a query."""
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            element = block.get("element") or (block.get("elements") or [{}])[0]
            options = element.get("options", [])
            return [Choice(o["value"], o["text"]["text"]) for o in options]
    return []


def _cycles_shown(view: dict[str, Any]) -> Sequence[Choice]:
    return _options_shown(view, "cycle")


def shown_state(view: dict[str, Any], user_id: str) -> FormState:
    """The modal's form as typed, with the cycles and templates it was drawn with."""
    state = state_of(view, user_id, _cycles_shown(view))
    return replace(state, templates=_options_shown(view, TEMPLATE_BLOCK))


async def redraw(
    client: AsyncWebClient,
    body: dict[str, Any],
    change: Callable[[FormState], FormState] = lambda state: state,
) -> None:
    """The objective modal drawn again as typed (readings, why fields), after `change`.
    Block ids stay the same, so Slack keeps what is typed."""
    view = body.get("view") or {}
    state = change(shown_state(view, user_of(body)))
    await client.views_update(
        view_id=view["id"], hash=view.get("hash"), view=objective_modal(state)
    )
