"""Chinese key-result sentences: "季度销售额从100万元增长到120万元", "每周联系50个潜在客户",
"每月签约10单", "客户流失率保持在3%以下", "11月15日前上线渠道合作计划"."""

from __future__ import annotations

import re
from datetime import date

from okr.due_dates import DueDay
from okr.kr_reading import KRReading
from okr.progress import KRKind
from okr.sentence_reading import (
    checked_due,
    measured,
    milestone,
    parsed_value,
    period_of_word,
    refuse,
)
from okr.sentence_text import VALUE, Sentence, V
from okr.sentence_words import MEASURE_WORDS

ZH_DUE = re.compile(
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
_ZH_COLON = re.compile(rf"^(?P<title>.+?):{V.format('v')}(?P<w>[^\ue000\ue001]*)$")


def read_zh(sentence: Sentence, first: date, last: date) -> KRReading:
    template = sentence.template.replace(" ", "")
    labelled = _ZH_LABEL.match(sentence.text)
    text = labelled["title"] if labelled else sentence.text
    due_match = ZH_DUE.search(text)
    if due_match:
        year = int(due_match["y"]) if due_match["y"] else None
        try:
            due = DueDay(int(due_match["m"]), int(due_match["d"]), year)
            date(year or 2000, due.month, due.day)
        except ValueError:
            due = None
        if due is not None:
            rest = text[: due_match.start()] + text[due_match.end() :]
            if VALUE.search(rest) and not labelled:
                raise refuse("zh", "due_with_number", due=due_match.group(0))
            shown = re.sub(r"^在|^于|之前$|以前$|前$|\s", "", due_match.group(0))
            checked_due(due, shown, "zh", first, last)
            return milestone(rest, due, sentence)
    if labelled or not sentence.values:
        return milestone(text, None, sentence)
    period = None
    quota_word = None
    if m := _ZH_PERIOD.search(template):
        quota_word = m["word"]
        period = period_of_word(quota_word, "zh", first, last)
        template = (template[: m.start()] + template[m.end() :]).strip(",，")
        colon = _ZH_COLON.match(template)
        if len(sentence.values) > 1 and colon is None:
            raise refuse("zh", "quota_form")
    if quota_word is None:
        if m := _ZH_FROM_TO.match(template):
            typed = {"start": parsed_value(sentence, m["a"], m["wa"] or m["wb"] or None)}
            typed["target"] = parsed_value(sentence, m["b"], m["wb"] or m["wa"] or None)
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
            return measured(sentence, pre, kind, typed)
        if m := _ZH_RELATIVE.match(template):
            pct = sentence.values[int(m["pct"])]
            if pct.endswith("%"):
                down = re.fullmatch(_ZH_DOWN, m["verb"]) is not None
                kind = KRKind.DECREASE if down else KRKind.INCREASE
                relative = ("-" if down else "+") + pct.lstrip("+-")
                typed = {"start": parsed_value(sentence, m["base"], m["wb"] or None)}
                typed["target"] = typed["start"]
                return measured(sentence, m["pre"], kind, typed, relative=relative)
        if m := _ZH_THRESHOLD.match(template):
            how, side = m["how"], m["side"]
            if side in ("及以上", "以上", "之上") or how in _ZH_ABOVE_HOW:
                kind = KRKind.STAY_ABOVE
            elif side or how in _ZH_BELOW_HOW:
                kind = KRKind.STAY_BELOW
            else:
                raise refuse("zh", "side")
            typed = {"target": parsed_value(sentence, m["v"], m["w"] or None)}
            return measured(sentence, m["pre"], kind, typed)
        if _ZH_BY_PERCENT.search(template) and len(sentence.values) == 1:
            pct = sentence.values[0]
            if pct.endswith("%"):
                raise refuse("zh", "no_base", pct=pct.lstrip("+-"))
        if len(sentence.values) > 1:
            raise refuse("zh", "two_numbers")
        if m := _ZH_TO.match(template):
            if m["verb"] and re.fullmatch(_ZH_DOWN, m["verb"]):
                raise refuse("zh", "no_start")
            typed = {"target": parsed_value(sentence, m["v"], m["w"] or None)}
            return measured(sentence, m["pre"], KRKind.INCREASE, typed)
    kind = KRKind.QUOTA if period is not None else KRKind.INCREASE
    if m := _ZH_COLON.match(template):
        typed = {"target": parsed_value(sentence, m["v"], m["w"] or None)}
        return measured(sentence, m["title"], kind, typed, period=period)
    if m := _ZH_COUNT.match(template):
        value = parsed_value(sentence, m["v"], m["w"] or None)
        counted = (value.word or "").lstrip(MEASURE_WORDS)
        return measured(sentence, m["verb"] + counted, kind, {"target": value}, period=period)
    raise refuse("zh", "unread")
