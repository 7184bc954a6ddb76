"""Value parsing and display: what sales people type, and what the bot shows back."""

import math
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from okr.values import (
    CURRENCIES,
    MAX_ABS,
    ParsedValue,
    Unit,
    ValueParseError,
    format_exact,
    format_value,
    is_currency_code,
    parse_value,
)

ACCEPTED: list[tuple[str, float, bool, str | None]] = [
    # (text, value, percent, currency)
    ("1200", 1200, False, None),
    ("1.2M", 1_200_000, False, None),
    ("1.2m", 1_200_000, False, None),
    ("1.2 M", 1_200_000, False, None),
    ("1.2MM", 1_200_000, False, None),
    ("1.2 million", 1_200_000, False, None),
    ("$1,200,000", 1_200_000, False, "USD"),
    ("$1,200,000.50", 1_200_000.5, False, "USD"),
    ("€1.200.000,50", 1_200_000.5, False, "EUR"),
    ("1.200.000", 1_200_000, False, None),
    ("1,200", 1200, False, None),
    ("12,345", 12_345, False, None),
    ("1,5", 1.5, False, None),
    ("1,25", 1.25, False, None),
    ("0,500", 0.5, False, None),
    ("1234,567", 1234.567, False, None),
    ("1.200", 1.2, False, None),
    ("1,200k", 1_200_000, False, None),
    ("12,34,567", 1_234_567, False, None),
    ("35%", 35, True, None),
    ("35 %", 35, True, None),
    ("12.5%", 12.5, True, None),
    ("-3%", -3, True, None),
    ("1 200 000", 1_200_000, False, None),
    ("1\u00a0200\u00a0000", 1_200_000, False, None),
    ("1\u202f200\u202f000", 1_200_000, False, None),
    ("1 200,50", 1200.5, False, None),
    ("1  200", 1200, False, None),
    ("1'200'000", 1_200_000, False, None),
    ("1\u2019200", 1200, False, None),
    ("120万", 1_200_000, False, None),
    ("120萬", 1_200_000, False, None),
    ("3亿", 300_000_000, False, None),
    ("5千", 5000, False, None),
    ("3千万", 30_000_000, False, None),
    ("¥120万", 1_200_000, False, "CNY"),  # issue 10: a bare ¥ is yuan (was JPY)
    ("120万元", 1_200_000, False, "CNY"),
    ("120万円", 1_200_000, False, "JPY"),
    ("3.5k", 3500, False, None),
    ("3.5K", 3500, False, None),
    ("2bn", 2e9, False, None),
    ("2B", 2e9, False, None),
    ("2 billion", 2e9, False, None),
    ("1T", 1e12, False, None),
    ("5 lakh", 500_000, False, None),
    ("2 crore", 20_000_000, False, None),
    ("USD 1.2M", 1_200_000, False, "USD"),
    ("1.2M USD", 1_200_000, False, "USD"),
    ("usd 5", 5, False, "USD"),
    ("USD1.2M", 1_200_000, False, "USD"),
    ("$1.2M USD", 1_200_000, False, "USD"),
    ("CHF 1'250", 1250, False, "CHF"),
    ("5 €", 5, False, "EUR"),
    ("£3.5k", 3500, False, "GBP"),
    ("₹5 crore", 50_000_000, False, "INR"),
    ("US$5", 5, False, "USD"),
    ("C$5", 5, False, "CAD"),
    ("RMB 5", 5, False, "CNY"),
    ("-5", -5, False, None),
    ("+5", 5, False, None),
    ("\u22125", -5, False, None),
    ("-$1.2M", -1_200_000, False, "USD"),
    ("$-1.2M", -1_200_000, False, "USD"),
    ("-0", 0, False, None),
    ("0.5", 0.5, False, None),
    (".5", 0.5, False, None),
    (",5", 0.5, False, None),
    ("007", 7, False, None),
    ("１２０", 120, False, None),
    ("１．５Ｍ", 1_500_000, False, None),
    ("＄１，２００", 1200, False, "USD"),
    ("３５％", 35, True, None),
    ("\u0661\u0662\u0663", 123, False, None),
    ("  42  ", 42, False, None),
    ("\t42\n", 42, False, None),
    ("1\u200b000", 1000, False, None),
    ("\ufeff1.2M", 1_200_000, False, None),
    ("1.2\u2060M", 1_200_000, False, None),
    ("1e3", 1000, False, None),
    ("2.5E-3", 0.0025, False, None),
    ("1e15", 1e15, False, None),
    ("-1,000T", -1e15, False, None),
    # issue 10: what sales people type
    ("1.03 mil", 1_030_000, False, None),
    ("1.03mm", 1_030_000, False, None),
    ("1,05 Mio", 1_050_000, False, None),
    ("1.2亿", 120_000_000, False, None),
    ("１．０３ ｍｉｌ", 1_030_000, False, None),
    ("120万美元", 1_200_000, False, "USD"),
    ("人民币120万", 1_200_000, False, "CNY"),
    ("HK$120万", 1_200_000, False, "HKD"),
    ("¥5", 5, False, "CNY"),
]

WORDS: list[tuple[str, float, str]] = [
    ("38 prospects", 38, "prospects"),
    ("38  Prospects", 38, "Prospects"),
    ("1,200 calls", 1200, "calls"),
    ("3.5k leads", 3500, "leads"),
    ("12 new logos", 12, "new logos"),
    ("38 meetings", 38, "meetings"),  # not 38 million "eetings"
    ("5 kg", 5, "kg"),
    ("3 pro", 3, "pro"),  # lower case: a word, not a currency code
    ("12单", 12, "单"),
    ("30家", 30, "家"),
    ("50个", 50, "个"),
    ("8次", 8, "次"),
    ("１２单", 12, "单"),
    ("12万单", 120_000, "单"),
]

REJECTED: list[str] = [
    "",
    "   ",
    "\u200b",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "1e16",
    "1001T",
    "2,000,000,000,000,000",
    "--5",
    "+-5",
    "5-",
    "5..0",
    "1.2.3",
    "1,2,3",
    "1,,000",
    "12 34",
    "1 200.000,5",
    "1.200,000.5",
    "0,500,000",
    "5.",
    "abc",
    "five",
    "12abc",
    "k5",
    "$",
    "%",
    "35%%",
    "%35",
    "$5 EUR",
    "€5$",
    "$5%",
    "5k%",
    "1e3k",
    "1,000e3",
    "5 XYZ",
    "1²",
    "½",
    "①",
    "1\u202e2",
    "0x10",
    "(5)",
    "5/2",
    "1" * 401,
    # issue 10
    "$120万",
    "€3千",
    "12abc",
    "38prospects",
    "38 SQL",
    "35% churn",
    "$5 deals",
    "38 prospects and more words",
    "38 " + "p" * 41,
    "38 prospects!",
]


@pytest.mark.parametrize(("text", "value", "percent", "currency"), ACCEPTED)
def test_accepted(text: str, value: float, percent: bool, currency: str | None) -> None:
    parsed = parse_value(text)
    assert parsed == ParsedValue(value=value, percent=percent, currency=currency)
    assert math.copysign(1.0, parsed.value) == math.copysign(1.0, value)  # "-0" is plain 0


@pytest.mark.parametrize("text", REJECTED)
def test_rejected(text: str) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_value(text)
    assert "Expected" in info.value.message
    assert str(info.value) == info.value.message


@pytest.mark.parametrize(("text", "value", "word"), WORDS)
def test_a_unit_word_makes_a_count(text: str, value: float, word: str) -> None:
    parsed = parse_value(text)
    assert parsed == ParsedValue(value=value, word=word)
    assert parsed.unit is Unit.NUMBER
    assert parse_value(text, Unit.NUMBER).value == value


@pytest.mark.parametrize(
    ("text", "unit", "kr_word", "fragment"),
    [
        ("38 prospects", Unit.CURRENCY, None, "an amount, not a count of prospects"),
        ("38 prospects", Unit.PERCENT, None, "a percentage, not a count of prospects"),
        ("38 calls", Unit.NUMBER, "prospects", "counts prospects, not calls"),
        ("$5", Unit.NUMBER, None, "a plain number, not an amount in USD"),
        ("5%", Unit.NUMBER, None, "a plain number, not a percentage"),
        ("$120万", None, None, "found USD and CNY"),
        ("$5 deals", None, None, "an amount in USD or a count of deals, not both"),
    ],
)
def test_a_clash_names_both_units(
    text: str, unit: Unit | None, kr_word: str | None, fragment: str
) -> None:
    with pytest.raises(ValueParseError, match=fragment) as info:
        parse_value(text, unit, word=kr_word)
    assert "Expected" in info.value.message


def test_the_krs_own_word_accepts_its_singular_and_any_case() -> None:
    assert parse_value("1 prospect", Unit.NUMBER, word="prospects").value == 1
    assert parse_value("38 Prospects", Unit.NUMBER, word="prospects").value == 38
    assert parse_value("38", Unit.NUMBER, word="prospects").word is None


def test_error_is_a_value_error_with_a_helpful_message() -> None:
    with pytest.raises(ValueError, match=r"Expected a number such as 1200, 1\.2M"):
        parse_value("lots")


@pytest.mark.parametrize(
    ("text", "unit", "fragment"),
    [
        ("35%", Unit.CURRENCY, "Expected an amount"),
        ("$5", Unit.PERCENT, "Expected a percentage"),
        ("5%", Unit.NUMBER, "Expected a number"),
        ("$5", Unit.NUMBER, "Expected a number"),
        ("", Unit.PERCENT, "Expected a percentage"),
    ],
)
def test_unit_mismatch_is_a_field_error(text: str, unit: Unit, fragment: str) -> None:
    with pytest.raises(ValueParseError, match=fragment):
        parse_value(text, unit)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("35", Unit.PERCENT, ParsedValue(35.0)),
        ("35%", Unit.PERCENT, ParsedValue(35.0, percent=True)),
        ("1.2M", Unit.CURRENCY, ParsedValue(1_200_000.0)),
        ("$1.2M", Unit.CURRENCY, ParsedValue(1_200_000.0, currency="USD")),
        ("1.2M", Unit.NUMBER, ParsedValue(1_200_000.0)),
    ],
)
def test_unit_compatible(text: str, unit: Unit, expected: ParsedValue) -> None:
    assert parse_value(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "kr_currency", "currency"),
    [
        ("$5", "CAD", "CAD"),
        ("$5", "USD", "USD"),
        ("¥5", "CNY", "CNY"),
        ("¥5", "JPY", "JPY"),
        ("¥5", None, "CNY"),  # issue 10: a bare ¥ is yuan (was JPY)
        ("$5", None, "USD"),
        ("5", "EUR", None),
    ],
)
def test_kr_currency_resolves_ambiguous_symbols(
    text: str, kr_currency: str | None, currency: str | None
) -> None:
    assert parse_value(text, Unit.CURRENCY, currency=kr_currency).currency == currency


@pytest.mark.parametrize(("text", "kr_currency"), [("€5", "USD"), ("US$5", "CAD"), ("$5", "EUR")])
def test_other_currency_than_the_krs_is_rejected(text: str, kr_currency: str) -> None:
    with pytest.raises(ValueParseError, match=f"in {kr_currency}"):
        parse_value(text, Unit.CURRENCY, currency=kr_currency)


def test_parsed_unit() -> None:
    assert parse_value("35%").unit is Unit.PERCENT
    assert parse_value("$3").unit is Unit.CURRENCY
    assert parse_value("3").unit is Unit.NUMBER


@pytest.mark.parametrize(
    ("value", "unit", "currency", "shown"),
    [
        (1_200_000, Unit.CURRENCY, "USD", "$1.2M"),
        (-1_200_000, Unit.CURRENCY, "USD", "-$1.2M"),
        (1_250_000, Unit.CURRENCY, "EUR", "€1.25M"),
        (35_000, Unit.CURRENCY, "EUR", "€35k"),
        (3_500, Unit.CURRENCY, "EUR", "€3,500"),
        (1_250.5, Unit.CURRENCY, "USD", "$1,250.50"),
        (1_200_000, Unit.CURRENCY, "GBP", "£1.2M"),
        (1_200_000, Unit.CURRENCY, "JPY", "¥1.2M"),
        (1_200_000, Unit.CURRENCY, "CNY", "¥1.2M"),
        (1_200_000, Unit.CURRENCY, "CHF", "CHF 1.2M"),
        (-12_345, Unit.CURRENCY, "chf", "-CHF 12.3k"),
        (1_200_000, Unit.CURRENCY, None, "1.2M"),
        (1_200_000, Unit.NUMBER, "USD", "1.2M"),
        (35, Unit.PERCENT, None, "35%"),
        (12.5, Unit.PERCENT, None, "12.5%"),
        (33.333, Unit.PERCENT, None, "33.3%"),
        (-0.04, Unit.PERCENT, None, "0%"),
        (1_250, Unit.NUMBER, None, "1,250"),
        (9_999, Unit.NUMBER, None, "9,999"),
        (10_000, Unit.NUMBER, None, "10k"),
        (12_345, Unit.NUMBER, None, "12.3k"),
        (123_456, Unit.NUMBER, None, "123k"),
        (999_960, Unit.NUMBER, None, "1M"),
        (2.5e9, Unit.NUMBER, None, "2.5B"),
        (1e15, Unit.NUMBER, None, "1,000T"),
        (0.5, Unit.NUMBER, None, "0.5"),
        (0.001, Unit.NUMBER, None, "0.001"),
        (-0.0, Unit.NUMBER, None, "0"),
        (math.nan, Unit.NUMBER, None, "n/a"),
        (math.inf, Unit.CURRENCY, "USD", "n/a"),
    ],
)
def test_format_value(value: float, unit: Unit, currency: str | None, shown: str) -> None:
    assert format_value(value, unit, currency) == shown


@pytest.mark.parametrize(
    ("value", "unit", "currency", "word", "shown"),
    [
        (38, Unit.NUMBER, None, "prospects", "38 prospects"),
        (12, Unit.NUMBER, None, "单", "12单"),
        (12_500, Unit.NUMBER, None, "calls", "12.5k calls"),
        (1_200_000, Unit.CURRENCY, "USD", "ignored", "$1.2M"),
    ],
)
def test_format_value_with_a_word(
    value: float, unit: Unit, currency: str | None, word: str, shown: str
) -> None:
    assert format_value(value, unit, currency, word=word) == shown


@pytest.mark.parametrize(
    ("value", "unit", "currency", "extra", "shown"),
    [
        (1_196_500, Unit.CURRENCY, "USD", 1, "$1.197M"),
        (1_196_500, Unit.CURRENCY, "USD", 2, "$1.1965M"),
        (3.04, Unit.PERCENT, None, 1, "3.04%"),
        (1_250.505, Unit.CURRENCY, "USD", 1, "$1,250.505"),
        (1_250.5, Unit.CURRENCY, "USD", 1, "$1,250.50"),
        (0.0001234, Unit.NUMBER, None, 1, "0.0001234"),
    ],
)
def test_format_value_with_more_digits(
    value: float, unit: Unit, currency: str | None, extra: int, shown: str
) -> None:
    assert format_value(value, unit, currency, extra=extra) == shown


@pytest.mark.parametrize(
    ("value", "unit", "currency", "word", "shown"),
    [
        (1_196_500, Unit.CURRENCY, "USD", None, "$1,196,500"),
        (1_196_500.5, Unit.CURRENCY, "EUR", None, "€1,196,500.50"),
        (-3.04, Unit.PERCENT, None, None, "-3.04%"),
        (27, Unit.NUMBER, None, "contracts", "27 contracts"),
        (0.1 + 0.2, Unit.NUMBER, None, None, "0.30000000000000004"),
    ],
)
def test_format_exact(
    value: float, unit: Unit, currency: str | None, word: str | None, shown: str
) -> None:
    assert format_exact(value, unit, currency, word=word) == shown
    assert parse_value(shown, unit, currency=currency, word=word).value == value


def test_currency_codes() -> None:
    assert {"USD", "EUR", "GBP", "JPY", "CNY", "CHF", "INR"} <= CURRENCIES
    assert all(len(code) == 3 and code.isupper() for code in CURRENCIES)
    assert is_currency_code("USD")
    assert is_currency_code("eur")
    assert not is_currency_code("XYZ")
    assert not is_currency_code("US")
    assert not is_currency_code("")


# --- properties ---------------------------------------------------------------------------

FINITE = st.floats(min_value=-MAX_ABS, max_value=MAX_ABS, allow_nan=False, allow_infinity=False)


@given(
    FINITE,
    st.sampled_from(list(Unit)),
    st.sampled_from(["USD", "EUR", "GBP", "JPY", "CNY", "CHF", "INR", None]),
)
@example(999_999.9, Unit.NUMBER, None)
@example(9_999.999, Unit.CURRENCY, "USD")
@example(5e-324, Unit.CURRENCY, "EUR")
def test_format_then_parse_round_trips(value: float, unit: Unit, currency: str | None) -> None:
    shown = format_value(value, unit, currency)
    parsed = parse_value(shown, unit, currency=currency)
    if unit is Unit.PERCENT:
        assert parsed.percent
        tolerance = 0.05
    else:
        assert not parsed.percent
        tolerance = 0.005 * abs(value) + 0.005
        if unit is Unit.CURRENCY and currency:
            assert parsed.currency == currency
    assert abs(parsed.value - value) <= tolerance + 4 * math.ulp(value)


@given(FINITE)
@example(5e-324)
@example(-0.0)
@example(MAX_ABS)
@example(0.1 + 0.2)
def test_plain_notation_parses_back_exactly(value: float) -> None:
    assert parse_value(repr(value)).value == value
    positional = format(Decimal(repr(value)), "f")  # no exponent, however small
    assert parse_value(positional).value == value


@given(st.text())
def test_arbitrary_text_only_raises_value_parse_error(text: str) -> None:
    try:
        parsed = parse_value(text)
    except ValueParseError as exc:
        assert "Expected" in exc.message
    else:
        assert math.isfinite(parsed.value)
        assert abs(parsed.value) <= MAX_ABS


NUMBERISH = st.text(
    alphabet="0123456789.,' %$€¥£-+eEkKmMbBtT万亿千元 \u00a0\u202f\u200bUSDCHF",
    max_size=20,
)


@given(NUMBERISH, st.sampled_from([None, *Unit]))
def test_numberish_text_only_raises_value_parse_error(text: str, unit: Unit | None) -> None:
    try:
        parsed = parse_value(text, unit)
    except ValueParseError as exc:
        assert "Expected" in exc.message
    else:
        assert math.isfinite(parsed.value)
        assert abs(parsed.value) <= MAX_ABS
