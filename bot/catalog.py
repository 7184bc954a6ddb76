"""`okr-bot catalog`: extract every translatable string, update the Chinese catalog, compile
it, and (`--check`) fail on what a translator still owes.

The same as `pybabel extract -F babel.cfg -k N_ -k pgettext:1c,2 --no-location
--sort-output -o okr/locale/messages.pot .`, `pybabel update --no-fuzzy-matching
--ignore-obsolete -i okr/locale/messages.pot -d okr/locale -l zh_CN` and `pybabel compile
-d okr/locale`, but deterministic: entries sorted, no source lines and fixed header dates,
so two branches that add strings merge without rewriting each other's entries.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from okr.i18n import DOMAIN, LOCALE_DIR, LOCALES, ZH

ROOT = LOCALE_DIR.parent.parent
#: The packages whose strings people read (the CLI's own messages stay English).
PACKAGES = ("okr", "blocks", "handlers", "scheduler", "storage", "bot")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str = ZH) -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str = ZH) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    """Every string the code passes to `_`, `N_`, `ngettext` or `pgettext`."""
    template = Catalog(
        project="okr-bot", creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False
    )
    for package in PACKAGES:
        found = extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for _filename, _lineno, message, comments, context in found:
            template.add(message, None, auto_comments=comments, context=context)
    return template


def read_catalog(lang: str = ZH) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang])


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@dataclass
class Problems:
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.fuzzy or self.placeholders)

    def lines(self) -> list[str]:
        return (
            [f"untranslated: {m!r}" for m in self.missing]
            + [f"fuzzy: {m!r}" for m in self.fuzzy]
            + [f"placeholders differ: {m}" for m in self.placeholders]
        )


def check(catalog: Catalog) -> Problems:
    """What a translator still owes: untranslated or fuzzy entries, and translations whose
    `{placeholders}` are not their source's."""
    problems = Problems()
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
        texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
        shown = sources[0]
        if not all(texts):
            problems.missing.append(shown)
            continue
        if message.fuzzy:
            problems.fuzzy.append(shown)
        wanted = set().union(*(placeholders(s) for s in sources))
        for text in texts:
            if placeholders(text) != wanted:
                problems.placeholders.append(f"{shown!r} -> {text!r}")
    return problems


def update(lang: str = ZH) -> Catalog:
    """The catalog of `lang` with every current string, translations kept, none fuzzy."""
    template = extract()
    path = po_path(lang)
    if path.exists():
        catalog = read_catalog(lang)
    else:
        catalog = Catalog(locale=LOCALES[lang], project="okr-bot", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    return catalog


def write(catalog: Catalog, lang: str = ZH) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, extract(), no_location=True, sort_output=True, width=100)
    with path.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)
    mo_path(lang).write_bytes(compiled(catalog))


def compiled(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main(check_only: bool = False) -> int:
    catalog = update() if not check_only else read_catalog()
    if not check_only:
        write(catalog)
    problems = check(update())
    for line in problems.lines():
        print(f"okr-bot catalog: {line}", file=sys.stderr)
    total = sum(1 for m in catalog if m.id)
    print(f"{po_path().relative_to(ROOT)}: {total} messages, {len(problems.missing)} untranslated")
    return 1 if problems else 0
