"""Numbers as sales people type them, and as the bot shows them.

Parsing rules (what ``parse_value`` accepts), in the order they are applied:

1. Invisible characters that copy-paste drags along (zero-width space / joiners U+200B-U+200D,
   direction marks U+200E/U+200F, word joiner U+2060, byte-order mark U+FEFF, soft hyphen
   U+00AD) are stripped rather than rejected: they never change what the person meant, and a
   field error about something nobody can see is the worst kind. Other format characters (e.g.
   a right-to-left override, which changes how the digits *look*) are rejected.
2. Superscripts, subscripts, fractions and circled digits are rejected (NFKC would silently
   turn ``1²`` into ``12``). Then the text is NFKC-normalised (full-width digits and symbols
   become ASCII, no-break and narrow no-break spaces become spaces), digits of any script become
   ASCII digits, ``−`` (U+2212) becomes ``-``, ``’`` becomes ``'`` and runs of spaces become one.
3. Shape: ``[sign] [currency] [sign] number [exponent] [multiplier] [currency] [word] [%]``,
   with one sign at most, optional spaces between the parts, at most 400 characters in all.
4. Currency: a symbol (``$ € £ ¥ ₹ ₩ …``, ``US$ C$ A$ HK$ R$ …``, ``元`` / ``人民币`` = CNY,
   ``円`` / ``日元`` = JPY, ``美元`` = USD, ``欧元`` = EUR, ``英镑`` = GBP, ``港元`` = HKD) or an
   ISO 4217 code from ``CURRENCIES`` (any case; ``RMB`` means CNY), before or after the number.
   Two different currencies in one value are an error, and so is a Western symbol with a
   Chinese multiplier (``$120万``: 万 reads as yuan; ``120万美元`` says dollars). A bare ``$``
   is USD and a bare ``¥`` is CNY unless the caller passes the key result's ``currency`` and it
   is a dollar / yen-or-yuan currency, in which case the symbol is read as that currency.
   After the number, a three-letter token is a currency when it is a known code (any case) or
   written in capitals (then an unknown one is an error); otherwise it is a unit word.
5. Multipliers (any case): ``k`` / ``thousand`` = 1e3; ``m`` / ``mm`` / ``mn`` / ``mil`` /
   ``mio`` / ``million`` = 1e6; ``b`` / ``bn`` / ``bln`` / ``billion`` = 1e9; ``t`` / ``tn`` /
   ``trillion`` = 1e12; ``lakh`` = 1e5, ``crore`` = 1e7; ``千`` = 1e3, ``万``/``萬`` = 1e4,
   ``亿``/``億`` = 1e8, optionally preceded by ``十``/``百``/``千`` (``千万`` = 1e7). A multiplier
   cannot be combined with an exponent or with ``%``. A Latin multiplier must not run into
   letters (``38 meetings`` is a count of meetings, not 38 million "eetings").
6. Separators inside the number (``.`` ``,`` space ``'``):
   - a space or an apostrophe is always a thousands separator;
   - with both ``.`` and ``,`` present, the last one is the decimal separator (it must occur
     once) and the other groups thousands: ``1,200,000.50`` and ``1.200.000,50``;
   - a separator occurring more than once groups thousands: ``1,200,000``, ``1.200.000``;
   - a single ``.`` is always a decimal point (``1.200`` is 1.2: write ``1,200``, ``1 200`` or
     ``1200`` for twelve hundred);
   - a single ``,`` groups thousands when it is followed by exactly three digits and preceded
     by one to three digits not starting with 0 (``1,200`` is 1200, as in the English-speaking
     sales world); otherwise it is a decimal comma (``1,5`` and ``0,500`` and ``1234,5``);
   - thousands groups must be well formed: 1-3 leading digits (not starting with 0), then
     groups of exactly 3 (or Indian lakh grouping with commas, ``12,34,567``). Anything else
     (``1,2,3``, ``5..0``, ``12 34``) is an error rather than a guess;
   - an exponent (``1e6``, ``2.5E-3``) is allowed on a number without thousands grouping.
7. A unit word may close the value: letters of any script, up to three words and 40
   characters (``38 prospects``, ``12 new logos``); a Latin word is separated from the number
   by a space, a Chinese measure word may follow it directly (``12单``, ``30家``, ``50个``).
   It makes the value a count of that word, so it cannot go with ``%`` or a currency.
8. The result must be finite and at most 1e15 in magnitude (``MAX_ABS``). ``-0`` becomes 0.

Percentages are kept in percent points: ``35%`` parses to 35.0 with ``percent=True``.

Chinese numerals are read where the number stands (``三十``, ``一百二十万元``, ``两千``,
``百分之三十`` = 30%) with ``okr.sentence_words.zh_number``. Two multipliers of different scripts
(``1.2万k``) are an error, not a guess.

Display (``format_value``, ``format_exact``) follows the current language (``okr.i18n``):
English as always (``$1.2M``, ``12.3k``); Chinese counts large numbers in 万 / 亿 / 万亿 as
CLDR's zh_CN compact data does (``120万``, ``¥120万``, ``1.2亿``) and names a non-yuan amount
after it (``120万美元``), so every text parses back to its value. ``okr.display`` applies the
display rules (never equal to a different target, changes in points, no invented readings) on
top of these primitives, the same in both languages.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DecimalException, localcontext
from enum import StrEnum
from functools import lru_cache

from babel import Locale

from okr.i18n import LOCALES, N_, ZH, _, is_zh
from okr.sentence_words import ZH_NUMERAL, zh_number

MAX_ABS = 1e15
"""Largest magnitude a value may have; beyond it a typo is far likelier than a real figure."""

MAX_INPUT_CHARS = 400
"""Longest text parsed; long enough for any plain-notation float, short enough to stay cheap."""


class Unit(StrEnum):
    """What a key result's numbers measure."""

    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"


class ValueParseError(ValueError):
    """A value could not be read; ``message`` is shown to the person as a field error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


CURRENCIES: frozenset[str] = frozenset(
    {
        # Americas
        "USD",
        "CAD",
        "MXN",
        "BRL",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "UYU",
        # Europe
        "EUR",
        "GBP",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "ISK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "RSD",
        "UAH",
        "RUB",
        "TRY",
        # Middle East and Africa
        "ILS",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "JOD",
        "EGP",
        "MAD",
        "NGN",
        "KES",
        "GHS",
        "ZAR",
        # Asia and Pacific
        "INR",
        "PKR",
        "BDT",
        "LKR",
        "NPR",
        "CNY",
        "HKD",
        "TWD",
        "JPY",
        "KRW",
        "SGD",
        "MYR",
        "THB",
        "IDR",
        "PHP",
        "VND",
        "KZT",
        "AUD",
        "NZD",
    }
)
"""Common ISO 4217 codes the bot recognises in typed values and offers for key results."""


def is_currency_code(code: str) -> bool:
    """Whether ``code`` is a known ISO 4217 code (case-insensitive, no surrounding spaces)."""
    return isinstance(code, str) and code.upper() in CURRENCIES


EXPECTED_ANY = N_("Expected a number such as 1200, 1.2M, $1,200,000, 35% or 3.5k")
EXPECTED_NUMBER = N_("Expected a number such as 1200, 1.2M or 3.5k")
EXPECTED_PERCENT = N_("Expected a percentage such as 35% or 12.5")
EXPECTED_CURRENCY = N_("Expected an amount such as 1.2M, $1,200,000 or 3.5k")

_EXPECTED = {
    None: EXPECTED_ANY,
    Unit.NUMBER: EXPECTED_NUMBER,
    Unit.PERCENT: EXPECTED_PERCENT,
    Unit.CURRENCY: EXPECTED_CURRENCY,
}


def expected_text(unit: Unit | None = None) -> str:
    """What a value of `unit` looks like, for a field error: `Expected a percentage such as
    35% or 12.5`, in the current language."""
    return _(_EXPECTED[None if unit is None else Unit(unit)])


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A typed value and what its text said about the unit (``%``, a currency or a word)."""

    value: float
    percent: bool = False
    currency: str | None = None
    word: str | None = None
    """The unit word of a count (``prospects`` in ``38 prospects``), as typed."""

    @property
    def unit(self) -> Unit:
        """The unit the text itself indicated (NUMBER when it had neither ``%`` nor currency)."""
        if self.percent:
            return Unit.PERCENT
        if self.currency is not None:
            return Unit.CURRENCY
        return Unit.NUMBER


# --- parsing ------------------------------------------------------------------------------

_STRIPPED_INVISIBLES = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"), None
)
_REJECTED_DECOMPOSITIONS = ("<super>", "<sub>", "<fraction>", "<circle>")

# Longest symbols first so that "US$" wins over "$".
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "MX$": "MXN",
    "R$": "BRL",
    "CN¥": "CNY",
    "JP¥": "JPY",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "฿": "THB",
    "₴": "UAH",
    "₦": "NGN",
    "元": "CNY",
    "円": "JPY",
    "人民币": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港元": "HKD",
    "港币": "HKD",
}
_CODE_ALIASES = {"RMB": "CNY"}
CURRENCY_SYMBOLS: dict[str, str] = _SYMBOLS
"""Currency symbols and words and their ISO codes (`$`, `元`), for finding values in text."""
CODE_ALIASES: dict[str, str] = _CODE_ALIASES
# Currencies written with a bare "$" or "¥", so the key result's own currency can claim it.
_DOLLAR_LIKE = frozenset(
    {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU"}
)
_YEN_LIKE = frozenset({"JPY", "CNY"})
# Currencies whose amounts are counted in 万 / 亿: a Chinese multiplier fits them, while with a
# dollar, euro or pound symbol it leaves two readings ($120万: dollars, or yuan with a stray $).
_MYRIAD_CURRENCIES = frozenset({"CNY", "JPY", "HKD", "TWD"})

_WORD_MULTIPLIERS: dict[str, int] = {
    "thousands": 10**3,
    "thousand": 10**3,
    "k": 10**3,
    "millions": 10**6,
    "million": 10**6,
    "mil": 10**6,
    "mio": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billions": 10**9,
    "billion": 10**9,
    "bln": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillions": 10**12,
    "trillion": 10**12,
    "tn": 10**12,
    "t": 10**12,
    "lakhs": 10**5,
    "lakh": 10**5,
    "crores": 10**7,
    "crore": 10**7,
}
MULTIPLIER_WORDS: frozenset[str] = frozenset(_WORD_MULTIPLIERS)
"""Latin multiplier suffixes (`k`, `M`, `million`), for finding values in text."""
_CJK_DIGIT_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_CJK_MYRIAD_MULTIPLIERS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}


def _alternation(options: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))


_SYMBOL = _alternation(list(_SYMBOLS))
_CUR = rf"(?:{_SYMBOL}|[A-Za-z]{{3}})"
_CJK_MULT = "(?:[万萬][亿億]|[十百千]?[万萬亿億]|千)"
_MULT = rf"(?:{_alternation(list(_WORD_MULTIPLIERS))}|{_CJK_MULT})"
_PATTERN = re.compile(
    rf"""
    (?P<sign1>[+-])?\s*
    (?:(?P<pre>{_CUR})\s*)?
    (?P<sign2>[+-])?\s*
    (?P<num>[.,]?\d(?:[\d.,' ]*\d)?)
    (?P<exp>[eE][+-]?\d+)?
    (?P<tail>.*)
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE | re.DOTALL,
)
# What may follow the number, in this order, each optional: a multiplier (not running into
# Latin letters), a currency, a unit word.
_TAIL_MULT = re.compile(rf"\s*(?P<mult>{_MULT})(?![A-Za-z])", re.IGNORECASE)
_LATIN_MULT = _alternation(list(_WORD_MULTIPLIERS))
# 1.2万k, 1.2k万: a Chinese and a Latin multiplier on one number.
_MIXED_MULT = re.compile(
    rf"\s*(?:{_CJK_MULT}\s*(?:{_LATIN_MULT})(?![A-Za-z])|(?:{_LATIN_MULT})\s*{_CJK_MULT})",
    re.IGNORECASE,
)
_TAIL_SYMBOL = re.compile(rf"\s*(?P<cur>{_SYMBOL})", re.IGNORECASE)
_TAIL_CODE = re.compile(r"\s*(?P<cur>[A-Za-z]{3})(?![A-Za-z])")
_WORD = re.compile(r"[^\W\d_]+(?:[ '\-.][^\W\d_]+){0,2}\.?")
MAX_WORD_CHARS = 40
"""Longest unit word: "qualified sales meetings" fits, a sentence does not."""
_SEPARATOR = re.compile(r"[.,' ]")
_INDIAN_GROUPING = re.compile(r"[1-9]\d?(?:,\d\d)+,\d{3}", re.ASCII)


def _normalise(text: str, expected: str) -> str:
    """Turn what was typed into plain ASCII-ish text, or reject invisible tricks."""
    text = text.translate(_STRIPPED_INVISIBLES)
    for ch in text:
        if unicodedata.decomposition(ch).startswith(_REJECTED_DECOMPOSITIONS):
            raise ValueParseError(_("Use plain digits. {expected}.").format(expected=expected))
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif ch == "\u2212":
            out.append("-")
        elif ch == "\u2019":
            out.append("'")
        elif unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(ch)
    # One space per run: "1  200" is a typo of "1 200", and single spaces keep the regex cheap.
    return re.sub(" +", " ", "".join(out)).strip()


def _currency_of(token: str, expected_currency: str | None, expected: str) -> str:
    """ISO code for a symbol or code; the KR's own currency may claim a bare ``$`` or ``¥``."""
    upper = token.upper()
    if upper in _SYMBOLS:
        code = _SYMBOLS[upper]
        if token == "$" and expected_currency in _DOLLAR_LIKE:
            return expected_currency
        if token == "¥" and expected_currency in _YEN_LIKE:
            return expected_currency
        return code
    upper = _CODE_ALIASES.get(upper, upper)
    if upper in CURRENCIES:
        return upper
    raise ValueParseError(
        _(
            "{code} is not a currency code I know; use one such as USD, EUR or GBP (a count's "
            "word goes in lower case: 38 deals). {expected}."
        ).format(code=upper, expected=expected)
    )


def _valid_groups(runs: list[str]) -> bool:
    """Whether integer-part runs split at a thousands separator are well formed."""
    first, rest = runs[0], runs[1:]
    return (
        1 <= len(first) <= 3
        and not first.startswith("0")
        and all(len(r) == 3 and r.isdigit() for r in rest)
    )


def _zh_numeral_digits(text: str) -> str:
    """The Chinese numeral standing where the number goes (一百二十万元, 人民币三十万,
    百分之三十) written in digits (1200000元, 人民币300000, 30%); the rest is left as typed,
    so a numeral inside a unit word (30家一级客户) is not a number."""
    found = ZH_NUMERAL.search(text)
    if found is None or any(ch.isdigit() for ch in text[: found.start()]):
        return text
    value = zh_number(found[2])
    if value is None:
        return text
    digits = format(value.normalize(), "f")
    if found[1]:
        digits += "%"
    return text[: found.start()] + digits + text[found.end() :]


def _canonical_number(num: str, expected: str) -> str:
    """Rewrite the number part as ``digits[.digits]``, applying the separator rules."""
    seps = _SEPARATOR.findall(num)
    if not seps:
        return num
    runs = _SEPARATOR.split(num)
    ambiguous = ValueParseError(
        _(
            "I could not tell the thousands separator from the decimal separator. {expected}."
        ).format(expected=expected)
    )
    kinds = set(seps)
    decimal_sep: str | None = None
    group_sep: str | None = None
    if len(kinds) > 2:
        raise ambiguous
    if len(kinds) == 2:
        last = seps[-1]
        if last not in ".," or seps.count(last) != 1:
            raise ambiguous
        decimal_sep = last
        group_sep = next(iter(kinds - {last}))
    else:
        sep = seps[0]
        if sep in " '" or len(seps) > 1:
            group_sep = sep
        elif sep == ".":
            decimal_sep = "."
        elif len(runs[1]) == 3 and 1 <= len(runs[0]) <= 3 and not runs[0].startswith("0"):
            group_sep = ","
        else:
            decimal_sep = ","
    malformed = ValueParseError(
        _("Write thousands as 1,200,000, 1.200.000 or 1 200 000. {expected}.").format(
            expected=expected
        )
    )
    int_runs, frac = (runs[:-1], runs[-1]) if decimal_sep else (runs, "")
    if group_sep is None:
        integer = int_runs[0]  # may be "" for ".5"
    else:
        int_text = group_sep.join(int_runs)
        if not (
            _valid_groups(int_runs)
            or (group_sep == "," and _INDIAN_GROUPING.fullmatch(int_text) is not None)
        ):
            raise malformed
        integer = "".join(int_runs)
    if not frac and decimal_sep:
        raise ambiguous
    return f"{integer or '0'}.{frac}" if frac else integer


@dataclass(frozen=True, slots=True)
class _Tail:
    """What followed the number: a multiplier, a currency token, a unit word."""

    mult: str | None = None
    currency: str | None = None
    word: str | None = None


def _read_tail(tail: str, expected: str) -> _Tail:
    """Split what follows the number into multiplier, currency and unit word (each optional,
    in that order); anything else is an error."""
    if _MIXED_MULT.match(tail):
        raise ValueParseError(
            _(
                "Use one multiplier per number, Chinese or English: 1.2万 or 12k, not both. "
                "{expected}."
            ).format(expected=expected)
        )
    rest = tail
    mult = currency = None
    if found := _TAIL_MULT.match(rest):
        mult, rest = found["mult"], rest[found.end() :]
    found = _TAIL_SYMBOL.match(rest)
    code = _TAIL_CODE.match(rest) if found is None else None
    if code is not None:
        token = code["cur"]
        upper = _CODE_ALIASES.get(token.upper(), token.upper())
        found = code if upper in CURRENCIES or token.isupper() else None
    if found is not None:
        currency, rest = found["cur"], rest[found.end() :]
    word = rest.strip()
    if not word:
        return _Tail(mult, currency, None)
    spaced = rest[:1].isspace() or _wide(word[0])
    if not spaced or _WORD.fullmatch(word) is None or len(word) > MAX_WORD_CHARS:
        raise ValueParseError(_("{expected}.").format(expected=expected))
    return _Tail(mult, currency, word)


def same_word(first: str | None, second: str | None) -> bool:
    """Whether two unit words name the same thing: case and a plural ``s`` aside."""
    if first is None or second is None:
        return first is second

    def key(word: str) -> str:
        folded = " ".join(word.casefold().split())
        return folded[:-1] if folded.endswith("s") and len(folded) > 1 else folded

    return key(first) == key(second)


def describe_unit(unit: Unit, currency: str | None = None, word: str | None = None) -> str:
    """What a value measures, in words, for a message naming both sides of a clash."""
    if unit is Unit.PERCENT:
        return _("a percentage")
    if unit is Unit.CURRENCY:
        return (
            _("an amount in {currency}").format(currency=currency) if currency else _("an amount")
        )
    return _("a count of {word}").format(word=word) if word else _("a plain number")


def parse_value(
    text: str,
    unit: Unit | None = None,
    *,
    currency: str | None = None,
    word: str | None = None,
) -> ParsedValue:
    """Read a value as a person typed it (see the module docstring for the exact rules).

    ``unit`` is the key result's unit when known: a ``%`` on a currency KR, a currency on a
    percent or plain-number KR, or a unit word on a percent or currency KR, is an error naming
    both rather than a silent reinterpretation. ``currency`` is the KR's ISO code when known:
    it resolves a bare ``$``/``¥`` and makes another explicit currency an error; ``word`` is
    its unit word, and another word is an error. The returned ``ParsedValue`` reports only
    what the text said.
    """
    unit = None if unit is None else Unit(unit)
    expected = expected_text(unit)
    if not isinstance(text, str):
        raise ValueParseError(_("{expected}.").format(expected=expected))
    expected_currency = currency.upper() if currency else None
    s = _normalise(text, expected)
    if not s:
        raise ValueParseError(_("Enter a value. {expected}.").format(expected=expected))
    if len(s) > MAX_INPUT_CHARS:
        raise ValueParseError(
            _("That is too long for a number. {expected}.").format(expected=expected)
        )
    s = _zh_numeral_digits(s)

    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    match = _PATTERN.fullmatch(s)
    if match is None:
        raise ValueParseError(_("{expected}.").format(expected=expected))
    parts = match.groupdict()
    tail = _read_tail(parts["tail"], expected)

    if parts["sign1"] and parts["sign2"]:
        raise ValueParseError(_("Use one sign at most. {expected}.").format(expected=expected))
    negative = (parts["sign1"] or parts["sign2"]) == "-"

    tokens = [token for token in (parts["pre"], tail.currency) if token]
    codes = {_currency_of(token, expected_currency, expected) for token in tokens}
    if len(codes) > 1:
        first, second = sorted(codes)[:2]
        raise ValueParseError(
            _("Use one currency per value (found {first} and {second}). {expected}.").format(
                first=first, second=second, expected=expected
            )
        )
    found_currency = codes.pop() if codes else None
    _check_myriad(tokens, found_currency, tail.mult, expected)
    _check_unit(unit, percent, found_currency, tail.word, expected, counts=word)
    if expected_currency and found_currency and found_currency != expected_currency:
        raise ValueParseError(
            _("This key result is in {kr}, not {found}. {expected}.").format(
                kr=expected_currency, found=found_currency, expected=expected
            )
        )
    if word and tail.word and not same_word(word, tail.word):
        raise ValueParseError(
            _("This key result counts {word}, not {typed}. {expected}.").format(
                word=word, typed=tail.word, expected=expected
            )
        )
    if percent and tail.mult:
        raise ValueParseError(
            _("A percentage takes no k/M suffix. {expected}.").format(expected=expected)
        )
    if parts["exp"] and tail.mult:
        raise ValueParseError(
            _("Use an exponent or a k/M suffix, not both. {expected}.").format(expected=expected)
        )

    value = _amount(parts["num"], parts["exp"], tail.mult, negative, expected)
    return ParsedValue(
        value=value, percent=percent, currency=found_currency, word=tail.word and _tidy(tail.word)
    )


def _tidy(word: str) -> str:
    return " ".join(word.split())


def _check_myriad(tokens: list[str], code: str | None, mult: str | None, expected: str) -> None:
    """``$120万`` names two currencies: the ``$`` and the 万, which reads as yuan."""
    if code is None or mult is None or code in _MYRIAD_CURRENCIES:
        return
    if re.fullmatch(_CJK_MULT, mult) is None:
        return
    symbols = [t for t in tokens if t.upper() in _SYMBOLS and not _wide(t[0])]
    if symbols:
        raise ValueParseError(
            _(
                "Use one currency per value (found {code} and CNY: {mult} reads as yuan); write "
                "it as e.g. {code} 1.2M or 120万元. {expected}."
            ).format(code=code, mult=mult, expected=expected)
        )


def _wide(ch: str) -> bool:
    """A Chinese / Japanese character (元, 单), as opposed to a Latin letter or symbol."""
    return unicodedata.east_asian_width(ch) in "WF"


def _check_unit(
    unit: Unit | None,
    percent: bool,
    currency: str | None,
    word: str | None,
    expected: str,
    *,
    counts: str | None = None,
) -> None:
    """The text's own unit against itself and against the key result's (a count of
    `counts`, when it has a unit word), naming both."""
    said = describe_unit(
        Unit.PERCENT if percent else Unit.CURRENCY if currency else Unit.NUMBER, currency, word
    )
    if percent and currency:
        raise ValueParseError(
            _("A value is a percentage or an amount, not both. {expected}.").format(
                expected=expected
            )
        )
    if word and (percent or currency):
        raise ValueParseError(
            _("A value is {said} or a count of {word}, not both. {expected}.").format(
                said=said, word=word, expected=expected
            )
        )
    if unit is None:
        return
    kr = describe_unit(unit, word=counts)
    if unit is Unit.CURRENCY and (percent or word):
        raise ValueParseError(
            _("This key result is an amount, not {said}. {expected}.").format(
                said=said, expected=expected
            )
        )
    if unit is Unit.PERCENT and (currency or word):
        raise ValueParseError(
            _("This key result is a percentage, not {said}. {expected}.").format(
                said=said, expected=expected
            )
        )
    if unit is Unit.NUMBER and (percent or currency):
        raise ValueParseError(
            _("This key result is {kr}, not {said}. {expected}.").format(
                kr=kr, said=said, expected=expected
            )
        )


def _amount(num: str, exp: str | None, mult: str | None, negative: bool, expected: str) -> float:
    """The number part as a float: separators applied, multiplied, signed and bounded."""
    if exp:
        if re.search(r"[, ']", num) or num.count(".") > 1:
            raise ValueParseError(
                _("Use an exponent only on a plain number. {expected}.").format(expected=expected)
            )
        digits = num + exp
    else:
        digits = _canonical_number(num, expected)

    too_large = ValueParseError(
        _("That number is too large (the limit is 1,000,000,000,000,000). {expected}.").format(
            expected=expected
        )
    )
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            amount = Decimal(digits)
            if amount and amount.adjusted() > 20:
                raise too_large
            if mult:
                amount *= _multiplier(mult)
            if negative:
                amount = -amount
            if abs(amount) > Decimal(int(MAX_ABS)):
                raise too_large
            value = float(amount)
    except DecimalException as exc:
        raise ValueParseError(_("{expected}.").format(expected=expected)) from exc
    if not math.isfinite(value):
        raise too_large
    # "-0" is just zero: never show or store a negative zero.
    return value or 0.0


def _multiplier(token: str) -> int:
    """The factor a multiplier suffix stands for (the regex guarantees it is known)."""
    lower = token.lower()
    if lower in _WORD_MULTIPLIERS:
        return _WORD_MULTIPLIERS[lower]
    factor = 1
    for ch in token:
        factor *= _CJK_DIGIT_MULTIPLIERS.get(ch) or _CJK_MYRIAD_MULTIPLIERS[ch]
    return factor


# --- display ------------------------------------------------------------------------------

_DISPLAY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥"}
_ZH_SYMBOLS = {"CNY": "¥"}
#: Amounts Chinese names after the number; each is a currency word parse_value reads.
_ZH_NAMES = {"USD": "美元", "EUR": "欧元", "GBP": "英镑", "JPY": "日元", "HKD": "港元"}
_COMPACT_STEPS = ((12, "T"), (9, "B"), (6, "M"), (3, "k"))
COMPACT_FROM = 10_000
"""Magnitudes from here on are shown compact (``12.3k``); below, in full with separators."""
PRECISION_STEPS = 24
"""Most extra digits a display asks for; beyond it every float shows its shortest repr."""
_DISPLAY_PRECISION = 400
"""Decimal digits for display arithmetic: any finite float, at any precision asked for."""


def _strip_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fixed(amount: Decimal, decimals: int) -> Decimal:
    """``amount`` rounded half up to ``decimals`` places (the way people round)."""
    return amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=len(LOCALES))
def compact_steps(locale: str) -> tuple[tuple[int, str], ...]:
    """The compact suffixes of `locale` from CLDR's short decimal formats, largest first:
    zh_CN counts in 万 (1e4), 亿 (1e8) and 万亿 (1e12). Read once per locale."""
    patterns = Locale.parse(locale).compact_decimal_formats["short"]["other"]
    steps: dict[str, int] = {}
    for magnitude, pattern in patterns.items():
        suffix = pattern.suffix[0]
        if suffix and suffix not in steps:
            steps[suffix] = len(magnitude) - 1
    return tuple(sorted(((exp, suffix) for suffix, exp in steps.items()), reverse=True))


def _steps() -> tuple[tuple[int, str], ...]:
    """The compact steps of the current language: k/M/B/T, or 万/亿/万亿."""
    return compact_steps(LOCALES[ZH]) if is_zh() else _COMPACT_STEPS


def _compact(magnitude: Decimal, significant: int) -> str:
    """``significant`` digits with a k/M/B/T (万/亿/万亿) suffix, rolling over
    (999.96k -> 1M, 9999.6万 -> 1亿)."""
    steps = _steps()
    index = next(i for i, (exp, _suffix) in enumerate(steps) if magnitude >= 10**exp)
    while True:
        exp, suffix = steps[index]
        mantissa = magnitude.scaleb(-exp)
        whole = max(1, mantissa.adjusted() + 1)
        rounded = _fixed(mantissa, max(0, significant - whole))
        if index > 0 and rounded >= 10 ** (steps[index - 1][0] - exp):
            index -= 1
            magnitude = rounded.scaleb(exp)
            continue
        grouped = format(rounded, ",f" if steps is _COMPACT_STEPS else "f")
        return _strip_zeros(grouped) + suffix


def _plain(magnitude: Decimal, *, cents: bool, extra: int) -> str:
    """Up to two decimals (more with ``extra``) with thousands separators, compact from
    10,000; tiny non-zero values keep 3 significant digits (more with ``extra``)."""
    rounded = _fixed(magnitude, 2 + extra)
    if rounded >= COMPACT_FROM:
        return _compact(magnitude, 3 + extra)
    if rounded == 0 and magnitude != 0:
        return format(magnitude, f".{3 + extra}g")
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    text = format(rounded, ",f")
    if not cents:
        return _strip_zeros(text)
    whole, _dot, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def _decimal(value: float) -> Decimal:
    """The float's shortest decimal form, exactly: what was typed, not its binary noise."""
    return Decimal(repr(float(value)))


def _prefix(unit: Unit, currency: str | None) -> str:
    if unit is Unit.CURRENCY and currency:
        code = currency.upper()
        if is_zh():
            return "" if code in _ZH_NAMES else _ZH_SYMBOLS.get(code, f"{code} ")
        return _DISPLAY_SYMBOLS.get(code, f"{code} ")
    return ""


def _suffix(unit: Unit, currency: str | None) -> str:
    """In Chinese a non-yuan amount is named after the number (120万美元): a dollar sign
    before 万 would read as two currencies."""
    if unit is Unit.CURRENCY and currency and is_zh():
        return _ZH_NAMES.get(currency.upper(), "")
    return ""


def with_word(text: str, word: str | None) -> str:
    """``38 prospects``; a Chinese measure word follows the number directly (``12单``)."""
    if not word:
        return text
    joiner = "" if _wide(word[0]) else " "
    return f"{text}{joiner}{word}"


def format_value(
    value: float,
    unit: Unit,
    currency: str | None = None,
    *,
    word: str | None = None,
    extra: int = 0,
) -> str:
    """Show a value in the current language: ``$1.2M``, ``35%``, ``1,250``, ``€3.5k``,
    ``CHF 12k``; in Chinese ``¥120万``, ``120万美元``, ``1.23亿``, ``35%``.

    From 10,000 on, numbers and amounts are compact (3 significant digits, k/M/B/T, in
    Chinese 万/亿/万亿 from CLDR); below,
    they are written in full with ``,`` thousands separators and up to two decimals (amounts
    with cents show both decimals). Percentages are in percent points, up to one decimal.
    USD/EUR/GBP/JPY/CNY use their symbol (in Chinese only CNY does; USD/EUR/GBP/JPY/HKD
    are named after the number), other currencies their ISO code; ``currency`` is
    ignored unless ``unit`` is CURRENCY, ``word`` unless it is NUMBER (``38 prospects``).
    ``extra`` asks for that many more digits (``okr.display`` uses it to tell a value from its
    target). A non-finite value shows as ``n/a``.
    """
    unit = Unit(unit)
    if not math.isfinite(value):
        return _("n/a")
    extra = max(0, min(int(extra), PRECISION_STEPS))
    sign = "-" if value < 0 else ""
    with localcontext() as ctx:
        ctx.prec = _DISPLAY_PRECISION
        magnitude = abs(_decimal(value))
        if unit is Unit.PERCENT:
            text = _strip_zeros(format(_fixed(magnitude, 1 + extra), ",f"))
            return f"{sign if text != '0' else ''}{text}%"
        text = _plain(magnitude, cents=_has_cents(unit, currency), extra=extra)
    if text.strip("0.,") == "":
        sign = ""
    shown = f"{sign}{_prefix(unit, currency)}{text}{_suffix(unit, currency)}"
    return with_word(shown, word) if unit is Unit.NUMBER else shown


def _has_cents(unit: Unit, currency: str | None) -> bool:
    """Whether decimals show as cents (both digits): an amount in a named currency."""
    return unit is Unit.CURRENCY and bool(currency)


def format_exact(
    value: float, unit: Unit, currency: str | None = None, *, word: str | None = None
) -> str:
    """Every digit, with thousands separators: ``$1,196,500``, ``3.04%``, ``27 contracts``
    (what a final result is reported as, where rounding would hide a miss)."""
    unit = Unit(unit)
    if not math.isfinite(value):
        return _("n/a")
    digits = format(abs(_decimal(value)), ",f")
    text = _strip_zeros(digits)
    if _has_cents(unit, currency) and "." in text:
        whole, _dot, fraction = text.partition(".")
        text = f"{whole}.{fraction.ljust(2, '0')}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    if unit is Unit.PERCENT:
        return f"{sign}{text}%"
    shown = f"{sign}{_prefix(unit, currency)}{text}{_suffix(unit, currency)}"
    return with_word(shown, word) if unit is Unit.NUMBER else shown
