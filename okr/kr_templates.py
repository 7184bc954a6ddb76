"""Sales OKR templates: an objective and its key results as sentences, in English and Chinese.

A template is data a sales manager starts from and then edits the numbers of (`/okr set
template`). The shipped ones live in `okr/templates/*.toml`; a workspace adds its own in the
folder named by `OKR_TEMPLATES_DIR` (read by `storage.templates`). This module only turns the
text of such a file into `Template`s and checks that every sentence reads as a key result, so
`okr-bot templates` can name the file, template and sentence that does not.

A file holds one or more `[[template]]` tables:

    [[template]]
    id = "new-revenue"
    name.en = "New revenue"
    name.zh = "新增收入"
    title.en = "Grow new revenue"
    title.zh = "扩大新增收入"
    why.en = "New business funds next year's plan."
    why.zh = "新业务支撑明年的计划。"
    krs.en = ["Increase quarterly new revenue from $1M to $1.2M", "Sign 25 new contracts"]
    krs.zh = ["季度新增收入从100万元增长到120万元", "签约25单新业务"]

A language may be left out (the other one is shown instead); each language given needs a name,
a title and at least one key result.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from okr.kr_sentence import KRReading, SentenceProblem, read_kr

LANGS = ("en", "zh")
MAX_KRS = 10
"""The modal's rows: a template fills at most this many."""
TITLE_MAX = 150
WHY_MAX = 3000
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
#: The cycle a template's sentences are checked against: a quarter. A template is used in
#: every cycle, so it names no due date (a milestone is due at the cycle's end).
CHECK_CYCLE = (date(2026, 1, 1), date(2026, 3, 31))


@dataclass(frozen=True)
class TemplateText:
    """A template in one language."""

    name: str
    title: str
    why: str
    krs: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    id: str
    texts: Mapping[str, TemplateText]
    """By language (`en`, `zh`): at least one."""
    source: str = ""
    """The file it came from, for messages."""

    def line(self) -> str:
        """`new-revenue  New revenue / 新增收入  (5 key results)`, for a listing."""
        names = " / ".join(self.texts[lang].name for lang in LANGS if lang in self.texts)
        count = max(len(text.krs) for text in self.texts.values())
        return f"{self.id}  {names}  ({count} key results)"

    def text(self, lang: str) -> TemplateText:
        """The template in `lang`, else in the other language it has."""
        if lang in self.texts:
            return self.texts[lang]
        return next(self.texts[other] for other in LANGS if other in self.texts)


@dataclass(frozen=True)
class TemplateProblem:
    """Something wrong in a template file: where (file, template, sentence) and what."""

    source: str
    message: str
    template: str | None = None
    sentence: str | None = None

    def line(self) -> str:
        where = self.source
        if self.template:
            where += f": template {self.template!r}"
        if self.sentence is not None:
            where += f": {self.sentence!r}"
        return f"{where}: {self.message}"


class TemplateFileError(ValueError):
    """A template file that cannot be read at all (not TOML, or not shaped as templates)."""

    def __init__(self, problem: TemplateProblem) -> None:
        super().__init__(problem.line())
        self.problem = problem


def locale_lang(locale: str | None) -> str:
    """The template language for a Slack locale (`zh-CN`, `zh-TW` → zh; else en)."""
    return "zh" if (locale or "").lower().startswith("zh") else "en"


def parse_templates(text: str, source: str) -> list[Template]:
    """The templates in one file's `text`; TemplateFileError naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateFileError(TemplateProblem(source, f"not TOML: {exc}")) from None
    tables = data.get("template")
    if not isinstance(tables, list) or not tables:
        raise TemplateFileError(
            TemplateProblem(source, "no [[template]] tables: see okr/templates/ for the form")
        )
    return [_template(table, source, n) for n, table in enumerate(tables, start=1)]


def _template(table: Any, source: str, n: int) -> Template:
    name = table.get("id") if isinstance(table, dict) else None

    def wrong(message: str) -> TemplateFileError:
        return TemplateFileError(TemplateProblem(source, message, str(name or f"#{n}")))

    if not isinstance(table, dict):
        raise wrong("a template is a table of id, name, title, why and krs")
    if not isinstance(name, str) or not _ID.fullmatch(name):
        raise wrong("give it an id of lower-case letters, digits and dashes (new-revenue)")
    fields = {key: table.get(key, {}) for key in ("name", "title", "why", "krs")}
    for key, value in fields.items():
        if not isinstance(value, dict):
            raise wrong(f"{key} holds one entry per language: {key}.en = …, {key}.zh = …")
    texts: dict[str, TemplateText] = {}
    for lang in LANGS:
        given = {key: value.get(lang) for key, value in fields.items()}
        if all(v is None for v in given.values()):
            continue
        texts[lang] = _text(given, lang, wrong)
    if not texts:
        raise wrong("give it name, title and krs in en or zh")
    return Template(name, texts, source)


def _text(given: Mapping[str, Any], lang: str, wrong: Any) -> TemplateText:
    name, title, why, krs = (given[key] for key in ("name", "title", "why", "krs"))
    for key, value in (("name", name), ("title", title)):
        if not isinstance(value, str) or not value.strip():
            raise wrong(f"{key}.{lang} is missing")
    if len(title) > TITLE_MAX:
        raise wrong(f"title.{lang} is over {TITLE_MAX} characters")
    if why is not None and (not isinstance(why, str) or len(why) > WHY_MAX):
        raise wrong(f"why.{lang} is text of at most {WHY_MAX} characters")
    if not _sentences(krs) or not 1 <= len(krs) <= MAX_KRS:
        raise wrong(f"krs.{lang} is a list of 1 to {MAX_KRS} sentences")
    return TemplateText(name.strip(), title.strip(), (why or "").strip(), tuple(krs))


def _sentences(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) and s.strip() for s in value)


def check_template(template: Template) -> list[TemplateProblem]:
    """Every sentence of `template` that does not read as a key result (or names a due
    date, which would not fit every cycle), each with why."""
    problems = []
    for text in template.texts.values():
        for sentence in text.krs:
            reading = read_kr(sentence, cycle_start=CHECK_CYCLE[0], cycle_end=CHECK_CYCLE[1])
            message = _problem(reading)
            if message:
                problems.append(TemplateProblem(template.source, message, template.id, sentence))
    return problems


def _problem(reading: KRReading | SentenceProblem) -> str | None:
    if isinstance(reading, SentenceProblem):
        return reading.reason
    if reading.due is not None:
        return "a template is used in every cycle: leave the due date out (the cycle's end)"
    return None


def merged(shipped: Sequence[Template], own: Sequence[Template]) -> list[Template]:
    """The shipped templates with a workspace's own: one with a shipped id replaces it, new
    ones follow in their order."""
    by_id = {t.id: t for t in shipped}
    for template in own:
        by_id[template.id] = template
    return list(by_id.values())
