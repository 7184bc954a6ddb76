"""Numbers and money in the reader's language (issue 14): Chinese shows 万/亿 from CLDR and
names a non-yuan amount after the number, reads Chinese numerals, full-width digits and
measure words, refuses mixed multipliers and two currencies in Chinese; the display rules
hold in both languages, and whatever is shown in a language parses back in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from blocks.kr_format import kr_value, pace_label, status_pair, trend_label
from blocks.mrkdwn import slack_date
from okr.display import (
    Measure,
    beside_target,
    change_text,
    editable_text,
    final_text,
    pair_text,
    percent_text,
)
from okr.due_dates import parse_due
from okr.i18n import use_lang
from okr.kr_units import settle_unit
from okr.periods import Period, period_of_day
from okr.values import (
    MAX_ABS,
    Unit,
    ValueParseError,
    compact_steps,
    format_exact,
    format_value,
    parse_value,
)
from tests.unit.test_blocks_display import make_kr

T = TypeVar("T")
LANGS = ("en", "zh")
USD = Measure(Unit.CURRENCY, "USD")
CNY = Measure(Unit.CURRENCY, "CNY")
PERCENT = Measure(Unit.PERCENT)
FINITE = st.floats(min_value=-MAX_ABS, max_value=MAX_ABS, allow_nan=False, allow_infinity=False)
MEASURES = st.builds(
    Measure,
    st.sampled_from(list(Unit)),
    st.sampled_from(["USD", "EUR", "GBP", "JPY", "CNY", "HKD", "CHF", "INR", None]),
    st.sampled_from([None, "prospects", "单", "家"]),
)


def zh(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function` called with the reader's language Chinese."""
    with use_lang("zh"):
        return function(*args, **kwargs)


# --- showing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "measure", "en", "chinese"),
    [
        (1_200_000, Measure(), "1.2M", "120万"),
        (1_200_000, CNY, "¥1.2M", "¥120万"),
        (1_200_000, USD, "$1.2M", "120万美元"),
        (120_000_000, CNY, "¥120M", "¥1.2亿"),
        (1.2e12, Measure(), "1.2T", "1.2万亿"),
        (12_345, Measure(), "12.3k", "1.23万"),
        (99_996_000, Measure(), "100M", "1亿"),  # 9999.6万 rolls over
        (98_760_000, Measure(), "98.8M", "9876万"),
        (5_000, Measure(), "5,000", "5,000"),
        (1_250.5, USD, "$1,250.50", "1,250.50美元"),
        (35, PERCENT, "35%", "35%"),
        (-1_200_000, Measure(Unit.CURRENCY, "CHF"), "-CHF 1.2M", "-CHF 120万"),
        (1_500_000, Measure(Unit.CURRENCY, "EUR"), "€1.5M", "150万欧元"),
        (12, Measure(word="单"), "12单", "12单"),
        (float("nan"), Measure(), "n/a", "无"),
    ],
)
def test_values_read_in_the_readers_language(
    value: float, measure: Measure, en: str, chinese: str
) -> None:
    assert measure.text(value) == en
    assert zh(measure.text, value) == chinese


def test_the_chinese_steps_come_from_cldr() -> None:
    assert compact_steps("zh_CN") == ((12, "万亿"), (8, "亿"), (4, "万"))


def test_an_exact_figure_keeps_every_digit_in_both_languages() -> None:
    assert format_exact(1_196_500, Unit.CURRENCY, "USD") == "$1,196,500"
    assert zh(format_exact, 1_196_500, Unit.CURRENCY, "USD") == "1,196,500美元"
    assert zh(format_exact, 1_196_500, Unit.CURRENCY, "CNY") == "¥1,196,500"


def test_the_display_rules_hold_in_chinese() -> None:
    assert zh(pair_text, 1_196_500, 1_200_000, USD) == ("119.7万美元", "120万美元")
    assert zh(pair_text, 3.04, 3, PERCENT) == ("3.04%", "3%")
    assert zh(change_text, 0.24, PERCENT, "stay_below", "较上次打卡") == (
        "▲ 较上次打卡 0.24个百分点（变差）"
    )
    assert zh(change_text, -50_000, CNY, "increase") == "▼ ¥5万（变差）"
    assert zh(change_text, 0.0, CNY, "increase") == "无变化"
    assert zh(percent_text, 0.996) == "99.6%"
    assert zh(final_text, 1_196_500, USD) == "1,196,500美元"


def test_english_change_text_is_as_before() -> None:
    assert change_text(0.24, PERCENT, "stay_below", "since last check-in") == (
        "▲ 0.24 pts since last check-in (worse)"
    )
    assert change_text(0.0, PERCENT, "increase") == "no change"


@given(FINITE, FINITE, MEASURES, st.sampled_from(LANGS))
@example(1_196_500.0, 1_200_000.0, USD, "zh")
@example(99_996_000.0, 100_000_000.0, Measure(), "zh")
@example(3.04, 3.0, PERCENT, "zh")
@example(999_999_999_999_999.9, MAX_ABS, Measure(), "zh")
def test_a_miss_never_reads_as_its_target_in_either_language(
    value: float, target: float, measure: Measure, lang: str
) -> None:
    with use_lang(lang):
        shown, goal = pair_text(value, target, measure)
        assert (shown == goal) == (value == target)
        goal, [again, shown] = beside_target(target, [target, value], measure)
        assert again == goal
        assert (shown == goal) == (value == target)


@given(FINITE, MEASURES, st.sampled_from(LANGS))
@example(1_030_000.0, USD, "zh")
@example(1_234_567.891, CNY, "zh")
@example(9_999_950_000.0, Measure(), "zh")
@example(-MAX_ABS, Measure(word="单"), "zh")
@example(5e-324, Measure(Unit.CURRENCY, "HKD"), "zh")
def test_a_value_shown_in_either_language_parses_back_to_itself_in_it(
    value: float, measure: Measure, lang: str
) -> None:
    with use_lang(lang):
        for text in (editable_text(value, measure), final_text(value, measure)):
            parsed = parse_value(text, measure.unit, currency=measure.currency, word=measure.word)
            assert parsed.value == value, text


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(LANGS))
def test_every_shown_precision_parses_back_to_what_it_shows(number: int, lang: str) -> None:
    """A short form (`1.23万`) reads back as the rounded value it shows, in both languages."""
    with use_lang(lang):
        for extra in (0, 1, 3):
            text = format_value(number, Unit.NUMBER, extra=extra)
            again = parse_value(text).value
            assert format_value(again, Unit.NUMBER, extra=extra) == text


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "currency", "word"),
    [
        ("120万", 1_200_000, Unit.NUMBER, None, None),
        ("¥120万", 1_200_000, Unit.CURRENCY, "CNY", None),
        ("￥120万", 1_200_000, Unit.CURRENCY, "CNY", None),
        ("120万元", 1_200_000, Unit.CURRENCY, "CNY", None),
        ("120万美元", 1_200_000, Unit.CURRENCY, "USD", None),
        ("1.2亿", 120_000_000, Unit.NUMBER, None, None),
        ("1.2万亿", 1.2e12, Unit.NUMBER, None, None),
        ("１２０万", 1_200_000, Unit.NUMBER, None, None),
        ("35％", 35, Unit.PERCENT, None, None),
        ("三十", 30, Unit.NUMBER, None, None),
        ("两千", 2_000, Unit.NUMBER, None, None),
        ("一百二十万", 1_200_000, Unit.NUMBER, None, None),
        ("一百二十万元", 1_200_000, Unit.CURRENCY, "CNY", None),
        ("人民币三十万", 300_000, Unit.CURRENCY, "CNY", None),
        ("一点二亿", 120_000_000, Unit.NUMBER, None, None),
        ("百分之三十", 30, Unit.PERCENT, None, None),
        ("百分之三十五点五", 35.5, Unit.PERCENT, None, None),
        ("12单", 12, Unit.NUMBER, None, "单"),
        ("十二单", 12, Unit.NUMBER, None, "单"),
        ("30家", 30, Unit.NUMBER, None, "家"),
        ("50个", 50, Unit.NUMBER, None, "个"),
        ("8次", 8, Unit.NUMBER, None, "次"),
        ("30家一级客户", 30, Unit.NUMBER, None, "家一级客户"),
    ],
)
def test_chinese_input_reads(
    text: str, value: float, unit: Unit, currency: str | None, word: str | None
) -> None:
    for lang in LANGS:
        with use_lang(lang):
            parsed = parse_value(text)
        assert (parsed.value, parsed.unit, parsed.currency, parsed.word) == (
            value,
            unit,
            currency,
            word,
        )


_DIGITS = "零一二三四五六七八九"


def _section(n: int) -> str:
    """A number below 10,000 as a Chinese numeral (一千零五十)."""
    out, zero = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // power % 10
        if digit:
            if zero and out:
                out += "零"
            out += _DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


def chinese_numeral(n: int) -> str:
    """`n` written in Chinese numerals, the way a person writes it (十二, 一百二十万, 三亿零五)."""
    if n == 0:
        return "零"
    groups = [(n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")]
    out, gap = "", False
    for value, unit in groups:
        if value:
            if out and (gap or value < 1000):
                out += "零"
            out += _section(value) + unit
            gap = False
        elif out:
            gap = True
    return out[1:] if out.startswith("一十") else out


@given(st.integers(min_value=0, max_value=10**12 - 1))
@example(12)
@example(1_200_000)
@example(300_000_005)
@example(10_005)
def test_chinese_numerals_parse_to_their_value(n: int) -> None:
    text = chinese_numeral(n)
    assert parse_value(text).value == n, text
    assert parse_value(f"百分之{chinese_numeral(n % 1000)}").value == n % 1000


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("1.2万k", "一种单位"),
        ("1.2k万", "一种单位"),
        ("$120万元", "一种货币"),
        ("$120万", "一种货币"),
        ("12.5万%", "百分比"),
        ("三五", "请输入数字"),
    ],
)
def test_bad_chinese_input_is_a_chinese_error_with_chinese_examples(text: str, needle: str) -> None:
    with use_lang("zh"), pytest.raises(ValueParseError) as raised:
        parse_value(text)
    message = raised.value.message
    assert needle in message
    assert "Expected" not in message and "Use one" not in message
    assert "120万" in message  # the examples are written the Chinese way


@pytest.mark.parametrize("text", ["1.2万k", "$120万元"])
def test_the_same_bad_input_is_an_english_error_for_an_english_reader(text: str) -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_value(text)
    message = raised.value.message
    assert message.startswith("Use one") and message.endswith("35% or 3.5k.")


def test_a_unit_clash_names_both_sides_in_chinese() -> None:
    with use_lang("zh"):
        typed = {"start": parse_value("100万美元"), "target": parse_value("35%")}
        _unit, errors = settle_unit(Unit.NUMBER, None, typed)
    assert errors["target"].startswith("起始值是USD金额，这里却是百分比")


def test_chinese_due_dates_read() -> None:
    assert (parse_due("12月15日").month, parse_due("12月15日").day) == (12, 15)
    assert parse_due("2026年1月５号").year == 2026
    with use_lang("zh"), pytest.raises(ValueParseError) as raised:
        parse_due("2月30日")
    assert raised.value.message.startswith("“2月30日”不是有效日期")


# --- dates and periods -----------------------------------------------------------------------


def test_slack_dates_keep_the_token_with_a_fallback_in_the_readers_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2024, 6, 3, 10, 0, tzinfo=UTC)
    token = "<!date^1717408800^{date_short} {time}|"
    assert slack_date(moment) == token + "2024-06-03 10:00 UTC>"
    assert zh(slack_date, moment) == token + "2024年6月3日 10:00 UTC>"


def test_period_words_in_chinese() -> None:
    from datetime import date

    week = period_of_day(date(2026, 11, 25), Period.WEEK)
    month = period_of_day(date(2026, 11, 25), Period.MONTH)
    assert (week.label, month.label) == ("week of 23 Nov", "November 2026")
    assert (zh(lambda: week.label), zh(lambda: month.label)) == ("11月23日起的一周", "2026年11月")
    assert (Period.WEEK.plural(9), zh(Period.MONTH.plural, 9)) == ("9 weeks", "9个月")


# --- KR lines --------------------------------------------------------------------------------


def test_a_kr_line_reads_in_chinese_with_the_same_rules() -> None:
    revenue = make_kr(current=1_196_500, target=1_200_000, history=(1_000_000, 1_196_500))
    unread = make_kr(2, start=1_000_000, current=1_000_000, history=())
    assert kr_value(revenue) == "$1.197M of $1.2M"
    assert zh(kr_value, revenue) == "119.7万美元 / 120万美元"
    assert zh(kr_value, unread) == "尚无数据 · 目标值 200万美元"
    assert zh(trend_label, revenue) == "▲ 较上次打卡 19.7万美元（变好）"
    assert zh(status_pair, revenue).startswith("建议：")
    assert zh(pace_label, revenue).split(" · ")[1].startswith("预期 ")
