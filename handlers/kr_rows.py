"""The key-result lines of the objective modal (new and Edit): Enter in a line shows how it
reads, a new owner or level redraws the modal, *Details* pushes a line's fields and writes
what it sets back into the objective modal, and a template fills the modal."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.kr_details import (
    details_block,
    details_modal,
    links_of,
    links_text,
    read_details,
    read_links,
)
from blocks.kr_row import RowFields, check_fields, read_sentence
from blocks.objective_form import (
    INITIAL_KR_ROWS,
    LEVEL_PICK,
    MAX_KR_ROWS,
    OWNER_PREFIX,
    FormState,
    KRRow,
    from_snapshot,
    objective_modal,
    snapshot,
)
from blocks.view_state import action_value, row_id
from handlers.context import Ctx
from handlers.dependencies import Wanted, link_errors, option_labels
from handlers.objective_set import redraw, shown_state
from handlers.templates import template_choices, template_state
from handlers.viewer import load_viewer, user_of, workspace_of


async def on_line(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    """Enter in a key-result line, a new owner, a new level: the modal drawn again, with
    how each line reads (and, editing, a "why" field beside a changed target)."""
    await ack()
    await redraw(client, body)


async def on_details(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx) -> None:
    """*Details* on a line: its fields in a small modal pushed over the objective modal,
    prefilled from how its sentence reads and what Details set before."""
    await ack()
    view = body.get("view") or {}
    state = shown_state(view, user_of(body))
    row = row_id(action_value(body))
    if row is None or row >= len(state.rows):
        return
    kr = state.rows[row]
    first, last = state.cycle_span()
    base, title, _problem = read_sentence(kr.sentence, cycle_start=first, cycle_end=last)
    shown = (base or RowFields()).overlaid(kr.details)
    owner = kr.owner_id or state.author_id
    form = {**snapshot(state), "view_id": view.get("id")}
    async with ctx.deps.sessions() as session:
        depends = await option_labels(session, workspace_of(body), links_of(kr.details))
    modal = details_modal(
        row, title, shown, owner, form, depends=depends, need=kr.details.get("need", "")
    )
    await client.views_push(trigger_id=body["trigger_id"], view=modal)


async def on_details_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """Details applied: checked (field errors keep it open), then kept in the objective
    modal's metadata, where it wins over the sentence, and that modal redrawn with it."""
    view = body["view"]
    user_id = user_of(body)
    row, shown, typed, form = read_details(view)
    if row is None or not form.get("view_id"):
        await ack()
        return
    state = from_snapshot(form, user_id)
    if row >= len(state.rows):
        await ack()
        return
    kr = state.rows[row]
    first, last = state.cycle_span()
    _fields, title, _problem = read_sentence(kr.sentence, cycle_start=first, cycle_end=last)
    owner = typed.owner or kr.owner_id or user_id
    _draft, problems = check_fields(
        replace(typed, owner=owner), title=title or "-", row=row, owner_id=owner, kr_id=kr.kr_id
    )
    problems.pop("sentence", None)
    upstream, need = read_links(view)
    async with ctx.deps.sessions() as session:
        viewer = await load_viewer(
            session,
            client,
            ctx.deps,
            workspace_of(body),
            user_id,
            check_admin=state.objective_id is not None,
        )
        refused = await link_errors(
            session,
            viewer,
            [Wanted(row, kr.kr_id, upstream, need)],
            objective_id=state.objective_id,
            cycle_span=state.cycle_span(),
        )
    if refused:
        problems["depends"] = refused[row]
    if problems:
        await ack(
            response_action="errors",
            errors={details_block(name): text for name, text in problems.items()},
        )
        return
    await ack()
    changed = typed.changed_from(shown)
    changed.pop("owner", None)  # the line's own owner picker shows and keeps the owner
    details = {**kr.details, **changed, "depends": links_text(upstream), "need": need}
    details = {k: v for k, v in details.items() if v or k not in ("depends", "need")}
    rows = list(state.rows)
    rows[row] = replace(kr, details=details, owner_id=owner)
    templates = [] if state.editing else template_choices(ctx.deps, state.lang)
    fresh = replace(state, rows=rows, templates=templates)
    await client.views_update(view_id=str(form["view_id"]), view=objective_modal(fresh))


async def on_template(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, ctx: Ctx
) -> None:
    """A template picked: the objective's title, why and key-result lines filled from it in
    the person's language; the numbers are theirs to change."""
    await ack()
    key = action_value(body)

    def filled(state: FormState) -> FormState:
        found = template_state(ctx.deps, key, state.lang)
        if found is None:
            return state
        title, why, sentences = found
        owners = [kr.owner_id for kr in state.rows]
        rows = [
            KRRow(sentence=text, owner_id=owners[n] if n < len(owners) else None)
            for n, text in enumerate(sentences[:MAX_KR_ROWS])
        ]
        rows += [KRRow()] * max(0, INITIAL_KR_ROWS - len(rows))
        # New action ids: Slack keeps what was typed in a field whose ids stay the same.
        return replace(
            state, title=title, description=why, rows=rows, template=key, gen=state.gen + 1
        )

    await redraw(client, body, filled)


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(re.compile(f"^{re.escape(ids.KR_SENTENCE)}"))(on_line)
    app.action(re.compile(f"^{re.escape(OWNER_PREFIX)}"))(on_line)
    app.action(LEVEL_PICK)(on_line)
    app.action(ids.KR_DETAILS)(on_details)
    app.view(ids.KR_DETAILS_VIEW)(on_details_submit)
    app.action(ids.PICK_TEMPLATE)(on_template)
