"""The words a key-result sentence is read by (okr.kr_sentence): verbs that say which way a
number moves, the sales verbs of a count ("Sign 30 contracts"), period words, Chinese measure
words and numerals. Kept apart so the grammar reads without the tables in the way."""

from __future__ import annotations

import re
from decimal import Decimal

from okr.periods import Period

#: Verbs that make a number grow ("Increase revenue from $1M to $1.2M").
UP_VERBS = frozenset(
    {"increase", "grow", "raise", "boost", "lift", "improve", "expand", "double", "up"}
)
#: Verbs that bring a number down ("Reduce the sales cycle from 60 to 45 days").
DOWN_VERBS = frozenset(
    {"reduce", "cut", "lower", "decrease", "shorten", "shrink", "trim", "drop", "lessen"}
)
#: Verbs of a threshold ("Keep churn below 3%", "Hold CSAT above 90%").
HOLD_VERBS = frozenset({"keep", "hold", "maintain", "stay"})
#: Verbs that only say "move it" (the numbers say which way).
NEUTRAL_VERBS = frozenset({"take", "move", "get", "bring", "change"})

#: Verbs of a count and their past participles: "Sign 30 new contracts" is the KR "New
#: contracts signed". A verb not listed keeps the imperative title ("Zorp widgets").
PARTICIPLES: dict[str, str] = {
    "sign": "signed",
    "contact": "contacted",
    "close": "closed",
    "book": "booked",
    "win": "won",
    "add": "added",
    "hold": "held",
    "run": "run",
    "make": "made",
    "send": "sent",
    "call": "called",
    "complete": "completed",
    "onboard": "onboarded",
    "train": "trained",
    "certify": "certified",
    "log": "logged",
    "schedule": "scheduled",
    "generate": "generated",
    "qualify": "qualified",
    "acquire": "acquired",
    "land": "landed",
    "hire": "hired",
    "publish": "published",
    "meet": "met",
    "visit": "visited",
    "demo": "demoed",
    "deliver": "delivered",
    "ship": "shipped",
    "launch": "launched",
    "renew": "renewed",
    "upsell": "upsold",
    "source": "sourced",
    "create": "created",
    "host": "hosted",
    "attend": "attended",
    "pitch": "pitched",
    "present": "presented",
    "follow": "followed",
    "reach": "reached",
    "recruit": "recruited",
    "secure": "secured",
    "submit": "submitted",
    "update": "updated",
    "review": "reviewed",
    "convert": "converted",
    "activate": "activated",
    "refer": "referred",
    "collect": "collected",
    "interview": "interviewed",
    "enrol": "enrolled",
    "enroll": "enrolled",
    "pass": "passed",
    "finish": "finished",
    "write": "written",
    "record": "recorded",
    "open": "opened",
    "register": "registered",
    "touch": "touched",
    "email": "emailed",
    "phone": "phoned",
    "prospect": "prospected",
    "engage": "engaged",
    "invite": "invited",
    "sell": "sold",
    "do": "done",
    "give": "given",
    "handle": "handled",
    "resolve": "resolved",
    "answer": "answered",
    "identify": "identified",
    "map": "mapped",
    "build": "built",
    "test": "tested",
    "expand": "expanded",
}
VERB_OF_PARTICIPLE: dict[str, str] = {}
for _verb, _participle in PARTICIPLES.items():
    VERB_OF_PARTICIPLE.setdefault(_participle, _verb)

#: Words that join an amount to what it is of: "Book $50k in new business".
AMOUNT_LINKS = ("in", "of", "worth of", "worth")

#: Period words of a quota, English (after every / per / each / a) and Chinese (after 每).
PERIOD_WORDS: dict[str, Period | None] = {
    "week": Period.WEEK,
    "weeks": Period.WEEK,
    "wk": Period.WEEK,
    "weekly": Period.WEEK,
    "month": Period.MONTH,
    "months": Period.MONTH,
    "mo": Period.MONTH,
    "monthly": Period.MONTH,
    "周": Period.WEEK,
    "星期": Period.WEEK,
    "礼拜": Period.WEEK,
    "月": Period.MONTH,
    "个月": Period.MONTH,
}
#: Period words that mean the whole (quarter-long) cycle: "30 contracts per quarter" is
#: 30 contracts by the cycle's end.
QUARTER_WORDS = frozenset({"quarter", "qtr", "quarterly", "季度", "季"})
#: Adverbs and nouns read as a period even when unknown, so "every day" is refused by name.
TIME_WORDS = frozenset(
    {"day", "days", "daily", "year", "years", "yearly", "annually", "fortnight", "fortnightly"}
    | {"biweekly", "hourly", "hour", "sprint", "weekday", "quarters", "annum"}
    | {"天", "日", "年", "小时", "双周", "半年", "季"}
)
LY_WORDS = frozenset(
    {"weekly", "monthly", "quarterly", "daily", "yearly", "annually", "biweekly", "hourly"}
    | {"fortnightly"}
)

#: Chinese measure words a count's number carries (50个潜在客户, 10单, 30家).
MEASURE_WORDS = "个单家次位场名笔份项条件人篇封通"

#: Chinese verbs that make a number grow, bring it down, or hold it.
ZH_UP = ("增长", "提高", "提升", "增加", "上升", "扩大", "增至", "提至", "达到")
ZH_DOWN = ("降低", "减少", "下降", "缩短", "压缩", "降至", "减至", "缩减", "控制")
ZH_ABOVE = ("以上", "之上", "及以上")
ZH_BELOW = ("以下", "之下", "以内", "及以下")

# --- what a refusal says (English, Chinese) --------------------------------------------------

#: One example of each form, shown under a sentence the bot cannot read.
EXAMPLES = {
    "en": (
        "Increase revenue from $1M to $1.2M · Grow sales 20% over $1M · Sign 30 contracts · "
        "Contact 50 prospects every week · Keep churn below 3% · "
        "Launch the partner program by 15 Nov"
    ),
    "zh": (
        "季度销售额从100万元增长到120万元 · 销售额在100万元基础上增长20% · 签约30单 · "
        "每周联系50个潜在客户 · 客户流失率保持在3%以下 · 11月15日前上线渠道合作计划"
    ),
}
EXAMPLES_LEAD = {"en": "Write it like: ", "zh": "例如："}
#: Why a sentence is refused, by key: (English, Chinese), with `{placeholders}`.
MESSAGES = {
    "empty": (
        "Type the key result as one sentence.",
        "请用一句话写出关键结果。",
    ),
    "long": (
        "Keep the sentence to 150 characters (this one has {count}); put the detail in the "
        "objective's why.",
        "请把这句话控制在150个字符以内（现在有{count}个）；细节可写在目标的说明里。",
    ),
    "two_numbers": (
        "Two numbers and no “from … to”: say which is the start and which the target "
        "(from $1M to $1.2M), or keep one number.",
        "有两个数字却没有“从……到……”：请写明起点和目标（从100万元增长到120万元），或只保留一个数字。",
    ),
    "period": (
        "“{word}” is not a period I know for a quota: write every week or every month.",
        "配额的周期“{word}”无法识别：请写每周或每月。",
    ),
    "no_base": (
        "{pct} of what? A relative target needs the start it grows from: "
        "Grow quarterly sales 20% over $1M.",
        "{pct}是相对于多少？相对目标需要写明基数：销售额在100万元基础上增长20%。",
    ),
    "due_outside": (
        "The due date {due} falls outside this cycle ({first} to {last}): pick a day inside it.",
        "截止日期{due}不在本周期内（{first}至{last}）：请选周期内的一天。",
    ),
    "due_with_number": (
        "A due date is for a milestone (a sentence without numbers); a number is due at the "
        "cycle's end: drop “{due}”.",
        "截止日期只用于里程碑（不含数字的句子）；数字目标在周期结束时考核：请去掉“{due}”。",
    ),
    "no_start": (
        "Say where it starts: Reduce the sales cycle from 60 to 45 days.",
        "请写明起点：销售周期从60天缩短到45天。",
    ),
    "no_title": (
        "Name what the numbers measure: Increase quarterly revenue from $1M to $1.2M.",
        "请写明数字衡量的是什么：季度销售额从100万元增长到120万元。",
    ),
    "quota_form": (
        "A quota is one number per period: Contact 50 prospects every week.",
        "配额是每个周期的一个数字：每周联系50个潜在客户。",
    ),
    "side": (
        "Say whether to stay above or below it: Keep churn below 3%.",
        "请写明保持在以上还是以下：客户流失率保持在3%以下。",
    ),
    "unread": (
        "I could not read this as a key result.",
        "无法把这句话读成关键结果。",
    ),
}

# --- Chinese numerals (三十, 一百二十万, 百分之三十) -----------------------------------------

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_ZH_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_MYRIADS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
ZH_NUMERAL = re.compile(
    r"(百分之)?([零〇一二两三四五六七八九十百千]+(?:[万萬亿億][零〇一二两三四五六七八九十百千]*)*"
    r"(?:点[零〇一二两三四五六七八九]+)?[万萬亿億]?)"
)


def zh_number(text: str) -> Decimal | None:
    """The value of a Chinese numeral (三十 = 30, 一百二十万 = 1,200,000, 一点五 = 1.5), None
    when `text` is not one (a lone 一 in 统一 is read by the caller's context, not here)."""
    whole, dot, fraction = text.partition("点")
    scale = 1
    if fraction and fraction[-1] in _ZH_MYRIADS:
        scale, fraction = _ZH_MYRIADS[fraction[-1]], fraction[:-1]
    if dot and not (fraction and all(ch in _ZH_DIGITS for ch in fraction)):
        return None
    total = section = top = 0
    digit: int | None = None
    for ch in whole:
        if ch in _ZH_DIGITS:
            if digit:
                return None  # 三五: two digits in a row is not a numeral
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        elif ch in _ZH_MYRIADS:
            myriad, group = _ZH_MYRIADS[ch], section + (digit or 0)
            if myriad < top:  # 一亿零一万: the 万 group adds to the 亿 already counted
                total += group * myriad
            else:  # 一万亿: 亿 scales everything before it
                total, top = (total + group) * myriad, myriad
            section, digit = 0, None
        else:
            return None
    value = Decimal(total + section + (digit or 0))
    if fraction:
        value += Decimal("0." + "".join(str(_ZH_DIGITS[ch]) for ch in fraction))
    return value * scale


def zh_numerals_to_digits(text: str) -> str:
    """`text` with its Chinese numerals written in digits where they are numbers (百分之三十 is
    30%, 五十个 50个, 一百二十万元 1200000元); a 一 inside a word (统一, 一起) stays."""

    def replace(match: re.Match[str]) -> str:
        percent, numeral = match[1], match[2]
        after = text[match.end() : match.end() + 1]
        before = text[max(0, match.start() - 1) : match.start()]
        measured = after != "" and after in MEASURE_WORDS + "元块美欧英日港天周月小"
        bounded = before != "" and before in "从到在至于过约共"
        counted = measured or bounded or bool(percent) or after in ("", "%", "到", "以")
        if numeral in ("一", "万", "千万"):  # 统一, 一起, 万一: words, unless they count
            counted = measured or bounded or bool(percent)
        if not counted:
            return match[0]
        value = zh_number(numeral)
        if value is None:
            return match[0]
        digits = format(value.normalize(), "f")
        return f"{digits}%" if percent else digits

    return ZH_NUMERAL.sub(replace, text)
