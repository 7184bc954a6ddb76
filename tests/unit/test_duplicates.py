"""The duplicate check's rules (okr/duplicates.py) and its scoring (handlers/duplicates.py):
which titles are the same work, how stable that is, and what the hint says."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import ids
from blocks.duplicate_hint import depended_text, duplicate_hint_blocks, with_hint_done
from handlers.duplicates import find_matches, is_duplicate, similarity, to_check
from okr.duplicates import (
    MAX_HINTS,
    THRESHOLD,
    DuplicateHint,
    Match,
    best_matches,
    comparable,
    measure_key,
)
from okr.i18n import use_lang
from storage.duplicates import Candidate


@dataclass(frozen=True)
class Saved:
    """A KR just saved, as the check reads one (okr.outline.KRLine's fields)."""

    id: int
    title: str
    unit: str = "number"
    currency: str | None = None
    period: str | None = "month"


# --- what counts as the same work ----------------------------------------------------------

SAME_WORK = [
    ("Generate 200 MQLs a month", "Generate 200 MQLs per month"),
    ("MQLs generated", "Generate MQLs"),
    ("New prospects contacted", "Prospects contacted"),
    ("Qualified leads generated", "Leads generated"),
    ("Book 15 demos every week", "book 15 demos, every week!"),
    ("客户流失率", "流失率"),
    ("每周联系潜在客户", "联系潜在客户"),
    ("销售线索，每月", "每月 销售线索"),
]
OTHER_WORK = [
    ("Quarterly revenue", "Partner revenue"),  # one shared word: 81
    ("East region revenue", "West region revenue"),  # a swapped word: 95, not the same
    ("MQLs generated", "SQLs generated"),
    ("Enterprise deals closed", "SMB deals closed"),
    ("Revenue", "Partner revenue"),  # a one-word subset scores 100
    ("Churn", "Customer churn"),
    ("华东区销售额", "华南区销售额"),
    ("季度销售额", "季度回款额"),
    ("Sign 10 contracts per month", "Generate 200 MQLs a month"),
]


def test_near_identical_titles_are_the_same_work() -> None:
    for mine, theirs in SAME_WORK:
        assert is_duplicate(mine, theirs), (mine, theirs, similarity(mine, theirs))
        assert is_duplicate(theirs, mine), (theirs, mine)


def test_titles_of_other_work_are_not() -> None:
    for mine, theirs in OTHER_WORK:
        assert not is_duplicate(mine, theirs), (mine, theirs, similarity(mine, theirs))
        assert not is_duplicate(theirs, mine), (theirs, mine)


def test_the_threshold_sits_between_the_examples_its_docstring_gives() -> None:
    assert similarity("Generate 200 MQLs a month", "Generate 200 MQLs per month") >= 95
    assert similarity("Quarterly revenue", "Partner revenue") < THRESHOLD - 3
    assert similarity("New prospects contacted", "New leads contacted") < THRESHOLD - 3


def test_chinese_is_compared_as_character_bigrams() -> None:
    assert comparable("生成销售线索").split() == ["生成", "成销", "销售", "售线", "线索"]
    assert comparable("产生MQL").split() == ["产生", "MQL"]
    assert comparable("Generate MQLs") == "Generate MQLs"  # ASCII: untouched
    # without bigrams the whole run would be one token, and any reordering a new word
    assert similarity("销售线索，每月", "每月：销售线索") == 100


def test_unit_currency_and_period_must_match() -> None:
    assert measure_key("number", None, "month") != measure_key("number", None, "week")
    assert measure_key("currency", "USD", None) != measure_key("currency", "EUR", None)
    assert measure_key("number", "USD", None) == measure_key("number", None, None)
    candidates = [
        Candidate(10, "MQLs generated", "number", None, "week"),
        Candidate(11, "MQLs generated", "percent", None, "month"),
        Candidate(12, "MQLs generated", "number", None, "month"),
    ]
    assert find_matches([Saved(1, "MQLs generated")], candidates) == [Match(1, 12, 100.0)]


def test_best_match_per_kr_each_other_kr_once_at_most_three() -> None:
    matches = [
        Match(1, 10, 90),
        Match(1, 11, 100),
        Match(2, 11, 100),  # 11 is KR 1's best already
        Match(2, 12, 88),
        Match(3, 13, 95),
        Match(4, 14, 99),
        Match(5, 15, 86),
    ]
    chosen = best_matches(matches)
    assert len(chosen) == MAX_HINTS
    assert chosen == [Match(1, 11, 100), Match(4, 14, 99), Match(3, 13, 95)]
    assert Match(2, 12, 88) in best_matches(matches, limit=10)
    # a pair that is a dependency already is not hinted again
    assert best_matches([Match(1, 11, 100)], already={(1, 11)}) == []


def test_an_edit_checks_new_and_renamed_krs_only() -> None:
    krs = [Saved(1, "MQLs generated"), Saved(2, "Demos booked"), Saved(3, "Calls made")]
    assert to_check(krs, None) == krs
    assert to_check(krs, {1: "MQLs generated", 2: "Meetings booked"}) == krs[1:]


# --- stability under case, punctuation and word order -------------------------------------

WORDS = st.lists(
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=10),
    min_size=2,
    max_size=6,
    unique=True,
)
PUNCTUATION = st.sampled_from([" ", ", ", " - ", ": ", "! ", " (", ") ", " / ", "，", "。"])


@st.composite
def reworded(draw: st.DrawFn, words: list[str]) -> str:
    """`words` in another order, each in random case, joined by random punctuation."""
    order = draw(st.permutations(words))
    cased = ["".join(c.upper() if draw(st.booleans()) else c for c in word) for word in order]
    title = cased[0]
    for word in cased[1:]:
        title += draw(PUNCTUATION) + word
    return draw(st.sampled_from(["", "“", "- "])) + title + draw(st.sampled_from(["", "!", "."]))


@settings(max_examples=100, deadline=None)
@given(st.data(), WORDS)
def test_case_punctuation_and_word_order_keep_a_title_a_duplicate(
    data: st.DataObject, words: list[str]
) -> None:
    title = " ".join(words)
    other = data.draw(reworded(words))
    assert similarity(title, other) >= THRESHOLD
    assert is_duplicate(title, other)
    saved, candidate = Saved(1, title), Candidate(9, other, "number", None, "month")
    assert find_matches([saved], [candidate]) == [Match(1, 9, similarity(title, other))]


CJK = st.lists(
    st.text(alphabet="销售线索客户每月产生联系潜在季度收入合同签约", min_size=2, max_size=5),
    min_size=2,
    max_size=4,
    unique=True,
)


@settings(max_examples=60, deadline=None)
@given(st.data(), CJK)
def test_the_same_holds_for_chinese_phrases(data: st.DataObject, phrases: list[str]) -> None:
    title = "，".join(phrases)
    other = data.draw(reworded(phrases))
    assert similarity(title, other) >= THRESHOLD
    assert is_duplicate(title, other)


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(OTHER_WORK))
def test_other_work_stays_other_work_however_it_is_written(
    data: st.DataObject, pair: tuple[str, str]
) -> None:
    mine, theirs = pair
    other = data.draw(reworded(theirs.split()))
    assert not is_duplicate(mine, other), (mine, other)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghijklm", min_size=3, max_size=8), min_size=1, max_size=5),
    st.lists(st.text(alphabet="nopqrstuvwxyz", min_size=3, max_size=8), min_size=1, max_size=5),
)
def test_titles_without_a_common_letter_score_below_the_threshold(
    mine: list[str], theirs: list[str]
) -> None:
    assert similarity(" ".join(mine), " ".join(theirs)) < THRESHOLD


# --- the hint ------------------------------------------------------------------------------

HINT = DuplicateHint(
    kr_id=7,
    kr_title="MQLs generated",
    other_id=3,
    other_sentence="Generate 200 MQLs a month",
    team_name="Marketing",
    owner_id="U0MIA",
)


def test_the_hint_names_the_team_the_kr_and_its_owner_with_a_button() -> None:
    [block] = duplicate_hint_blocks([HINT], name_mine=False)
    assert block["text"]["text"] == (
        ":link: Marketing already has “Generate 200 MQLs a month” (<@U0MIA>). "
        "Depend on it instead of repeating it?"
    )
    button = block["accessory"]
    assert button["action_id"] == ids.DEPEND_INSTEAD
    assert button["text"]["text"] == "Depend on it instead"
    assert json.loads(button["value"]) == {"kr": 7, "on": 3}
    [named] = duplicate_hint_blocks([HINT])
    assert named["text"]["text"].startswith(":link: *MQLs generated*: Marketing already has")


def test_the_hint_in_chinese() -> None:
    with use_lang("zh"):
        [block] = duplicate_hint_blocks([HINT], name_mine=False)
        done = depended_text("Marketing", "Generate 200 MQLs a month")
    assert block["text"]["text"] == (
        ":link: 团队 Marketing 已有“Generate 200 MQLs a month”（<@U0MIA>）。"
        "要改为依赖它，而不是重复设定吗？"
    )
    assert block["accessory"]["text"]["text"] == "改为依赖它"
    assert done.startswith(":white_check_mark: 已改为依赖团队 Marketing · Generate 200 MQLs")


def test_pressed_the_hint_becomes_a_line_and_the_rest_stays() -> None:
    card = {"type": "section", "block_id": "card", "text": {"type": "mrkdwn", "text": "x"}}
    [hint] = duplicate_hint_blocks([HINT])
    blocks = with_hint_done([card, hint], hint["block_id"], "done")
    assert blocks[0] == card
    assert blocks[1]["text"]["text"] == "done" and "accessory" not in blocks[1]


def test_user_text_in_the_hint_is_escaped() -> None:
    evil = DuplicateHint(1, "<!channel>", 2, "Win <!here> & more", "R&D <team>", "U0MIA")
    [block] = duplicate_hint_blocks([evil])
    text = block["text"]["text"]
    assert "<!channel>" not in text and "<!here>" not in text
    assert "R&amp;D &lt;team&gt;" in text
