"""The dependency surfaces (warning, Discuss thread, monthly review, map, Home section,
digest lines) are valid Block Kit within Slack's limits in both languages, and in Chinese
none of their own sentences is left in English."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from blocks.dependency_home import dependency_section
from blocks.dependency_map import map_message
from blocks.dependency_review import review_message
from blocks.dependency_text import waiting_blocks
from blocks.dependency_warning import discuss_message, warning_message
from okr.dependency_status import AT_RISK, DependencyLine
from okr.i18n import use_lang
from okr.outline import CheckInNote, KRLine, TreeNode
from tests.unit.test_blocks_display import make_kr
from tests.unit.test_i18n_checkin import check_block, visible

SALES, MARKETING = 1, 2
NOTE = "Campaign budget cut"


def line(dependency_id: int = 7, *, acknowledged_by: str | None = None) -> DependencyLine:
    upstream = replace(
        make_upstream(),
        confidence=AT_RISK,
        checkins=(
            CheckInNote(1, 110, AT_RISK, NOTE, "U0AAA1", datetime(2026, 11, 24, tzinfo=UTC)),
        ),
    )
    return DependencyLine(
        id=dependency_id,
        upstream=upstream,
        upstream_team_id=MARKETING,
        upstream_team="Marketing",
        downstream_title="Contact prospects",
        downstream_owner="U0SALES",
        downstream_team_id=SALES,
        downstream_team="Sales",
        need="200 MQLs a month from campaigns",
        acknowledged_by=acknowledged_by,
        recorded=AT_RISK,
        changes=1,
    )


def make_upstream() -> KRLine:
    return make_kr(3, title="Generate MQLs", unit="number", currency=None, target=200, current=110)


def surfaces() -> dict[str, dict[str, Any]]:
    lines = [line(), line(8, acknowledged_by="U0MLEAD")]
    root = TreeNode(1, "Double revenue", "company", "U0CEO", None, 0.4)
    return {
        "warning": warning_message(lines[0], AT_RISK),
        "discuss": discuss_message(lines[0], "U0SALES"),
        "discuss by a lead": discuss_message(lines[0], "U0SLEAD"),
        "review": review_message("Thu 8 Oct 2026", {SALES}, lines),
        "map": map_message("Q4 2026", [root], lines),
        "home": {"blocks": dependency_section(SALES, lines, room=5)},
        "digest": {"blocks": waiting_blocks(lines)},
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_surface_is_valid_block_kit(lang: str) -> None:
    with use_lang(lang):
        built = surfaces()
    for name, message in built.items():
        assert message["blocks"], name
        assert len(message["blocks"]) <= 50
        for block in message["blocks"]:
            check_block(block)


ENGLISH = (
    "depends on",
    "Latest note",
    "What we need",
    "Depending on it",
    "Discuss",
    "acknowledged",
    "We depend on",
    "Depends on us",
    "Waiting on other teams",
    "Cross-team",
    "Company map",
    "between teams",
    "opened a thread",
)


def test_in_chinese_no_sentence_of_these_surfaces_is_left_in_english() -> None:
    with use_lang("zh"):
        built = surfaces()
    for name, message in built.items():
        text = "\n".join(visible(message))
        left = [phrase for phrase in ENGLISH if phrase in text]
        assert not left, (name, left)
        assert NOTE in text or name in ("map", "home") or name.startswith("discuss"), (
            name
        )  # typed text as typed
    with use_lang("en"):
        english = "\n".join(visible(surfaces()["warning"]))
    assert "Latest note from <@U0AAA1>: “Campaign budget cut”" in english
    with use_lang("en"):
        by_owner = "\n".join(visible(surfaces()["discuss"]))
        by_lead = "\n".join(visible(surfaces()["discuss by a lead"]))
    assert "<@U0AAA1>: <@U0SALES> opened a thread" in by_owner and "<@U0SALES>:" not in by_owner
    assert "<@U0AAA1>, <@U0SALES>: <@U0SLEAD> opened a thread" in by_lead
