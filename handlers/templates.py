"""The sales templates of the objective modal: which are offered, and what one fills in,
in the person's language (okr.kr_templates; the files are read by storage.templates)."""

from __future__ import annotations

from blocks.objective_form import Choice
from okr.kr_templates import Template
from storage.context import Deps
from storage.templates import load_templates

#: `/okr set template` (and its Chinese) opens the modal on the template picker.
TEMPLATE_WORDS = frozenset({"template", "templates", "模板"})


def _templates(deps: Deps) -> list[Template]:
    return load_templates(deps.templates_dir)


def template_choices(deps: Deps, lang: str) -> list[Choice]:
    """The templates to offer, named in `lang`."""
    return [Choice(t.id, t.text(lang).name) for t in _templates(deps)][:100]


def template_state(deps: Deps, key: str, lang: str) -> tuple[str, str, list[str]] | None:
    """(objective title, why it matters, key-result sentences) of template `key` in
    `lang`; None when there is no such template."""
    for template in _templates(deps):
        if template.id == key:
            text = template.text(lang)
            return text.title, text.why, list(text.krs)
    return None
