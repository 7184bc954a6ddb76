"""Reading the OKR template files: the ones shipped in `okr/templates/` and a workspace's own
folder (`OKR_TEMPLATES_DIR`). The parsing and checks are okr.kr_templates; this module only
reads files, so the pure floor stays free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from okr.kr_templates import (
    Template,
    TemplateFileError,
    TemplateProblem,
    check_template,
    merged,
    parse_templates,
)

SHIPPED_PACKAGE = "okr"
SHIPPED_FOLDER = "templates"


@dataclass(frozen=True)
class TemplateFolder:
    """What one folder's `*.toml` files hold, and what is wrong in them."""

    templates: tuple[Template, ...] = ()
    problems: tuple[TemplateProblem, ...] = field(default=())


@cache
def shipped_templates() -> tuple[Template, ...]:
    """The templates that come with the bot, in file-name order (read once: they are part
    of the installed package)."""
    folder = resources.files(SHIPPED_PACKAGE).joinpath(SHIPPED_FOLDER)
    templates: list[Template] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            text = entry.read_text(encoding="utf-8")
            templates.extend(parse_templates(text, f"{SHIPPED_FOLDER}/{entry.name}"))
    return tuple(templates)


def read_folder(folder: Path) -> TemplateFolder:
    """Every template in `folder`'s `*.toml` files (not its subfolders), each sentence
    checked; a file that cannot be read, or a template with a sentence that does not parse,
    is left out and named in `problems`."""
    if not folder.is_dir():
        problem = TemplateProblem(str(folder), "no such folder")
        return TemplateFolder(problems=(problem,))
    templates: list[Template] = []
    problems: list[TemplateProblem] = []
    files = sorted(folder.glob("*.toml"))
    if not files:
        problems.append(TemplateProblem(str(folder), "no *.toml template files in it"))
    for path in files:
        try:
            found = parse_templates(path.read_text(encoding="utf-8"), str(path))
        except (TemplateFileError, UnicodeDecodeError, OSError) as exc:
            problem = getattr(exc, "problem", None) or TemplateProblem(str(path), str(exc))
            problems.append(problem)
            continue
        for template in found:
            wrong = check_template(template)
            problems.extend(wrong)
            if not wrong:
                templates.append(template)
    return TemplateFolder(tuple(templates), tuple(problems))


def load_templates(own_folder: Path | None) -> list[Template]:
    """The templates `/okr set` offers: the shipped ones, then a workspace's own from
    `own_folder` (one with a shipped id replaces it); broken ones are left out (`okr-bot
    templates --dir` names them)."""
    own = read_folder(own_folder).templates if own_folder is not None else ()
    return merged(shipped_templates(), own)
