"""README's Settings table says what bot/config.py enforces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import HINTS, MIN_SIGNING_SECRET_CHARS, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _settings_rows() -> dict[str, str]:
    """{variable: its row} of the Settings table."""
    section = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {
        match.group(1): line
        for line in section.splitlines()
        if (match := re.match(r"\| `([A-Z_]+)` \|", line))
    }


def test_every_setting_is_in_the_table() -> None:
    assert sorted(_settings_rows()) == sorted(HINTS)


def test_the_signing_secrets_minimum_length_is_documented_and_enforced() -> None:
    row = _settings_rows()["SLACK_SIGNING_SECRET"]
    assert f"at least {MIN_SIGNING_SECRET_CHARS} characters" in row
    shortest = "s" * MIN_SIGNING_SECRET_CHARS
    assert _with_secret(f" {shortest} ").slack_signing_secret == shortest
    with pytest.raises(ValidationError, match=f"shorter than {MIN_SIGNING_SECRET_CHARS} char"):
        _with_secret(f" {shortest[1:]} ")


def _with_secret(secret: str) -> Settings:
    values: dict[str, object] = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": secret}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
