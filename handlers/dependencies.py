"""Dependencies between teams' key results, from the listeners' side: the "Depends on"
select's options, the rules checked where a KR's Details are applied and again when the
objective is saved, the upstream lead's one DM (through the delivery ledger) and its
*Acknowledge* / *Discuss*, the links under KRs on every screen, and the dependants told
when a KR they depend on is removed."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.dependency_lines import (
    End,
    Link,
    Told,
    removed_message,
    upstream_message,
)
from blocks.kr_details import DEPENDS_ON, links_of, links_text
from blocks.view_state import action_value, json_object, row_id
from handlers.context import Ctx
from handlers.viewer import Viewer, user_of, workspace_of
from okr.dependencies import MAX_UPSTREAM, Downstream, need_problem, option_label, problem
from okr.dependency_status import dependency_status
from okr.i18n import N_, _, use_lang
from okr.outline import ObjectiveCard
from storage.dependencies import (
    DependencyView,
    acknowledge,
    dependencies_touching,
    dependency_edges,
    get_dependency,
    kr_ends,
    kr_options,
    set_dependencies,
)
from storage.engine import AsyncSession
from storage.models import Objective
from storage.objectives import get_objective, objectives_of_krs
from storage.outlines import objective_cards
from storage.people import lang_of_user, langs_of
from storage.teams import leads_of, teams_by_id

log = logging.getLogger(__name__)

#: Ledger kinds: the upstream lead told of a new dependant, a dependant told of a removal.
TOLD_KIND = "dependency_told"
REMOVED_KIND = "dependency_removed"

NOT_EDITOR = N_("Only people who may edit this key result change what it depends on.")
GONE = N_("That dependency does not exist any more.")


# --- the select's options --------------------------------------------------------------


def _details_form(view: Mapping[str, Any]) -> dict[str, Any]:
    """The objective modal's snapshot a Details modal carries (see blocks/kr_details)."""
    form = json_object(view.get("private_metadata")).get("form")
    return form if isinstance(form, dict) else {}


async def on_depends_options(ack: AsyncAck, body: dict[str, Any], ctx: Ctx) -> None:
    """The "Depends on" search: the cycle's live KRs whose title holds what is typed,
    other teams' first, one indexed statement, at most 100."""
    form = _details_form(body.get("view") or {})
    cycle_id = row_id(form.get("cycle_id"))
    if cycle_id is None:
        await ack(options=[])
        return
    team = form.get("team")
    own_team = row_id(team[0]) if isinstance(team, list) and team else None
    meta = form.get("meta") if isinstance(form.get("meta"), dict) else {}
    objective_id = row_id(meta.get("objective_id"))
    async with ctx.deps.sessions() as session:
        found = await kr_options(
            session,
            workspace_of(body),
            cycle_id,
            str(body.get("value", ""))[:100],
            own_team_id=own_team,
            exclude_objective_id=objective_id,
        )
    options = [
        {
            "text": {
                "type": "plain_text",
                "text": option_label(o.team_name or _("Personal"), o.title),
            },
            "value": str(o.kr_id),
        }
        for o in found
    ]
    await ack(options=options)


async def option_labels(
    session: AsyncSession, workspace_id: str, kr_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """The chosen KRs as the select shows them, to draw Details again (one statement)."""
    if not kr_ids:
        return []
    views = await kr_ends(session, kr_ids)
    objectives = await objectives_of_krs(session, workspace_id, list(kr_ids))
    teams = await teams_by_id(session, workspace_id, {o.team_id for o in objectives if o.team_id})
    team_of = {o.id: teams[o.team_id].name for o in objectives if o.team_id in teams}
    return [
        (
            kr_id,
            option_label(
                team_of.get(views[kr_id].objective_id) or _("Personal"), views[kr_id].title
            ),
        )
        for kr_id in kr_ids
        if kr_id in views and views[kr_id].workspace_id == workspace_id
    ]


# --- the rules, where Details are applied and where the objective is saved -------------


@dataclass(frozen=True)
class Wanted:
    """What one KR line asks to depend on: its row, its KR (None: new), upstream ids."""

    row: int
    kr_id: int | None
    upstream: Sequence[int]
    need: str = ""


async def link_errors(
    session: AsyncSession,
    viewer: Viewer,
    wanted: Sequence[Wanted],
    *,
    objective_id: int | None,
    cycle_span: tuple[date, date],
) -> dict[int, str]:
    """Each row's refusal (row -> sentence): a link the rules refuse, too many, a need
    too long, or a person who may not edit the objective. Two statements in all."""
    asked = [w for w in wanted if w.upstream]
    if not asked:
        return {}
    errors: dict[int, str] = {}
    if objective_id is not None:
        objective = await get_objective(session, viewer.workspace_id, objective_id)
        if objective is None or not viewer.may_edit(
            owner_id=objective.owner_id, team_id=objective.team_id
        ):
            return {w.row: _(NOT_EDITOR) for w in asked}
    ends = await kr_ends(session, {u for w in asked for u in w.upstream})
    edges = await dependency_edges(session, viewer.workspace_id)
    first, last = cycle_span
    for w in asked:
        if len(w.upstream) > MAX_UPSTREAM:
            errors[w.row] = _("Pick at most {n} key results to depend on.").format(n=MAX_UPSTREAM)
            continue
        down = Downstream(viewer.workspace_id, objective_id, first, last, kr_id=w.kr_id)
        found = need_problem(w.need) or next(
            (p for u in w.upstream if (p := problem(down, ends.get(u), edges))), None
        )
        if found:
            errors[w.row] = found
    return errors


async def store_links(
    session: AsyncSession,
    workspace_id: str,
    wanted: Mapping[int, Wanted],
    *,
    by: str,
    now: datetime,
) -> list[int]:
    """Keep each KR's links as its line says (KR id -> what it wants), in the save's
    transaction (one read, however many lines); the ids of the new ones (their upstream
    leads are told after the ack)."""
    rows = await set_dependencies(
        session,
        workspace_id,
        {kr_id: {u: w.need for u in w.upstream} for kr_id, w in wanted.items()},
        created_by=by,
        now=now,
    )
    return [row.id for row in rows if row.id is not None]


# --- telling the upstream lead, once ---------------------------------------------------


async def _names(
    session: AsyncSession, workspace_id: str, views: Sequence[DependencyView]
) -> dict[int, str]:
    team_ids = {v.upstream.objective.team_id for v in views} | {
        v.downstream_objective.team_id for v in views
    }
    teams = await teams_by_id(session, workspace_id, {t for t in team_ids if t})
    return {team_id: team.name for team_id, team in teams.items()}


def _told(view: DependencyView, names: Mapping[int, str]) -> Told:
    down_obj = view.downstream_objective
    down_kr = view.downstream_kr
    downstream = End(
        names.get(down_obj.team_id or 0),
        down_kr.owner_id if down_kr is not None else down_obj.owner_id,
        down_kr.title if down_kr is not None else down_obj.title,
    )
    up = view.upstream
    upstream = End(names.get(up.objective.team_id or 0), up.kr.owner_id, up.kr.title)
    dep = view.dependency
    return Told(dep.id or 0, downstream, upstream, dep.need, dep.created_by, dep.upstream_kr_id)


async def tell_upstream(
    client: AsyncWebClient, ctx: Ctx, workspace_id: str, dependency_ids: Collection[int]
) -> None:
    """After a save: each new dependency's upstream team leads (its KR's owner when the
    team has none) get one DM, claimed in the ledger under the dependency's id."""
    if not dependency_ids:
        return
    async with ctx.deps.sessions() as session:
        views = [
            v
            for v in await _views_of(session, workspace_id, dependency_ids)
            if v.dependency.id in set(dependency_ids)
        ]
        names = await _names(session, workspace_id, views)
        team_ids = {v.upstream.objective.team_id for v in views if v.upstream.objective.team_id}
        leads = await leads_of(session, workspace_id, team_ids)
        sends = [
            (lead, _told(view, names))
            for view in views
            for lead in leads.get(view.upstream.objective.team_id or 0)
            or [view.upstream.kr.owner_id]
        ]
        langs = await langs_of(session, workspace_id, sorted({lead for lead, _told_ in sends}))
    for lead, told in sends:
        with use_lang(langs.get(lead)):
            message = upstream_message(told)

        async def send(lead: str = lead, message: dict[str, Any] = message) -> Any:
            return await client.chat_postMessage(channel=lead, **message)

        await ctx.send_once(
            client, workspace_id, TOLD_KIND, lead, f"dep:{told.dependency_id}", send
        )


async def _views_of(
    session: AsyncSession, workspace_id: str, dependency_ids: Collection[int]
) -> list[DependencyView]:
    """The dependencies with these ids, both ends loaded (one statement per end kind)."""
    rows = [await get_dependency(session, workspace_id, i) for i in dependency_ids]
    kr_ids = {r.upstream_kr_id for r in rows if r is not None}
    return await dependencies_touching(session, workspace_id, kr_ids=kr_ids)


async def _one(
    session: AsyncSession, workspace_id: str, dependency_id: int | None
) -> tuple[DependencyView, dict[int, str]] | None:
    if dependency_id is None:
        return None
    found = [
        v
        for v in await _views_of(session, workspace_id, [dependency_id])
        if v.dependency.id == dependency_id
    ]
    if not found:
        return None
    return found[0], await _names(session, workspace_id, found)


async def on_acknowledge(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """*Acknowledge*: recorded once (who and when), the DM updated in place."""
    await ack()
    workspace_id, user_id = workspace_of(body), user_of(body)
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str((body.get("message") or {}).get("ts") or "")
    dependency_id = row_id(action_value(body))
    async with ctx.deps.sessions() as session:
        found = await _one(session, workspace_id, dependency_id)
        if found is not None:
            row = await acknowledge(
                session, workspace_id, dependency_id or 0, user_id, ctx.deps.clock()
            )
            await session.commit()
            by = row.acknowledged_by if row is not None else user_id
        lang = await lang_of_user(session, workspace_id, user_id)
    with use_lang(lang):
        if found is None:
            message: dict[str, Any] = {"text": _(GONE), "blocks": []}
        else:
            message = upstream_message(_told(found[0], found[1]), acknowledged_by=by)
    if channel and ts:
        await client.chat_update(channel=channel, ts=ts, **message)


# --- the links under KRs on every screen -----------------------------------------------


async def links_of_cards(
    session: AsyncSession,
    workspace_id: str,
    cards: Sequence[ObjectiveCard],
    *,
    at: datetime,
    default_timezone: str,
) -> dict[int, list[Link]]:
    """Each shown KR's links, both ways: one statement for the links, then the teams and
    the upstream KRs' statuses (cards of the objectives not already shown) in a batch."""
    kr_ids = {kr.id for card in cards for kr in card.krs}
    views = await dependencies_touching(session, workspace_id, kr_ids=kr_ids)
    if not views:
        return {}
    names = await _names(session, workspace_id, views)
    lines = {kr.id: kr for card in cards for kr in card.krs}
    shown = {card.id for card in cards}
    missing: dict[int, Objective] = {
        v.upstream.objective.id or 0: v.upstream.objective
        for v in views
        if v.upstream.objective.id not in shown
    }
    more = await objective_cards(
        session, workspace_id, list(missing.values()), at=at, default_timezone=default_timezone
    )
    lines.update({kr.id: kr for card in more for kr in card.krs})
    links: dict[int, list[Link]] = {}
    for view in views:
        told = _told(view, names)
        up = lines.get(view.upstream.kr.id or 0)
        status = dependency_status(up.status, up.confidence) if up is not None else None
        down_id = view.downstream_kr.id if view.downstream_kr is not None else None
        if down_id in kr_ids:
            links.setdefault(down_id or 0, []).append(Link(True, told.upstream, status))
        if view.upstream.kr.id in kr_ids:
            links.setdefault(view.upstream.kr.id or 0, []).append(Link(False, told.downstream))
    return links


# --- removing a KR others depend on ----------------------------------------------------


async def dependants(
    session: AsyncSession, workspace_id: str, kr_ids: Collection[int]
) -> list[Told]:
    """The links into `kr_ids` from other KRs (or objectives), as the removal names them."""
    if not kr_ids:
        return []
    views = [
        v
        for v in await dependencies_touching(session, workspace_id, kr_ids=kr_ids)
        if v.upstream.kr.id in set(kr_ids)
    ]
    names = await _names(session, workspace_id, views)
    return [_told(v, names) for v in views]


async def tell_removed(
    client: AsyncWebClient, ctx: Ctx, workspace_id: str, removed: Sequence[Told], by: str
) -> None:
    """Each dependant's owner told once (ledger key per dependency) that the KR is gone."""
    async with ctx.deps.sessions() as session:
        owners = sorted({t.downstream.owner_id for t in removed})
        langs = await langs_of(session, workspace_id, owners)
    for told in removed:
        owner = told.downstream.owner_id
        with use_lang(langs.get(owner)):
            message = removed_message(told.upstream, told.downstream.title, by)

        async def send(owner: str = owner, message: dict[str, Any] = message) -> Any:
            return await client.chat_postMessage(channel=owner, **message)

        await ctx.send_once(
            client, workspace_id, REMOVED_KIND, owner, f"dep:{told.dependency_id}", send
        )


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.options(DEPENDS_ON)(on_depends_options)
    app.action(ids.DEPENDENCY_ACK)(on_acknowledge)


def wanted_of(rows: Sequence[Any]) -> list[Wanted]:
    """What each KR line of the objective modal asks to depend on (its Details)."""
    return [
        Wanted(row, kr.kr_id, links_of(kr.details), kr.details.get("need", ""))
        for row, kr in enumerate(rows)
    ]


def by_kr(wanted: Sequence[Wanted], kr_of_row: Mapping[int, int]) -> dict[int, Wanted]:
    """The lines' wishes keyed by the KR each line was stored as (rows without one left out)."""
    return {kr_of_row[w.row]: w for w in wanted if w.row in kr_of_row}


async def with_stored_links(session: AsyncSession, workspace_id: str, rows: Sequence[Any]) -> list:
    """Edit lines with what their KRs depend on as Details (one statement)."""
    kr_ids = {kr.kr_id for kr in rows if kr.kr_id is not None}
    views = await dependencies_touching(session, workspace_id, kr_ids=kr_ids)
    ups: dict[int, list[int]] = {}
    needs: dict[int, str] = {}
    for view in views:
        down = view.downstream_kr.id if view.downstream_kr is not None else None
        if down in kr_ids:
            ups.setdefault(down or 0, []).append(view.upstream.kr.id or 0)
            needs.setdefault(down or 0, view.dependency.need)
    return [
        replace(
            kr,
            details={**kr.details, "depends": links_text(ups[kr.kr_id]), "need": needs[kr.kr_id]},
        )
        if kr.kr_id in ups
        else kr
        for kr in rows
    ]
