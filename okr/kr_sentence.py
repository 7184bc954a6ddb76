"""A key result as one sentence, read and written: "Increase quarterly revenue from $1M to
$1.2M", "Contact 50 new prospects every week", "客户流失率保持在3%以下".

People state key results as sentences, so `/okr set` takes one line per KR and every surface
shows a KR the way it would have been typed. `read_kr` turns a sentence into a `KRReading`
(or a `SentenceProblem` with an example of each form); `kr_sentence` writes a stored KR back
as the sentence that reads to the same KR. Values go through okr.values (parsing) and
okr.display (exact, shortest forms), so a sentence never shows a number that would round onto
a target it is not.

Titles read well in lists: a number's name without the numbers ("Quarterly revenue",
"Churn"), a count as what is counted and the verb's participle ("New prospects contacted"),
a milestone as the action ("Launch the partner program").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from okr.display import Measure, editable_text
from okr.drafts import KRDraft
from okr.due_dates import DueDay, parse_due
from okr.field_errors import FieldError
from okr.kr_units import settle_unit
from okr.periods import Period
from okr.progress import KRKind, validate_kr
from okr.relative_target import relative_target, resolve, still_relative
from okr.sentence_words import (
    AMOUNT_LINKS,
    DOWN_VERBS,
    EXAMPLES,
    EXAMPLES_LEAD,
    HOLD_VERBS,
    LY_WORDS,
    MEASURE_WORDS,
    MESSAGES,
    NEUTRAL_VERBS,
    PARTICIPLES,
    PERIOD_WORDS,
    QUARTER_WORDS,
    TIME_WORDS,
    UP_VERBS,
    VERB_OF_PARTICIPLE,
    zh_numerals_to_digits,
)
from okr.values import (
    CODE_ALIASES,
    CURRENCIES,
    CURRENCY_SYMBOLS,
    MULTIPLIER_WORDS,
    ParsedValue,
    Unit,
    ValueParseError,
    parse_value,
)

MAX_SENTENCE_CHARS = 150
SENTENCE_FIELD = "sentence"
QUARTER_DAYS = 100
"""A cycle at most this long is one quarter: "30 contracts per quarter" is its target."""


@dataclass(frozen=True)
class KRReading:
    """What a sentence says a key result is. Values as `okr.drafts.KRDraft` holds them: a
    milestone is 0 → 1, a quota starts at 0, a threshold's start is its threshold."""

    title: str
    kind: KRKind
    start: float
    target: float
    unit: Unit = Unit.NUMBER
    currency: str | None = None
    unit_word: str | None = None
    relative_target: str | None = None
    """The target as a change of the start (`+20%`); `target` holds what it makes."""
    period: Period | None = None
    """A quota's period."""
    due: DueDay | None = None
    """A milestone's due date as typed (inside the cycle); None: the cycle's last day."""
    lang: str = "en"
    """The sentence's language (`en`, `zh`), so an answer can be in kind."""

    @property
    def measure(self) -> Measure:
        return Measure(self.unit, self.currency, self.unit_word)

    def draft(
        self,
        *,
        row: int,
        owner_id: str,
        baseline: float | None = None,
        weight: float = 1.0,
        kr_id: int | None = None,
    ) -> KRDraft:
        """The KR as the form stores it, with what a sentence does not say (its row, owner,
        baseline, weight, and the id of the KR it edits)."""
        return KRDraft(
            row=row,
            title=self.title,
            kind=self.kind,
            unit=self.unit,
            currency=self.currency,
            start=self.start,
            target=self.target,
            owner_id=owner_id,
            baseline=baseline,
            weight=weight,
            kr_id=kr_id,
            unit_word=self.unit_word,
            relative_target=self.relative_target,
            period=self.period,
            due=self.due,
        )


@dataclass(frozen=True)
class SentenceProblem:
    """Why a sentence could not be read (`reason`), in the sentence's language."""

    reason: str
    lang: str = "en"

    @property
    def message(self) -> str:
        """The reason and one example of each form, for a field error under the row."""
        return f"{self.reason} {EXAMPLES_LEAD[self.lang]}{EXAMPLES[self.lang]}"

    def field_error(self, field: str = SENTENCE_FIELD) -> FieldError:
        return FieldError(field, self.message)


class StoredKR(Protocol):
    """What `kr_sentence` reads of a KR (okr.outline.KRLine, okr.drafts.KRDraft, KRReading);
    a milestone's due date comes from `due` (a DueDay or date) or `due_date`."""

    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> KRKind | str: ...
    @property
    def unit(self) -> Unit | str: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def start(self) -> float: ...
    @property
    def target(self) -> float: ...
    @property
    def unit_word(self) -> str | None: ...
    @property
    def relative_target(self) -> str | None: ...
    @property
    def period(self) -> Period | str | None: ...


def sentence_lang(text: str) -> str:
    """`zh` when the text holds Chinese characters, else `en`."""
    return "zh" if _CJK.search(text) else "en"


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# --- finding values in a sentence ----------------------------------------------------------


def _alternation(options: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))


_NARROW_SYMBOLS = [s for s in CURRENCY_SYMBOLS if not _CJK.search(s)]
_CODES = sorted(CURRENCIES | set(CODE_ALIASES))
_LOWER_CODES = ["usd", "eur", "gbp", "cny", "rmb", "jpy"]
_VALUE = re.compile(
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
_SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000(\\d+)\ue001")
V = r"\ue000(?P<{}>\d+)\ue001"
_PERCENT_WORDS = re.compile(r"(\d)\s*(?:percent|per cent|pct)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    """A normalised sentence with its values cut out: `template` holds a slot per value."""

    text: str
    template: str
    values: tuple[str, ...]
    lang: str


def _prepare(text: str) -> _Sentence:
    lang = sentence_lang(text)
    cleaned = unicodedata.normalize("NFKC", text).replace("\ue000", "").replace("\ue001", "")
    cleaned = " ".join(cleaned.split()).strip().rstrip(".!。;；")
    if lang == "zh":
        cleaned = zh_numerals_to_digits(cleaned)
    cleaned = _PERCENT_WORDS.sub(r"\1%", cleaned)
    values: list[str] = []

    def slot(match: re.Match[str]) -> str:
        values.append(match[0].strip())
        return _SLOT.format(len(values) - 1)

    return _Sentence(cleaned, _VALUE.sub(slot, cleaned), tuple(values), lang)


# --- reading -------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_kr(text: str, *, cycle_start: date, cycle_end: date) -> KRReading | SentenceProblem:
    """How the bot reads one KR sentence, or why it cannot (with an example of each form).

    A due date must fall inside `cycle_start`..`cycle_end`; a "per quarter" count is the
    cycle's target when the cycle is a quarter.
    """
    lang = sentence_lang(text or "")
    stripped = (text or "").strip()
    if not stripped:
        return SentenceProblem(_say(lang, "empty"), lang)
    if len(stripped) > MAX_SENTENCE_CHARS:
        return SentenceProblem(_say(lang, "long", count=len(stripped)), lang)
    sentence = _prepare(stripped)
    try:
        reader = _read_zh if lang == "zh" else _read_en
        return reader(sentence, cycle_start, cycle_end)
    except _Refused as refused:
        return SentenceProblem(refused.reason, lang)


def _say(lang: str, key: str, **values: object) -> str:
    english, chinese = MESSAGES[key]
    return (chinese if lang == "zh" else english).format(**values)


def _refuse(lang: str, key: str, **values: object) -> _Refused:
    return _Refused(_say(lang, key, **values))


def _parsed(sentence: _Sentence, index: str, word: str | None = None) -> ParsedValue:
    """The value in slot `index`, with the unit `word` that follows it."""
    token = sentence.values[int(index)]
    text = token
    if word:
        joiner = "" if _CJK.match(word) or word[0] in MEASURE_WORDS else " "
        text = f"{token}{joiner}{word}"
    try:
        return parse_value(text)
    except ValueParseError as exc:
        raise _Refused(exc.message) from None


def _measured(
    sentence: _Sentence,
    title: str,
    kind: KRKind,
    typed: dict[str, ParsedValue],
    *,
    relative: str | None = None,
    period: Period | None = None,
) -> KRReading:
    """The reading of a sentence with numbers: the unit settled from its values, the values
    checked as the form checks them."""
    title = _title(_SLOT_RE.sub(lambda m: sentence.values[int(m[1])], title), sentence.lang)
    if not title:
        raise _refuse(sentence.lang, "no_title")
    if len(title) > MAX_SENTENCE_CHARS:  # a participle may add a letter or two
        raise _refuse(sentence.lang, "long", count=len(sentence.text) + 1)
    settled, clashes = settle_unit(Unit.NUMBER, None, typed)
    if clashes:
        raise _Refused(next(iter(clashes.values())))
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
            raise _Refused(exc.message) from None
        relative = moved.text
    for problem in validate_kr(kind, start, target):
        raise _Refused(problem.message)
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


def _title(text: str, lang: str) -> str:
    """A KR's name as lists show it: articles dropped, first letter capital."""
    text = text.strip(_EDGE_PUNCTUATION)
    if lang == "zh":
        return re.sub(r"^(?:将|把|让)", "", text).strip()
    text = re.sub(r"^(?:the|our|my|a|an)\s+", "", text, flags=re.IGNORECASE)
    return _capital(text)


def _capital(text: str) -> str:
    if not text or text[1:2].isupper():
        return text
    return text[0].upper() + text[1:]


def _lower_first(text: str) -> str:
    """`Quarterly revenue` → `quarterly revenue`; an acronym (`CSAT`, `NPS`) stays."""
    if not text or text[1:2].isupper() or text[1:2].isdigit():
        return text
    return text[0].lower() + text[1:]


def _milestone(title: str, due: DueDay | None, sentence: _Sentence) -> KRReading:
    title = title.strip(" ,:;，：")
    if not title:
        raise _refuse(sentence.lang, "no_title")
    return KRReading(
        title=_capital(title) if sentence.lang == "en" else title,
        kind=KRKind.MILESTONE,
        start=0.0,
        target=1.0,
        due=due,
        lang=sentence.lang,
    )


def _checked_due(due: DueDay, text: str, lang: str, first: date, last: date) -> DueDay:
    if due.within(first, last) is None:
        raise _refuse(lang, "due_outside", due=text, first=_day(first, lang), last=_day(last, lang))
    return due


def _day(day: date, lang: str) -> str:
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _verb(words: str) -> tuple[str, str]:
    """The first word (casefolded) and the rest."""
    first, _, rest = words.strip().partition(" ")
    return first.casefold(), rest


# English ------------------------------------------------------------------------------------

_W = r"(?:\s+(?P<{}>[^\ue000\ue001]+?))?"
_EN_DUE = re.compile(
    r"^(?P<rest>.+?),?\s+(?:by|before|due(?:\s+on|\s+by)?|until|no later than)\s+"
    r"(?P<due>[^\ue000\ue001]+)$",
    re.IGNORECASE,
)
_EN_MILESTONE_LABEL = re.compile(r"^milestone\s*:\s*(?P<title>.+)$", re.IGNORECASE)
_EN_PERIOD_END = re.compile(
    r"\s+(?:(?:every|per|each|a|an)\s+(?P<word>[a-z]+)|/\s?(?P<slash>[a-z]+)|(?P<ly>[a-z]+ly))$",
    re.IGNORECASE,
)
_EN_PERIOD_START = re.compile(r"^(?:every|each)\s+(?P<word>[a-z]+),?\s+", re.IGNORECASE)
_EN_FROM_TO = re.compile(
    rf"^(?P<pre>.+?)\s+from\s+{V.format('a')}{_W.format('wa')}\s+to\s+{V.format('b')}"
    rf"{_W.format('wb')}$",
    re.IGNORECASE,
)
_EN_RELATIVE = re.compile(
    rf"^(?P<pre>.+?)\s+(?:by\s+)?{V.format('pct')}\s+"
    r"(?:over|from|on|above|vs\.?|versus|against|compared to|on top of)\s+"
    rf"{V.format('base')}{_W.format('wb')}$",
    re.IGNORECASE,
)
_EN_THRESHOLD = re.compile(
    r"^(?P<pre>.+?)\s+(?P<side>at or above|at or below|at least|at most|no less than|"
    r"no more than|above|over|below|under|>=|<=|≥|≤|>|<)\s+"
    rf"{V.format('v')}{_W.format('w')}$",
    re.IGNORECASE,
)
_EN_BY_PERCENT = re.compile(rf"^(?P<pre>.+?)\s+(?:by\s+)?{V.format('pct')}$", re.IGNORECASE)
_EN_TO = re.compile(rf"^(?P<pre>.+?)\s+to\s+{V.format('v')}{_W.format('w')}$", re.IGNORECASE)
_EN_COLON = re.compile(rf"^(?P<title>[^:]+?)\s*:\s*{V.format('v')}{_W.format('w')}$")
_EN_COUNT = re.compile(
    rf"^(?P<verb>[A-Za-z][\w'\-]*)\s+{V.format('v')}(?:\s+(?P<obj>[^\ue000\ue001]+))?$"
)
_BELOW_SIDES = {"at or below", "at most", "no more than", "below", "under", "<=", "≤", "<"}
_OBJECT_STOPS = {"in", "with", "for", "from", "at", "to", "of", "across", "on", "by", "per"}


def _read_en(sentence: _Sentence, first: date, last: date) -> KRReading:
    template = sentence.template
    labelled = _EN_MILESTONE_LABEL.match(sentence.text)
    text = labelled["title"] if labelled else sentence.text
    due_match = _EN_DUE.match(text)
    if due_match:
        try:
            due = parse_due(due_match["due"])
        except ValueParseError:
            due = None
        if due is not None:
            if _VALUE.search(due_match["rest"]) and not labelled:
                said = text[len(due_match["rest"]) :].strip(" ,")
                raise _refuse("en", "due_with_number", due=said)
            _checked_due(due, due_match["due"].strip(), "en", first, last)
            return _milestone(due_match["rest"], due, sentence)
    if labelled or not sentence.values:
        return _milestone(text, None, sentence)
    template, period_word = _cut_period_en(template)
    if period_word is not None:
        return _quota_en(sentence, template, period_word, first, last)
    if m := _EN_FROM_TO.match(template):
        verb, rest = _verb(m["pre"])
        typed = {"start": _parsed(sentence, m["a"], m["wa"] or m["wb"])}
        typed["target"] = _parsed(sentence, m["b"], m["wb"] or m["wa"])
        if verb in UP_VERBS:
            kind = KRKind.INCREASE
        elif verb in DOWN_VERBS:
            kind = KRKind.DECREASE
        else:
            if verb not in NEUTRAL_VERBS:
                rest = m["pre"]
            up = typed["target"].value >= typed["start"].value
            kind = KRKind.INCREASE if up else KRKind.DECREASE
        return _measured(sentence, rest, kind, typed)
    if m := _EN_RELATIVE.match(template):
        pct = sentence.values[int(m["pct"])]
        if pct.endswith("%"):
            verb, rest = _verb(m["pre"])
            signed = pct.lstrip("+-").strip()
            if verb in DOWN_VERBS or pct.startswith("-"):
                kind, relative = KRKind.DECREASE, f"-{signed}"
            else:
                kind, relative = KRKind.INCREASE, f"+{signed}"
                if verb not in UP_VERBS | NEUTRAL_VERBS:
                    rest = m["pre"]
            typed = {"start": _parsed(sentence, m["base"], m["wb"])}
            typed["target"] = typed["start"]
            return _measured(sentence, rest, kind, typed, relative=relative)
    if m := _EN_THRESHOLD.match(template):
        verb, rest = _verb(m["pre"])
        if verb not in UP_VERBS | DOWN_VERBS:
            if verb not in HOLD_VERBS:
                rest = m["pre"]
            below = m["side"].casefold() in _BELOW_SIDES
            kind = KRKind.STAY_BELOW if below else KRKind.STAY_ABOVE
            return _measured(sentence, rest, kind, {"target": _parsed(sentence, m["v"], m["w"])})
    if len(sentence.values) > 1:
        raise _refuse("en", "two_numbers")
    if m := _EN_TO.match(template):
        verb, rest = _verb(m["pre"])
        if verb in DOWN_VERBS:
            raise _refuse("en", "no_start")
        if verb in UP_VERBS | NEUTRAL_VERBS:
            typed = {"target": _parsed(sentence, m["v"], m["w"])}
            return _measured(sentence, rest, KRKind.INCREASE, typed)
    if m := _EN_BY_PERCENT.match(template):
        verb, _ = _verb(m["pre"])
        pct = sentence.values[int(m["pct"])]
        if verb in UP_VERBS | DOWN_VERBS and pct.endswith("%"):
            raise _refuse("en", "no_base", pct=pct.lstrip("+-"))
    if m := _EN_COLON.match(template):
        typed = {"target": _parsed(sentence, m["v"], m["w"])}
        return _measured(sentence, m["title"], KRKind.INCREASE, typed)
    if m := _EN_COUNT.match(template):
        title, typed = _count_en(sentence, m)
        return _measured(sentence, title, KRKind.INCREASE, typed)
    raise _refuse("en", "unread")


def _cut_period_en(template: str) -> tuple[str, str | None]:
    """The template without its period phrase ("every week", "monthly"), and the period's
    word; None when it has none."""
    if m := _EN_PERIOD_START.match(template):
        word = m["word"].casefold()
        if word in PERIOD_WORDS or word in QUARTER_WORDS or word in TIME_WORDS:
            return template[m.end() :], word
    m = _EN_PERIOD_END.search(template)
    if m is None:
        return template, None
    word = (m["word"] or m["slash"] or m["ly"]).casefold()
    introduced = m["word"] is not None and m.group(0).split()[0].casefold() in (
        "every",
        "per",
        "each",
    )
    known = word in PERIOD_WORDS or word in QUARTER_WORDS or word in TIME_WORDS
    if (m["ly"] and word not in LY_WORDS) or not (known or introduced or m["slash"]):
        return template, None
    return template[: m.start()], word


def _period(word: str, lang: str, first: date, last: date) -> Period | None:
    """The quota period a word names; None for a quarter in a quarter-long cycle (then the
    count is the cycle's target)."""
    period = PERIOD_WORDS.get(word)
    if period is not None:
        return period
    if word in QUARTER_WORDS and (last - first).days <= QUARTER_DAYS:
        return None
    raise _refuse(lang, "period", word=word)


def _quota_en(sentence: _Sentence, template: str, word: str, first: date, last: date) -> KRReading:
    period = _period(word, "en", first, last)
    kind = KRKind.QUOTA if period is not None else KRKind.INCREASE
    if m := _EN_COLON.match(template):
        typed = {"target": _parsed(sentence, m["v"], m["w"])}
        return _measured(sentence, m["title"], kind, typed, period=period)
    if len(sentence.values) > 1:
        raise _refuse("en", "quota_form")
    if m := _EN_COUNT.match(template):
        title, typed = _count_en(sentence, m)
        return _measured(sentence, title, kind, typed, period=period)
    raise _refuse("en", "quota_form")


def _count_en(sentence: _Sentence, m: re.Match[str]) -> tuple[str, dict[str, ParsedValue]]:
    """ "Sign 30 new contracts": the title ("New contracts signed") and the value, whose unit
    word is what is counted (up to the first preposition of a longer object)."""
    verb = m["verb"]
    obj = (m["obj"] or "").strip()
    bare = _parsed(sentence, m["v"])
    if bare.unit is Unit.NUMBER and obj and bare.word is None:
        words = obj.split()
        cut = next((i for i, w in enumerate(words) if w.casefold() in _OBJECT_STOPS), len(words))
        counted = " ".join(words[: max(1, min(cut, 3))])
        try:
            value = _parsed(sentence, m["v"], counted)
        except _Refused:  # not a word a count can carry: the title says what is counted
            value = bare
    else:
        value = bare
        obj = re.sub(rf"^(?:{'|'.join(AMOUNT_LINKS)})\s+", "", obj, count=1, flags=re.IGNORECASE)
    participle = PARTICIPLES.get(verb.casefold())
    title = f"{verb} {obj}" if participle is None else f"{obj} {participle}"
    return title.strip(), {"target": value}


# Chinese ------------------------------------------------------------------------------------

_ZH_DUE = re.compile(
    r"(?:在|于)?\s*(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"\s*(?:之前|以前|前)\s*"
)
_ZH_LABEL = re.compile(r"^里程碑\s*:\s*(?P<title>.+)$")
_ZH_PERIOD = re.compile(r"每(?P<word>个月|星期|礼拜|季度|小时|双周|半年|周|月|季|天|日|年|\w)")
_ZH_UP = "增长|提高|提升|增加|上升|扩大|增|提"
_ZH_DOWN = "降低|减少|下降|缩短|压缩|缩减|降|减|缩"
_ZH_LEAD_VERB = re.compile(
    r"^(?:将|把)?(?P<verb>增长|提高|提升|增加|扩大|降低|减少|缩短|压缩|缩减)(?:将|把)?(?=.)"
)
_ZH_FROM_TO = re.compile(
    rf"^(?P<pre>.*?)从{V.format('a')}(?P<wa>[^\ue000\ue001]*?)(?P<verb>{_ZH_UP}|{_ZH_DOWN})?"
    rf"(?:到|至){V.format('b')}(?P<wb>[^\ue000\ue001]*)$"
)
_ZH_RELATIVE = re.compile(
    rf"^(?P<pre>.+?)(?:在|比|较|相比)?{V.format('base')}(?P<wb>[^\ue000\ue001]*?)的?(?:基础上|基数上)?"
    rf"(?P<verb>{_ZH_UP}|{_ZH_DOWN}){V.format('pct')}$"
)
_ZH_THRESHOLD = re.compile(
    r"^(?P<pre>.+?)(?P<how>保持在|维持在|控制在|稳定在|不低于|不少于|至少|高于|大于|不高于|"
    rf"不超过|低于|小于|少于|至多|保持|维持|在){V.format('v')}(?P<w>[^\ue000\ue001]*?)"
    r"(?P<side>及以上|以上|之上|及以下|以下|之下|以内)?$"
)
_ZH_ABOVE_HOW = {"不低于", "不少于", "至少", "高于", "大于"}
_ZH_BELOW_HOW = {"不高于", "不超过", "低于", "小于", "少于", "至多"}
_ZH_BY_PERCENT = re.compile(rf"(?:{_ZH_UP}|{_ZH_DOWN}){V.format('pct')}$")
_ZH_TO = re.compile(
    rf"^(?P<pre>.+?)(?P<verb>{_ZH_UP}|{_ZH_DOWN})?(?:达到|到|至){V.format('v')}"
    r"(?P<w>[^\ue000\ue001]*)$"
)
_ZH_COUNT = re.compile(rf"^(?P<verb>[^\ue000\ue001]+?){V.format('v')}(?P<w>[^\ue000\ue001]*)$")
_ZH_COLON = re.compile(rf"^(?P<title>[^:]+?):{V.format('v')}(?P<w>[^\ue000\ue001]*)$")


def _read_zh(sentence: _Sentence, first: date, last: date) -> KRReading:
    template = sentence.template.replace(" ", "")
    labelled = _ZH_LABEL.match(sentence.text)
    text = labelled["title"] if labelled else sentence.text
    due_match = _ZH_DUE.search(text)
    if due_match:
        year = int(due_match["y"]) if due_match["y"] else None
        try:
            due = DueDay(int(due_match["m"]), int(due_match["d"]), year)
            date(year or 2000, due.month, due.day)
        except ValueError:
            due = None
        if due is not None:
            rest = text[: due_match.start()] + text[due_match.end() :]
            if _VALUE.search(rest) and not labelled:
                raise _refuse("zh", "due_with_number", due=due_match.group(0))
            shown = re.sub(r"^在|^于|之前$|以前$|前$|\s", "", due_match.group(0))
            _checked_due(due, shown, "zh", first, last)
            return _milestone(rest, due, sentence)
    if labelled or not sentence.values:
        return _milestone(text, None, sentence)
    period = None
    quota_word = None
    if m := _ZH_PERIOD.search(template):
        quota_word = m["word"]
        period = _period(quota_word, "zh", first, last)
        template = (template[: m.start()] + template[m.end() :]).strip(",，")
        colon = _ZH_COLON.match(template)
        if len(sentence.values) > 1 and colon is None:
            raise _refuse("zh", "quota_form")
    if quota_word is None:
        if m := _ZH_FROM_TO.match(template):
            typed = {"start": _parsed(sentence, m["a"], m["wa"] or m["wb"] or None)}
            typed["target"] = _parsed(sentence, m["b"], m["wb"] or m["wa"] or None)
            lead = None if m["verb"] else _ZH_LEAD_VERB.match(m["pre"])  # 降低客户流失率从5%到3%
            verb = m["verb"] or (lead and lead["verb"])
            pre = m["pre"][lead.end() :] if lead else m["pre"]
            if verb and re.fullmatch(_ZH_DOWN, verb):
                kind = KRKind.DECREASE
            elif verb:
                kind = KRKind.INCREASE
            else:
                up = typed["target"].value >= typed["start"].value
                kind = KRKind.INCREASE if up else KRKind.DECREASE
            return _measured(sentence, pre, kind, typed)
        if m := _ZH_RELATIVE.match(template):
            pct = sentence.values[int(m["pct"])]
            if pct.endswith("%"):
                down = re.fullmatch(_ZH_DOWN, m["verb"]) is not None
                kind = KRKind.DECREASE if down else KRKind.INCREASE
                relative = ("-" if down else "+") + pct.lstrip("+-")
                typed = {"start": _parsed(sentence, m["base"], m["wb"] or None)}
                typed["target"] = typed["start"]
                return _measured(sentence, m["pre"], kind, typed, relative=relative)
        if m := _ZH_THRESHOLD.match(template):
            how, side = m["how"], m["side"]
            if side in ("及以上", "以上", "之上") or how in _ZH_ABOVE_HOW:
                kind = KRKind.STAY_ABOVE
            elif side or how in _ZH_BELOW_HOW:
                kind = KRKind.STAY_BELOW
            else:
                raise _refuse("zh", "side")
            typed = {"target": _parsed(sentence, m["v"], m["w"] or None)}
            return _measured(sentence, m["pre"], kind, typed)
        if _ZH_BY_PERCENT.search(template) and len(sentence.values) == 1:
            pct = sentence.values[0]
            if pct.endswith("%"):
                raise _refuse("zh", "no_base", pct=pct.lstrip("+-"))
        if len(sentence.values) > 1:
            raise _refuse("zh", "two_numbers")
        if m := _ZH_TO.match(template):
            if m["verb"] and re.fullmatch(_ZH_DOWN, m["verb"]):
                raise _refuse("zh", "no_start")
            typed = {"target": _parsed(sentence, m["v"], m["w"] or None)}
            return _measured(sentence, m["pre"], KRKind.INCREASE, typed)
    kind = KRKind.QUOTA if period is not None else KRKind.INCREASE
    if m := _ZH_COLON.match(template):
        typed = {"target": _parsed(sentence, m["v"], m["w"] or None)}
        return _measured(sentence, m["title"], kind, typed, period=period)
    if m := _ZH_COUNT.match(template):
        value = _parsed(sentence, m["v"], m["w"] or None)
        counted = (value.word or "").lstrip(MEASURE_WORDS)
        return _measured(sentence, m["verb"] + counted, kind, {"target": value}, period=period)
    raise _refuse("zh", "unread")


# --- writing -------------------------------------------------------------------------------


def kr_sentence(kr: StoredKR, *, lang: str = "en") -> str:
    """The sentence a person would type for `kr`, in `lang` (`en` or `zh`), which `read_kr`
    reads back to the same KR: numbers exact and in their units (`$1.2M`, `3%`, `120万元`)."""
    kind = KRKind(kr.kind)
    measure = Measure(Unit(kr.unit), kr.currency, kr.unit_word)
    zh = lang == "zh"
    title = (kr.title or "").strip()
    if kind is KRKind.MILESTONE:
        return _milestone_sentence(title, _due_of(kr), zh)
    start, target = kr.start, kr.target
    relative = None
    if kind.moves:
        relative = still_relative(kr.relative_target, kind, target, start, None)
    if kind is KRKind.QUOTA:
        period = Period(kr.period or Period.WEEK)
        return _quota_sentence(title, target, measure, period, zh)
    if zh:
        return _zh_sentence(title, kind, start, target, measure, relative and relative.text)
    name = _lower_first(title)
    if relative is not None:
        size = relative.text.lstrip("+-")
        if kind is KRKind.INCREASE:
            return f"Grow {name} {size} over {_value(start, measure, zh)}"
        return f"Reduce {name} {size} from {_value(start, measure, zh)}"
    if (
        kind is KRKind.INCREASE
        and start == 0
        and (count := _count_sentence(title, target, measure))
    ):
        return count
    if kind is KRKind.STAY_ABOVE:
        return f"Hold {name} above {_value(target, measure, zh)}"
    if kind is KRKind.STAY_BELOW:
        return f"Keep {name} below {_value(target, measure, zh)}"
    verb = "Increase" if kind is KRKind.INCREASE else "Reduce"
    shown_start = _value(start, measure, zh, word=False)
    return f"{verb} {name} from {shown_start} to {_value(target, measure, zh)}"


def names_a_number(text: str) -> bool:
    """Whether `text` holds a value (`$2M`, `30`, `3%`): a KR title typed as a whole
    sentence before key results were sentences ("Close $2M in new ARR")."""
    return _VALUE.search(unicodedata.normalize("NFKC", text or "")) is not None


def _due_of(kr: StoredKR) -> DueDay | date | None:
    due = getattr(kr, "due", None)
    return due if due is not None else getattr(kr, "due_date", None)


def _milestone_sentence(title: str, due: DueDay | date | None, zh: bool) -> str:
    plain = not _VALUE.search(title) and ":" not in title and not _ends_with_due(title)
    label = "" if plain else "里程碑：" if zh else "Milestone: "
    if due is None:
        return f"{label}{title}"
    year = due.year if isinstance(due, DueDay) else None
    if zh:
        return f"{label}{f'{year}年' if year else ''}{due.month}月{due.day}日前{title}"
    month = date(2000, due.month, 1).strftime("%b")
    return f"{label}{title} by {due.day} {month}{f' {year}' if year else ''}"


def _ends_with_due(title: str) -> bool:
    m = _EN_DUE.match(title)
    if m is None:
        return bool(_ZH_DUE.search(title))
    try:
        parse_due(m["due"])
    except ValueParseError:
        return False
    return True


def _value(value: float, measure: Measure, zh: bool, *, word: bool = True) -> str:
    """`value` exact in its unit, with the count's word when `word`."""
    text = _zh_amount(value, measure) if zh else None
    if text is None:
        text = editable_text(value, measure.bare)
        if measure.unit is Unit.CURRENCY and parse_value(text).currency != measure.currency:
            # `¥` alone reads as yuan: a yen amount says its code (`JPY 1.2M`)
            text = f"{measure.currency} {editable_text(value, Measure())}"
    if word and measure.word and measure.unit is Unit.NUMBER:
        wide = _CJK.match(measure.word) or measure.word[0] in MEASURE_WORDS
        text = f"{text}{'' if wide else ' '}{measure.word}"
    return text


_ZH_CURRENCY_WORDS = {"CNY": "元", "USD": "美元", "EUR": "欧元", "GBP": "英镑", "JPY": "日元"}
_ZH_CURRENCY_WORDS["HKD"] = "港元"


def _zh_amount(value: float, measure: Measure) -> str | None:
    """`120万元`, `1.5亿元`, `3.5万`: an amount or count counted in 万 / 亿, exactly; None for
    what Chinese writes like English (a percentage, another currency)."""
    if measure.unit is Unit.PERCENT:
        return None
    suffix = ""
    if measure.unit is Unit.CURRENCY:
        if measure.currency not in _ZH_CURRENCY_WORDS:
            return None
        suffix = _ZH_CURRENCY_WORDS[measure.currency]
    exact = Decimal(repr(float(value)))
    size = abs(exact)
    for step, name in ((Decimal(10**8), "亿"), (Decimal(10**4), "万"), (Decimal(1), "")):
        if size >= step or step == 1:
            scaled = (exact / step).normalize()
            return f"{format(scaled, 'f')}{name}{suffix}"
    return None


def _count_sentence(title: str, target: float, measure: Measure) -> str | None:
    """ "Sign 30 new contracts" for the count "New contracts signed", when its title is an
    object and a participle and its word is what that object counts."""
    words = title.split()
    if not words:
        return None
    verb = VERB_OF_PARTICIPLE.get(words[-1].casefold())
    if verb is None:
        return None
    obj = _lower_first(" ".join(words[:-1]))
    amount = _value(target, measure, False, word=False)
    if measure.unit is Unit.NUMBER:
        counted = (measure.word or "").casefold()
        if (
            not obj
            or not counted
            or not (obj.casefold() == counted or obj.casefold().startswith(counted + " "))
        ):
            return None
        return f"{verb.capitalize()} {amount} {obj}"
    link = f" in {obj}" if obj else ""
    return f"{verb.capitalize()} {amount}{link}"


def _quota_sentence(title: str, target: float, measure: Measure, period: Period, zh: bool) -> str:
    if zh:
        every = "每周" if period is Period.WEEK else "每月"
        verb = _zh_count_verb(title, measure)
        if verb is not None:
            return f"{every}{verb}{_value(target, measure, True)}"
        return f"{title}：{every}{_value(target, measure, True)}"
    every = "every week" if period is Period.WEEK else "per month"
    count = _count_sentence(title, target, measure)
    if count is not None:
        return f"{count} {every}"
    return f"{title}: {_value(target, measure, False)} {every}"


def _zh_count_verb(title: str, measure: Measure) -> str | None:
    """The verb of a Chinese count title (联系 in 联系潜在客户 counting 个潜在客户)."""
    counted = (measure.word or "").lstrip(MEASURE_WORDS) if measure.unit is Unit.NUMBER else ""
    if not title.endswith(counted):
        return None
    verb = title[: len(title) - len(counted)]
    if not verb or not _CJK.search(verb) or _VALUE.search(verb) or ":" in verb:
        return None
    return verb


def _zh_sentence(
    title: str, kind: KRKind, start: float, target: float, measure: Measure, relative: str | None
) -> str:
    if relative is not None:
        verb = "增长" if kind is KRKind.INCREASE else "降低"
        return f"{title}在{_value(start, measure, True)}基础上{verb}{relative.lstrip('+-')}"
    if kind is KRKind.INCREASE and start == 0:
        verb = _zh_count_verb(title, measure)
        if verb is not None:
            return f"{verb}{_value(target, measure, True)}"
    if kind is KRKind.STAY_ABOVE:
        return f"{title}保持在{_value(target, measure, True)}以上"
    if kind is KRKind.STAY_BELOW:
        return f"{title}保持在{_value(target, measure, True)}以下"
    verb = "降低" if kind is KRKind.DECREASE else "提高" if measure.unit is Unit.PERCENT else "增长"
    shown_start = _value(start, measure, True)
    return f"{title}从{shown_start}{verb}到{_value(target, measure, True)}"


def reading_summary(reading: KRReading, lang: str = "en") -> str:
    """How the bot read a sentence, for the line under a row: "Quota · 50 new prospects
    every week", "Increase · $1M → $1.2M", "Milestone · due 15 Nov"."""
    zh = lang == "zh"
    measure = reading.measure
    kind = reading.kind
    names = _KIND_NAMES_ZH if zh else _KIND_NAMES
    head = names[kind]
    if kind is KRKind.MILESTONE:
        if reading.due is None:
            return head
        due = reading.due
        when = (
            f"{due.month}月{due.day}日前" if zh else f"due {due.day} {date(2000, due.month, 1):%b}"
        )
        return f"{head} · {when}"
    target = _value(reading.target, measure, zh)
    if kind is KRKind.QUOTA:
        every = {Period.WEEK: ("every week", "每周"), Period.MONTH: ("every month", "每月")}
        per = every[Period(reading.period or Period.WEEK)][1 if zh else 0]
        return f"{head} · {per}{target}" if zh else f"{head} · {target} {per}"
    if kind.moves:
        shown = f"{reading.relative_target} = {target}" if reading.relative_target else target
        return f"{head} · {_value(reading.start, measure, zh, word=False)} → {shown}"
    return f"{head} · {target}"


_KIND_NAMES = {
    KRKind.INCREASE: "Increase",
    KRKind.DECREASE: "Decrease",
    KRKind.STAY_ABOVE: "Stay above",
    KRKind.STAY_BELOW: "Stay below",
    KRKind.MILESTONE: "Milestone",
    KRKind.QUOTA: "Quota",
}
_KIND_NAMES_ZH = {
    KRKind.INCREASE: "增长",
    KRKind.DECREASE: "降低",
    KRKind.STAY_ABOVE: "不低于",
    KRKind.STAY_BELOW: "不高于",
    KRKind.MILESTONE: "里程碑",
    KRKind.QUOTA: "配额",
}
