"""The Chinese catalog is complete: every string the code marks is translated, none fuzzy,
each translation keeps its source's placeholders, and the compiled catalog that ships is
the one the .po file gives."""

from __future__ import annotations

import gettext

from bot.catalog import check, compiled, mo_path, placeholders, read_catalog, update
from okr.i18n import ZH, _, in_lang, lang_of_locale, reader_lang, use_lang


def test_every_marked_string_is_translated_with_its_placeholders() -> None:
    problems = check(update())
    assert not problems, "run `okr-bot catalog` and translate:\n" + "\n".join(problems.lines())


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    shipped = gettext.GNUTranslations(mo_path().open("rb"))
    fresh_bytes = compiled(read_catalog())
    assert mo_path().read_bytes() == fresh_bytes or shipped._catalog == _catalog(fresh_bytes)


def _catalog(data: bytes) -> dict[object, str]:
    from io import BytesIO

    return gettext.GNUTranslations(BytesIO(data))._catalog


def test_placeholders_are_named_fields_only() -> None:
    assert placeholders("{owner} moved {kr}, {{literal}}") == {"owner", "kr"}
    assert placeholders("{value:,} of {target!s}") == {"value", "target"}


def test_languages_from_slack_locales_and_choices() -> None:
    assert [lang_of_locale(x) for x in ("zh-CN", "zh-TW", "zh_HK", "en-US", "ja-JP", None)] == [
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]
    assert reader_lang("en", "zh-CN") == "en"
    assert reader_lang(None, "zh-CN") == "zh"
    assert reader_lang("klingon", "en-GB") == "en"


def test_use_lang_is_scoped_and_english_is_the_source() -> None:
    with use_lang(ZH) as lang:
        assert lang == ZH
    assert _("no reading yet") == "no reading yet"
    assert in_lang("en", "no reading yet") == "no reading yet"
