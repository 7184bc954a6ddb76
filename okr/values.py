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
3. Shape: ``[sign] [currency] [sign] number [exponent] [multiplier] [currency] [%]``, with one
   sign at most, optional spaces between the parts, at most 400 characters in all.
4. Currency: a symbol (``$ € £ ¥ ₹ ₩ …``, ``US$ C$ A$ HK$ R$ …``, ``元`` = CNY, ``円`` = JPY) or
   an ISO 4217 code from ``CURRENCIES`` (any case; ``RMB`` means CNY), before or after the
   number. Two different currencies in one value are an error. A bare ``$`` is USD and a bare
   ``¥`` is JPY unless the caller passes the key result's ``currency`` and it is a dollar /
   yen-or-yuan currency, in which case the symbol is read as that currency.
5. Multipliers (any case): ``k`` / ``thousand`` = 1e3; ``m`` / ``mm`` / ``mn`` / ``mio`` /
   ``million`` = 1e6; ``b`` / ``bn`` / ``bln`` / ``billion`` = 1e9; ``t`` / ``tn`` /
   ``trillion`` = 1e12; ``lakh`` = 1e5, ``crore`` = 1e7; ``千`` = 1e3, ``万``/``萬`` = 1e4,
   ``亿``/``億`` = 1e8, optionally preceded by ``十``/``百``/``千`` (``千万`` = 1e7). A multiplier
   cannot be combined with an exponent or with ``%``.
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
7. The result must be finite and at most 1e15 in magnitude (``MAX_ABS``). ``-0`` becomes 0.

Percentages are kept in percent points: ``35%`` parses to 35.0 with ``percent=True``.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, DecimalException, localcontext
from enum import StrEnum

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


EXPECTED_ANY = "Expected a number such as 1200, 1.2M, $1,200,000, 35% or 3.5k"
EXPECTED_NUMBER = "Expected a number such as 1200, 1.2M or 3.5k"
EXPECTED_PERCENT = "Expected a percentage such as 35% or 12.5"
EXPECTED_CURRENCY = "Expected an amount such as 1.2M, $1,200,000 or 3.5k"

_EXPECTED = {
    None: EXPECTED_ANY,
    Unit.NUMBER: EXPECTED_NUMBER,
    Unit.PERCENT: EXPECTED_PERCENT,
    Unit.CURRENCY: EXPECTED_CURRENCY,
}


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A typed value and what its text said about the unit (``%`` and/or a currency)."""

    value: float
    percent: bool = False
    currency: str | None = None

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
    "¥": "JPY",
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
}
_CODE_ALIASES = {"RMB": "CNY"}
# Currencies written with a bare "$" or "¥", so the key result's own currency can claim it.
_DOLLAR_LIKE = frozenset(
    {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU"}
)
_YEN_LIKE = frozenset({"JPY", "CNY"})

_WORD_MULTIPLIERS: dict[str, int] = {
    "thousands": 10**3,
    "thousand": 10**3,
    "k": 10**3,
    "millions": 10**6,
    "million": 10**6,
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
_CJK_DIGIT_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_CJK_MYRIAD_MULTIPLIERS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}


def _alternation(options: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))


_CUR = rf"(?:{_alternation(list(_SYMBOLS))}|[A-Za-z]{{3}})"
_MULT = rf"(?:{_alternation(list(_WORD_MULTIPLIERS))}|[十百千]?[万萬亿億]|千)"
_PATTERN = re.compile(
    rf"""
    (?P<sign1>[+-])?\s*
    (?:(?P<pre>{_CUR})\s*)?
    (?P<sign2>[+-])?\s*
    (?P<num>[.,]?\d(?:[\d.,' ]*\d)?)
    (?P<exp>[eE][+-]?\d+)?
    \s*(?P<mult>{_MULT})?
    \s*(?P<post>{_CUR})?
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[.,' ]")
_INDIAN_GROUPING = re.compile(r"[1-9]\d?(?:,\d\d)+,\d{3}", re.ASCII)


def _normalise(text: str, expected: str) -> str:
    """Turn what was typed into plain ASCII-ish text, or reject invisible tricks."""
    text = text.translate(_STRIPPED_INVISIBLES)
    for ch in text:
        if unicodedata.decomposition(ch).startswith(_REJECTED_DECOMPOSITIONS):
            raise ValueParseError(f"Use plain digits. {expected}.")
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
        f"{upper} is not a currency code I know; use one such as USD, EUR or GBP. {expected}."
    )


def _valid_groups(runs: list[str]) -> bool:
    """Whether integer-part runs split at a thousands separator are well formed."""
    first, rest = runs[0], runs[1:]
    return (
        1 <= len(first) <= 3
        and not first.startswith("0")
        and all(len(r) == 3 and r.isdigit() for r in rest)
    )


def _canonical_number(num: str, expected: str) -> str:
    """Rewrite the number part as ``digits[.digits]``, applying the separator rules."""
    seps = _SEPARATOR.findall(num)
    if not seps:
        return num
    runs = _SEPARATOR.split(num)
    ambiguous = ValueParseError(
        f"I could not tell the thousands separator from the decimal separator. {expected}."
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
        f"Write thousands as 1,200,000, 1.200.000 or 1 200 000. {expected}."
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


def parse_value(text: str, unit: Unit | None = None, *, currency: str | None = None) -> ParsedValue:
    """Read a value as a person typed it (see the module docstring for the exact rules).

    ``unit`` is the key result's unit when known: a ``%`` on a currency KR, or a currency on a
    percent or plain-number KR, is an error rather than a silent reinterpretation. ``currency``
    is the KR's ISO code when known: it resolves a bare ``$``/``¥`` and makes another explicit
    currency an error. The returned ``ParsedValue`` reports only what the text said.
    """
    unit = None if unit is None else Unit(unit)
    expected = _EXPECTED[unit]
    if not isinstance(text, str):
        raise ValueParseError(f"{expected}.")
    expected_currency = currency.upper() if currency else None
    s = _normalise(text, expected)
    if not s:
        raise ValueParseError(f"Enter a value. {expected}.")
    if len(s) > MAX_INPUT_CHARS:
        raise ValueParseError(f"That is too long for a number. {expected}.")

    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    match = _PATTERN.fullmatch(s)
    if match is None:
        raise ValueParseError(f"{expected}.")
    parts = match.groupdict()

    if parts["sign1"] and parts["sign2"]:
        raise ValueParseError(f"Use one sign at most. {expected}.")
    negative = (parts["sign1"] or parts["sign2"]) == "-"

    codes = {
        _currency_of(token, expected_currency, expected)
        for token in (parts["pre"], parts["post"])
        if token
    }
    if len(codes) > 1:
        found = " and ".join(sorted(codes))
        raise ValueParseError(f"Use one currency per value (found {found}). {expected}.")
    found_currency = codes.pop() if codes else None

    if percent and found_currency:
        raise ValueParseError(f"A value is a percentage or an amount, not both. {expected}.")
    if percent and parts["mult"]:
        raise ValueParseError(f"A percentage takes no k/M suffix. {expected}.")
    if parts["exp"] and parts["mult"]:
        raise ValueParseError(f"Use an exponent or a k/M suffix, not both. {expected}.")
    if unit is Unit.CURRENCY and percent:
        raise ValueParseError(f"This key result is an amount. {expected}.")
    if unit is Unit.PERCENT and found_currency:
        raise ValueParseError(f"This key result is a percentage. {expected}.")
    if unit is Unit.NUMBER and (percent or found_currency):
        raise ValueParseError(f"This key result is a plain number. {expected}.")
    if expected_currency and found_currency and found_currency != expected_currency:
        raise ValueParseError(
            f"This key result is in {expected_currency}, not {found_currency}. {expected}."
        )

    num = parts["num"]
    if parts["exp"]:
        if re.search(r"[, ']", num) or num.count(".") > 1:
            raise ValueParseError(f"Use an exponent only on a plain number. {expected}.")
        digits = num + parts["exp"]
    else:
        digits = _canonical_number(num, expected)

    too_large = ValueParseError(
        f"That number is too large (the limit is 1,000,000,000,000,000). {expected}."
    )
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            amount = Decimal(digits)
            if amount and amount.adjusted() > 20:
                raise too_large
            if parts["mult"]:
                amount *= _multiplier(parts["mult"])
            if negative:
                amount = -amount
            if abs(amount) > Decimal(int(MAX_ABS)):
                raise too_large
            value = float(amount)
    except DecimalException as exc:
        raise ValueParseError(f"{expected}.") from exc
    if not math.isfinite(value):
        raise too_large
    # "-0" is just zero: never show or store a negative zero.
    return ParsedValue(value=value or 0.0, percent=percent, currency=found_currency)


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
_COMPACT_STEPS = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "k"))
COMPACT_FROM = 10_000
"""Magnitudes from here on are shown compact (``12.3k``); below, in full with separators."""


def _strip_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _compact(magnitude: float) -> str:
    """Three significant digits with a k/M/B/T suffix, rolling over (999.96k -> 1M)."""
    index = next(i for i, (size, _) in enumerate(_COMPACT_STEPS) if magnitude >= size)
    while True:
        size, suffix = _COMPACT_STEPS[index]
        mantissa = magnitude / size
        decimals = 2 if mantissa < 10 else 1 if mantissa < 100 else 0
        rounded = round(mantissa, decimals)
        if rounded >= 1000 and index > 0:
            index -= 1
            magnitude = rounded * size
            continue
        return _strip_zeros(f"{rounded:,.{decimals}f}") + suffix


def _plain(magnitude: float, *, cents: bool) -> str:
    """Up to two decimals with thousands separators; tiny non-zero values keep 3 digits."""
    rounded = round(magnitude, 2)
    if rounded >= COMPACT_FROM:
        return _compact(magnitude)
    if rounded == 0 and magnitude != 0:
        return f"{magnitude:.3g}"
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    text = f"{rounded:,.2f}"
    return text if cents else _strip_zeros(text)


def format_value(value: float, unit: Unit, currency: str | None = None) -> str:
    """Show a value locale-neutrally: ``$1.2M``, ``35%``, ``1,250``, ``€3.5k``, ``CHF 12k``.

    From 10,000 on, numbers and amounts are compact (3 significant digits, k/M/B/T); below,
    they are written in full with ``,`` thousands separators and up to two decimals (amounts
    with cents show both decimals). Percentages are in percent points, up to one decimal.
    USD/EUR/GBP/JPY/CNY use their symbol, other currencies their ISO code; ``currency`` is
    ignored unless ``unit`` is CURRENCY. A non-finite value shows as ``n/a``.
    """
    unit = Unit(unit)
    if not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if unit is Unit.PERCENT:
        text = _strip_zeros(f"{round(magnitude, 1):,.1f}")
        return f"{sign if text != '0' else ''}{text}%"
    if unit is Unit.CURRENCY and currency:
        text = _plain(magnitude, cents=True)
        code = currency.upper()
        prefix = _DISPLAY_SYMBOLS.get(code, f"{code} ")
    else:
        text = _plain(magnitude, cents=False)
        prefix = ""
    if text.strip("0.,") == "":
        sign = ""
    return f"{sign}{prefix}{text}"
