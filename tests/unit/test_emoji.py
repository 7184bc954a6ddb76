"""Emoji are Unicode characters or names Slack knows: the builders' source, and the checker
that tests/conftest.py runs on every payload sent to the fake Slack."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocks.objective_card import kr_text
from tests.emoji import codes_in, slack_emoji, unknown
from tests.unit.test_blocks_display import three_krs

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("blocks", "handlers", "scheduler", "okr", "bot")


def test_the_vendored_list_is_slacks() -> None:
    names = slack_emoji()
    assert len(names) > 1_500
    assert {"white_check_mark", "white_large_square", "large_green_circle", "tada", "+1"} <= names
    assert "white_square" not in names


@pytest.mark.parametrize("package", SOURCES)
def test_every_emoji_name_in_the_source_is_one_slack_knows(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    used = {name: path for path in files for name in codes_in(path.read_text())}
    assert not unknown(used), {name: str(used[name]) for name in unknown(used)}


def test_the_checker_finds_codes_and_ignores_times() -> None:
    payload = {"blocks": [{"text": {"text": ":tada: at 10:30:00 :white_square: not done"}}]}
    assert codes_in(payload) == {"tada", "white_square"}
    assert unknown(codes_in(payload)) == {"white_square"}
    assert codes_in(["a:b:c", "https://x.example:443/", ":+1::skin-tone-2:"]) == {
        "+1",
        "skin-tone-2",
    }


def test_a_milestone_not_done_uses_a_known_emoji() -> None:
    text = kr_text(three_krs()[2])
    assert ":white_large_square: not done" in text
    assert not unknown(codes_in(text))
