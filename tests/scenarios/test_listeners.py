"""Listeners called directly, the way the starter template tests its callbacks: import one
named function from its handlers module and call it with a recording `ack`, a Web API
client on the fake Slack, and the `ctx` the composition root built for the running bot.

What they store goes to the real database (SQLite and PostgreSQL); what they send to Slack
is what the fake Slack recorded. Nothing of the project is replaced.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col, select

from blocks import team_modal as modal
from blocks.checkin_modal import value_block
from bot.runtime import Runtime
from handlers import checkin, okr_command, team
from handlers.context import Ctx
from okr.drafts import KRDraft, ObjectiveDraft
from okr.progress import KRKind
from okr.team_rhythm import DEFAULT_RHYTHM, ORDER_ERROR
from okr.values import Unit
from storage.cycles import current_cycle
from storage.models import CheckIn, Team
from storage.objectives import create_objective
from storage.teams import rhythm_of, team_roster
from storage.workspaces import ensure_workspace
from tests.fakeslack import FakeSlack
from tests.forms import fill

WS, ME = "T0001", "U0001"


class Recorder:
    """Stands in for Bolt's `ack` (or `respond`): records the keywords of each call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def _wired(bot: Runtime) -> tuple[Ctx, AsyncWebClient]:
    assert bot.ctx is not None and bot.client is not None
    return bot.ctx, bot.client


def _command(text: str) -> dict[str, Any]:
    """A slash command body as Bolt hands it to the listener."""
    return {
        "command": "/okr",
        "text": text,
        "team_id": WS,
        "user_id": ME,
        "channel_id": "C100",
        "trigger_id": "1.2.trigger",
        "response_url": "https://hooks.slack.invalid/commands/1",
    }


def _interaction(kind: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A view_submission (or block_actions) body carrying `view` with `values` as its state."""
    return {
        "type": kind,
        "team": {"id": WS, "domain": "okr-test"},
        "user": {"id": ME, "team_id": WS},
        "trigger_id": "3.4.trigger",
        "view": {**view, "id": view.get("id", "V0001"), "state": {"values": values}},
    }


# --- /okr: the verb table -----------------------------------------------------------------


async def test_okr_command_runs_the_verb_its_first_word_names(
    bot: Runtime, slack: FakeSlack
) -> None:
    ctx, client = _wired(bot)
    assert [verb.name for verb in ctx.verbs] == [
        "set",
        "log",
        "list",
        "tree",
        "map",
        "team",
        "cycle",
        "digest",
        "pause",
        "export",
        "kudos",
        "lang",
        "help",
    ]

    ack, respond = Recorder(), Recorder()
    await okr_command.on_okr(
        ack=ack, body=_command("nope"), respond=respond, client=client, ctx=ctx
    )
    [answer] = ack.calls
    assert answer["response_type"] == "ephemeral"
    assert "I don't know `nope`" in json.dumps(answer["blocks"])

    ack = Recorder()
    await okr_command.on_okr(
        ack=ack, body=_command("HELP"), respond=respond, client=client, ctx=ctx
    )
    [answer] = ack.calls
    assert "I don't know" not in json.dumps(answer["blocks"])
    assert answer["text"] == "OKR bot commands: " + ", ".join(v.usage for v in ctx.verbs)

    ack = Recorder()
    await okr_command.on_okr(ack=ack, body=_command("log"), respond=respond, client=client, ctx=ctx)
    assert ack.calls == [{}]  # acked first, then the check-in modal
    [opened] = slack.calls_to("views.open")
    assert opened.ok and opened.args["trigger_id"] == "1.2.trigger"
    assert opened.args["view"]["title"]["text"] == "Weekly check-in"
    assert "You own no key results" in json.dumps(opened.args["view"])
    assert respond.calls == []


# --- a check-in submission ----------------------------------------------------------------


async def _seed_kr(bot: Runtime) -> int:
    """One personal objective of ME with one KR: New ARR from 1.2M to 2M USD."""
    ctx, _ = _wired(bot)
    deps = ctx.deps
    async with deps.sessions() as session:
        await ensure_workspace(session, WS, deps.clock())
        cycle = await current_cycle(session, WS, deps.clock().date())
        assert cycle.id is not None
        kr = KRDraft(0, "New ARR", KRKind.INCREASE, Unit.CURRENCY, "USD", 1.2e6, 2e6, ME, None, 1)
        draft = ObjectiveDraft("Grow ARR", "", "personal", None, cycle.id, None, (kr,))
        created = await create_objective(session, WS, draft, author_id=ME, now=deps.clock())
        await session.commit()
    assert created is not None
    _, [stored] = created
    assert stored.id is not None
    return stored.id


async def _checkins(bot: Runtime) -> list[CheckIn]:
    ctx, _ = _wired(bot)
    async with ctx.deps.sessions() as session:
        return list(await session.exec(select(CheckIn).order_by(col(CheckIn.id))))


async def test_check_in_submission_stores_and_refreshes_home(
    bot: Runtime, slack: FakeSlack
) -> None:
    ctx, client = _wired(bot)
    kr_id = await _seed_kr(bot)
    ack = Recorder()
    await checkin.on_check_in(
        ack=ack, body=_interaction("block_actions", {}, {}), client=client, ctx=ctx
    )
    assert ack.calls == [{}]
    [opened] = slack.calls_to("views.open")
    view = opened.response["view"]
    assert value_block(kr_id) in {b.get("block_id") for b in view["blocks"]}

    # A value that is no number: a field error in the ack, nothing stored, nothing sent.
    ack = Recorder()
    body = _interaction("view_submission", view, fill(view, {value_block(kr_id): "lots"}))
    await checkin.on_submit(ack=ack, body=body, client=client, ctx=ctx)
    [refused] = ack.calls
    assert refused["response_action"] == "errors" and value_block(kr_id) in refused["errors"]
    assert await _checkins(bot) == []
    assert slack.calls_to("views.publish") == []

    ack = Recorder()
    body = _interaction("view_submission", view, fill(view, {value_block(kr_id): "1.5M"}))
    await checkin.on_submit(ack=ack, body=body, client=client, ctx=ctx)
    assert ack.calls == [{}]
    [stored] = await _checkins(bot)
    assert (stored.key_result_id, stored.user_id, stored.value) == (kr_id, ME, 1.5e6)
    # After the ack, in the same call: ME's Home tab shows the new value.
    [home] = slack.calls_to("views.publish")
    assert home.args["user_id"] == ME and "$1.5M of $2M" in json.dumps(home.args["view"])

    # Slack delivering the same submission again stores nothing more.
    await checkin.on_submit(ack=Recorder(), body=body, client=client, ctx=ctx)
    assert len(await _checkins(bot)) == 1


# --- the team modal ------------------------------------------------------------------------


def _team_values(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The new-team modal filled in: name, channel, the author as lead, plus `changes`
    by base block id (e.g. team_checkin_day="1")."""
    typed = {
        modal.NAME_BLOCK: "EMEA Sales",
        modal.CHANNEL_BLOCK: "C100",
        modal.TIMEZONE_BLOCK: ("Europe/Berlin", "Europe/Berlin"),
        **changes,
    }
    return fill(view, {modal.block_id(base, None): value for base, value in typed.items()})


async def test_team_modal_submission_saves_the_team_and_its_rhythm(
    bot: Runtime, slack: FakeSlack
) -> None:
    ctx, client = _wired(bot)
    slack.add_channel("C100", name="emea-sales")
    settings = modal.TeamSettings(leads=(ME,), timezone="UTC")
    view = modal.team_modal(settings, now=ctx.deps.clock(), choices=[], total_choices=0)

    # A reminder before the check-in: the field error beside the reminder's day, no team.
    ack = Recorder()
    values = _team_values(view, team_nudge_day="0", team_nudge_time="08:00")
    body = _interaction("view_submission", view, values)
    await team.on_submit(ack=ack, body=body, view=body["view"], client=client, ctx=ctx)
    nudge_time = modal.block_id(modal.NUDGE_TIME_BLOCK, None)
    assert ack.calls == [{"response_action": "errors", "errors": {nudge_time: ORDER_ERROR}}]
    async with ctx.deps.sessions() as session:
        assert list(await session.exec(select(Team))) == []

    ack = Recorder()
    body = _interaction("view_submission", view, _team_values(view, team_checkin_day="1"))
    await team.on_submit(ack=ack, body=body, view=body["view"], client=client, ctx=ctx)
    assert ack.calls == [{}]
    async with ctx.deps.sessions() as session:
        [saved] = list(await session.exec(select(Team)))
        assert saved.id is not None
        leads, members = await team_roster(session, WS, saved.id)
    assert (saved.name, saved.channel_id, saved.timezone) == ("EMEA Sales", "C100", "Europe/Berlin")
    assert (leads, members) == ([ME], [ME])
    assert rhythm_of(saved) == replace(DEFAULT_RHYTHM, checkin_weekday=1)
    # After the ack: the post in the team's new home, and the author's confirmation.
    [home_post, confirmation] = slack.calls_to("chat.postMessage")
    assert home_post.args["channel"] == "C100" and home_post.ok
    assert confirmation.args["channel"] == ME
    assert "Check-ins Tuesday 09:00" in confirmation.args["text"]
