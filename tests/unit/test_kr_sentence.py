"""Key results typed as one sentence (issue 11, point 1) and written back as one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from okr.drafts import KRDraft
from okr.due_dates import DueDay
from okr.kr_sentence import (
    MAX_SENTENCE_CHARS,
    KRReading,
    SentenceProblem,
    kr_sentence,
    read_kr,
    reading_summary,
    sentence_lang,
)
from okr.outline import kr_line
from okr.periods import Period
from okr.progress import KRKind
from okr.relative_target import relative_target, resolve
from okr.values import Unit

FIRST, LAST = date(2026, 10, 1), date(2026, 12, 31)


def read(text: str) -> KRReading:
    reading = read_kr(text, cycle_start=FIRST, cycle_end=LAST)
    assert isinstance(reading, KRReading), getattr(reading, "message", reading)
    return reading


def refused(text: str) -> SentenceProblem:
    problem = read_kr(text, cycle_start=FIRST, cycle_end=LAST)
    assert isinstance(problem, SentenceProblem), problem
    return problem


# (sentence, title, kind, start, target, unit, currency, word, relative, period, due)
ISSUE_EXAMPLES = [
    (
        "Increase quarterly revenue from $1.0M to $1.2M",
        "Quarterly revenue", KRKind.INCREASE, 1_000_000, 1_200_000, Unit.CURRENCY, "USD",
        None, None, None, None,
    ),
    (
        "Grow quarterly sales 20% over $1.0M",
        "Quarterly sales", KRKind.INCREASE, 1_000_000, 1_200_000, Unit.CURRENCY, "USD",
        None, "+20%", None, None,
    ),
    (
        "Sign 30 new contracts",
        "New contracts signed", KRKind.INCREASE, 0, 30, Unit.NUMBER, None,
        "new contracts", None, None, None,
    ),
    (
        "Contact 50 new prospects every week",
        "New prospects contacted", KRKind.QUOTA, 0, 50, Unit.NUMBER, None,
        "new prospects", None, Period.WEEK, None,
    ),
    (
        "Sign 10 contracts per month",
        "Contracts signed", KRKind.QUOTA, 0, 10, Unit.NUMBER, None,
        "contracts", None, Period.MONTH, None,
    ),
    (
        "Keep churn below 3%",
        "Churn", KRKind.STAY_BELOW, 3, 3, Unit.PERCENT, None, None, None, None, None,
    ),
    (
        "Hold CSAT above 90%",
        "CSAT", KRKind.STAY_ABOVE, 90, 90, Unit.PERCENT, None, None, None, None, None,
    ),
    (
        "Reduce the sales cycle from 60 to 45 days",
        "Sales cycle", KRKind.DECREASE, 60, 45, Unit.NUMBER, None, "days", None, None, None,
    ),
    (
        "Launch the partner program by 15 Nov",
        "Launch the partner program", KRKind.MILESTONE, 0, 1, Unit.NUMBER, None,
        None, None, None, DueDay(11, 15),
    ),
    (
        "Launch the partner program",
        "Launch the partner program", KRKind.MILESTONE, 0, 1, Unit.NUMBER, None,
        None, None, None, None,
    ),
    (
        "季度销售额从100万元增长到120万元",
        "季度销售额", KRKind.INCREASE, 1_000_000, 1_200_000, Unit.CURRENCY, "CNY",
        None, None, None, None,
    ),
    (
        "每周联系50个潜在客户",
        "联系潜在客户", KRKind.QUOTA, 0, 50, Unit.NUMBER, None,
        "个潜在客户", None, Period.WEEK, None,
    ),
    (
        "每月签约10单",
        "签约", KRKind.QUOTA, 0, 10, Unit.NUMBER, None, "单", None, Period.MONTH, None,
    ),
    (
        "客户流失率保持在3%以下",
        "客户流失率", KRKind.STAY_BELOW, 3, 3, Unit.PERCENT, None, None, None, None, None,
    ),
    (
        "上线渠道合作计划",
        "上线渠道合作计划", KRKind.MILESTONE, 0, 1, Unit.NUMBER, None, None, None, None, None,
    ),
]  # fmt: skip


@pytest.mark.parametrize("example", ISSUE_EXAMPLES, ids=[e[0] for e in ISSUE_EXAMPLES])
def test_every_issue_example_reads_as_stated(example: tuple) -> None:
    text, title, kind, start, target, unit, currency, word, relative, period, due = example
    reading = read(text)
    assert (reading.title, reading.kind, reading.start, reading.target) == (
        title, kind, start, target,
    )  # fmt: skip
    assert (reading.unit, reading.currency, reading.unit_word) == (unit, currency, word)
    assert (reading.relative_target, reading.period, reading.due) == (relative, period, due)
    assert reading.lang == sentence_lang(text)


RENDERED = {
    "Increase quarterly revenue from $1.0M to $1.2M": (
        "Increase quarterly revenue from $1M to $1.2M"
    ),
    "Grow quarterly sales 20% over $1.0M": "Grow quarterly sales 20% over $1M",
    "Sign 30 new contracts": "Sign 30 new contracts",
    "Contact 50 new prospects every week": "Contact 50 new prospects every week",
    "Sign 10 contracts per month": "Sign 10 contracts per month",
    "Keep churn below 3%": "Keep churn below 3%",
    "Hold CSAT above 90%": "Hold CSAT above 90%",
    "Reduce the sales cycle from 60 to 45 days": "Reduce sales cycle from 60 to 45 days",
    "Launch the partner program by 15 Nov": "Launch the partner program by 15 Nov",
    "季度销售额从100万元增长到120万元": "季度销售额从100万元增长到120万元",
    "每周联系50个潜在客户": "每周联系50个潜在客户",
    "每月签约10单": "每月签约10单",
    "客户流失率保持在3%以下": "客户流失率保持在3%以下",
    "上线渠道合作计划": "上线渠道合作计划",
}


@pytest.mark.parametrize("typed", sorted(RENDERED))
def test_a_reading_is_written_back_as_the_sentence(typed: str) -> None:
    reading = read(typed)
    assert kr_sentence(reading, lang=reading.lang) == RENDERED[typed]


BAD_INPUT = {
    "x" * (MAX_SENTENCE_CHARS + 1): "150 characters",
    "Increase revenue " + "a" * 140 + " from $1M to $2M": "150 characters",
    "Increase revenue $1M $1.2M": "Two numbers",
    "Sign 30 contracts worth $1M": "Two numbers",
    "季度销售额100万元120万元": "两个数字",
    "Sign 10 contracts per day": "“day” is not a period",
    "Contact 50 prospects every sprint": "“sprint” is not a period",
    "每天联系10个客户": "周期“天”",
    "Grow quarterly sales 20%": "20% of what?",
    "Grow quarterly sales by 20%": "20% of what?",
    "季度销售额增长20%": "20%是相对于多少",
    "Launch the partner program by 15 Mar": "falls outside this cycle",
    "Launch the partner program by 2027-01-15": "falls outside this cycle",
    "2月15日前上线渠道合作计划": "不在本周期内",
    "Sign 30 contracts by 15 Nov": "A due date is for a milestone",
    "Reduce churn to 3%": "Say where it starts",
    "Increase revenue from $1M to $1M": "the same",
    "Increase revenue from $1.2M to $1M": "the target must be above",
    "Increase revenue from $1M to €1.2M": "make them agree",
    "": "one sentence",
}


@pytest.mark.parametrize("text", sorted(BAD_INPUT), ids=lambda t: t[:40] or "empty")
def test_bad_sentences_are_refused_with_examples(text: str) -> None:
    problem = refused(text)
    assert BAD_INPUT[text] in problem.reason
    lead = "例如：" if problem.lang == "zh" else "Write it like: "
    assert problem.message.startswith(problem.reason)
    assert lead in problem.message
    examples = problem.message.split(lead, 1)[1].split(" · ")
    assert len(examples) == 6
    for example in examples:  # each example of the message reads as a KR itself
        assert isinstance(read_kr(example, cycle_start=FIRST, cycle_end=LAST), KRReading)
    assert problem.field_error("kr_0").field == "kr_0"


CHINESE_FORMS = {
    "季度销售额从一百万元增长到一百二十万元": (1_000_000, 1_200_000),
    "每周联系五十个潜在客户": (0, 50),
    "签约三十单": (0, 30),
    "客户满意度保持在百分之九十以上": (90, 90),
    "每月签约１０单": (0, 10),
    "客户流失率保持在３％以下": (3, 3),
    "季度销售额从¥100万增长到￥120万": (1_000_000, 1_200_000),
    "季度销售额从1亿元增长到1.2亿元": (100_000_000, 120_000_000),
    "每周拜访20家客户": (0, 20),
    "每月举办2次客户活动": (0, 2),
    "降低客户流失率从5%到3%": (5, 3),
    "销售周期从60天缩短到45天": (60, 45),
}


@pytest.mark.parametrize("text", sorted(CHINESE_FORMS))
def test_chinese_input_forms(text: str) -> None:
    reading = read(text)
    assert (reading.start, reading.target) == CHINESE_FORMS[text]
    assert reading.lang == "zh"


def test_a_chinese_numeral_inside_a_word_stays_a_word() -> None:
    assert read("统一客户管理流程").title == "统一客户管理流程"
    assert read("一起拜访十家客户").target == 10


def test_the_summary_says_how_the_sentence_was_read() -> None:
    assert reading_summary(read("Contact 50 new prospects every week")) == (
        "Quota · 50 new prospects every week"
    )
    assert reading_summary(read("Grow quarterly sales 20% over $1.0M")) == (
        "Increase · $1M → +20% = $1.2M"
    )
    assert reading_summary(read("Launch the partner program by 15 Nov")) == (
        "Milestone · due 15 Nov"
    )
    assert reading_summary(read("每周联系50个潜在客户"), "zh") == "配额 · 每周50个潜在客户"


# --- round trip: a KR written as a sentence reads back as the same KR -----------------------

NOUN_TITLES = {
    "en": ["Quarterly revenue", "CSAT", "Win rate", "Close $2M in new ARR", "Pipeline: EMEA"],
    "zh": ["季度销售额", "客户流失率", "销售周期", "客户满意度", "前10大客户收入"],
}
#: (title, unit word) of counts: the sentence puts the number between verb and object.
COUNT_TITLES = {
    "en": [
        ("New contracts signed", "new contracts"),
        ("Meetings booked", "meetings"),
        ("Prospects contacted", "prospects"),
        ("Meetings with enterprise prospects held", "meetings"),
    ],
    "zh": [("联系潜在客户", "个潜在客户"), ("签约", "单"), ("拜访客户", "家客户")],
}
NOUN_WORDS = {"en": [None, "days", "deals", "qualified leads"], "zh": [None, "天", "单"]}
MILESTONES = {
    "en": ["Launch the partner program", "Hire 2 sales engineers", "Ship v2: the portal"],
    "zh": ["上线渠道合作计划", "招聘2名销售工程师"],
}
CURRENCIES = ["USD", "CNY", "EUR", "GBP", "JPY", "CHF", "INR"]


def _amounts(low: int = 1, high: int = 10**10) -> st.SearchStrategy[float]:
    """Values as people type them: whole numbers or with a few decimals."""
    cents = st.integers(min_value=low, max_value=high).map(lambda n: n / 100)
    whole = st.integers(min_value=low, max_value=high // 100).map(float)
    return st.one_of(whole, cents)


@st.composite
def stored_krs(draw: st.DrawFn) -> tuple[KRReading, str]:
    lang = draw(st.sampled_from(["en", "zh"]))
    kind = draw(st.sampled_from(list(KRKind)))
    if kind is KRKind.MILESTONE:
        due = draw(
            st.none()
            | st.builds(
                DueDay,
                st.integers(10, 12),
                st.integers(1, 28),
                st.sampled_from([None, 2026]),
            )
        )
        title = draw(st.sampled_from(MILESTONES[lang]))
        return KRReading(title, kind, 0.0, 1.0, due=due, lang=lang), lang
    unit = draw(st.sampled_from(list(Unit)))
    currency = draw(st.sampled_from(CURRENCIES)) if unit is Unit.CURRENCY else None
    counted = unit is Unit.NUMBER and draw(st.booleans())
    if counted and kind in (KRKind.INCREASE, KRKind.QUOTA):
        title, word = draw(st.sampled_from(COUNT_TITLES[lang]))
    else:
        title = draw(st.sampled_from(NOUN_TITLES[lang]))
        word = draw(st.sampled_from(NOUN_WORDS[lang])) if unit is Unit.NUMBER else None
    values = _amounts(1, 10_000) if unit is Unit.PERCENT else _amounts()
    first, second = draw(values), draw(values)
    period = None
    relative = None
    if kind is KRKind.QUOTA:
        start, target = 0.0, second
        period = draw(st.sampled_from(list(Period)))
    elif kind.holds:
        start = target = second
    else:
        start = draw(st.just(0.0) | values) if kind is KRKind.INCREASE else first
        if draw(st.booleans()) and start:
            size = draw(st.sampled_from(["5", "12.5", "20", "50"]))
            relative = f"{'+' if kind is KRKind.INCREASE else '-'}{size}%"
            target = resolve(relative_target(relative), kind, start, None)
        else:
            low, high = sorted((start, second))
            assume(low != high)
            target = high if kind is KRKind.INCREASE else low
            start = low if kind is KRKind.INCREASE else high
    kr = KRReading(title, kind, start, target, unit, currency, word, relative, period, lang=lang)
    return kr, lang


@settings(max_examples=400, deadline=None)
@given(stored_krs())
def test_a_kr_written_as_a_sentence_reads_back_as_the_same_kr(case: tuple) -> None:
    kr, lang = case
    sentence = kr_sentence(kr, lang=lang)
    assert len(sentence) <= MAX_SENTENCE_CHARS
    reading = read_kr(sentence, cycle_start=FIRST, cycle_end=LAST)
    assert isinstance(reading, KRReading), (sentence, reading)
    assert reading == kr, sentence


def test_stored_krs_of_the_form_and_of_lists_are_written_as_sentences() -> None:
    draft = KRDraft(
        row=0,
        title="Quarterly sales",
        kind=KRKind.INCREASE,
        unit=Unit.CURRENCY,
        currency="USD",
        start=1_000_000,
        target=1_200_000,
        owner_id="U0001",
        baseline=None,
        weight=1,
        relative_target="+20%",
    )
    assert kr_sentence(draft) == "Grow quarterly sales 20% over $1M"
    assert read("Grow quarterly sales 20% over $1M").draft(row=0, owner_id="U0001") == draft
    assert kr_sentence(replace(draft, target=1_250_000)) == (
        "Increase quarterly sales from $1M to $1.25M"  # the target moved on from +20%
    )
    line = kr_line(
        id=1,
        title="Launch the partner program",
        kind="milestone",
        unit="number",
        currency=None,
        start=0,
        target=1,
        original_target=1,
        current=0,
        owner_id="U0001",
        weight=1,
        confidence=None,
        history=(),
        cycle_start=datetime(2026, 10, 1, tzinfo=UTC),
        cycle_end=datetime(2026, 12, 31, tzinfo=UTC),
        at=datetime(2026, 11, 2, tzinfo=UTC),
        due_date=date(2026, 11, 15),
    )
    assert kr_sentence(line) == "Launch the partner program by 15 Nov"
    assert kr_sentence(line, lang="zh") == "11月15日前Launch the partner program"


def test_a_value_is_never_written_onto_a_target_it_is_not() -> None:
    kr = KRReading("Quarterly revenue", KRKind.INCREASE, 1_196_500, 1_200_000, Unit.CURRENCY, "USD")
    assert kr_sentence(kr) == "Increase quarterly revenue from $1.1965M to $1.2M"
    assert kr_sentence(kr, lang="zh") == "Quarterly revenue从119.65万美元增长到120万美元"
    churn = KRReading("Churn", KRKind.DECREASE, 3.04, 3, Unit.PERCENT)
    assert kr_sentence(churn) == "Reduce churn from 3.04% to 3%"


def test_a_title_of_a_long_count_stays_within_the_title_limit() -> None:
    sentence = "Submit 5 quarterly reports to " + "x" * (MAX_SENTENCE_CHARS - 30)
    assert len(sentence) == MAX_SENTENCE_CHARS
    assert "150 characters" in refused(sentence).reason


#: More ways people write the same KRs: (sentence, kind, start, target, relative, period).
MORE_FORMS = [
    ("Keep churn at or below 3%", KRKind.STAY_BELOW, 3, 3, None, None),
    ("NPS above 50", KRKind.STAY_ABOVE, 50, 50, None, None),
    ("Increase revenue by 20% from $1M", KRKind.INCREASE, 1e6, 1.2e6, "+20%", None),
    ("Cut costs 10% from $500k", KRKind.DECREASE, 5e5, 4.5e5, "-10%", None),
    ("Every week, contact 50 prospects", KRKind.QUOTA, 0, 50, None, Period.WEEK),
    ("Contact 50 prospects weekly", KRKind.QUOTA, 0, 50, None, Period.WEEK),
    ("Sign 10 contracts a month", KRKind.QUOTA, 0, 10, None, Period.MONTH),
    ("Raise ARR from €1,2 Mio to €1,5 Mio", KRKind.INCREASE, 1.2e6, 1.5e6, None, None),
    ("Increase win rate from 20 percent to 25 percent", KRKind.INCREASE, 20, 25, None, None),
    ("Take churn from 5% to 3%", KRKind.DECREASE, 5, 3, None, None),
    ("Grow revenue to $1.2M", KRKind.INCREASE, 0, 1.2e6, None, None),
    ("Sign 30 contracts per quarter", KRKind.INCREASE, 0, 30, None, None),
    ("每季度签约30单", KRKind.INCREASE, 0, 30, None, None),
    ("客户满意度不低于90%", KRKind.STAY_ABOVE, 90, 90, None, None),
]


@pytest.mark.parametrize("form", MORE_FORMS, ids=[f[0] for f in MORE_FORMS])
def test_more_ways_of_saying_it(form: tuple) -> None:
    text, kind, start, target, relative, period = form
    reading = read(text)
    assert (reading.kind, reading.start, reading.target) == (kind, start, target)
    assert (reading.relative_target, reading.period) == (relative, period)


def test_a_quarterly_count_is_the_target_only_of_a_quarter_long_cycle() -> None:
    year = read_kr(
        "Sign 30 contracts per quarter", cycle_start=date(2026, 1, 1), cycle_end=date(2026, 12, 31)
    )
    assert isinstance(year, SentenceProblem)
    assert "“quarter” is not a period" in year.reason
