"""A key-result sentence made ready for the grammars: normalised (NFKC, one space,
Chinese numerals as digits, "20 percent" as 20%) and its values cut out into slots, so a
pattern reads "Increase revenue from \ue0000\ue001 to \ue0001\ue001" and okr.values parses each
value exactly as the form's fields do."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from okr.sentence_words import zh_numerals_to_digits
from okr.values import CODE_ALIASES, CURRENCIES, CURRENCY_SYMBOLS, MULTIPLIER_WORDS


def sentence_lang(text: str) -> str:
    """`zh` when the text holds Chinese characters, else `en`."""
    return "zh" if CJK.search(text) else "en"


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# --- finding values in a sentence ----------------------------------------------------------


def _alternation(options: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))


_NARROW_SYMBOLS = [s for s in CURRENCY_SYMBOLS if not CJK.search(s)]
_CODES = sorted(CURRENCIES | set(CODE_ALIASES))
_LOWER_CODES = ["usd", "eur", "gbp", "cny", "rmb", "jpy"]
VALUE = re.compile(
    rf"""
    (?<![A-Za-z0-9_.,\-+])
    (?:[+\-]\s?)?
    (?:(?:{_alternation(_NARROW_SYMBOLS)})\s?|(?:{_alternation(_CODES)})\s)?
    [+\-]?
    (?:\d{{1,3}}(?:[,.']\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)
    (?:\s?(?i:{_alternation(list(MULTIPLIER_WORDS))})(?![A-Za-z0-9_\-])|\s?(?:[十百千]?[万萬亿億]|千))?
    (?:\s?(?:{_alternation(list(CURRENCY_SYMBOLS))})
      |\s(?:{_alternation(_CODES + _LOWER_CODES)})(?![A-Za-z0-9_\-]))?
    (?:\s?%)?
    (?![0-9])
    """,
    re.VERBOSE,
)
SLOT = "\ue000{}\ue001"
SLOT_RE = re.compile("\ue000(\\d+)\ue001")
V = r"\ue000(?P<{}>\d+)\ue001"
_PERCENT_WORDS = re.compile(r"(\d)\s*(?:percent|per cent|pct)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A normalised sentence with its values cut out: `template` holds a slot per value."""

    text: str
    template: str
    values: tuple[str, ...]
    lang: str


def prepare(text: str) -> Sentence:
    lang = sentence_lang(text)
    cleaned = unicodedata.normalize("NFKC", text).replace("\ue000", "").replace("\ue001", "")
    cleaned = " ".join(cleaned.split()).strip().rstrip(".!。;；")
    if lang == "zh":
        cleaned = zh_numerals_to_digits(cleaned)
    cleaned = _PERCENT_WORDS.sub(r"\1%", cleaned)
    values: list[str] = []

    def slot(match: re.Match[str]) -> str:
        values.append(match[0].strip())
        return SLOT.format(len(values) - 1)

    return Sentence(cleaned, VALUE.sub(slot, cleaned), tuple(values), lang)


def names_a_number(text: str) -> bool:
    """Whether `text` holds a value (`$2M`, `30`, `3%`): a KR title typed as a whole
    sentence before key results were sentences ("Close $2M in new ARR")."""
    return VALUE.search(unicodedata.normalize("NFKC", text or "")) is not None
