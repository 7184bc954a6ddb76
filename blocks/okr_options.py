"""Options for the modal's searchable selects (answered by options listeners)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.mrkdwn import truncate
from okr.i18n import N_, _

MAX_OPTIONS = 100
_LEVEL_TAG = {"company": N_("Company"), "team": N_("Team"), "personal": N_("Personal")}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": truncate(label, 75)}, "value": value}


def objective_options(objectives: Sequence[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """(id, level, title) as options labelled "[Company] Grow ARR", at most 100.

    plain_text needs no mrkdwn escaping: Slack shows it literally."""
    return [
        _option(str(oid), f"[{_(_LEVEL_TAG[level]) if level in _LEVEL_TAG else level}] {title}")
        for oid, level, title in objectives[:MAX_OPTIONS]
    ]


def team_options(teams: Sequence[tuple[int, str]], typed: str) -> list[dict[str, Any]]:
    """Teams whose name contains what was typed (any case), at most 100."""
    needle = typed.strip().lower()
    return [_option(str(tid), name) for tid, name in teams if needle in name.lower()][:MAX_OPTIONS]
