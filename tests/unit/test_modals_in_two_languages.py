"""The team, objective (ten key-result lines), cycle and away modals, the pause answers and
the objective confirmation, built in Chinese and in English: every payload passes
slack_sdk's models and Block Kit's limits in both, the Chinese ones keep no English sentence
(only `/okr` commands, codes, units, mentions and what people typed), and the English ones
no Chinese. Field errors follow the reader's language too, with examples in it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from blocks import pause
from blocks.away_modal import away_modal, read_away
from blocks.confirmation import new_objective_post, set_confirmation
from blocks.cycle_modal import (
    custom_cycle_errors,
    cycle_modal,
    cycle_saved_message,
    read_cycle_form,
)
from blocks.objective_form import Choice, FormState, KRRow, kr_block, objective_modal, read_form
from blocks.stale_edit import stale_edit_errors
from blocks.team_modal import (
    TeamChoice,
    TeamSettings,
    local_times_text,
    not_in_channel_error,
    read_team_form,
    team_modal,
    team_saved_message,
    timezone_options,
)
from okr.cycle_rules import ExistingCycle
from okr.cycles import CycleSpan
from okr.drafts import LastSave, TargetChange
from okr.i18n import use_lang
from okr.progress import StretchVerdict
from okr.team_rhythm import TeamRhythm
from okr.values import Unit
from tests.unit.test_blocks_display import make_card, make_kr

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CYCLE = CycleSpan("FY2026 Q4", date(2026, 10, 1), date(2026, 12, 31))
LEAD, REP = "U0LEAD", "U0REP1"

#: Ten lines: Chinese and English sentences, one each that cannot be read.
LINES = (
    "季度销售额从100万元增长到120万元",
    "每周联系50个潜在客户",
    "Sign 10 contracts per month",
    "客户流失率保持在3%以下",
    "12月15日前上线渠道合作计划",
    "签约30单",
    "Keep churn below 3%",
    "销售额100万元120万元",
    "Increase revenue $1M $1.2M",
    "每月签约10单",
)

#: Where each text of a view sits, and Slack's limit there.
LIMITS = {
    "label": 2000,
    "placeholder": 150,
    "hint": 2000,
    "title": 24,
    "submit": 24,
    "close": 24,
    "option": 75,
    "button": 75,
    "header": 150,
    "section": 3000,
    "context": 3000,
    "confirm": 300,
}

#: What may stay ASCII in Chinese: code spans, `/okr` and `/invite` commands, mentions,
#: channels, emoji codes, links, and the codes and names people type.
_ALLOWED = re.compile(
    r"`[^`]*`|/okr[ a-z0-9<>|\[\]-]*|/invite @okr-bot|<[@#!][^>]*>|:[a-z_]+:|"
    r"ADMIN_USER_IDS|OKR Bot|Slack|FY\d{4} Q\d"
)
_ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,})+")
_CHINESE = re.compile(r"[\u3400-\u9fff]")


def english_left(text: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The runs of English words in `text` once allowed and typed parts are taken out."""
    for part in typed:
        text = text.replace(part, " ")
    return _ENGLISH_WORDS.findall(_ALLOWED.sub(" ", text))


_MARKED = re.compile(r"\*[^*\n]+\*|`[^`\n]+`")


def unmarked(text: str) -> list[str]:
    """`*bold*` and `code` that Slack leaves as typed: it formats them only with a space or
    ASCII punctuation on each side, never beside a Chinese character or full-width mark."""

    def edge(char: str) -> bool:
        return char == "" or char.isspace() or (char.isascii() and not char.isalnum())

    return [
        m[0]
        for m in _MARKED.finditer(text)
        if not edge(text[m.start() - 1 : m.start()]) or not edge(text[m.end() : m.end() + 1])
    ]


def texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(place, text) of every text a payload shows, its place a key of LIMITS."""
    if isinstance(node, list):
        for item in node:
            yield from texts(item, where)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
        yield where, node["text"]
        return
    place = {"button": "button", "header": "header", "section": "section", "context": "context"}
    here = place.get(str(kind), where)
    for key, value in node.items():
        if key in ("label", "placeholder", "hint", "title", "submit", "close"):
            yield from texts(value, key)
        elif key in ("options", "initial_option", "initial_options"):
            yield from texts(value, "option")
        elif key == "confirm" and isinstance(value, dict):
            yield from texts(value, "confirm")
        elif key not in ("private_metadata", "value", "action_id", "block_id"):
            yield from texts(value, here)


def check_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    for block in view["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    check_texts(view)


def check_texts(payload: Any) -> None:
    for where, text in texts(payload):
        assert text.strip(), f"empty {where}"
        assert len(text) <= LIMITS.get(where, 3000), f"{where} over its limit: {text!r}"


def assert_in_language(lang: str, payload: Any, typed: tuple[str, ...] = ()) -> None:
    shown = [text for _where, text in texts(payload)] if not isinstance(payload, str) else [payload]
    for text in shown:
        if lang == "zh":
            assert not english_left(text, typed), f"English left in {text!r}"
            assert not unmarked(text), f"Slack shows the markers in {text!r}"
        else:
            assert not _CHINESE.search(_strip(text, typed)), f"Chinese in {text!r}"


def _strip(text: str, typed: tuple[str, ...]) -> str:
    """`text` without what people typed: each Chinese run found in something typed (a
    sentence's title or unit word, shown in an English reading of it)."""
    everything = " ".join(typed)
    return _CHINESE_RUN.sub(lambda m: " " if m[0] in everything else m[0], text)


_CHINESE_RUN = re.compile(r"[\u3400-\u9fff]+")


# --- the modals ------------------------------------------------------------------------------


def team_settings() -> TeamSettings:
    return TeamSettings(
        team_id=3,
        name="华东销售",
        channel_id="C0SALES",
        leads=(LEAD,),
        members=(REP, "U0REP2"),
        timezone="Asia/Shanghai",
        rhythm=TeamRhythm(checkin_time="06:30", nudge_time="21:00", digest_time="16:00"),
        holiday_country="CN",
        zones=((LEAD, "Asia/Shanghai"), (REP, "America/New_York"), ("U0REP2", "Europe/Berlin")),
    )


def objective_state(lang: str) -> FormState:
    rows = [KRRow(sentence=s, owner_id=LEAD if n % 2 else REP) for n, s in enumerate(LINES)]
    rows[2] = KRRow(sentence=LINES[2], owner_id=REP, kr_id=7, stored_target=5.0, why="")
    people = [Choice(LEAD, "王经理"), Choice(REP, "李娜")]
    return FormState(
        author_id=LEAD,
        cycles=[Choice("1", CYCLE.name)],
        cycle_id=1,
        team=Choice("3", "华东销售"),
        title="提升华东区收入",
        rows=rows,
        objective_id=42,
        version=2,
        bounds={"1": [CYCLE.start.isoformat(), CYCLE.end.isoformat()]},
        lang=lang,
        members=("3", people),
    )


def new_objective_state() -> FormState:
    return FormState(
        author_id=LEAD,
        cycles=[Choice("1", CYCLE.name)],
        cycle_id=1,
        bounds={"1": [CYCLE.start.isoformat(), CYCLE.end.isoformat()]},
        templates=[Choice("new-revenue", "新增收入")],
    )


TYPED = (
    *("华东销售", "华北销售", "提升华东区收入", "王经理", "李娜", "新增收入", "冲刺"),
    *LINES,
    "Asia/Shanghai",
    "FY2026 Q4",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_modals_pass_block_kit_in_both_languages(lang: str) -> None:
    with use_lang(lang):
        views = [
            team_modal(
                team_settings(),
                now=NOW,
                choices=[TeamChoice(3, "华东销售"), TeamChoice(4, "华北销售")],
                total_choices=120,
            ),
            team_modal(TeamSettings(leads=(LEAD,), timezone="Asia/Shanghai"), now=NOW),
            objective_modal(objective_state(lang)),
            objective_modal(new_objective_state()),
            cycle_modal(
                fiscal_start_month=4,
                current=CYCLE,
                custom=[
                    CycleSpan(f"冲刺{n}", date(2027, 1, n), date(2027, 2, n)) for n in range(1, 13)
                ],
                company_channel="C0ALL",
            ),
            away_modal(today=NOW.date(), source={"channel": "D1", "ts": "1.2"}),
        ]
    for view in views:
        check_view(view)
        assert_in_language(lang, view, TYPED)
    objective = views[2]
    assert sum(b.get("block_id", "").endswith("_sentence") for b in objective["blocks"]) == 10
    readings = [b for b in objective["blocks"] if b.get("block_id", "").endswith("_reading")]
    assert len(readings) == 10
    said = readings[7]["elements"][0]["text"]  # "销售额100万元120万元": two numbers, no from…to
    assert ("有两个数字" in said) if lang == "zh" else ("Two numbers" in said)
    said = readings[8]["elements"][0]["text"]  # the English one, said in the reader's language
    assert ("有两个数字" in said) if lang == "zh" else ("Two numbers" in said)


def test_the_english_modals_read_as_before() -> None:
    view = team_modal(team_settings(), now=NOW)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:4] == ["Team", "Team name", "Channel for the team's posts", "Team lead(s)"]
    text = local_times_text(
        team_settings().rhythm, "Asia/Shanghai", dict(team_settings().zones), NOW
    )
    assert text.splitlines()[0] == "Digest Fri 16:00 Shanghai · 09:00 Berlin · 03:00 New York ⚠"
    assert ":warning: Check-ins reach everyone at 06:30 their own time" in text
    with use_lang("zh"):
        zh = local_times_text(
            team_settings().rhythm, "Asia/Shanghai", dict(team_settings().zones), NOW
        )
    assert zh.splitlines()[0] == "团队周报 周五 16:00 上海 · 09:00 柏林 · 03:00 纽约 ⚠"
    assert ":warning: 打卡在每个人当地时间 06:30 发出" in zh


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_messages_and_answers_are_in_the_readers_language(lang: str) -> None:
    card = make_card(
        title="提升华东区收入",
        team_name="华东销售",
        parent_title="公司年度收入",
        krs=(
            make_kr(1, title="新签合同额", baseline=1_000_000, target=1_020_000),
            make_kr(
                2,
                title="客户流失率",
                kind="decrease",
                unit="percent",
                currency=None,
                start=5,
                target=1,
                current=4,
                history=(5, 4),
                baseline=4.5,
            ),
            make_kr(
                3,
                title="拜访客户数",
                unit="number",
                currency=None,
                target=50,
                current=10,
                history=(10,),
            ),
        ),
    )
    stretch = {
        1: StretchVerdict.NOT_CHALLENGING,
        2: StretchVerdict.NOT_CHALLENGING,
        3: StretchVerdict.LIKELY_UNREALISTIC,
    }
    typed = ("提升华东区收入", "华东销售", "公司年度收入", "新签合同额", "客户流失率", "拜访客户数")
    with use_lang(lang):
        confirmation = set_confirmation(card, stretch, {1: "+2%"})
        post = new_objective_post(card, LEAD)
        saved = team_saved_message(
            created=True,
            name="华东销售",
            channel_id="C0SALES",
            leads=(LEAD,),
            member_count=3,
            timezone="Asia/Shanghai",
            rhythm=team_settings().rhythm,
            channel_problem=not_in_channel_error(None),
            local_times="",
        )
        cycle_saved = cycle_saved_message(
            fiscal_start_month=4,
            month_changed=True,
            custom=CYCLE,
            current=CYCLE,
            company_channel=None,
        )
        answers = [
            pause.paused_text("华东销售", date(2026, 12, 7), already=False),
            pause.paused_text("华东销售", date(2026, 12, 7), already=True),
            pause.lifted_text("华东销售", [date(2026, 12, 7), date(2026, 12, 14)]),
            pause.lifted_text("华东销售", []),
            pause.status_text("华东销售", [date(2026, 12, 7)]),
            pause.over_text(date(2026, 11, 23)),
            pause.outside_text(date(2027, 1, 4), "FY2026 Q4", CYCLE.start, CYCLE.end),
            pause.not_lead_text("华东销售"),
            pause.not_lead_text(None),
            pause.which_team_text(["华东销售", "华北销售"]),
            pause.name_a_team_text(),
            pause.unknown_team_text("华南"),
        ]
    for message in (confirmation, post, saved, cycle_saved):
        check_texts(message["blocks"])
        assert message["text"].strip()
    # the confirmation's own parts (the card between them is the objective card's builder)
    own = [confirmation["blocks"][0], *confirmation["blocks"][-2:]]
    assert_in_language(lang, own, typed)
    assert_in_language(lang, confirmation["text"], typed)
    # the post's level label is blocks.kr_format's (another builder's strings)
    assert_in_language(lang, [post["blocks"][0], post["text"]], typed)
    assert_in_language(lang, saved, typed)
    assert_in_language(lang, cycle_saved, typed)
    for answer in answers:
        assert_in_language(lang, answer, ("华东销售", "华北销售", "华南", "FY2026 Q4"))
    if lang == "en":
        assert answers[0].startswith(
            ":double_vertical_bar: Team *华东销售*'s week of Mon 7 Dec 2026 is paused"
        )
        assert "until Mon 14 Dec." in answers[0]
        assert "(1 Oct – 31 Dec 2026)" in answers[6]
    else:
        assert "2026年12月7日 周一起的一周" in answers[0]
        assert "（2026年10月1日 – 12月31日）" in answers[6]


def test_field_errors_follow_the_reader_with_examples_in_its_language() -> None:
    values = {
        "title": {"v": {"value": ""}},
        "level": {"v": {"selected_option": {"value": "team"}}},
        "cycle": {"v": {"selected_option": {"value": "1"}}},
        kr_block(0): {"v": {"value": "Increase revenue $1M $1.2M"}},
        kr_block(1): {"v": {"value": "签约30单"}},
        kr_block(2): {"v": {"value": "签约30单"}},
    }
    view = {"state": {"values": values}, "private_metadata": '{"bounds": {}}'}
    with use_lang("zh"):
        zh = read_form(view, author_id=LEAD).errors
        away = read_away({}, NOW.date())[1]
        team = read_team_form({}, 3)[1]
        cycle_form, cycle_errors = read_cycle_form({})
        custom = custom_cycle_errors(
            cycle_form.__class__(4, "FY2027 Q1", date(2027, 1, 1), date(2027, 3, 1)),
            [ExistingCycle("冲刺", date(2027, 2, 1), date(2027, 2, 28), True)],
        )
    en = read_form(view, author_id=LEAD).errors
    assert zh["title"] == "请给目标写一个标题。"
    assert zh["team"] == "团队目标需要选择所属团队。"
    assert zh[kr_block(0)].startswith("有两个数字却没有“从……到……”")
    assert "例如：季度销售额从100万元增长到120万元" in zh[kr_block(0)]
    assert zh[kr_block(2)] == "关键结果 3 与关键结果 2 重复：请修改其中一个，或清空这一行。"
    assert en["title"] == "Give the objective a title."
    assert en[kr_block(0)].startswith("Two numbers and no “from … to”")
    assert "Write it like: Increase revenue from $1M to $1.2M" in en[kr_block(0)]
    assert en[kr_block(2)] == (
        "Key result 3 repeats key result 2: change one of them, or clear this line."
    )
    for errors in (zh, away, team, cycle_errors, custom):
        for text in errors.values():
            assert not english_left(text, ("FY2027 Q1",)), text
    assert custom["cycle_name"] == "“FY2027 Q1”这类名称留给财季使用：请换一个名字。"
    assert custom["cycle_start"] == (
        "与“冲刺”（2027年2月1日 – 2027年2月28日）重叠：自定义周期不能重叠。"
    )


def test_a_stale_edit_says_who_changed_what_in_the_readers_language() -> None:
    last = LastSave(
        by="U0LENA",
        at=datetime(2026, 11, 30, 2, 42, tzinfo=UTC),
        version=5,
        targets=(TargetChange(7, "新签合同额", 150, Unit.NUMBER, None),),
        removed=((8, "拜访客户数"),),
    )
    args = {
        "drawn_from": 2,
        "viewer_id": LEAD,
        "by_name": "Lena",
        "kr_rows": [7, 8],
        "timezone": "Asia/Shanghai",
        "now": NOW,
    }
    with use_lang("zh"):
        [zh] = stale_edit_errors(last, **args).values()
    [en] = stale_edit_errors(last, **args).values()
    assert zh == (
        "Lena在11月30日 10:42将新签合同额的目标值改为150，并删除了关键结果拜访客户数"
        "（此前还有2次修改）——请重新打开“编辑”查看。"
    )
    assert en == (
        "Lena set the target of 新签合同额 to 150 and removed the key result 拜访客户数 "
        "on 30 Nov at 10:42 (after 2 earlier changes) — reopen Edit to see it."
    )


def test_a_chinese_city_finds_its_time_zone() -> None:
    assert [o["value"] for o in timezone_options("上海", NOW)] == ["Asia/Shanghai"]
    assert [o["value"] for o in timezone_options("纽约", NOW)] == ["America/New_York"]
