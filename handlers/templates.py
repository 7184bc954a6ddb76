"""The sales templates of the objective modal: which are offered, and what one fills in,
in the person's language. The templates themselves (data files shipped in the package, and
a workspace's own folder) are `okr.kr_templates`'."""

from __future__ import annotations

from blocks.objective_form import Choice
from storage.context import Deps

#: `/okr set template` (and its Chinese) opens the modal on the template picker.
TEMPLATE_WORDS = frozenset({"template", "templates", "模板"})


def template_choices(deps: Deps, lang: str) -> list[Choice]:
    """The templates to offer, named in `lang`."""
    return []


def template_state(deps: Deps, key: str, lang: str) -> tuple[str, str, list[str]] | None:
    """(objective title, why it matters, key-result sentences) of template `key` in
    `lang`; None when there is no such template."""
    return None
