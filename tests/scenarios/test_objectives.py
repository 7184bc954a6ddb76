"""`/okr set`, edit, archive, history, list, tree and the Home tab, driven as Slack does."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select

from blocks import ids
from bot.runtime import Runtime
from storage.models import KeyResult, Objective, TargetRevision, Team
from tests.clock import FakeClock
from tests.driver import SlackDriver
from tests.fakeslack import FakeSlack
from tests.forms import fill
from tests.scenario import (
    BOB,
    LEAD,
    ME,
    SIMPLE,
    add_people,
    count,
    create,
    kr,
    open_edit,
    open_set,
    seed_team,
    submit,
)


@pytest.fixture(autouse=True)
def _people(slack: FakeSlack) -> None:
    """Everyone here is known to Slack's users.info."""
    add_people(slack)


# --- /okr set ----------------------------------------------------------------------------


async def test_set_opens_the_modal_prefilled(driver: SlackDriver, slack: FakeSlack) -> None:
    view = await open_set(driver, slack, text="set  Win the Nordics ")
    assert view["callback_id"] == ids.SET_OBJECTIVE_VIEW
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Win the Nordics"
    assert blocks["cycle"]["element"]["initial_option"]["text"]["text"] == "FY2026 Q4"
    assert blocks["level"]["element"]["initial_option"]["value"] == "personal"  # no team yet
    assert {f"kr{i}_sentence" for i in range(5)} <= set(blocks) and "kr5_sentence" not in blocks
    assert blocks["kr0_owner"]["elements"][0]["initial_user"] == ME
    # the first line is required, the others may stay empty; no label says "optional"
    assert blocks["kr0_sentence"]["optional"] is False and blocks["kr1_sentence"]["optional"]
    assert "optional" not in json.dumps(view).lower().replace('"optional"', "")


async def test_add_key_result_keeps_what_was_typed(driver: SlackDriver, slack: FakeSlack) -> None:
    view = await open_set(driver, slack)
    state = fill(view, {"title": "Typed title", "kr0_sentence": "Sign 30 new contracts"})
    response = await driver.block_action(
        ids.ADD_KR_ROW, value="5", view={**view, "state": {"values": state}}, block_id="kr_actions"
    )
    assert response.status == 200
    [update] = await slack.wait_for("views.update")
    blocks = {b.get("block_id"): b for b in update.args["view"]["blocks"]}
    assert "kr5_sentence" in blocks and "kr6_sentence" not in blocks
    assert blocks["title"]["element"]["initial_value"] == "Typed title"
    assert blocks["kr0_sentence"]["element"]["initial_value"] == "Sign 30 new contracts"
    reading = blocks["kr0_reading"]["elements"][0]["text"]
    assert reading == f"Increase · 0 → 30 new contracts · owner <@{ME}>"
    assert update.args["view_id"] == view["id"]


async def test_ten_rows_at_most(driver: SlackDriver, slack: FakeSlack) -> None:
    view = await open_set(driver, slack)
    for expected in range(6, 11):
        state = fill(view)
        await driver.block_action(ids.ADD_KR_ROW, view={**view, "state": {"values": state}})
        calls = await slack.wait_for("views.update", count=expected - 5)
        view = calls[-1].response["view"]
        assert sum(1 for b in view["blocks"] if b.get("block_id", "").endswith("_sentence")) == (
            expected
        )
    assert ids.ADD_KR_ROW not in json.dumps(view["blocks"])  # the button is gone at ten
    assert len(view["blocks"]) <= 100


async def test_submit_stores_objective_and_tells_everyone(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    view = await open_set(driver, slack)
    changes = {
        "title": "Win the Nordics",
        "level": "team",
        "team": (team_id, "Nordics"),
        **kr(0, "New ARR", "$1.2M", "2M", unit="currency", currency="usd"),
        **kr(1, "Churn", "", "3%", kind="stay_below", unit="percent", owner=BOB),
        **kr(2, "Launch partner program", kind="milestone", weight="2"),
    }
    response = await submit(driver, view, changes)
    assert response.status == 200 and response.text in ("", "{}")
    [dm] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == ME)
    [post] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "CSALES")
    assert "Win the Nordics" in json.dumps(dm.args["blocks"])
    assert "Win the Nordics" in json.dumps(post.args["blocks"])
    await slack.wait_for("views.publish", count=2)  # author and the other KR owner
    assert {c.args["user_id"] for c in slack.calls_to("views.publish")} == {ME, BOB}
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        [objective] = (await session.exec(select(Objective))).all()
        krs = (await session.exec(select(KeyResult).order_by(col(KeyResult.position)))).all()
    assert (objective.title, objective.level, objective.team_id, objective.owner_id) == (
        "Win the Nordics",
        "team",
        team_id,
        ME,
    )
    assert [
        (
            k.title,
            k.kind,
            k.unit,
            k.currency,
            k.start_value,
            k.target_value,
            k.original_target,
            k.owner_id,
            k.weight,
        )
        for k in krs
    ] == [
        ("New ARR", "increase", "currency", "USD", 1.2e6, 2e6, 2e6, ME, 1.0),
        ("Churn", "stay_below", "percent", None, 3.0, 3.0, 3.0, BOB, 1.0),
        ("Launch partner program", "milestone", "number", None, 0.0, 1.0, 1.0, ME, 2.0),
    ]


async def test_stretch_check_warns_but_does_not_block(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(
        driver,
        slack,
        {
            "title": "Targets",
            "level": "personal",
            **kr(0, "Easy", "0", "1.04M", baseline="1M"),
            **kr(1, "Moonshot", "0", "4M", baseline="1M"),
            **kr(2, "Fine", "0", "1.5M", baseline="1M"),
        },
    )
    [dm] = slack.calls_to("chat.postMessage", match=lambda a: a.get("channel") == ME)
    text = json.dumps(dm.args["blocks"])
    assert "not challenging" in text and "likely unrealistic" in text
    assert text.count("Fine") == 1  # shown on the card, not warned about
    assert ids.EDIT_OBJECTIVE in text
    assert await count(bot, KeyResult) == 3


async def test_last_cycles_result_is_the_default_baseline(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await create(driver, slack, {"title": "Q4", "level": "personal", **kr(0, "New ARR", "0", "1M")})
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        row = (await session.exec(select(KeyResult))).one()
        row.current_value = 1_000_000
        session.add(row)
        await session.commit()
    clock.advance(days=45)  # into FY2027 Q1
    await create(
        driver, slack, {"title": "Q1", "level": "personal", **kr(0, "new arr", "0", "1.02M")}
    )
    dms = slack.calls_to("chat.postMessage", match=lambda a: a.get("channel") == ME)
    assert "not challenging" in json.dumps(dms[-1].args["blocks"])


async def test_user_text_is_escaped_in_posts(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    evil = "<!channel> buy now <https://evil.example|bank>"
    await create(
        driver,
        slack,
        {"title": evil, "level": "team", "team": (team_id, "Nordics"), **kr(0, evil, "0", "10")},
    )
    [post] = await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == "CSALES")
    for call in [post, *slack.calls_to("chat.postMessage"), *slack.calls_to("views.publish")]:
        dumped = json.dumps(call.args)
        assert "<!channel>" not in dumped and "<https://evil" not in dumped
    assert "&lt;!channel&gt; buy now" in json.dumps(post.args)


# --- bad input catalogue ----------------------------------------------------------------

LONG = "x" * 3001
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty title", {"title": "", **kr(0, "K", "0", "1")}, "title", "Give the objective a title"),
    ("blank title", {"title": "   \t", **kr(0, "K", "0", "1")}, "title", "Give the objective"),
    ("zero-width title", {"title": "\u200b\u200b", **kr(0, "K", "0", "1")}, "title", "Give"),
    ("151-char title", {"title": "t" * 151, **kr(0, "K", "0", "1")}, "title", "150 characters"),
    ("3001-char title", {"title": LONG, **kr(0, "K", "0", "1")}, "title", "150 characters"),
    (
        "3001-char description",
        {"title": "T", "description": LONG + "y", **kr(0, "K", "0", "1")},
        "description",
        "3000 characters",
    ),
    ("no key result", {"title": "T"}, "kr0_sentence", "at least one key result"),
    (
        "KR without title",
        {"title": "T", **kr(0, "", "0", "5")},
        "kr0_sentence",
        "Say what this key result measures",
    ),
    ("start equals target", {"title": "T", **kr(0, "K", "5", "5")}, "d_target", "the same"),
    ("increase going down", {"title": "T", **kr(0, "K", "10", "5")}, "d_target", "above"),
    (
        "decrease going up",
        {"title": "T", **kr(0, "K", "5", "10", kind="decrease")},
        "d_target",
        "below",
    ),
    ("missing start", {"title": "T", **kr(0, "K", "", "5")}, "d_start", "start value"),
    ("missing target", {"title": "T", **kr(0, "K", "5", "")}, "d_target", "target"),
    (
        "stay without threshold",
        {"title": "T", **kr(0, "K", "5", "", kind="stay_above")},
        "d_target",
        "threshold",
    ),
    ("letters", {"title": "T", **kr(0, "K", "abc", "5")}, "d_start", "Expected"),
    ("1e309", {"title": "T", **kr(0, "K", "0", "1e309")}, "d_target", "too large"),
    ("NaN", {"title": "T", **kr(0, "K", "NaN", "5")}, "d_start", "Expected"),
    ("inf", {"title": "T", **kr(0, "K", "0", "inf")}, "d_target", "Expected"),
    ("--5", {"title": "T", **kr(0, "K", "--5", "5")}, "d_start", "sign"),
    ("5..0", {"title": "T", **kr(0, "K", "0", "5..0")}, "d_target", "Expected"),
    ("1,2,3", {"title": "T", **kr(0, "K", "0", "1,2,3")}, "d_target", "Expected"),
    ("emoji value", {"title": "T", **kr(0, "K", "0", "🚀")}, "d_target", "Expected"),
    ("RTL override value", {"title": "T", **kr(0, "K", "0", "\u202e5")}, "d_target", "Expected"),
    (
        "currency without code",
        {"title": "T", **kr(0, "K", "0", "5", unit="currency")},
        "d_currency",
        "currency's code",
    ),
    (
        "unknown currency",
        {"title": "T", **kr(0, "K", "0", "5", unit="currency", currency="XYZ")},
        "d_currency",
        "not a currency",
    ),
    (
        "code on a number",
        {"title": "T", **kr(0, "K", "0", "5", currency="EUR")},
        "d_currency",
        "Set the unit to Currency",
    ),
    # issue 10: "$5" with the unit menu left at its default now makes a USD key result (it
    # was refused as "money on a number KR"); a menu set to percent still clashes.
    (
        "money on a percent KR",
        {"title": "T", **kr(0, "K", "0", "$5", unit="percent")},
        "d_target",
        "Expected",
    ),
    (
        "unit word on a currency KR",
        {"title": "T", **kr(0, "K", "0", "38 prospects", unit="currency", currency="USD")},
        "d_target",
        "says an amount in USD, but this is a count of prospects",
    ),
    (
        "two unit words",
        {"title": "T", **kr(0, "K", "20 calls", "38 prospects")},
        "d_target",
        "The start says a count of calls, but this is a count of prospects",
    ),
    (
        "start and target in two currencies",
        {"title": "T", **kr(0, "K", "$1M", "€1.2M")},
        "d_target",
        "The start says an amount in USD, but this is an amount in EUR",
    ),
    ("dollars and 万", {"title": "T", **kr(0, "K", "0", "$120万")}, "d_target", "USD and CNY"),
    ("NaN target", {"title": "T", **kr(0, "K", "0", "nan")}, "d_target", "Expected"),
    ("-Infinity", {"title": "T", **kr(0, "K", "-Infinity", "5")}, "d_start", "Expected"),
    ("1e16", {"title": "T", **kr(0, "K", "0", "1e16")}, "d_target", "too large"),
    (
        "relative target without a start or baseline",
        {"title": "T", **kr(0, "K", "", "+20%", kind="stay_above")},
        "d_target",
        "give a start value or a baseline",
    ),
    (
        "relative target on a milestone",
        {"title": "T", **kr(0, "K", kind="milestone"), "kr0_target": "+20%"},
        "d_target",
        "A milestone is done or not",
    ),
    (
        "relative target of a zero start",
        {"title": "T", **kr(0, "K", "0", "+20%")},
        "d_target",
        "of 0 is still 0",
    ),
    (
        "percent on money",
        {"title": "T", **kr(0, "K", "0", "35%", unit="currency", currency="USD")},
        "d_target",
        "Expected",
    ),
    (
        "two currencies",
        {"title": "T", **kr(0, "K", "0", "$5 EUR", unit="currency", currency="USD")},
        "d_target",
        "one currency",
    ),
    ("zero weight", {"title": "T", **kr(0, "K", "0", "5", weight="0")}, "d_weight", "weight"),
    ("huge weight", {"title": "T", **kr(0, "K", "0", "5", weight="1000")}, "d_weight", "weight"),
    (
        "team level without team",
        {"title": "T", "level": "team", "team": None, **kr(0, "K", "0", "5")},
        "team",
        "needs its team",
    ),
    (
        "crafted level",
        {"title": "T", "level": "galaxy", **kr(0, "K", "0", "5")},
        "level",
        "company, team or personal",
    ),
    (
        "crafted owner",
        {"title": "T", **kr(0, "K", "0", "5", owner="<!channel>")},
        "kr0_sentence",
        "Pick the person",
    ),
    (
        "crafted team id",
        {"title": "T", "level": "team", "team": ("abc", "x"), **kr(0, "K", "0", "5")},
        "team",
        "Pick a team",
    ),
    (
        "unknown alignment",
        {"title": "T", "align": ("999999", "x"), **kr(0, "K", "0", "5")},
        "align",
        "archived or does not exist",
    ),
    (
        "unknown cycle",
        {"title": "T", "cycle": "999999", **kr(0, "K", "0", "5")},
        "cycle",
        "does not exist",
    ),
    (
        "company by a rep",
        {"title": "T", "level": "company", **kr(0, "K", "0", "5")},
        "level",
        "Only workspace admins",
    ),
    (
        "negative quota",
        {"title": "T", **kr(0, "K", "", "-50", kind="quota_week")},
        "d_target",
        "A quota is a number above 0",
    ),
    (
        "quota with a start",
        {"title": "T", **kr(0, "K", "10", "50", kind="quota_month")},
        "d_start",
        "starts from zero every period",
    ),
    (
        "quota without its period",
        {"title": "T", **kr(0, "K", "", "50", kind="quota")},
        "d_kind",
        "Pick how this number should move",
    ),
    (
        "due date outside the cycle",
        {"title": "T", **kr(0, "K", "", "15 Feb", kind="milestone")},
        "kr0_sentence",
        "The due date must fall within FY2026 Q4 (1 Oct 2026 to 31 Dec 2026)",
    ),
    (
        "due date of another year",
        {"title": "T", **kr(0, "K", "", "2027-12-15", kind="milestone")},
        "kr0_sentence",
        "The due date must fall within",
    ),
    # issue 11: a key result typed as one sentence
    (
        "sentence over 150 characters",
        {"title": "T", "kr0_sentence": "Sign " + "very " * 30 + "many contracts"},
        "kr0_sentence",
        "Keep the sentence to 150 characters",
    ),
    (
        "two numbers and no from/to",
        {"title": "T", "kr0_sentence": "Sign 10 contracts 20 times"},
        "kr0_sentence",
        "Two numbers and no “from … to”",
    ),
    (
        "quota with a period word nobody knows",
        {"title": "T", "kr0_sentence": "Contact 50 prospects every fortnight"},
        "kr0_sentence",
        "“fortnight” is not a period I know",
    ),
    (
        "relative target with no base",
        {"title": "T", "kr0_sentence": "Grow sales 20%"},
        "kr0_sentence",
        "20% of what?",
    ),
    (
        "due date outside the cycle, in the sentence",
        {"title": "T", "kr0_sentence": "Launch the partner program by 15 Feb"},
        "kr0_sentence",
        "The due date 15 Feb falls outside this cycle",
    ),
    (
        "the same key result twice",
        {
            "title": "T",
            "kr0_sentence": "Sign 30 new contracts",
            "kr1_sentence": "Sign 40 new contracts",
        },
        "kr1_sentence",
        "Key result 2 repeats key result 1",
    ),
    (
        "an unreadable line after a good one",
        {"title": "T", "kr0_sentence": "Sign 30 new contracts", "kr2_sentence": "Grow sales 20%"},
        "kr2_sentence",
        "Write it like",
    ),
    (
        "due date that is no date",
        {"title": "T", **kr(0, "K", "", "31 Nov", kind="milestone")},
        "d_due",
        "is not a day of the calendar",
    ),
]


@pytest.mark.parametrize(("case", "changes", "field", "message"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_gets_a_field_error_and_stores_nothing(
    bot: Runtime,
    driver: SlackDriver,
    slack: FakeSlack,
    case: str,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    view = await open_set(driver, slack)
    changes = {"level": "personal", **changes}
    response = await submit(driver, view, changes)
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors", case
    assert message in answer["errors"].get(field, ""), answer["errors"]
    assert await count(bot, Objective) == 0
    assert await count(bot, KeyResult) == 0
    assert slack.calls_to("chat.postMessage") == []


async def test_units_come_from_what_is_typed_and_relative_targets_are_resolved(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(
        driver,
        slack,
        {
            "title": "Grow sales",
            "level": "personal",
            **kr(0, "Quarterly sales", "$1.0M", "+20%"),  # unit menu left at its default
            **kr(1, "Prospects contacted", "", "50 prospects", kind="stay_above"),
            **kr(2, "Signed in China", "100万元", "1.2亿"),
        },
    )
    await create(
        driver,
        slack,
        {
            "title": "Keep customers",
            "level": "personal",
            **kr(0, "Churn", "5%", "-15%", kind="decrease"),
            **kr(1, "EU pipeline", "1.03 mil", "1,5 Mio", unit="currency", currency="EUR"),
        },
    )
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = (await session.exec(select(KeyResult).order_by(col(KeyResult.id)))).all()
    assert [(k.unit, k.currency, k.start_value, k.target_value) for k in rows] == [
        ("currency", "USD", 1e6, 1.2e6),
        ("number", None, 50.0, 50.0),
        ("currency", "CNY", 1e6, 1.2e8),
        ("percent", None, 5.0, 4.25),
        ("currency", "EUR", 1.03e6, 1.5e6),
    ]
    dms = slack.calls_to("chat.postMessage", match=lambda a: a.get("channel") == ME)
    text = json.dumps([dm.args["blocks"] for dm in dms], ensure_ascii=False)
    assert "*Quarterly sales*: target +20% → $1.2M" in text
    assert "*Churn*: target -15% → 4.25%" in text
    assert "no reading yet · target $1.2M" in text  # nobody reported: no invented value
    assert "no reading yet · holds ≥ 50" in text


SCRIPTS = ["Grow 🚀 pipeline 📈", "拓展华东市场", "توسيع السوق", "Ünïcödé ✓"]


@pytest.mark.parametrize("title", SCRIPTS)
async def test_any_script_is_a_fine_title(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, title: str
) -> None:
    await create(driver, slack, {**SIMPLE, "title": title})
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert (await session.exec(select(Objective.title))).one() == title


async def test_alignment_must_stay_in_the_cycle(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack, clock: FakeClock
) -> None:
    await create(driver, slack, {**SIMPLE, "title": "Last quarter's goal"})
    clock.advance(days=45)
    view = await open_set(driver, slack)
    response = await submit(driver, view, {**SIMPLE, "align": ("1", "Last quarter's goal")})
    assert "same cycle" in response.json()["errors"]["align"]
    assert await count(bot, Objective) == 1


async def test_another_workspaces_ids_do_not_exist(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    foreign_team = await seed_team(bot, "Theirs", workspace_id="T0OTHER", leads=("U0X",))
    view = await open_set(driver, slack)
    response = await submit(
        driver, view, {**SIMPLE, "level": "team", "team": (foreign_team, "Theirs")}
    )
    assert "does not exist" in response.json()["errors"]["team"]
    assert await count(bot, Objective) == 0


# --- options -----------------------------------------------------------------------------


async def test_align_options_search_this_cycle(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    for n in range(3):
        await create(driver, slack, {**SIMPLE, "title": f"Grow pipeline {n}"})
    await create(driver, slack, {**SIMPLE, "title": "Hire SDRs"})
    view = await open_set(driver, slack)
    response = await driver.block_suggestion(
        ids.ALIGN_TO, "PIPE", view={**view, "state": {"values": fill(view)}}, block_id="align"
    )
    labels = [o["text"]["text"] for o in response.json()["options"]]
    assert labels == [
        "[Personal] Grow pipeline 0",
        "[Personal] Grow pipeline 1",
        "[Personal] Grow pipeline 2",
    ]


async def test_team_options_filter(bot: Runtime, driver: SlackDriver) -> None:
    for name in ("Nordics", "DACH", "Nordics Inbound"):
        await seed_team(bot, name)
    response = await driver.block_suggestion("team_pick", "nord", block_id="team")
    assert [o["text"]["text"] for o in response.json()["options"]] == ["Nordics", "Nordics Inbound"]


# --- edit, history, archive ---------------------------------------------------------------


async def test_edit_needs_a_reason_for_a_new_target_and_keeps_history(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, SIMPLE)
    view = await open_edit(driver, slack, 1)
    assert view["callback_id"] == ids.EDIT_OBJECTIVE_VIEW
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    sentence = blocks["kr0_sentence"]["element"]["initial_value"]
    assert sentence == "Increase new ARR from 1.2M to 2M"
    assert "kr0_why" not in blocks  # asked only once the target changes
    changed = sentence.removesuffix("2M") + "2.5M"
    # saved without Enter: the modal comes back with the "why" field beside the row
    response = await submit(driver, view, {"kr0_sentence": changed})
    answer = response.json()
    assert answer["response_action"] == "update"
    why = {b.get("block_id"): b for b in answer["view"]["blocks"]}["kr0_why"]
    assert why["label"]["text"] == "Why did the target change?" and not why.get("optional")
    asked = {**view, "blocks": answer["view"]["blocks"]}
    response = await submit(driver, asked, {"kr0_sentence": changed, "kr0_why": ""})
    assert "Say why" in response.json()["errors"]["kr0_why"]
    assert await count(bot, TargetRevision) == 0
    response = await submit(driver, asked, {"kr0_sentence": changed, "kr0_why": "New territory"})
    assert response.status == 200 and response.text in ("", "{}")
    await slack.wait_for("chat.postMessage", count=2, match=lambda a: a.get("channel") == ME)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        [revision] = (await session.exec(select(TargetRevision))).all()
        row = (await session.exec(select(KeyResult))).one()
    assert (revision.old_target, revision.new_target, revision.reason, revision.changed_by) == (
        2e6,
        2.5e6,
        "New territory",
        ME,
    )
    assert (row.target_value, row.original_target) == (2.5e6, 2e6)
    response = await driver.block_action(ids.SHOW_KR_HISTORY, value=str(row.id))
    history = (await slack.wait_for("views.open", count=3))[-1].args["view"]
    text = json.dumps(history)
    assert "New territory" in text and "$" not in text and "2.5M" in text


async def test_a_quota_and_a_due_date_are_set_and_edited(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(
        driver,
        slack,
        {
            "title": "Fill the pipeline",
            "level": "personal",
            **kr(0, "Sign 10 contracts per month"),
            **kr(1, "Launch the partner program by 15 Dec"),
        },
    )
    view = await open_edit(driver, slack, 1)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["kr0_sentence"]["element"]["initial_value"] == "Sign 10 contracts per month"
    launch = blocks["kr1_sentence"]["element"]["initial_value"]
    assert launch == "Launch the partner program by 15 Dec"
    response = await submit(driver, view, {"kr1_sentence": launch.replace("15 Dec", "20 Dec")})
    assert response.status == 200 and response.text in ("", "{}")
    await slack.wait_for("chat.postMessage", count=2, match=lambda a: a.get("channel") == ME)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        rows = (await session.exec(select(KeyResult).order_by(col(KeyResult.id)))).all()
        revisions = (await session.exec(select(TargetRevision))).all()
    assert [(r.title, r.kind, r.period, r.target_value, r.due_date) for r in rows] == [
        ("Contracts signed", "quota", "month", 10.0, None),
        ("Launch the partner program", "milestone", None, 1.0, date(2026, 12, 20)),
    ]
    assert revisions == []  # a due date is not a target


async def test_only_owner_lead_or_admin_may_edit(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    await create(driver, slack, {**SIMPLE, "level": "team", "team": (team_id, "Nordics")})
    refused = await open_edit(driver, slack, 1, user=BOB)
    assert refused.get("callback_id", "") == "" and "Only the objective's owner" in json.dumps(
        refused
    )
    lead_view = await open_edit(driver, slack, 1, user=LEAD)
    assert lead_view["callback_id"] == ids.EDIT_OBJECTIVE_VIEW
    # A crafted submission by Bob, reusing the lead's modal, changes nothing.
    response = await submit(driver, lead_view, {"title": "Hijacked"}, user=BOB)
    assert "Only the objective's owner" in response.json()["errors"]["title"]
    response = await submit(driver, lead_view, {"title": "Renamed by the lead"}, user=LEAD)
    assert response.status == 200 and response.text in ("", "{}")
    # Stored after the ack: the lead's confirmation DM comes once it is committed.
    await slack.wait_for("chat.postMessage", match=lambda a: a.get("channel") == LEAD)
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert (await session.exec(select(Objective.title))).one() == "Renamed by the lead"


async def test_only_a_teams_people_and_admins_give_it_objectives(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    slack.add_channel("CSALES", name="sales")
    outsider, admin = "U0OUT", "U0ADMIN"
    slack.add_user(outsider)
    slack.add_user(admin, is_admin=True)
    for_team = {**SIMPLE, "level": "team", "team": (team_id, "Nordics")}
    response = await submit(driver, await open_set(driver, slack, outsider), for_team, outsider)
    assert response.json()["errors"] == {
        "team": "Only the leads and members of Nordics (and workspace admins) set its "
        "objectives: pick your own team, or ask one of its leads."
    }
    # Nor may they move an objective of their own there.
    await create(driver, slack, {**SIMPLE, "title": "Mine"}, user=outsider)
    view = await open_edit(driver, slack, 1, user=outsider)
    response = await submit(driver, view, {"level": "team", "team": (team_id, "Nordics")}, outsider)
    assert "Only the leads and members of Nordics" in response.json()["errors"]["team"]
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert [o.team_id for o in await session.exec(select(Objective))] == [None]
    assert slack.calls_to("chat.postMessage", match=lambda a: a.get("channel") == "CSALES") == []
    # A member, and an admin from outside the team, may.
    await create(driver, slack, {**for_team, "title": "Member's"}, user=BOB)
    await create(driver, slack, {**for_team, "title": "Admin's"}, user=admin)
    async with bot.deps.sessions() as session:
        assert list(await session.exec(select(Objective.team_id).order_by(Objective.id))) == [
            None,
            team_id,
            team_id,
        ]


async def test_edit_of_another_workspaces_objective_is_not_found(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, SIMPLE)
    foreign = SlackDriver(
        driver.url.rsplit("/slack", 1)[0], driver.signing_secret, team_id="T0OTHER"
    )
    async with foreign:
        await foreign.block_action(ids.EDIT_OBJECTIVE, value="1", user_id=ME)
        view = (await slack.wait_for("views.open", count=2))[-1].args["view"]
    assert "archived or does not exist" in json.dumps(view)


async def test_archive_removes_it_from_lists(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, SIMPLE)
    view = await open_edit(driver, slack, 1)
    response = await driver.block_action(
        ids.ARCHIVE_OBJECTIVE, value="1", view=view, block_id="archive"
    )
    assert response.status == 200
    [update] = await slack.wait_for("views.update")
    assert "is archived" in json.dumps(update.args["view"])
    assert bot.deps is not None
    async with bot.deps.sessions() as session:
        assert (await session.exec(select(Objective))).one().archived_at is not None
    await driver.command(text="list")
    [listed] = await slack.wait_for("response_url")
    assert "Grow ARR" not in json.dumps(listed.args)


# --- list, tree, home ---------------------------------------------------------------------


async def test_list_mine_a_persons_and_a_channels(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    team_id = await seed_team(bot)
    await create(driver, slack, {**SIMPLE, "title": "Mine"})
    await create(
        driver,
        slack,
        {**SIMPLE, "title": "Bob's", "level": "team", "team": (team_id, "Nordics")},
        user=BOB,
    )
    pages = []
    for n, text in enumerate(
        ["list", "list <@U0002|bob>", "list <#CSALES|sales>", "list <#CNOTEAM|random>"], start=1
    ):
        await driver.command(text=text)
        pages.append(json.dumps((await slack.wait_for("response_url", count=n))[-1].args))
    assert "Mine" in pages[0] and "Bob's" not in pages[0]
    assert "Bob's" in pages[1] and "Mine" not in pages[1]
    assert "Bob's" in pages[2] and "Nordics OKRs" in pages[2]
    assert "not a team's home" in pages[3]
    usage = await driver.command(text="list everyone please")
    assert "/okr list @person" in usage.text


async def test_list_paginates_within_block_limits(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    for n in range(14):
        await create(
            driver,
            slack,
            {
                **SIMPLE,
                "title": f"Objective {n:02d}",
                **kr(1, "Second", "0", "9"),
                **kr(2, "Third", "0", "9"),
            },
        )
    await driver.command(text="list")
    [first] = await slack.wait_for("response_url")
    assert len(first.args["blocks"]) <= 50
    actions = [e for b in first.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in actions] == [ids.CHECK_IN, ids.LIST_PAGE]  # my own list
    nexts = actions[1:]
    await driver.block_action(ids.LIST_PAGE, value=nexts[0]["value"])
    [_, second] = await slack.wait_for("response_url", count=2)
    assert second.args["replace_original"] is True
    assert "Objective 13" in json.dumps(second.args) and "Objective 00" not in json.dumps(
        second.args
    )
    await driver.block_action(
        ids.LIST_PAGE, value=json.dumps({"scope": json.dumps({"user": "U1> <!channel"}), "page": 0})
    )
    assert len(slack.calls_to("response_url")) == 2  # the crafted scope is ignored


async def test_tree_shows_alignment(bot: Runtime, driver: SlackDriver, slack: FakeSlack) -> None:
    await create(driver, slack, {**SIMPLE, "title": "Be #1 in the Nordics"})
    await create(driver, slack, {**SIMPLE, "title": "Win Sweden", "align": ("1", "x")})
    await create(driver, slack, {**SIMPLE, "title": "Unaligned idea"})
    await driver.command(text="tree")
    [tree] = await slack.wait_for("response_url")
    text = "\n".join(b.get("text", {}).get("text", "") for b in tree.args["blocks"])
    assert text.index("Be #1") < text.index("Win Sweden") < text.index("Unaligned idea")


async def test_home_shows_my_key_results(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, SIMPLE)
    await driver.event({"type": "app_home_opened", "user": ME, "tab": "home"})
    calls = await slack.wait_for("views.publish", count=2)
    home = json.dumps(calls[-1].args["view"])
    assert "New ARR" in home and ids.EDIT_OBJECTIVE in home and ids.NEW_OKR in home


async def test_new_okr_button_opens_the_modal(driver: SlackDriver, slack: FakeSlack) -> None:
    response = await driver.block_action(ids.NEW_OKR)
    assert response.status == 200
    [opened] = await slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == ids.SET_OBJECTIVE_VIEW


async def test_workspaces_are_isolated_in_lists(
    bot: Runtime, driver: SlackDriver, slack: FakeSlack
) -> None:
    await create(driver, slack, SIMPLE)
    other = SlackDriver(
        driver.url.rsplit("/slack", 1)[0],
        driver.signing_secret,
        team_id="T0OTHER",
        response_urls=slack.response_url,
    )
    async with other:
        await other.command(text="list", user_id=ME)
        [listed] = await slack.wait_for("response_url")
    assert "Grow ARR" not in json.dumps(listed.args)
    assert await count(bot, Team) == 0
