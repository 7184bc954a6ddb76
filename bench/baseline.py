"""The code of an older commit, run beside today's in the same benchmark run.

A bench that compares against "before this issue" exports that commit's tree from git (once
per process, into a temporary folder) and runs its own copy of the bench file there as a
child process, alternating with today's code so that load on the machine hits both alike.
The child imports its own okr/, blocks/, storage/ ... first (the bench files put their tree
at the front of sys.path), with this venv's packages.
"""

from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: main before issue 14 (languages): the English-only code path.
BEFORE_LANGUAGES = "891602a"


@lru_cache(maxsize=4)
def tree_of(ref: str) -> Path:
    """`ref`'s files in a temporary folder (removed when the process ends)."""
    folder = Path(tempfile.mkdtemp(prefix=f"okr-bench-{ref}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_at(ref: str, script: str, *args: str) -> str:
    """The output of `ref`'s own `script` (a path inside the tree) run with `args`."""
    tree = tree_of(ref)
    done = subprocess.run(
        [sys.executable, str(tree / script), *args],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def figure(output: str, pattern: str) -> float:
    """The first number `pattern` (a regex with one group) finds in a bench's output."""
    found = re.search(pattern, output)
    if found is None:
        raise SystemExit(f"no figure matching {pattern!r} in:\n{output}")
    return float(found[1])
