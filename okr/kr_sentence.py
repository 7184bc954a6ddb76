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

from datetime import date
from decimal import Decimal

from okr.display import Measure, editable_text
from okr.due_dates import DueDay, parse_due
from okr.i18n import current_lang
from okr.kr_reading import MAX_SENTENCE_CHARS, SENTENCE_FIELD, KRReading, SentenceProblem, StoredKR
from okr.periods import Period
from okr.progress import KRKind
from okr.relative_target import still_relative
from okr.sentence_en import EN_DUE, read_en
from okr.sentence_reading import Refused, lower_first, refuse, say
from okr.sentence_text import CJK, VALUE, names_a_number, prepare, sentence_lang
from okr.sentence_words import EXAMPLES, MEASURE_WORDS, VERB_OF_PARTICIPLE
from okr.sentence_zh import ZH_DUE, read_zh
from okr.values import Unit, ValueParseError, parse_value

__all__ = [
    "EXAMPLES",
    "MAX_SENTENCE_CHARS",
    "SENTENCE_FIELD",
    "KRReading",
    "SentenceProblem",
    "StoredKR",
    "kr_sentence",
    "names_a_number",
    "read_kr",
    "reading_summary",
    "said_in",
    "sentence_lang",
]


def read_kr(
    text: str, *, cycle_start: date, cycle_end: date, lang: str | None = None
) -> KRReading | SentenceProblem:
    """How the bot reads one KR sentence, or why it cannot (with an example of each form).

    A due date must fall inside `cycle_start`..`cycle_end`; a "per quarter" count is the
    cycle's target when the cycle is a quarter. The sentence's own language picks the
    grammar; a problem is said in `lang` (a reader's, the modal's) or else in the sentence's.
    """
    grammar = sentence_lang(text or "")
    stripped = (text or "").strip()
    if not stripped:
        problem = _problem(refuse(grammar, "empty"), grammar)
    elif len(stripped) > MAX_SENTENCE_CHARS:
        problem = _problem(refuse(grammar, "long", count=len(stripped)), grammar)
    else:
        try:
            reader = read_zh if grammar == "zh" else read_en
            return reader(prepare(stripped), cycle_start, cycle_end)
        except Refused as refused:
            problem = _problem(refused, grammar)
    return said_in(problem, lang) if lang else problem


def _problem(refused: Refused, lang: str) -> SentenceProblem:
    return SentenceProblem(refused.reason, lang, refused.key, refused.values)


def said_in(problem: SentenceProblem, lang: str) -> SentenceProblem:
    """`problem` for a reader of `lang`: the grammar's refusals said again in it, its
    examples in it (a value's own message is already in the current language)."""
    if problem.lang == lang:
        return problem
    reason = say(lang, problem.key, **dict(problem.values)) if problem.key else problem.reason
    return SentenceProblem(reason, lang, problem.key, problem.values)


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
    name = lower_first(title)
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


def _due_of(kr: StoredKR) -> DueDay | date | None:
    due = getattr(kr, "due", None)
    return due if due is not None else getattr(kr, "due_date", None)


def _milestone_sentence(title: str, due: DueDay | date | None, zh: bool) -> str:
    plain = not VALUE.search(title) and ":" not in title and not _ends_with_due(title)
    label = "" if plain else "里程碑：" if zh else "Milestone: "
    if due is None:
        return f"{label}{title}"
    year = due.year if isinstance(due, DueDay) else None
    if zh:
        return f"{label}{f'{year}年' if year else ''}{due.month}月{due.day}日前{title}"
    month = date(2000, due.month, 1).strftime("%b")
    return f"{label}{title} by {due.day} {month}{f' {year}' if year else ''}"


def _ends_with_due(title: str) -> bool:
    m = EN_DUE.match(title)
    if m is None:
        return bool(ZH_DUE.search(title))
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
        wide = CJK.match(measure.word) or measure.word[0] in MEASURE_WORDS
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
    obj = lower_first(" ".join(words[:-1]))
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
    if not verb or not CJK.search(verb) or VALUE.search(verb) or ":" in verb:
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


def reading_summary(reading: KRReading, lang: str | None = None) -> str:
    """How the bot read a sentence, for the line under a row: "Quota · 50 new prospects
    every week", "Increase · $1M → $1.2M", "Milestone · due 15 Nov"; in `lang`, else the
    reader's language."""
    zh = (lang or current_lang()) == "zh"
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
