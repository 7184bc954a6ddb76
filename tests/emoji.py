"""Emoji names Slack knows, and the `:name:` codes a payload uses.

A name Slack does not know is shown as its code (`:white_square:` reads as text), so the
suite fails on one: every payload sent to the fake Slack is checked when its test ends
(tests/conftest.py), and `tests/unit/test_emoji.py` checks the builders' source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

NAMES_FILE = Path(__file__).parent / "slack_emoji" / "emoji_names.txt"

# `:name:` runs (`:+1::skin-tone-2:`) not glued to a word or a colon, so "10:30:00" and
# "a:b:c" are not emoji.
_RUN = re.compile(r"(?<![\w:])((?::[a-z0-9_+'-]+:)+)(?![\w:])")
_NAME = re.compile(r":([^:]+):")


@cache
def slack_emoji() -> frozenset[str]:
    """The short names of Slack's standard emoji (tests/slack_emoji/README.md)."""
    return frozenset(line.strip() for line in NAMES_FILE.read_text().splitlines() if line)


def codes_in(payload: Any) -> set[str]:
    """Every `:name:` in the strings of `payload` (nested dicts and lists included)."""
    found: set[str] = set()
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            for run in _RUN.findall(item):
                found.update(_NAME.findall(run))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def unknown(names: Iterable[str]) -> set[str]:
    """The names Slack would show as plain text."""
    return set(names) - slack_emoji()
