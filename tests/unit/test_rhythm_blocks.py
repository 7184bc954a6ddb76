"""The weekly rhythm's builders: prompt and its states, nudge, away modal, digest,
cycle-close summary, retrospective, planning reminder and delivery problems.

Every payload is checked with slack_sdk's own models (as tests/test_blocks_display.py does,
plus the overflow menu, input blocks and date pickers those helpers do not cover) and for
escaping: hostile titles, team names and notes never become mentions, broadcasts or links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from blocks import charts, ids
from blocks.away_modal import away_modal, read_away
from blocks.checkin_modal import CheckInItem
from blocks.cycle_close import (
    close_summary,
    planning_reminder,
    read_retro,
    retro_modal,
    retro_post,
)
from blocks.delivery_errors import delivery_problem
from blocks.digest import digest_message, pack_sections
from blocks.prompt import (
    nudge_message,
    prompt_away,
    prompt_done,
    prompt_message,
    prompt_skipped,
    prompt_snoozed,
)
from okr.digest import (
    AHEAD,
    REACHED,
    DigestData,
    ObjectiveDigest,
    Win,
    assemble_close,
    assemble_digest,
)
from okr.outline import KRLine, ObjectiveCard
from okr.progress import Status
from tests.unit.test_blocks_display import (
    AT,
    CYCLE_END,
    CYCLE_START,
    EVIL,
    EVIL_ESCAPED,
    _check_button,
    assert_escaped,
    assert_valid_blocks,
    make_card,
    make_kr,
    texts,
)

WHEN = datetime(2024, 5, 27, 9, 30, tzinfo=UTC)
HOSTILE = EVIL * 5  # long enough to be clipped too

# --- validation -----------------------------------------------------------------------------


def check_blocks(blocks: Sequence[dict[str, Any]], *, max_blocks: int) -> None:
    """`assert_valid_blocks` for the block types it knows; the overflow menu and input
    blocks are parsed and validated with slack_sdk and checked against Slack's limits here."""
    assert 0 < len(blocks) <= max_blocks, f"{len(blocks)} blocks (limit {max_blocks})"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), "block_id must be unique"
    assert sum(charts.is_chart(b) for b in blocks) <= charts.MAX_CHARTS_PER_MESSAGE
    for block in blocks:
        if charts.is_chart(block):
            assert charts.chart_problems(block) == [], block
            continue
        special = block["type"] == "input" or (
            block["type"] == "actions" and any(e["type"] != "button" for e in block["elements"])
        )
        if not special:
            assert_valid_blocks([block], max_blocks=1)
            continue
        parsed = Block.parse(block)
        assert parsed is not None and parsed.type == block["type"]
        parsed.validate_json()
        if block["type"] == "actions":
            action_ids = [e["action_id"] for e in block["elements"]]
            assert len(action_ids) == len(set(action_ids))
            for element in block["elements"]:
                if element["type"] == "button":
                    _check_button(element)
                else:
                    assert element["type"] == "overflow"
                    assert 2 <= len(element["options"]) <= 5
                    for option in element["options"]:
                        assert 0 < len(option["text"]["text"]) <= 75
                        assert 0 < len(option["value"]) <= 75
        else:
            assert 0 < len(block["label"]["text"]) <= 2000
            assert block["element"]["type"] in {"plain_text_input", "datepicker"}


def check_message(message: dict[str, Any], *, max_blocks: int = 50) -> None:
    assert isinstance(message["text"], str) and message["text"].strip()
    check_blocks(message["blocks"], max_blocks=max_blocks)
    for block in message["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def check_modal(view: dict[str, Any]) -> None:
    assert view["type"] == "modal"
    View(**view).validate_json()
    assert 0 < len(view["title"]["text"]) <= 24
    for key in ("submit", "close"):
        if key in view:
            assert 0 < len(view[key]["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    check_blocks(view["blocks"], max_blocks=100)


def actions(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b["type"] == "actions"]


def action_ids(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in actions(message["blocks"]) for e in b["elements"]]


# --- fixtures -------------------------------------------------------------------------------


def items(count: int, *, title: str = "Key result", objective: str = "Win EMEA") -> list:
    return [
        CheckInItem(make_kr(i, title=f"{title} {i}", current=100_000 * (i % 25)), objective)
        for i in range(1, count + 1)
    ]


def big_cards(objectives: int = 100, krs: int = 4, *, title: str = HOSTILE) -> list:
    """`objectives` objectives of `krs` KRs each: some reached, some off track, some revised."""
    cards = []
    for o in range(objectives):
        lines = tuple(
            make_kr(
                o * 10 + k,
                title=f"{title} {o}.{k}",
                current=[2_100_000, 100_000, 700_000, 1_500_000][k % 4],
                original_target=1_500_000 if k == 2 else None,
                owner_id=f"U0OWN{o % 7}",
                confidence=EVIL if k == 1 else "on_track",
            )
            for k in range(krs)
        )
        cards.append(make_card(o + 1, title=f"{title} #{o}", krs=lines, team_name=EVIL))
    return cards


def small_digest() -> tuple[DigestData, ObjectiveCard, KRLine]:
    at_risk_kr = make_kr(1)  # $700k of $2M: 35 %, at risk; owner on track
    reached = make_kr(
        2,
        title="Book 40 demos",
        unit="number",
        currency=None,
        target=40,
        current=42,
        history=(35, 42),
        owner_id="U0BBB2",
    )
    mover = make_kr(3, title="Grow pipeline", current=1_300_000, owner_id="U0CCC3")
    a = make_card(1, krs=(at_risk_kr, reached, mover))
    b = make_card(2, title="Hire two AEs", krs=(make_kr(4, current=200_000),))
    c = make_card(3, title="Refresh the playbook", krs=())
    data = DigestData(
        team_name="Sales EMEA",
        cycle_name="Q2 2024",
        week=8,
        weeks=13,
        overall=0.31,
        expected=0.59,
        objectives=(
            ObjectiveDigest(a, 0.42, 0.37, 0.05, Status.ON_TRACK),
            ObjectiveDigest(b, 0.2, 0.23, -0.03, Status.OFF_TRACK),
            ObjectiveDigest(c, 0.0, None, None, None),
        ),
        at_risk=((a, at_risk_kr),),
        wins=(Win(a, reached, REACHED, 0.4), Win(a, mover, AHEAD, 0.15)),
        checked_in=12,
        owners=14,
        missing=("U0MISS1", "U0MISS2"),
    )
    return data, a, at_risk_kr


# --- the Monday prompt ----------------------------------------------------------------------


def test_prompt_lists_krs_and_offers_check_in_no_change_snooze_away() -> None:
    message = prompt_message(
        cycle_name="Q2 2024", week_label="week 8 of 13", items=items(3), due_note="Due by 17:00"
    )
    check_message(message, max_blocks=45)
    assert_escaped(message)
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["section", "context", "section", "actions"]
    assert "*Q2 2024* · week 8 of 13" in blocks[0]["text"]["text"]
    assert "3 key results" in blocks[0]["text"]["text"]
    assert blocks[1]["elements"][0]["text"] == "Due by 17:00"
    lines = blocks[2]["text"]["text"]
    assert (
        "• *Key result 1* · _Win EMEA_\n      $100k of $2M  ░░░░░░░░░░ 5% · :red_circle: off"
        in (lines)
    )
    assert "*Key result 3*" in lines and "$300k of $2M" in lines
    [row] = actions(blocks)
    assert row["block_id"] == "prompt_actions"
    check_in, no_change, snooze, away = row["elements"]
    assert (check_in["action_id"], check_in["style"]) == (ids.CHECK_IN, "primary")
    assert check_in["text"]["text"] == "Check in"
    assert (no_change["action_id"], no_change["text"]["text"]) == (ids.NO_CHANGE, "No change")
    assert (snooze["type"], snooze["action_id"]) == ("overflow", ids.SNOOZE)
    assert [(o["value"], o["text"]["text"]) for o in snooze["options"]] == [
        ("later", "Remind me in 3 hours"),
        ("tomorrow", "Remind me tomorrow"),
        ("skip", "Skip this week"),
    ]
    assert (away["action_id"], away["text"]["text"]) == (ids.AWAY, "I'm away…")
    assert "3 key results" in message["text"]


def test_prompt_with_40_krs_lists_all_within_45_blocks_and_cuts_beyond() -> None:
    message = prompt_message(cycle_name="Q2", week_label="week 1 of 13", items=items(40))
    check_message(message, max_blocks=45)
    shown = texts(message["blocks"])
    assert all(f"*Key result {i}*" in shown for i in range(1, 41))
    assert len(message["blocks"]) == 1 + 5 + 1  # greeting, 8 KRs per section, actions
    more = prompt_message(cycle_name="Q2", week_label="w", items=items(100, title=HOSTILE))
    check_message(more, max_blocks=45)
    assert_escaped(more)
    assert "and 60 more key results" in texts(more["blocks"])
    assert action_ids(more) == [ids.CHECK_IN, ids.NO_CHANGE, ids.SNOOZE, ids.AWAY]


def test_prompt_escapes_titles_objectives_cycle_week_and_note() -> None:
    message = prompt_message(
        cycle_name=EVIL,
        week_label=EVIL,
        items=items(2, title=EVIL, objective=EVIL),
        due_note=EVIL,
    )
    check_message(message, max_blocks=45)
    assert_escaped(message)
    assert EVIL_ESCAPED in texts(message["blocks"])
    assert "<!" not in message["text"]
    empty = prompt_message(cycle_name="Q2", week_label="week 1", items=[])
    check_message(empty)
    assert not actions(empty["blocks"])


def test_prompt_states_after_the_buttons() -> None:
    done = prompt_done(cycle_name="Q2 2024", week_label="week 8 of 13", count=3, when=WHEN)
    check_message(done)
    assert_escaped(done)
    first = done["blocks"][0]["text"]["text"]
    assert first.startswith("✅ Checked in 3 key results · <!date^1716802200^")
    assert not actions(done["blocks"])
    one = prompt_done(cycle_name="Q2", week_label="w", count=1, when=WHEN)
    assert "Checked in 1 key result ·" in one["blocks"][0]["text"]["text"]

    until = WHEN + timedelta(hours=3)
    snoozed = prompt_snoozed(cycle_name=EVIL, week_label=EVIL, until=until)
    check_message(snoozed)
    assert_escaped(snoozed)
    assert f"<!date^{int(until.timestamp())}^" in snoozed["blocks"][0]["text"]["text"]
    assert action_ids(snoozed) == [ids.CHECK_IN]

    skipped = prompt_skipped(cycle_name=EVIL, week_label="week 8 of 13")
    check_message(skipped)
    assert_escaped(skipped)
    assert "Skipped this week" in texts(skipped["blocks"])
    assert action_ids(skipped) == [ids.CHECK_IN]

    away = prompt_away(cycle_name="Q2", week_label="week 8 of 13", until=date(2024, 6, 10))
    check_message(away)
    assert "away until *Mon 10 Jun 2024*" in texts(away["blocks"])
    assert "won't count as missing" in texts(away["blocks"])
    assert not actions(away["blocks"])


def test_nudge_has_check_in_and_no_change() -> None:
    nudge = nudge_message(cycle_name=EVIL, week_label="week 8 of 13", count=2)
    check_message(nudge)
    assert_escaped(nudge)
    assert "still open (2 key results)" in texts(nudge["blocks"])
    assert action_ids(nudge) == [ids.CHECK_IN, ids.NO_CHANGE]
    assert actions(nudge["blocks"])[0]["elements"][0]["style"] == "primary"


# --- away -----------------------------------------------------------------------------------


def test_away_modal_and_reading_it_back() -> None:
    today = date(2024, 5, 27)
    view = away_modal(today=today, source={"channel": "D0001", "ts": "1716800000.000100"})
    check_modal(view)
    assert view["callback_id"] == ids.AWAY_VIEW
    picker = view["blocks"][0]
    assert picker["block_id"] == "away_until"
    assert picker["element"]["type"] == "datepicker"
    assert picker["element"]["initial_date"] == "2024-06-03"
    assert "No prompts or nudges until then; you won't count as missing" in texts(view["blocks"])
    assert json.loads(view["private_metadata"]) == {
        "source": {"channel": "D0001", "ts": "1716800000.000100"}
    }
    huge = away_modal(today=today, source={"x": "y" * 5000})
    check_modal(huge)

    def picked(value: object) -> dict[str, Any]:
        return {"away_until": {"date": {"type": "datepicker", "selected_date": value}}}

    assert read_away(picked("2024-06-10"), today) == (date(2024, 6, 10), {})
    assert read_away(picked("2024-05-28"), today) == (date(2024, 5, 28), {})
    assert read_away(picked("2025-05-27"), today) == (date(2025, 5, 27), {})  # 365 days
    for bad in ("2024-05-27", "2024-05-01", "2025-05-28", "soon", None, ""):
        until, errors = read_away(picked(bad), today)
        assert until is None and set(errors) == {"away_until"}
    assert read_away({}, today)[1] == {"away_until": "Pick the date you are away until."}
    assert read_away(picked("2024-05-27"), today)[1] == {"away_until": "Pick a date after today."}


# --- the digest -----------------------------------------------------------------------------


def test_digest_layout_objectives_at_risk_wins_and_rate() -> None:
    data, _, _ = small_digest()
    message = digest_message(data)
    check_message(message)
    assert_escaped(message)
    blocks = message["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "Sales EMEA · Q2 2024 · week 8 of 13"
    assert blocks[1]["text"]["text"] == (
        "*Overall*  ▓▓▓░░░░░░░ *31%* · expected 59% · :large_yellow_circle: at risk"
    )
    assert blocks[2]["elements"][0]["text"] == ":memo: 12 of 14 updated this week"
    body = texts(blocks)
    assert (
        "*Objectives* (3)\n"
        "*Win the mid-market in EMEA*  ▓▓▓▓░░░░░░ 42% · ▲ 5 pts · :large_green_circle: on track\n"
        "*Hire two AEs*  ▓▓░░░░░░░░ 20% · ▼ 3 pts · :red_circle: off track\n"
        "*Refresh the playbook*  ░░░░░░░░░░ 0% · no key results yet"
    ) in body
    assert (
        "*At risk* (1)\n• *Close $2M in new ARR* · <@U0AAA1> · _Win the mid-market in EMEA_\n"
        "      $700k of $2M · 35% · suggested: :large_yellow_circle: at risk"
        " · owner: :large_green_circle: on track"
    ) in body
    assert ":dart: <@U0BBB2> reached the target of *Book 40 demos*: 42 of 40" in body
    assert (
        ":rocket: <@U0CCC3> is well ahead of pace on *Grow pipeline*: $1.3M of $2M · 65%"
        " · expected 59%"
    ) in body
    assert not actions(blocks)
    kudos = [b["accessory"] for b in blocks if b.get("accessory", {}).get("text")]
    assert [(k["text"]["text"], k["action_id"], k["value"]) for k in kudos] == [
        ("Give kudos", ids.KUDOS_GIVE, "2"),
        ("Give kudos", ids.KUDOS_GIVE, "3"),
    ]
    assert "31% overall (expected 59%)" in message["text"]


def test_digest_never_names_who_is_missing() -> None:
    """Names go to the leads only (blocks.participation, tests/unit/test_participation.py)."""
    data, _, _ = small_digest()
    public = json.dumps(digest_message(data))
    assert "U0MISS1" not in public and "U0MISS2" not in public


def test_digest_for_100_objectives_with_4_krs_each_within_limits() -> None:
    cards = big_cards()
    owners = [f"U0OWN{i}" for i in range(7)] + ["U0MISS1"]
    data = assemble_digest(
        team_name=HOSTILE,
        cycle_name=EVIL,
        cycle_start=CYCLE_START,
        cycle_end=CYCLE_END,
        cards=cards,
        at=AT,
        since=None,
        checked_in=owners[:7],
        owners=owners,
    )
    # wins: the 100 KRs at $2.1M of $2M reached it; the 100 at $1.5M (75 %) are well ahead
    # of the expected 59 % (1.25 x 59 % = 74 %)
    assert len(data.objectives) == 100 and len(data.at_risk) == 200 and len(data.wins) == 200
    message = digest_message(data)
    check_message(message)
    assert_escaped(message)
    assert len(message["blocks"]) <= 45
    body = texts(message["blocks"])
    assert "and 60 more objectives" in body
    assert "and 192 more key results at risk" in body
    assert "and 194 more wins" in body
    assert "7 of 8 updated this week" in body
    assert "U0MISS1" not in json.dumps(message)
    assert EVIL_ESCAPED in body
    header = message["blocks"][0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("· week 8 of 13")


def test_digest_with_no_objectives() -> None:
    data = assemble_digest(
        team_name="Sales",
        cycle_name="Q2",
        cycle_start=CYCLE_START,
        cycle_end=CYCLE_END,
        cards=[],
        at=AT,
        since=None,
        checked_in=(),
        owners=(),
    )
    message = digest_message(data)
    check_message(message)
    body = texts(message["blocks"])
    assert "No objectives for this team" in body and "No key result is at risk" in body


def test_pack_sections_respects_lines_characters_and_blocks() -> None:
    lines = [f"line {i}" for i in range(25)]
    packed, placed = pack_sections(lines, max_blocks=2, per_block=10, heading="*H*")
    assert placed == 20 and len(packed) == 2
    assert packed[0].startswith("*H*\nline 0\n") and packed[1].endswith("line 19")
    long = ["x" * 1200] * 5
    packed, placed = pack_sections(long, max_blocks=10)
    assert placed == 5 and [len(t) for t in packed] == [2401, 2401, 1200]
    huge, placed = pack_sections(["y" * 5000], max_blocks=1)
    assert placed == 1 and len(huge[0]) <= 3000
    assert pack_sections([], max_blocks=3, heading="*H*") == (["*H*"], 0)


# --- cycle close ----------------------------------------------------------------------------


def test_close_summary_scores_grades_revisions_verdict_and_retro_button() -> None:
    revised = make_kr(1, current=1_400_000, original_target=1_500_000)  # 0.70, was 0.93
    low = make_kr(2, title="Keep churn low", current=200_000, owner_id="U0BBB2")  # 0.10
    card = make_card(5, krs=(revised, low))
    data = assemble_close(team_name="Sales EMEA", cycle_name="Q2 2024", cards=[card])
    message = close_summary(data, team_id=3, cycle_id=7)
    check_message(message)
    assert_escaped(message)
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == "Sales EMEA · Q2 2024 · final scores"
    assert blocks[1]["text"]["text"].startswith(f"*{data.calibration.message}*\n")
    assert "Average score *0.40* across 2 key results." in blocks[1]["text"]["text"]
    body = texts(blocks)
    assert "🟡 *Win the mid-market in EMEA* · *0.40*" in body
    # issue 10: the final value against the final and original target, in units, beside the
    # score (the close showed scores only)
    assert (
        "• Close $2M in new ARR · <@U0AAA1> · $1.4M · target $2M, originally $1.5M · "
        "🟢 0.70 · vs original target: 0.93"
    ) in body
    assert "• Keep churn low · <@U0BBB2> · $200k of $2M · 🔴 0.10\n" in body + "\n"
    [row] = actions(blocks)
    [button] = row["elements"]
    assert button["action_id"] == ids.RETRO_OPEN
    assert button["text"]["text"] == "Write retrospective"
    assert button["value"] == '{"team":3,"cycle":7}'
    assert json.loads(button["value"]) == {"team": 3, "cycle": 7}


def test_close_summary_for_100_objectives_with_4_krs_each_within_limits() -> None:
    data = assemble_close(team_name=HOSTILE, cycle_name=EVIL, cards=big_cards())
    message = close_summary(data, team_id=1, cycle_id=2)
    check_message(message)
    assert_escaped(message)
    assert len(message["blocks"]) <= 18
    assert sum(len(t) for t in texts(message["blocks"]).splitlines()) < 36_000
    body = texts(message["blocks"])
    assert re.search(r"and \d+ more objectives", body)
    assert "vs original target: " in body
    assert EVIL_ESCAPED in body
    assert action_ids(message) == [ids.RETRO_OPEN]
    plain = close_summary(
        assemble_close(team_name="Sales", cycle_name="Q2", cards=big_cards(title="Objective")),
        team_id=1,
        cycle_id=2,
    )
    check_message(plain)
    shown = texts(plain["blocks"])
    assert "*Objective #99*" in shown and "more objectives" not in shown  # all 100 fit
    empty = close_summary(
        assemble_close(team_name="T", cycle_name="Q", cards=[]), team_id=1, cycle_id=2
    )
    check_message(empty)
    assert "No scored key results yet." in texts(empty["blocks"])


def test_retro_modal_reader_and_thread_post() -> None:
    view = retro_modal(
        team_name=EVIL,
        cycle_name="Q2 2024",
        team_id=3,
        cycle_id=7,
        channel="C0TEAM",
        thread_ts="1716800000.000100",
    )
    check_modal(view)
    assert_escaped(view)
    assert view["callback_id"] == ids.RETRO_VIEW
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["went_well", "to_improve", "carry_over"]
    assert all(b["element"]["multiline"] and b.get("optional") for b in inputs)
    assert json.loads(view["private_metadata"]) == {
        "team": 3,
        "cycle": 7,
        "channel": "C0TEAM",
        "thread_ts": "1716800000.000100",
    }

    def answered(**answers: str | None) -> dict[str, Any]:
        return {
            key: {"value": {"type": "plain_text_input", "value": answers.get(key)}}
            for key in ("went_well", "to_improve", "carry_over")
        }

    assert read_retro(answered()) == (
        None,
        {"went_well": "Answer at least one of the three questions."},
    )
    assert read_retro(answered(went_well="  ", to_improve="\n"))[0] is None
    got, errors = read_retro(answered(to_improve="  Faster follow-ups ", carry_over=EVIL))
    assert errors == {} and got == {"to_improve": "Faster follow-ups", "carry_over": EVIL}
    assert read_retro(answered(went_well="x" * 1001)) == (
        None,
        {"went_well": "Keep it to 1,000 characters."},
    )
    assert read_retro({}) == (None, {"went_well": "Answer at least one of the three questions."})

    post = retro_post({**got, "went_well": "Line one\n\nLine <two>"}, "U0AAA1")
    check_message(post)
    assert_escaped(post)
    body = texts(post["blocks"])
    assert "*Retrospective* from <@U0AAA1>" in body
    assert "*Went well*\n> Line one\n>\n> Line &lt;two&gt;" in body
    assert "*To improve*\n> Faster follow-ups" in body
    assert f"*Carry into next cycle*\n> {EVIL_ESCAPED}" in body
    hostile = retro_post({"went_well": "x" * 5000}, "<!channel>")
    check_message(hostile)
    assert_escaped(hostile)


def test_planning_reminder_offers_new_okr() -> None:
    message = planning_reminder(team_name=EVIL, next_cycle_name=EVIL, starts=date(2024, 7, 1))
    check_message(message)
    assert_escaped(message)
    body = texts(message["blocks"])
    assert "starts on *Mon 1 Jul 2024*" in body and EVIL_ESCAPED in body
    assert action_ids(message) == [ids.NEW_OKR]


# --- delivery problems ----------------------------------------------------------------------


def _escaped_but_channels(payload: dict[str, Any]) -> None:
    assert_escaped(json.loads(re.sub(r"<#C[A-Z0-9]+>", "", json.dumps(payload))))


def test_delivery_problem_explains_each_error() -> None:
    for error in ("channel_not_found", "not_in_channel"):
        message = delivery_problem(team_name="Sales EMEA", channel_id="C0TEAM", error=error)
        check_message(message)
        _escaped_but_channels(message)
        body = texts(message["blocks"])
        assert "*Sales EMEA*" in body and "<#C0TEAM>" in body
        assert "`/invite @okr-bot`" in body and "`/okr team`" in body
    archived = delivery_problem(team_name="Sales", channel_id="C0OLD", error="is_archived")
    assert "The channel is archived. Pick another channel in `/okr team`." in texts(
        archived["blocks"]
    )
    other = delivery_problem(team_name=EVIL, channel_id=EVIL, error="ratelimited`<!here>")
    check_message(other)
    _escaped_but_channels(other)
    body = texts(other["blocks"])
    assert "Slack answered `ratelimited'&lt;!here&gt;`" in body
    assert "&lt;!channel&gt;" in body
    nowhere = delivery_problem(team_name="Sales", channel_id=None, error="")
    check_message(nowhere)
    assert "the team channel" in texts(nowhere["blocks"])
    assert "`unknown error`" in texts(nowhere["blocks"])
