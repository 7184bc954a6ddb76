"""The export's rows and its two formats, CSV and JSON. Pure: rows in, bytes out.

The CSV is one table, one row per record, so it opens in Excel, Sheets or Numbers ready
to filter, sort and pivot (sections of different columns would break all three): the
`record` column says what a row is, `objective`, `key_result`, `check_in` or
`target_revision`, and every row repeats its objective's and key result's columns so a
filter on one record kind still reads alone. Values are plain numbers (a percent in
percent points, money in its currency's units) with the unit in its own columns, so a
spreadsheet can sum them. It is UTF-8 with a byte-order mark: without one Excel reads a
CSV in the machine's legacy code page and shows Chinese names as mojibake; Sheets,
Numbers and LibreOffice read the mark and drop it. Text cells that start with = + - @
get a leading apostrophe, so a title or note is never run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

#: What a CSV row is.
OBJECTIVE, KEY_RESULT, CHECK_IN, REVISION = "objective", "key_result", "check_in", "target_revision"

COLUMNS = (
    "record",
    "cycle",
    "team",
    "objective_id",
    "objective",
    "objective_level",
    "objective_owner_id",
    "objective_owner",
    "key_result_id",
    "key_result",
    "kind",
    "kr_owner_id",
    "kr_owner",
    "unit",
    "currency",
    "unit_word",
    "start",
    "target",
    "original_target",
    "current",
    "confidence",
    "at",
    "by_id",
    "by",
    "value",
    "quota_period",
    "note",
    "edited",
    "old_target",
    "new_target",
    "reason",
)
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CheckInRow:
    at: datetime
    by_id: str
    by: str
    value: float
    confidence: str | None
    note: str
    quota_period: str | None
    edited: bool


@dataclass(frozen=True)
class RevisionRow:
    at: datetime
    by_id: str
    by: str
    old_target: float
    new_target: float
    reason: str


@dataclass(frozen=True)
class KeyResultRow:
    id: int
    title: str
    kind: str
    owner_id: str
    owner: str
    unit: str
    currency: str | None
    unit_word: str | None
    start: float
    target: float
    original_target: float
    current: float
    confidence: str | None
    check_ins: Sequence[CheckInRow] = field(default_factory=tuple)
    revisions: Sequence[RevisionRow] = field(default_factory=tuple)


@dataclass(frozen=True)
class ObjectiveRow:
    id: int
    cycle: str
    team: str
    title: str
    level: str
    owner_id: str
    owner: str
    key_results: Sequence[KeyResultRow] = field(default_factory=tuple)


def number(value: float | None) -> str:
    """12.0 -> "12", 0.125 -> "0.125": what a spreadsheet reads as that number."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def text(value: str | None) -> str:
    """A text cell that no spreadsheet runs as a formula."""
    if not value:
        return ""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _when(at: datetime) -> str:
    """UTC, ISO 8601 to the second ("2026-11-23 09:05:00"): Excel and Sheets read it."""
    return at.strftime("%Y-%m-%d %H:%M:%S")


def csv_rows(objectives: Sequence[ObjectiveRow]) -> list[dict[str, str]]:
    """The CSV's rows as column -> cell, in the objectives' order, each KR's records by time."""
    rows: list[dict[str, str]] = []
    for o in objectives:
        base = {
            "cycle": text(o.cycle),
            "team": text(o.team),
            "objective_id": str(o.id),
            "objective": text(o.title),
            "objective_level": o.level,
            "objective_owner_id": o.owner_id,
            "objective_owner": text(o.owner),
        }
        rows.append({"record": OBJECTIVE, **base})
        for kr in o.key_results:
            kr_cells = {
                **base,
                "key_result_id": str(kr.id),
                "key_result": text(kr.title),
                "kind": kr.kind,
                "kr_owner_id": kr.owner_id,
                "kr_owner": text(kr.owner),
                "unit": kr.unit,
                "currency": kr.currency or "",
                "unit_word": text(kr.unit_word),
                "start": number(kr.start),
                "target": number(kr.target),
                "original_target": number(kr.original_target),
            }
            rows.append(
                {
                    "record": KEY_RESULT,
                    **kr_cells,
                    "current": number(kr.current),
                    "confidence": kr.confidence or "",
                }
            )
            events: list[tuple[datetime, dict[str, str]]] = [
                (c.at, {"record": CHECK_IN, **kr_cells, **_check_in(c)}) for c in kr.check_ins
            ]
            events += [
                (r.at, {"record": REVISION, **kr_cells, **_revision(r)}) for r in kr.revisions
            ]
            rows += [cells for _, cells in sorted(events, key=lambda e: e[0])]
    return rows


def _check_in(c: CheckInRow) -> dict[str, str]:
    return {
        "at": _when(c.at),
        "by_id": c.by_id,
        "by": text(c.by),
        "value": number(c.value),
        "confidence": c.confidence or "",
        "quota_period": c.quota_period or "",
        "note": text(c.note),
        "edited": "yes" if c.edited else "",
    }


def _revision(r: RevisionRow) -> dict[str, str]:
    return {
        "at": _when(r.at),
        "by_id": r.by_id,
        "by": text(r.by),
        "old_target": number(r.old_target),
        "new_target": number(r.new_target),
        "reason": text(r.reason),
    }


def to_csv(objectives: Sequence[ObjectiveRow]) -> bytes:
    """The CSV file: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(objectives))
    return (BOM + out.getvalue()).encode("utf-8")


def to_json(objectives: Sequence[ObjectiveRow]) -> bytes:
    """The same data nested (objectives > key results > check-ins and revisions), UTF-8."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    data = {"objectives": [plain(asdict(o)) for o in objectives]}
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def file_name(cycle: str, team: str | None, extension: str) -> str:
    """ "okr-FY2027-Q1-Nordics.csv": safe in every file system."""
    parts = ["okr", cycle] + ([team] if team else [])
    stem = "-".join(parts)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    return f"{safe}.{extension}"
