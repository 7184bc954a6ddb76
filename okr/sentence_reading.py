"""What the English and Chinese grammars of key-result sentences share: turning
slots into values in their unit, the checks the form makes, titles, milestones and due dates,
quota periods, and refusals in the sentence's language."""

from __future__ import annotations

import re
from datetime import date

from okr.dates import day_month_year
from okr.due_dates import DueDay
from okr.i18n import use_lang
from okr.kr_reading import MAX_SENTENCE_CHARS, KRReading
from okr.kr_units import settle_unit
from okr.periods import Period
from okr.progress import KRKind, validate_kr
from okr.relative_target import relative_target, resolve
from okr.sentence_text import CJK, SLOT_RE, Sentence
from okr.sentence_words import MEASURE_WORDS, MESSAGES, PERIOD_WORDS, QUARTER_WORDS
from okr.values import ParsedValue, Unit, ValueParseError, parse_value

QUARTER_DAYS = 100
"""A cycle at most this long is one quarter: "30 contracts per quarter" is its target."""


class Refused(Exception):
    """A sentence the grammar cannot take; `reason` says why, in the sentence's language.
    A refusal of the grammar's own keeps its `key` and `values`, so it can be said again
    in the reader's language."""

    def __init__(self, reason: str, key: str | None = None, values: Problem = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key
        self.values = values


#: A refusal's placeholders as (name, value) pairs; a date is written in the language said.
Problem = tuple[tuple[str, object], ...]


def say(lang: str, key: str, **values: object) -> str:
    """The refusal `key` (okr.sentence_words.MESSAGES) in `lang`."""
    english, chinese = MESSAGES[key]
    shown = {k: day_text(v, lang) if isinstance(v, date) else v for k, v in values.items()}
    return (chinese if lang == "zh" else english).format(**shown)


def refuse(lang: str, key: str, **values: object) -> Refused:
    return Refused(say(lang, key, **values), key, tuple(values.items()))


def parsed_value(sentence: Sentence, index: str, word: str | None = None) -> ParsedValue:
    """The value in slot `index`, with the unit `word` that follows it."""
    token = sentence.values[int(index)]
    text = token
    if word:
        joiner = "" if CJK.match(word) or word[0] in MEASURE_WORDS else " "
        text = f"{token}{joiner}{word}"
    try:
        return parse_value(text)
    except ValueParseError as exc:
        raise Refused(exc.message) from None


def measured(
    sentence: Sentence,
    title: str,
    kind: KRKind,
    typed: dict[str, ParsedValue],
    *,
    relative: str | None = None,
    period: Period | None = None,
) -> KRReading:
    """The reading of a sentence with numbers: the unit settled from its values, the values
    checked as the form checks them."""
    title = title_of(SLOT_RE.sub(lambda m: sentence.values[int(m[1])], title), sentence.lang)
    if not title:
        raise refuse(sentence.lang, "no_title")
    if len(title) > MAX_SENTENCE_CHARS:  # a participle may add a letter or two
        raise refuse(sentence.lang, "long", count=len(sentence.text) + 1)
    settled, clashes = settle_unit(Unit.NUMBER, None, typed)
    if clashes:
        raise Refused(next(iter(clashes.values())))
    target = typed["target"].value
    start = typed["start"].value if "start" in typed else target
    if kind is KRKind.QUOTA or (kind is KRKind.INCREASE and "start" not in typed):
        start = 0.0
    if relative is not None:
        moved = relative_target(relative)
        assert moved is not None
        try:
            target = resolve(moved, kind, start, None)
        except ValueParseError as exc:
            raise Refused(exc.message) from None
        relative = moved.text
    for problem in validate_kr(kind, start, target):
        raise Refused(problem.message)
    return KRReading(
        title=title,
        kind=kind,
        start=start,
        target=target,
        unit=settled.unit,
        currency=settled.currency,
        unit_word=settled.word,
        relative_target=relative,
        period=period,
        lang=sentence.lang,
    )


_EDGE_PUNCTUATION = " ,:;-—–，：、"


def title_of(text: str, lang: str) -> str:
    """A KR's name as lists show it: articles dropped, first letter capital."""
    text = text.strip(_EDGE_PUNCTUATION)
    if lang == "zh":
        return re.sub(r"^(?:将|把|让)", "", text).strip()
    text = re.sub(r"^(?:the|our|my|a|an)\s+", "", text, flags=re.IGNORECASE)
    return capital(text)


def capital(text: str) -> str:
    if not text or text[1:2].isupper():
        return text
    return text[0].upper() + text[1:]


def lower_first(text: str) -> str:
    """`Quarterly revenue` → `quarterly revenue`; an acronym (`CSAT`, `NPS`) stays."""
    if not text or text[1:2].isupper() or text[1:2].isdigit():
        return text
    return text[0].lower() + text[1:]


def milestone(title: str, due: DueDay | None, sentence: Sentence) -> KRReading:
    title = title.strip(" ,:;，：")
    if not title:
        raise refuse(sentence.lang, "no_title")
    return KRReading(
        title=capital(title) if sentence.lang == "en" else title,
        kind=KRKind.MILESTONE,
        start=0.0,
        target=1.0,
        due=due,
        lang=sentence.lang,
    )


def checked_due(due: DueDay, text: str, lang: str, first: date, last: date) -> DueDay:
    if due.within(first, last) is None:
        raise refuse(lang, "due_outside", due=text, first=first, last=last)
    return due


def day_text(day: date, lang: str) -> str:
    """`15 Nov 2026` / `2026年11月15日`."""
    with use_lang(lang):
        return day_month_year(day)


def verb_and_rest(words: str) -> tuple[str, str]:
    """The first word (casefolded) and the rest."""
    first, _space, rest = words.strip().partition(" ")
    return first.casefold(), rest


def period_of_word(word: str, lang: str, first: date, last: date) -> Period | None:
    """The quota period a word names; None for a quarter in a quarter-long cycle (then the
    count is the cycle's target)."""
    period = PERIOD_WORDS.get(word)
    if period is not None:
        return period
    if word in QUARTER_WORDS and (last - first).days <= QUARTER_DAYS:
        return None
    raise refuse(lang, "period", word=word)
