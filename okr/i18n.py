"""Which language a reader gets, and the one function every readable string goes through.

English is the source language; Chinese comes from the gettext catalog in
`okr/locale/zh_CN/LC_MESSAGES/messages.mo` (edited as `messages.po`, rebuilt with
`okr-bot catalog`). The language is a context variable, not a parameter: a handler or a
job sets it once for the reader it answers (`use_lang(...)`), and every builder below it,
down to the display rules' number formats, speaks that language. Each asyncio task has
its own copy, so two requests answered at once never see each other's language.

Strings are written with named placeholders filled after translation, so a translator can
move them: `_("{owner} checked in").format(owner=...)`. A string defined at import time
(a constant, an option label) is marked with `N_` and translated where it is shown.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

EN, ZH = "en", "zh"
LANGS = (EN, ZH)
DEFAULT_LANG = EN
#: The catalog (and Babel locale) of each language.
LOCALES = {EN: "en_US", ZH: "zh_CN"}
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("okr_lang", default=DEFAULT_LANG)


def current_lang() -> str:
    """The language of whatever is being built now ("en" or "zh")."""
    return _current.get()


def babel_locale() -> str:
    """The Babel / CLDR locale of the current language (`zh_CN`, `en_US`)."""
    return LOCALES[current_lang()]


def is_zh() -> bool:
    return current_lang() == ZH


@contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Build in `lang` inside the block (an unknown or missing one is English)."""
    chosen = lang if lang in LANGS else DEFAULT_LANG
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def set_lang(lang: str | None) -> str:
    """Set the language for the rest of the current task (a listener answering one person);
    returns the language chosen."""
    chosen = lang if lang in LANGS else DEFAULT_LANG
    _current.set(chosen)
    return chosen


def lang_of_locale(locale: str | None) -> str:
    """A Slack locale's language: `zh-CN`, `zh-TW` (and any `zh…`) read Chinese, the rest
    English."""
    return ZH if (locale or "").strip().lower().replace("_", "-").startswith("zh") else EN


def reader_lang(chosen: str | None, locale: str | None) -> str:
    """A person's language: what they chose with `/okr lang`, else their Slack locale's."""
    return chosen if chosen in LANGS else lang_of_locale(locale)


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (English, the source, translates nothing)."""
    if lang == EN or lang not in LOCALES:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, [LOCALES[lang]], fallback=True)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(current_lang()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular` / `plural` for `n`, in the current language."""
    return translations(current_lang()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (one English word, two Chinese ones)."""
    return translations(current_lang()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (a module constant)."""
    return message


def in_lang(lang: str, message: str) -> str:
    """`message` translated into `lang`, whatever the current language."""
    with use_lang(lang):
        return _(message)
