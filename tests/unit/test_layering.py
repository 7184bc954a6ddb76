"""DESIGN.md's four floors: imports point down only, and the pure floors do no I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOOR = {
    "okr": 0,
    "blocks": 1,
    "storage": 1,
    "handlers": 2,
    "scheduler": 2,
    "bot": 3,
    "sandbox": 4,
}
#: The command line is the one way in: it may start any floor (`okr-bot sandbox`).
ENTRY_POINTS = {"bot/cli.py"}
#: What the pure floors may import besides the standard library and lower floors.
#: Babel is the locale data (CLDR) the display rules format with: data, no I/O of its own.
PURE_ALLOWED = {"okr": {"holidays", "babel"}, "blocks": {"slack_sdk.models"}}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FLOOR))
def test_imports_point_down(package: str) -> None:
    wrong = []
    for path in _modules(package):
        if str(path.relative_to(ROOT)) in ENTRY_POINTS:
            continue
        for name in _imports(path):
            top = name.split(".")[0]
            if top in FLOOR and top != package and FLOOR[top] >= FLOOR[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "imports must point to a lower floor:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", sorted(PURE_ALLOWED))
def test_pure_floors_import_no_io(package: str) -> None:
    wrong = []
    for path in _modules(package):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in FLOOR:
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in PURE_ALLOWED[package]):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, f"{package}/ must stay pure:\n" + "\n".join(wrong)


#: What a floor may not import at all, even for a type: handlers reach the database only
#: through storage's functions (and the types storage.engine names for them).
FORBIDDEN = {"handlers": ("sqlalchemy", "sqlmodel")}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_forbidden_imports(package: str) -> None:
    wrong = []
    for path in _modules(package):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, f"{package}/ must use storage/ for queries:\n" + "\n".join(wrong)


def test_every_floor_is_checked() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages == set(FLOOR)
