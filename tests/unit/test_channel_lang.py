"""The team channel's posts and the leads' DMs in both languages: the digest (story, wins,
at risk, charts, counts), the leads' participation DM, kudos, the cycle close and the
company close are built under `use_lang("zh")` and `use_lang("en")`, each checked against
slack_sdk's models and Block Kit's limits (charts too), and under Chinese no English
sentence is left: only what people typed (KR and objective titles, names, notes), mentions,
emoji codes, commands and codes in backticks, units and currency codes.

What other modules render inside these messages (a KR's value and status words from
blocks.kr_format, the better/worse verdict of okr.display, a date of blocks.prompt) is taken
out before the check: those modules' own tests speak for them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from blocks import charts
from blocks.company_close import company_close_message
from blocks.cycle_close import close_summary, planning_reminder, retro_modal, retro_post
from blocks.delivery_errors import (
    Undelivered,
    delivery_problem,
    person_problem,
    sends_resumed,
    undelivered_report,
)
from blocks.digest import SINCE_PERIOD, SINCE_WEEK, digest_message, discuss_message, week_text
from blocks.export import sent_comment, unknown_text
from blocks.kr_format import (
    confidence_label,
    final_numbers,
    kr_value,
    status_label,
    status_pair,
)
from blocks.kudos import kudos_modal, kudos_post, parse_kudos
from blocks.participation import lead_message
from blocks.prompt import day_text
from okr.company_close import assemble_company_close
from okr.digest import DigestData, DigestKudos, RepQuota, WeekPoint, assemble_close
from okr.display import BETTER, WORSE
from okr.i18n import _, use_lang
from okr.outline import KRLine
from okr.progress import Status
from tests.unit.test_company_close import card as company_card
from tests.unit.test_digest import END, START, card, digest, final, kr
from tests.unit.test_digest_story import noted
from tests.unit.test_participation import weeks
from tests.unit.test_rhythm_blocks import check_message, check_modal

NAMES = {"U0AAA1": "Li Wei", "U0AAA2": "Ana Souza", "U0AAA3": "Bob Lund"}
TYPED = ("Sales EMEA", "Q2 2024", "FY2026 Q4", "Nordics", "Acme demo", *NAMES.values())
"""Text people typed into the fixtures (titles are matched by pattern below)."""
NOTE = "Legal review slipped, Acme signs next week"
ACME = "Acme demo went well"
PARTICIPATION = (
    "Close $2M in new ARR",
    "Two reps at the Shanghai trade show",
    "Demos",
    "Calls",
    "Renewals",
    "Partners",
)
ALLOWED_WORDS = {"OKR", "OKRs", "KR", "KRs", "Slack", "okr", "bot", "CSV", "DM", "pts"}
"""Product names, units and abbreviations a Chinese sales team writes as they are."""

SKIP_KEYS = {"type", "action_id", "block_id", "callback_id", "value", "style", "private_metadata"}
TOKENS = re.compile(
    r"<[@#!][^>]*>"  # mentions, channels, dates
    r"|:[a-z0-9_+-]+:"  # emoji codes
    r"|`[^`]*`"  # commands and error codes
    r"|(?<![A-Za-z])(?:KR|Objective|Team goal) \d+(?![0-9])"  # titles typed in the fixtures
)
ENGLISH = re.compile(r"[A-Za-z][A-Za-z']*")


def shown_strings(payload: Any, key: str = "") -> Iterator[str]:
    """Every string of a payload a person reads (ids, values and metadata left out)."""
    if isinstance(payload, dict):
        for k, v in payload.items():
            if k not in SKIP_KEYS:
                yield from shown_strings(v, k)
    elif isinstance(payload, list | tuple):
        for item in payload:
            yield from shown_strings(item, key)
    elif isinstance(payload, str):
        yield payload


def others_words(krs: list[KRLine]) -> list[str]:
    """What modules owned elsewhere render for these KRs, in the current language."""
    rendered = [BETTER, WORSE, _(BETTER), _(WORSE), confidence_label(None)]
    rendered += [status_label(s) for s in (*Status, None)]
    for line in krs:
        rendered += [status_pair(line), kr_value(line), final_numbers(line)]
        rendered += [confidence_label(line.confidence)]
    return sorted({r for r in rendered if r}, key=len, reverse=True)


def english_left(payload: Any, krs: list[KRLine] = (), extra: tuple[str, ...] = ()) -> list[str]:  # type: ignore[assignment]
    """The English words a Chinese reader would still see."""
    left: list[str] = []
    fragments = others_words(list(krs)) + sorted(
        (*TYPED, NOTE, ACME, *PARTICIPATION, *extra), key=len, reverse=True
    )
    for text in shown_strings(payload):
        for fragment in fragments:
            text = text.replace(fragment, " ")
        text = TOKENS.sub(" ", text)
        left += [w for w in ENGLISH.findall(text) if w not in ALLOWED_WORDS and len(w) > 1]
    return left


MARKED = re.compile(r"\*[^*\n]+\*|(?<![A-Za-z0-9])_[^_\n]+_(?![A-Za-z0-9])")
MASKED = re.compile(r":[a-z0-9_+-]+:|<[@#!][^>]*>|`[^`]*`")
BESIDE_MARK = set(" \n\t!\"#$%&'()+,-./:;<=>?@[\\]^`{|}~")


def unrendered_marks(payload: Any) -> list[str]:
    """Bold and italic spans Slack would show as raw `*` / `_`: it renders them only
    between spaces or ASCII punctuation, not beside a Chinese character or full-width
    punctuation."""
    bad: list[str] = []
    for text in shown_strings(payload):
        masked = MASKED.sub(lambda m: "x" * len(m.group()), text)
        for found in MARKED.finditer(masked):
            start, end = found.span()
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if before not in BESIDE_MARK or after not in BESIDE_MARK:
                bad.append(text[max(0, start - 8) : end + 8])
    return bad


def has_chinese(payload: Any) -> bool:
    return any(re.search(r"[\u4e00-\u9fff]", s) for s in shown_strings(payload))


# --- the fixtures: a week with a story, a win, a KR at risk, charts and counts -------------


def digest_krs() -> list[KRLine]:
    behind = noted(1, [(10, 5, "Started late"), (50, 8, NOTE)], owner="U0AAA1")
    reached = kr(2, [(20, 60), (50, 100)], owner="U0AAA2")
    moving = noted(3, [(10, 20, ""), (20, 40, ""), (50, 56, ACME)], owner="U0AAA3")
    return [behind, reached, moving]


def digest_data() -> DigestData:
    krs = digest_krs()
    data = digest(
        [card(1, *krs[:2]), card(2, krs[2])],
        checked_in=("U0AAA1", "U0AAA2"),
        owners=("U0AAA1", "U0AAA2", "U0AAA3"),
        no_change=("U0AAA2",),
        away=1,
        kudos=[DigestKudos("U0AAA1", "U0AAA2", "Acme demo")],
        names=NAMES,
    )
    return replace(
        data,
        trend=tuple(WeekPoint(w, 0.06 * w, 0.077 * w) for w in range(1, 9)),
        quota_reps=(RepQuota("U0AAA1", 1.1, 1), RepQuota("U0AAA3", 0.4, 1)),
    )


def close_data():  # type: ignore[no-untyped-def]
    krs = [final(1, [(30, 40), (80, 95)]), final(2, [(40, 10)], target=50, original_target=80)]
    return krs, assemble_close(
        team_name="Sales EMEA", cycle_name="Q2 2024", cards=[card(1, *krs)], revised={2: 80}
    )


def company_data():  # type: ignore[no-untyped-def]
    cards = [company_card(2, "team", 1, "Nordics"), company_card(4, "team", 3, "Nordics")]
    cards += [replace(company_card(i, "company"), title=f"Objective {i}") for i in (1, 3)]
    return assemble_company_close("FY2026 Q4", cards)


def check_all(message: dict[str, Any], *, max_blocks: int = 50) -> None:
    """slack_sdk's models and Block Kit's limits; charts by their documented limits."""
    assert len(message["text"]) <= 3000
    plain = charts.without_charts(message)
    check_message(plain, max_blocks=max_blocks)
    for block in plain["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    drawn = [b for b in message["blocks"] if charts.is_chart(b)]
    assert len(drawn) <= 2
    for chart in drawn:
        assert charts.chart_problems(chart) == [], chart


def messages() -> dict[str, Callable[[], tuple[dict[str, Any], list[KRLine]]]]:
    """Each surface: its message and the KRs whose values it shows."""
    last_day = (END - timedelta(days=1)).date()

    def the_digest():  # type: ignore[no-untyped-def]
        data = replace(digest_data(), cycle_last_day=last_day)
        return digest_message(data), digest_krs()

    def leads_dm():  # type: ignore[no-untyped-def]
        label = week_text(digest_data())
        message = lead_message(
            team_id=1,
            team_name="Sales EMEA",
            cycle_name="Q2 2024",
            week_label=label,
            members=weeks(),
        )
        return message, [kr for m in weeks() for kr in m.updated]

    def the_close():  # type: ignore[no-untyped-def]
        krs, data = close_data()
        trend = tuple(WeekPoint(w, 0.07 * w, 0.077 * w) for w in range(1, 14))
        return close_summary(data, team_id=1, cycle_id=1, trend=trend), krs

    def the_kudos():  # type: ignore[no-untyped-def]
        return kudos_post("U0AAA1", "U0AAA2", "Acme demo"), []

    def company():  # type: ignore[no-untyped-def]
        return company_close_message(company_data()), []

    def discuss():  # type: ignore[no-untyped-def]
        return discuss_message("KR 1", "U0AAA1", "U0AAA2"), []

    def retro():  # type: ignore[no-untyped-def]
        answers = {"went_well": "Acme demo", "to_improve": "Acme demo", "carry_over": "Acme demo"}
        return retro_post(answers, "U0AAA1"), []

    def delivery():  # type: ignore[no-untyped-def]
        due = datetime(2024, 5, 20, 9, tzinfo=START.tzinfo)
        items = [
            Undelivered("digest", None, "Sales EMEA", due, "rate_limited", 3),
            Undelivered("nudge", "U0AAA1", None, due, "token_revoked", 0),
        ]
        report = undelivered_report(items, pause_reason="token_revoked")
        problem = delivery_problem(
            team_name="Sales EMEA", channel_id="C0TEAM", error="not_in_channel"
        )
        person = person_problem(user_id="U0AAA1", kind="prompt", error="user_disabled")
        resumed = sends_resumed(reason="invalid_auth", since=due, until=due + timedelta(hours=3))
        blocks = [*report["blocks"], *problem["blocks"], *person["blocks"], *resumed["blocks"]]
        return {"text": report["text"] + problem["text"] + person["text"], "blocks": blocks}, []

    return {
        "digest": the_digest,
        "leads_dm": leads_dm,
        "cycle_close": the_close,
        "kudos": the_kudos,
        "company_close": company,
        "discuss": discuss,
        "retro": retro,
        "delivery": delivery,
    }


SURFACES = sorted(messages())


@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_fits_block_kit_in_both_languages(surface: str) -> None:
    for lang in ("en", "zh"):
        with use_lang(lang):
            message, _krs = messages()[surface]()
        check_all(message)
        assert has_chinese(message) == (lang == "zh"), (surface, lang)


@pytest.mark.parametrize("surface", SURFACES)
def test_no_english_sentence_reaches_a_chinese_reader(surface: str) -> None:
    with use_lang("zh"):
        message, krs = messages()[surface]()
        left = english_left(message, krs, extra=(day_text(date(2024, 6, 30)),))
    assert not left, (surface, left, json.dumps(message, ensure_ascii=False)[:3000])
    assert not unrendered_marks(message), (surface, unrendered_marks(message))


def test_the_digest_says_it_all_in_chinese_with_its_charts() -> None:
    with use_lang("zh"):
        message, _krs = messages()["digest"]()
    words = json.dumps(message, ensure_ascii=False)
    drawn = [b for b in message["blocks"] if charts.is_chart(b)]
    assert [b["title"] for b in drawn] == ["团队每周进度与预期对比", "最近一周的周指标完成情况"]
    assert drawn[0]["chart"]["axis_config"]["categories"][0] == "第1周"
    assert [s["name"] for s in drawn[0]["chart"]["series"]] == ["进度 %", "预期 %"]
    assert drawn[1]["chart"]["axis_config"]["categories"] == ["Li Wei", "Bob Lund"]
    for said in ("第 8/13 周", "*有风险* （", "*本周点赞* :clap:", "预期", "6月30日前将达到"):
        assert said in words, said
    assert "本周 3 人中 1 人已更新 · 1 人无变化 · 1 人休假" in words


def test_the_english_digest_is_unchanged_by_the_catalog() -> None:
    with use_lang("en"):
        message, _krs = messages()["digest"]()
    words = json.dumps(message, ensure_ascii=False)
    assert "1 of 3 updated this week · 1 no change · 1 away" in words
    assert "Team progress vs expected, by week" in words and "*Kudos this week* :clap:" in words
    assert "by 30 Jun" in words


def test_kudos_modal_and_errors_in_each_language() -> None:
    for lang, prefill in (("en", "for KR 2"), ("zh", "感谢你在「KR 2」上的付出")):
        with use_lang(lang):
            view = kudos_modal(receiver="U0AAA2", kr_id=2, kr_title="KR 2", channel_id="C1")
            problem = parse_kudos("no mention")
        check_modal(view)
        [field] = [b for b in view["blocks"] if b["type"] == "input"]
        assert field["element"]["initial_value"] == prefill
        assert isinstance(problem, str) and has_chinese({"t": problem}) == (lang == "zh")
    with use_lang("zh"):
        view = retro_modal(
            team_name="Sales EMEA",
            cycle_name="Q2 2024",
            team_id=1,
            cycle_id=1,
            channel="C1",
            thread_ts="1.2",
        )
        planning = planning_reminder(
            team_name="Sales EMEA", next_cycle_name="Q3 2024", starts=date(2024, 7, 1)
        )
    check_modal(view)
    check_all(planning)
    assert not unrendered_marks(view) and not unrendered_marks(planning)
    assert not english_left(view) and not english_left(
        planning, extra=("Q3 2024", day_text(date(2024, 7, 1)))
    )


def test_the_export_message_is_chinese_but_its_columns_stay_english() -> None:
    with use_lang("zh"):
        comment = sent_comment("Q2 2024", "", 3)
        unknown = unknown_text("Q9", ["Q2 2024"], ["Nordics"])
    assert "3 个目标" in comment and "`record`" in comment
    assert not unrendered_marks({"t": comment}) and not unrendered_marks({"t": unknown})
    assert not english_left({"t": comment}) and not english_left({"t": unknown}, extra=("Q9",))


def test_a_change_is_said_against_the_right_period_in_chinese() -> None:
    with use_lang("zh"):
        assert _(SINCE_WEEK) == "较上周" and _(SINCE_PERIOD["month"]) == "较上月"
