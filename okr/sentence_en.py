"""English key-result sentences: "Increase quarterly revenue from $1M to $1.2M",
"Grow quarterly sales 20% over $1M", "Sign 30 new contracts", "Contact 50 new prospects every
week", "Keep churn below 3%", "Launch the partner program by 15 Nov"."""

from __future__ import annotations

import re
from datetime import date

from okr.due_dates import parse_due
from okr.kr_reading import KRReading
from okr.progress import KRKind
from okr.sentence_reading import (
    Refused,
    checked_due,
    measured,
    milestone,
    parsed_value,
    period_of_word,
    refuse,
    verb_and_rest,
)
from okr.sentence_text import VALUE, Sentence, V
from okr.sentence_words import (
    AMOUNT_LINKS,
    DOWN_VERBS,
    HOLD_VERBS,
    LY_WORDS,
    NEUTRAL_VERBS,
    PARTICIPLES,
    PERIOD_WORDS,
    QUARTER_WORDS,
    TIME_WORDS,
    UP_VERBS,
)
from okr.values import ParsedValue, Unit, ValueParseError

_W = r"(?:\s+(?P<{}>[^\ue000\ue001]+?))?"
EN_DUE = re.compile(
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
_EN_COLON = re.compile(rf"^(?P<title>.+?)\s*:\s*{V.format('v')}{_W.format('w')}$")
_EN_COUNT = re.compile(
    rf"^(?P<verb>[A-Za-z][\w'\-]*)\s+{V.format('v')}(?:\s+(?P<obj>[^\ue000\ue001]+))?$"
)
_BELOW_SIDES = {"at or below", "at most", "no more than", "below", "under", "<=", "≤", "<"}
_OBJECT_STOPS = {"in", "with", "for", "from", "at", "to", "of", "across", "on", "by", "per"}


def read_en(sentence: Sentence, first: date, last: date) -> KRReading:
    template = sentence.template
    labelled = _EN_MILESTONE_LABEL.match(sentence.text)
    text = labelled["title"] if labelled else sentence.text
    due_match = EN_DUE.match(text)
    if due_match:
        try:
            due = parse_due(due_match["due"])
        except ValueParseError:
            due = None
        if due is not None:
            if VALUE.search(due_match["rest"]) and not labelled:
                said = text[len(due_match["rest"]) :].strip(" ,")
                raise refuse("en", "due_with_number", due=said)
            checked_due(due, due_match["due"].strip(), "en", first, last)
            return milestone(due_match["rest"], due, sentence)
    if labelled or not sentence.values:
        return milestone(text, None, sentence)
    template, period_word = _cut_period_en(template)
    if period_word is not None:
        return _quota_en(sentence, template, period_word, first, last)
    if m := _EN_FROM_TO.match(template):
        verb, rest = verb_and_rest(m["pre"])
        typed = {"start": parsed_value(sentence, m["a"], m["wa"] or m["wb"])}
        typed["target"] = parsed_value(sentence, m["b"], m["wb"] or m["wa"])
        if verb in UP_VERBS:
            kind = KRKind.INCREASE
        elif verb in DOWN_VERBS:
            kind = KRKind.DECREASE
        else:
            if verb not in NEUTRAL_VERBS:
                rest = m["pre"]
            up = typed["target"].value >= typed["start"].value
            kind = KRKind.INCREASE if up else KRKind.DECREASE
        return measured(sentence, rest, kind, typed)
    if m := _EN_RELATIVE.match(template):
        pct = sentence.values[int(m["pct"])]
        if pct.endswith("%"):
            verb, rest = verb_and_rest(m["pre"])
            signed = pct.lstrip("+-").strip()
            if verb in DOWN_VERBS or pct.startswith("-"):
                kind, relative = KRKind.DECREASE, f"-{signed}"
            else:
                kind, relative = KRKind.INCREASE, f"+{signed}"
                if verb not in UP_VERBS | NEUTRAL_VERBS:
                    rest = m["pre"]
            typed = {"start": parsed_value(sentence, m["base"], m["wb"])}
            typed["target"] = typed["start"]
            return measured(sentence, rest, kind, typed, relative=relative)
    if m := _EN_THRESHOLD.match(template):
        verb, rest = verb_and_rest(m["pre"])
        if verb not in UP_VERBS | DOWN_VERBS:
            if verb not in HOLD_VERBS:
                rest = m["pre"]
            below = m["side"].casefold() in _BELOW_SIDES
            kind = KRKind.STAY_BELOW if below else KRKind.STAY_ABOVE
            return measured(
                sentence, rest, kind, {"target": parsed_value(sentence, m["v"], m["w"])}
            )
    if len(sentence.values) > 1:
        raise refuse("en", "two_numbers")
    if m := _EN_TO.match(template):
        verb, rest = verb_and_rest(m["pre"])
        if verb in DOWN_VERBS:
            raise refuse("en", "no_start")
        if verb in UP_VERBS | NEUTRAL_VERBS:
            typed = {"target": parsed_value(sentence, m["v"], m["w"])}
            return measured(sentence, rest, KRKind.INCREASE, typed)
    if m := _EN_BY_PERCENT.match(template):
        verb, _ = verb_and_rest(m["pre"])
        pct = sentence.values[int(m["pct"])]
        if verb in UP_VERBS | DOWN_VERBS and pct.endswith("%"):
            raise refuse("en", "no_base", pct=pct.lstrip("+-"))
    if m := _EN_COLON.match(template):
        typed = {"target": parsed_value(sentence, m["v"], m["w"])}
        return measured(sentence, m["title"], KRKind.INCREASE, typed)
    if m := _EN_COUNT.match(template):
        title, typed = _count_en(sentence, m)
        return measured(sentence, title, KRKind.INCREASE, typed)
    raise refuse("en", "unread")


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


def _quota_en(sentence: Sentence, template: str, word: str, first: date, last: date) -> KRReading:
    period = period_of_word(word, "en", first, last)
    kind = KRKind.QUOTA if period is not None else KRKind.INCREASE
    if m := _EN_COLON.match(template):
        typed = {"target": parsed_value(sentence, m["v"], m["w"])}
        return measured(sentence, m["title"], kind, typed, period=period)
    if len(sentence.values) > 1:
        raise refuse("en", "quota_form")
    if m := _EN_COUNT.match(template):
        title, typed = _count_en(sentence, m)
        return measured(sentence, title, kind, typed, period=period)
    raise refuse("en", "quota_form")


def _count_en(sentence: Sentence, m: re.Match[str]) -> tuple[str, dict[str, ParsedValue]]:
    """ "Sign 30 new contracts": the title ("New contracts signed") and the value, whose unit
    word is what is counted (up to the first preposition of a longer object)."""
    verb = m["verb"]
    obj = (m["obj"] or "").strip()
    bare = parsed_value(sentence, m["v"])
    if bare.unit is Unit.NUMBER and obj and bare.word is None:
        words = obj.split()
        cut = next((i for i, w in enumerate(words) if w.casefold() in _OBJECT_STOPS), len(words))
        counted = " ".join(words[: max(1, min(cut, 3))])
        try:
            value = parsed_value(sentence, m["v"], counted)
        except Refused:  # not a word a count can carry: the title says what is counted
            value = bare
    else:
        value = bare
        obj = re.sub(rf"^(?:{'|'.join(AMOUNT_LINKS)})\s+", "", obj, count=1, flags=re.IGNORECASE)
    participle = PARTICIPLES.get(verb.casefold())
    title = f"{verb} {obj}" if participle is None else f"{obj} {participle}"
    return title.strip(), {"target": value}
