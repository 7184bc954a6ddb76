"""The display builders in `blocks`: structure, escaping and Slack's Block Kit limits.

Every payload is checked by `assert_valid_blocks` (slack_sdk's own models and validators, plus
the limits slack_sdk does not check) and by `assert_escaped` (no `<` survives except the
mentions and dates the builders add on purpose).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from blocks import ids
from blocks.confirmation import new_objective_post, set_confirmation
from blocks.help import VerbHelp
from blocks.home import home_view
from blocks.kr_format import (
    confidence_label,
    kr_value,
    mention,
    one_line,
    pace_label,
    percent,
    progress_bar,
    status_label,
    trend_label,
)
from blocks.kr_history import kr_history_modal, slack_date
from blocks.mrkdwn import escape
from blocks.objective_card import objective_block_count, objective_blocks
from blocks.okr_list import list_message, paginate
from blocks.tree import tree_message
from okr.outline import (
    CheckInNote,
    KRLine,
    Level,
    ObjectiveCard,
    TargetChange,
    TreeNode,
    kr_line,
)
from okr.progress import Status, StretchVerdict

EVIL = "<!channel> buy now <https://evil|bank>"
EVIL_ESCAPED = "&lt;!channel&gt; buy now &lt;https://evil|bank&gt;"

CYCLE_START = datetime(2024, 4, 1, tzinfo=UTC)
CYCLE_END = datetime(2024, 7, 1, tzinfo=UTC)
AT = datetime(2024, 5, 25, tzinfo=UTC)  # 54 of 91 days: expected progress 59 %

VERBS = [
    VerbHelp("/okr help", "show this help"),
    VerbHelp("/okr set", "create an objective with its key results"),
    VerbHelp("/okr list", "see your OKRs and your team's"),
]

# --- fixtures -----------------------------------------------------------------------------


def make_kr(
    id: int = 1,
    *,
    title: str = "Close $2M in new ARR",
    kind: str = "increase",
    unit: str = "currency",
    currency: str | None = "USD",
    start: float = 0,
    target: float = 2_000_000,
    original_target: float | None = None,
    current: float = 700_000,
    owner_id: str = "U0AAA1",
    confidence: str | None = "on_track",
    history: tuple[float, ...] = (650_000, 700_000),
    baseline: float | None = None,
    revisions: tuple[TargetChange, ...] = (),
) -> KRLine:
    return kr_line(
        id=id,
        title=title,
        kind=kind,
        unit=unit,
        currency=currency,
        start=start,
        target=target,
        original_target=target if original_target is None else original_target,
        current=current,
        owner_id=owner_id,
        weight=1,
        confidence=confidence,
        history=history,
        cycle_start=CYCLE_START,
        cycle_end=CYCLE_END,
        at=AT,
        baseline=baseline,
        revisions=revisions,
    )


def revision(
    old: float = 1_500_000,
    new: float = 2_000_000,
    *,
    reason: str = "Pipeline grew after the partner deal",
    by: str = "U0BOSS",
    at: datetime = datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
) -> TargetChange:
    return TargetChange(old, new, reason, by, at)


def three_krs() -> tuple[KRLine, ...]:
    return (
        make_kr(1, revisions=(revision(),), original_target=1_500_000),
        make_kr(
            2,
            title="Keep churn below 3%",
            kind="stay_below",
            unit="percent",
            currency=None,
            start=4,
            target=3,
            current=2.5,
            history=(2.8, 2.5),
            confidence="at_risk",
            owner_id="U0BBB2",
        ),
        make_kr(
            3,
            title="Launch the partner program",
            kind="milestone",
            unit="number",
            currency=None,
            start=0,
            target=1,
            current=0,
            history=(),
            confidence=None,
        ),
    )


def make_card(
    id: int = 10,
    *,
    title: str = "Win the mid-market in EMEA",
    krs: tuple[KRLine, ...] | None = None,
    level: str = Level.TEAM,
    owner_id: str = "U0LEAD",
    team_name: str | None = "Sales EMEA",
    parent_title: str | None = "Grow ARR to $20M",
    description: str = "Focus on 50-500 seat accounts.",
) -> ObjectiveCard:
    return ObjectiveCard(
        id=id,
        title=title,
        description=description,
        level=level,
        owner_id=owner_id,
        team_id=1,
        team_name=team_name,
        cycle_id=1,
        cycle_name="Q2 2024",
        parent_id=1 if parent_title else None,
        parent_title=parent_title,
        krs=three_krs() if krs is None else krs,
    )


def many_krs(count: int, *, first_id: int = 1, revised: bool = False) -> tuple[KRLine, ...]:
    return tuple(
        make_kr(
            first_id + i,
            title=f"Key result {first_id + i}",
            current=100_000 * (i % 25),
            revisions=(revision(),) if revised else (),
        )
        for i in range(count)
    )


# --- validation helpers ---------------------------------------------------------------------

_ALLOWED_ANGLE = re.compile(r"<@[UW][A-Z0-9]+>|<!date\^\d+\^\{date_short\} \{time\}\|[^|<>]*>")


def _check_button(element: dict[str, Any]) -> None:
    assert element["type"] == "button"
    assert 0 < len(element["text"]["text"]) <= 75
    assert 0 < len(element["action_id"]) <= 255
    assert len(element.get("value", "")) <= 2000


def assert_valid_blocks(blocks: Sequence[dict[str, Any]], *, max_blocks: int = 50) -> None:
    """Every block parses with slack_sdk, passes its validators (`to_dict` validates nested
    elements too), and respects the limits slack_sdk leaves to the API."""
    assert 0 < len(blocks) <= max_blocks, f"{len(blocks)} blocks (limit {max_blocks})"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), "block_id must be unique"
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.type == block["type"]
        parsed.validate_json()
        assert parsed.to_dict()["type"] == block["type"]
        assert len(block.get("block_id", "")) <= 255
        kind = block["type"]
        if kind == "section":
            text = block.get("text", {}).get("text")
            assert text or block.get("fields")
            if text is not None:
                assert 0 < len(text) <= 3000
            for field in block.get("fields", []):
                assert 0 < len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
            if "accessory" in block and block["accessory"]["type"] == "button":
                _check_button(block["accessory"])
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            for element in block["elements"]:
                assert 0 < len(element["text"]) <= 2000
        elif kind == "header":
            assert 0 < len(block["text"]["text"]) <= 150
            assert block["text"]["type"] == "plain_text"
        elif kind == "actions":
            elements = block["elements"]
            assert 0 < len(elements) <= 25
            action_ids = [e["action_id"] for e in elements]
            assert len(action_ids) == len(set(action_ids)), "action_id unique within a block"
            for element in elements:
                _check_button(element)
        else:
            assert kind == "divider"


def assert_valid_message(message: dict[str, Any]) -> None:
    assert isinstance(message["text"], str) and message["text"]
    assert_valid_blocks(message["blocks"], max_blocks=50)


def assert_valid_view(view: dict[str, Any], kind: str) -> None:
    assert view["type"] == kind
    model = View(**view)
    model.validate_json()
    model.to_dict()
    if kind == "modal":
        assert 0 < len(view["title"]["text"]) <= 24
    assert_valid_blocks(view["blocks"], max_blocks=100)


def assert_escaped(payload: Any) -> None:
    """No `<` in the payload except the mentions and dates the builders add on purpose."""
    text = _ALLOWED_ANGLE.sub("", json.dumps(payload, ensure_ascii=False))
    assert "<" not in text, text[max(0, text.find("<") - 80) : text.find("<") + 80]
    assert "<!" not in text


def texts(blocks: Sequence[dict[str, Any]]) -> str:
    """All mrkdwn / plain text of `blocks`, one per line."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields", []))
        out.extend(
            e["text"]
            for e in block.get("elements", [])
            if "text" in e and e["type"] in {"mrkdwn", "plain_text"}
        )
    return "\n".join(out)


def buttons(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    for block in blocks:
        if block["type"] == "actions":
            found.extend(e for e in block["elements"] if e["type"] == "button")
    return found


# --- kr_format ------------------------------------------------------------------------------


def test_progress_bar_clamps_and_percent_shows_raw() -> None:
    assert progress_bar(0.6) == "▓▓▓▓▓▓░░░░"
    assert progress_bar(1.2) == "▓" * 10
    assert progress_bar(-0.3) == "░" * 10
    assert progress_bar(float("nan")) == "░" * 10
    assert progress_bar(0.5, width=4) == "▓▓░░"
    assert percent(1.2) == "120%"
    assert percent(-0.05) == "-5%"
    assert percent(0.0) == "0%"
    assert percent(-0.001) == "0%"
    assert percent(float("inf")) == "n/a"
    assert percent(1e300) == ">9,999%"


def test_status_and_confidence_labels() -> None:
    assert status_label(Status.ON_TRACK) == ":large_green_circle: on track"
    assert status_label(Status.AT_RISK) == ":large_yellow_circle: at risk"
    assert status_label(Status.OFF_TRACK) == ":red_circle: off track"
    assert status_label(None) == "too early to tell"
    assert confidence_label("on_track") == ":large_green_circle: on track"
    assert confidence_label("High") == ":large_green_circle: high"
    assert confidence_label(None) == "not given"
    assert confidence_label("<!here>") == "&lt;!here&gt;"


def test_values_trend_and_pace_in_the_krs_unit() -> None:
    kr = make_kr(current=1_200_000, history=(1_150_000, 1_200_000))
    assert kr_value(kr) == "$1.2M of $2M"
    # issue 10: every change says whether it is good for the KR (was without the verdict)
    assert trend_label(kr) == "▲ $50k since last check-in (better)"
    assert trend_label(make_kr(current=700_000, history=(750_000, 700_000))) == (
        "▼ $50k since last check-in (worse)"
    )
    assert trend_label(make_kr(current=700_000, history=(700_000, 700_000))) == "no change"
    assert trend_label(make_kr(history=())) == ""
    assert pace_label(kr) == "60% · expected 59%"
    churn = three_krs()[1]
    assert kr_value(churn) == "now 2.5% · holds ≤ 3%"
    done = make_kr(
        kind="milestone", unit="number", currency=None, target=1, current=1, history=(0, 1)
    )
    assert kr_value(done) == "done"
    assert kr_value(three_krs()[2]) == "not done"


def test_mention_only_for_slack_ids() -> None:
    assert mention("U0123ABC") == "<@U0123ABC>"
    assert mention("W0123ABC") == "<@W0123ABC>"
    assert mention("<!channel>") == "&lt;!channel&gt;"
    assert mention("u123") == "u123"
    assert mention("U123\n") == "U123"
    assert mention("U12>|x") == "U12&gt;|x"
    assert mention("") == "unknown user"


# --- objective card -------------------------------------------------------------------------


def test_objective_card_layout_three_krs_in_four_blocks() -> None:
    card = make_card()
    blocks = objective_blocks(card, show_edit=True, now_label="Mon 27 May")
    assert_valid_blocks(blocks)
    assert len(blocks) == objective_block_count(card, True) == 4
    assert [b["type"] for b in blocks] == ["section"] * 4
    head = blocks[0]
    assert head["accessory"]["action_id"] == ids.EDIT_OBJECTIVE
    assert head["accessory"]["value"] == "10"
    assert head["text"]["text"].startswith("*Win the mid-market in EMEA*\n")
    assert "Team objective · Sales EMEA · <@U0LEAD> · as of Mon 27 May" in head["text"]["text"]
    assert "aligned to _Grow ARR to $20M_" in head["text"]["text"]
    first = blocks[1]["text"]["text"]
    assert first.startswith("*Close $2M in new ARR* · <@U0AAA1>")
    assert "$700k of $2M  ▓▓▓▓░░░░░░ 35% · ▲ $50k since last check-in" in first
    assert "suggested: :large_yellow_circle: at risk · owner: :large_green_circle: on track" in (
        first
    )
    assert blocks[1]["accessory"] == {
        "type": "button",
        "action_id": ids.SHOW_KR_HISTORY,
        "value": "1",
        "text": {"type": "plain_text", "text": "History", "emoji": True},
    }
    assert "accessory" not in blocks[2] and "accessory" not in blocks[3]
    assert "now 2.5% · holds ≤ 3%" in blocks[2]["text"]["text"]
    assert "owner: :large_yellow_circle: at risk" in blocks[2]["text"]["text"]
    # issue 10: `:white_square:` is not a Slack emoji name (it showed as text)
    assert ":white_large_square: not done" in blocks[3]["text"]["text"]
    assert "owner: not given" in blocks[3]["text"]["text"]


def test_objective_card_without_edit_or_krs() -> None:
    card = make_card(krs=(), level=Level.PERSONAL, parent_title=None, team_name=None)
    blocks = objective_blocks(card, show_edit=False)
    assert_valid_blocks(blocks)
    assert len(blocks) == objective_block_count(card, False) == 1
    assert "accessory" not in blocks[0]
    assert "not aligned to a company objective" in blocks[0]["text"]["text"]
    assert "No key results yet" in blocks[0]["text"]["text"]


def test_objective_card_with_ten_krs_and_truncation() -> None:
    card = make_card(krs=many_krs(10, revised=True))
    blocks = objective_blocks(card, show_edit=True)
    assert_valid_blocks(blocks)
    assert len(blocks) == 11
    assert [b["accessory"]["value"] for b in blocks[1:]] == [str(i) for i in range(1, 11)]
    big = make_card(krs=many_krs(60))
    cut = objective_blocks(big, show_edit=True, max_blocks=46)
    assert_valid_blocks(cut)
    assert len(cut) == 46
    assert cut[-1]["type"] == "context"
    assert cut[-1]["elements"][0]["text"] == "and 16 more key results"


def test_objective_card_escapes_user_text() -> None:
    card = make_card(
        title=EVIL,
        description=EVIL,
        team_name=EVIL,
        parent_title=EVIL,
        owner_id=EVIL,
        krs=(make_kr(title=EVIL, owner_id="<!here>", confidence=EVIL, revisions=(revision(),)),),
    )
    blocks = objective_blocks(card, show_edit=True, now_label=EVIL)
    assert_valid_blocks(blocks)
    assert_escaped(blocks)
    assert f"*{EVIL_ESCAPED}*" in blocks[0]["text"]["text"]
    assert f"*{EVIL_ESCAPED}* · &lt;!here&gt;" in blocks[1]["text"]["text"]


# --- /okr list ------------------------------------------------------------------------------


def _cards(count: int) -> list[ObjectiveCard]:
    """Objectives with 0-10 KRs, ids 1..count."""
    return [
        make_card(i, title=f"Objective {i}", krs=many_krs(i % 11, first_id=i * 100))
        for i in range(1, count + 1)
    ]


def test_paginate_packs_whole_cards_within_budget() -> None:
    cards = _cards(40)
    pages = paginate(cards, 20)
    assert [c for page in pages for c in page] == cards
    for page in pages:
        cost = sum(objective_block_count(c) for c in page) + len(page) - 1
        assert cost <= 20 or len(page) == 1
    assert paginate([], 45) == []
    big = make_card(1, krs=many_krs(60))
    small = make_card(2, krs=many_krs(2))
    assert paginate([small, big, small], 45) == [[small], [big], [small]]
    assert paginate([small, small], 7) == [[small, small]]  # 3 + divider + 3
    assert paginate([small, small], 6) == [[small], [small]]


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=40), st.integers(1, 50))
@settings(max_examples=50, deadline=None)
def test_paginate_property(kr_counts: list[int], budget: int) -> None:
    cards = [
        ObjectiveCard(
            i, "t", "", Level.TEAM, "U1", None, None, 1, "Q", None, None, krs=(make_kr(),) * n
        )
        for i, n in enumerate(kr_counts)
    ]
    pages = paginate(cards, budget)
    assert [c for page in pages for c in page] == cards
    assert all(page for page in pages)
    for page in pages:
        cost = sum(objective_block_count(c) for c in page) + len(page) - 1
        assert cost <= budget or len(page) == 1


def test_list_message_500_objectives_every_page_valid() -> None:
    cards = _cards(500)
    first = list_message(
        "Team OKRs", cards, page=0, editable_ids={2, 3}, scope="team:7", empty_text="none"
    )
    pages = int(re.search(r"Page 1 of (\d+)", json.dumps(first)).group(1))  # type: ignore[union-attr]
    assert pages == len(paginate(cards, 45))
    seen = 0
    for n in range(pages):
        message = list_message(
            "Team OKRs", cards, page=n, editable_ids={2, 3}, scope="team:7", empty_text="none"
        )
        assert message["response_type"] == "ephemeral"
        assert_valid_message(message)
        assert_escaped(message)
        blocks = message["blocks"]
        assert blocks[0]["type"] == "header"
        assert f"Page {n + 1} of {pages} · 500 objectives" in texts(blocks)
        nav = [b for b in blocks if b["type"] == "actions"]
        expected = (["prev"] if n > 0 else []) + (["next"] if n < pages - 1 else [])
        assert [b["block_id"] for b in nav] == [f"list_page_{d}_{n}" for d in expected]
        for block, direction in zip(nav, expected, strict=True):
            [button] = block["elements"]
            assert button["action_id"] == ids.LIST_PAGE
            target = n - 1 if direction == "prev" else n + 1
            assert json.loads(button["value"]) == {"scope": "team:7", "page": target}
        seen += sum(
            1 for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*Obj")
        )
        edits = [b for b in buttons(blocks) if b["action_id"] == ids.EDIT_OBJECTIVE]
        assert {e["value"] for e in edits} <= {"2", "3"}
    assert seen == 500


def test_list_message_single_page_empty_and_clamped() -> None:
    cards = _cards(3)
    one = list_message("Mine", cards, page=7, editable_ids=(), scope="me", empty_text="x")
    assert_valid_message(one)
    assert not [b for b in one["blocks"] if b["type"] == "actions"]
    assert [b["type"] for b in one["blocks"]].count("divider") == 2
    assert not [b for b in buttons(one["blocks"]) if b["action_id"] == ids.EDIT_OBJECTIVE]
    empty = list_message(EVIL, [], page=0, editable_ids=(), scope="me", empty_text=EVIL)
    assert_valid_message(empty)
    assert_escaped(empty)
    assert empty["blocks"][0]["text"]["text"] == EVIL_ESCAPED
    assert empty["blocks"][1]["text"]["text"] == EVIL_ESCAPED
    last = list_message("All", _cards(100), page=999, editable_ids=(), scope="s", empty_text="")
    assert_valid_message(last)
    assert last["blocks"][-1]["block_id"].startswith("list_page_prev_")


def test_list_message_oversized_card_is_truncated_on_its_own_page() -> None:
    cards = [make_card(1, krs=many_krs(2)), make_card(2, krs=many_krs(80, revised=True))]
    message = list_message("Big", cards, page=1, editable_ids={2}, scope="s", empty_text="")
    assert_valid_message(message)
    assert len(message["blocks"]) <= 50
    assert "more key results" in texts(message["blocks"])
    with pytest.raises(ValueError):
        list_message("x", cards, page=0, editable_ids=(), scope="s" * 3000, empty_text="")


# --- alignment tree -------------------------------------------------------------------------


def node(
    id: int, title: str, level: str = Level.TEAM, children: tuple[TreeNode, ...] = (), **kw: Any
) -> TreeNode:
    return TreeNode(
        id=id,
        title=title,
        level=level,
        owner_id=kw.get("owner_id", f"U{id:04d}"),
        team_name=kw.get("team_name"),
        progress=kw.get("progress", 0.42),
        children=children,
    )


def test_tree_small_indentation_collapse_and_unaligned_roots() -> None:
    deep = node(5, "Personal A", Level.PERSONAL, (node(6, "Too deep"), node(7, "Deeper")))
    roots = [
        node(9, "Lone team goal", Level.TEAM, team_name="Support"),
        node(
            1,
            "Grow ARR",
            Level.COMPANY,
            (node(2, "EMEA growth", team_name="Sales", children=(deep,)),),
            progress=1.2,
        ),
    ]
    message = tree_message("Q2 2024", roots)
    assert_valid_message(message)
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == "Alignment · Q2 2024"
    assert [b["type"] for b in blocks] == ["header", "section"]
    lines = blocks[1]["text"]["text"].split("\n")
    assert lines == [
        "• *Grow ARR* · <@U0001> · 120% ▓▓▓▓▓",
        "  ◦ *EMEA growth* · Sales · <@U0002> · 42% ▓▓░░░",
        "    ▪ *Personal A* · <@U0005> · 42% ▓▓░░░",
        "      … and 2 more aligned objectives",
        "• *Lone team goal* · Support · <@U0009> · 42% ▓▓░░░ · _not aligned_",
    ]


def _big_tree() -> list[TreeNode]:
    """10 company objectives × 9 team objectives × 110 personal ones: 10,000 nodes."""
    roots = []
    next_id = 1
    for c in range(10):
        teams = []
        for _ in range(9):
            people = tuple(
                node(next_id + 1 + k, f"Personal objective {next_id + 1 + k}", Level.PERSONAL)
                for k in range(110)
            )
            teams.append(node(next_id, f"Team objective {next_id}", children=people))
            next_id += 111
        roots.append(node(100_000 + c, f"Company {c}", Level.COMPANY, tuple(teams)))
    return roots


def test_tree_ten_thousand_nodes_within_limits_and_fast() -> None:
    roots = _big_tree()
    total = sum(r.size() for r in roots)
    assert total == 10_000
    started = time.perf_counter()
    first = tree_message("Q2", roots, cycle_id=4)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f}s"
    assert_valid_message(first)
    footer = first["blocks"][-2]["elements"][0]["text"]
    match = re.fullmatch(
        r"and ([\d,]+) more objectives · Page 1 of (\d+) · 10,000 objectives", footer
    )
    assert match is not None, footer
    pages = int(match.group(2))
    [next_button] = first["blocks"][-1]["elements"]
    assert next_button["action_id"] == ids.TREE_PAGE
    assert json.loads(next_button["value"]) == {"cycle": 4, "page": 1}
    shown = 0
    for n in range(pages):
        message = tree_message("Q2", roots, page=n)
        assert_valid_message(message)
        nav = [b for b in message["blocks"] if b["type"] == "actions"]
        expected = (["prev"] if n else []) + (["next"] if n < pages - 1 else [])
        assert [b["block_id"] for b in nav] == [f"tree_page_{d}_{n}" for d in expected]
        for block in nav:
            assert block["elements"][0]["action_id"] == ids.TREE_PAGE
            assert set(json.loads(block["elements"][0]["value"])) == {"page"}
        shown += sum(
            line.count("<@U")
            for b in message["blocks"]
            if b["type"] == "section"
            for line in b["text"]["text"].split("\n")
        )
    assert shown == 10_000


def test_tree_deep_chain_collapses_without_recursion() -> None:
    chain = node(0, "leaf", Level.PERSONAL)
    for i in range(1, 5000):
        chain = node(i, f"level {i}", Level.PERSONAL, (chain,))
    top = node(9999, "Company", Level.COMPANY, (chain,))
    message = tree_message("Q2", [top], max_depth=2)
    assert_valid_message(message)
    assert "… and 4,999 more aligned objectives" in texts(message["blocks"])


def test_tree_empty_and_escaped() -> None:
    empty = tree_message(EVIL, [])
    assert_valid_message(empty)
    assert_escaped(empty)
    evil = tree_message("Q2", [node(1, EVIL, Level.COMPANY, owner_id=EVIL, team_name=EVIL)])
    assert_valid_message(evil)
    assert_escaped(evil)
    assert EVIL_ESCAPED in texts(evil["blocks"])


# --- Home tab -------------------------------------------------------------------------------


def test_home_for_a_newcomer_keeps_the_welcome_and_commands() -> None:
    view = home_view(user_id="U0NEW", cards=[], editable_ids=(), cycle_name=None, verbs=VERBS)
    assert_valid_view(view, "home")
    assert view["blocks"][0]["text"]["text"] == "Your OKRs"
    assert any("/okr help" in json.dumps(block) for block in view["blocks"])
    assert [b["action_id"] for b in buttons(view["blocks"])] == [ids.NEW_OKR]
    assert "style" not in buttons(view["blocks"])[0]  # New OKR is never the primary button
    no_verbs = home_view(user_id="U0NEW", cards=[], editable_ids=(), cycle_name="Q2", verbs=[])
    assert_valid_view(no_verbs, "home")


def test_a_reps_home_shows_the_team_objective_with_all_krs_their_own_first() -> None:
    """Tests of the Home tab with its check-in state and a lead's panel are in
    tests/unit/test_home.py; this one keeps the escaping and History checks."""
    munich = make_kr(5, title="Open the Munich office", owner_id="U0OTHER")
    team = make_card(11, title="Expand in DACH", owner_id="U0OTHER", krs=(munich,))
    mine = make_card(10)  # the rep U0AAA1 owns its first KR; U0BBB2 the second
    view = home_view(
        user_id="U0AAA1",
        cards=[team, mine],
        editable_ids={10},
        cycle_name="Q2 2024",
        verbs=VERBS,
    )
    assert_valid_view(view, "home")
    assert_escaped(view)
    blocks = view["blocks"]
    assert blocks[0]["text"]["text"] == "Your OKRs · Q2 2024"
    assert blocks[1]["text"]["text"] == "Not checked in this week yet."
    assert [e["action_id"] for e in blocks[2]["elements"]] == [
        ids.CHECK_IN,
        ids.NO_CHANGE,
        ids.NEW_OKR,
    ]
    assert blocks[2]["elements"][0]["style"] == "primary"
    assert [b["text"]["text"] for b in blocks if b["type"] == "header"][1:] == [
        "Yours",
        "Your team's objectives",
    ]
    body = texts(blocks)
    assert body.index("*Win the mid-market in EMEA*") < body.index("*Expand in DACH*")
    kr_text = blocks[6]["text"]["text"]
    assert kr_text.startswith("*Close $2M in new ARR*\n")
    assert "$700k of $2M  ▓▓▓▓░░░░░░ 35% · expected 59%" in kr_text
    assert "you: :large_green_circle: on track" in kr_text
    assert blocks[6]["accessory"]["action_id"] == ids.SHOW_KR_HISTORY
    assert "*Keep churn below 3%* · <@U0BBB2>" in body  # a teammate's KR, on the same card
    edits = [b["value"] for b in buttons(blocks) if b["action_id"] == ids.EDIT_OBJECTIVE]
    assert edits == ["10"]
    assert body.count("*Close $2M in new ARR*") == 1  # never twice


@pytest.mark.parametrize(("kr_count", "card_count"), [(200, 0), (200, 50), (0, 100), (5, 40)])
def test_home_stays_within_100_blocks(kr_count: int, card_count: int) -> None:
    card = make_card(1, krs=many_krs(kr_count, revised=True), owner_id="U0AAA1")
    team = [make_card(100 + i, krs=many_krs(3, first_id=1000 * i)) for i in range(card_count)]
    view = home_view(
        user_id="U0AAA1",
        cards=[card, *team],
        editable_ids={c.id for c in team},
        cycle_name="Q2",
        verbs=VERBS,
    )
    assert_valid_view(view, "home")
    all_text = texts(view["blocks"])
    if kr_count > 90:
        assert "more key results" in all_text
    if card_count > 20:
        assert re.search(r"and [\d,]+ more objectives — type `/okr list`", all_text)


def test_home_huge_single_team_card_is_truncated() -> None:
    team = [make_card(1, krs=many_krs(150))]
    view = home_view(user_id="U0X", cards=team, editable_ids=(), cycle_name="Q2", verbs=VERBS)
    assert_valid_view(view, "home")
    assert "more key results" in texts(view["blocks"])


# --- confirmation and announcement ------------------------------------------------------------


def test_set_confirmation_warns_but_never_blocks() -> None:
    krs = (
        make_kr(1, title="Grow ARR", target=1_050_000, baseline=1_000_000),
        make_kr(
            2, title="New logos", unit="number", currency=None, target=3_500_000, baseline=1_000_000
        ),
        make_kr(3, title="Upsell", target=1_500_000, baseline=1_000_000),
        make_kr(
            4,
            title="Cut cost",
            kind="decrease",
            start=5_000_000,
            target=300_000,
            current=4_000_000,
            history=(),
            baseline=1_000_000,
        ),
    )
    card = make_card(42, krs=krs)
    verdicts = {
        1: StretchVerdict.NOT_CHALLENGING,
        2: StretchVerdict.LIKELY_UNREALISTIC,
        3: StretchVerdict.REASONABLE,
        4: StretchVerdict.LIKELY_UNREALISTIC,
        99: StretchVerdict.NOT_CHALLENGING,
    }
    message = set_confirmation(card, verdicts)
    assert_valid_message(message)
    assert_escaped(message)
    assert "response_type" not in message  # spread into chat.postMessage
    blocks = message["blocks"]
    warning = next(b for b in blocks if "⚠️" in b.get("text", {}).get("text", ""))
    assert warning["text"]["text"].split("\n") == [
        "⚠️ *Grow ARR*: target $1.05M is within 5 % of the baseline $1M — not challenging",
        "⚠️ *New logos*: target 3.5M is more than 3× the baseline 1M — likely unrealistic",
        "⚠️ *Cut cost*: target $300k is less than a third of the baseline $1M — likely unrealistic",
    ]
    assert warning["accessory"]["action_id"] == ids.EDIT_OBJECTIVE
    assert warning["accessory"]["value"] == "42"
    assert warning["accessory"]["text"]["text"] == "Adjust targets"
    assert "3 target warnings" in message["text"]
    assert blocks[1]["text"]["text"].startswith("*Win the mid-market in EMEA*")


def test_set_confirmation_without_warnings_has_edit_only() -> None:
    card = make_card(7)
    message = set_confirmation(card, {1: StretchVerdict.REASONABLE})
    assert_valid_message(message)
    assert "⚠️" not in json.dumps(message, ensure_ascii=False)
    assert [(b["action_id"], b["value"]) for b in buttons(message["blocks"])] == [
        (ids.EDIT_OBJECTIVE, "7"),
        (ids.SHOW_KR_HISTORY, "1"),
    ]
    huge = make_card(8, krs=many_krs(80, revised=True))
    crowded = set_confirmation(huge, {kr.id: StretchVerdict.NOT_CHALLENGING for kr in huge.krs})
    assert_valid_message(crowded)


def test_new_objective_post() -> None:
    message = new_objective_post(make_card(), "U0AUTHOR")
    assert_valid_message(message)
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == (
        "🎯 New objective by <@U0AUTHOR>: *Win the mid-market in EMEA* — 3 key results"
    )
    assert blocks[1]["elements"][0]["text"] == (
        "Team objective · Sales EMEA · aligned to *Grow ARR to $20M*"
    )
    one = new_objective_post(make_card(krs=many_krs(1), title=EVIL), "<!everyone>")
    assert_valid_message(one)
    assert_escaped(one)
    assert "— 1 key result" in one["blocks"][0]["text"]["text"]
    assert "&lt;!everyone&gt;" in one["blocks"][0]["text"]["text"]


# --- KR history modal -----------------------------------------------------------------------


def test_kr_history_modal_lists_revisions_newest_first() -> None:
    changes = (
        revision(1_000_000, 1_500_000, reason="First plan", at=datetime(2024, 4, 2, tzinfo=UTC)),
        revision(1_500_000, 2_000_000, reason=EVIL, by="U0BOSS"),
    )
    kr = make_kr(original_target=1_000_000, revisions=changes)
    view = kr_history_modal(kr, "Win <EMEA>")
    assert_valid_view(view, "modal")
    assert_escaped(view)
    assert view["title"]["text"] == "History"
    assert "submit" not in view
    blocks = view["blocks"]
    assert blocks[0]["text"]["text"] == "*Close $2M in new ARR*\nObjective: Win &lt;EMEA&gt;"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[:2] == ["*Original target*\n$1M", "*Current target*\n$2M"]
    assert "No check-ins yet." in texts(blocks[3:4])
    newest = blocks[5]["text"]["text"]
    assert newest == (
        "*$1.5M → $2M* · by <@U0BOSS> · "
        "<!date^1714555800^{date_short} {time}|2024-05-01 09:30 UTC>\n"
        f"> {EVIL_ESCAPED}"
    )
    assert blocks[6]["text"]["text"].startswith("*$1M → $1.5M*")


def test_kr_history_modal_truncates_oldest_and_handles_none() -> None:
    start = datetime(2024, 4, 1, tzinfo=UTC)
    changes = tuple(
        revision(
            1000 + i, 1001 + i, reason=f"change {i}\nsecond line", at=start + timedelta(hours=i)
        )
        for i in range(150)
    )
    kr = make_kr(unit="number", currency=None, target=1150, revisions=changes)
    view = kr_history_modal(kr, "Objective")
    assert_valid_view(view, "modal")
    blocks = view["blocks"]
    assert len(blocks) == 100
    assert blocks[-1]["elements"][0]["text"] == "and 56 earlier changes"
    assert "change 149" in blocks[5]["text"]["text"]
    assert "change 55" not in texts(blocks) and "change 56" in texts(blocks)
    none = kr_history_modal(make_kr(), "Objective")
    assert_valid_view(none, "modal")
    assert "has not changed" in texts(none["blocks"])
    assert slack_date(datetime(2024, 5, 1, 9, 30)) == (
        "<!date^1714555800^{date_short} {time}|2024-05-01 09:30 UTC>"
    )


def test_kr_history_lists_checkins_with_edit_on_the_latest_only() -> None:
    start = datetime(2024, 4, 1, tzinfo=UTC)
    notes = tuple(
        CheckInNote(
            id=i,
            value=100_000 * i,
            confidence="at_risk" if i % 2 else "on_track",
            note=f"week {i} <!here>",
            user_id="U0REP",
            at=start + timedelta(days=7 * i),
            edited=i == 14,
        )
        for i in range(1, 15)
    )
    kr = replace(make_kr(), checkins=notes)
    view = kr_history_modal(kr, "Objective", editable_checkin_id=14)
    assert_valid_view(view, "modal")
    assert_escaped(view)
    text = texts(view["blocks"])
    assert "week 14" in text and "_edited_" in text and "week 2 " not in text
    assert "and 2 earlier check-ins" in text
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ids.EDIT_CHECK_IN, "14"),
        (ids.DELETE_CHECK_IN, "14"),
    ]
    assert "confirm" in buttons[1]


# --- random user text -------------------------------------------------------------------------


@given(
    title=st.text(max_size=300),
    other=st.text(max_size=300),
    user=st.text(max_size=40),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_text_never_breaks_escaping_or_limits(title: str, other: str, user: str) -> None:
    kr = make_kr(
        title=title,
        owner_id=user,
        confidence=other[:16],
        baseline=1_000_000,
        revisions=(revision(reason=other, by=user),),
    )
    card = make_card(
        title=title,
        description=other,
        team_name=other,
        parent_title=title,
        owner_id=user,
        krs=(kr, make_kr(2, title=other)),
    )
    payloads: list[tuple[Any, str]] = [
        (objective_blocks(card, show_edit=True, now_label=other), "blocks"),
        (
            list_message(title, [card], page=0, editable_ids={10}, scope="s", empty_text=other),
            "message",
        ),
        (list_message(title, [], page=0, editable_ids=(), scope="s", empty_text=other), "message"),
        (
            tree_message(
                title,
                [node(1, title, Level.TEAM, (node(2, other),), owner_id=user, team_name=other)],
            ),
            "message",
        ),
        (
            home_view(
                user_id=user,
                cards=[card],
                editable_ids={10},
                cycle_name=title,
                verbs=VERBS,
            ),
            "home",
        ),
        (set_confirmation(card, {1: StretchVerdict.NOT_CHALLENGING}), "message"),
        (new_objective_post(card, user), "message"),
        (kr_history_modal(kr, title), "modal"),
    ]
    for payload, kind in payloads:
        if kind == "blocks":
            assert_valid_blocks(payload)
        elif kind == "message":
            assert_valid_message(payload)
        else:
            assert_valid_view(payload, kind)
        assert_escaped(payload)
    shown = one_line(title)
    if shown and len(escape(shown)) <= 120:
        assert f"*{escape(shown)}*" in payloads[0][0][0]["text"]["text"]
