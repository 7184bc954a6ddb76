"""manifest.yml against Slack's published manifest schema, vendored under
tests/slack_schema/ (MIT, from slackapi/manifest-schema) so any clone validates it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.scopes import REQUIRED_BOT_SCOPES
from handlers.okr_command import COMMAND

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "slack_schema" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_manifest_is_valid(manifest: dict[str, Any], validator: Any) -> None:
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_catches_a_broken_manifest(manifest: dict[str, Any], validator: Any) -> None:
    """The check can fail: a command without its slash and an unknown key are reported."""
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "okr"
    broken["display_information"]["colour"] = "blue"
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("'okr' does not match" in m for m in messages)
    assert any("colour" in m for m in messages)


def test_manifest_declares_what_the_bot_uses(manifest: dict[str, Any]) -> None:
    assert manifest["_metadata"]["major_version"] == 1
    assert manifest["features"]["bot_user"]["display_name"]
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [COMMAND]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_doctor_checks_the_manifest_scopes(manifest: dict[str, Any]) -> None:
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == REQUIRED_BOT_SCOPES
