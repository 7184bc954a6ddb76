"""okr.export: numbers a spreadsheet reads as numbers, text it never runs as a formula,
one table with a BOM, and file names safe everywhere."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from okr.export import (
    COLUMNS,
    CheckInRow,
    KeyResultRow,
    ObjectiveRow,
    file_name,
    number,
    text,
    to_csv,
    to_json,
)

AT = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
KR = KeyResultRow(
    7,
    "New ARR",
    "increase",
    "U1",
    "王伟",
    "currency",
    "USD",
    None,
    0,
    1.2e6,
    1.2e6,
    1.03e6,
    None,
    check_ins=(CheckInRow(AT, "U1", "王伟", 1.03e6, "at_risk", "+2 deals", None, False),),
)
OBJECTIVE = ObjectiveRow(3, "FY2027 Q1", "上海", "Grow ARR", "team", "U1", "王伟", (KR,))


def test_numbers_are_plain() -> None:
    assert [number(v) for v in (12.0, 0.125, 1.03e6, None)] == ["12", "0.125", "1030000", ""]


def test_text_never_starts_a_formula() -> None:
    assert [text(t) for t in ("=SUM(A1)", "+1", "-2", "@x", "ok", None)] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "ok",
        "",
    ]


def test_one_table_with_a_bom_and_a_row_per_record() -> None:
    body = to_csv([OBJECTIVE])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [r["record"] for r in rows] == ["objective", "key_result", "check_in"]
    assert rows[2]["value"] == "1030000" and rows[2]["currency"] == "USD"
    assert rows[2]["note"] == "'+2 deals" and rows[2]["at"] == "2026-11-23 09:05:00"


def test_json_nests_the_same_data() -> None:
    data = json.loads(to_json([OBJECTIVE]))
    [kr] = data["objectives"][0]["key_results"]
    assert kr["check_ins"][0]["at"] == AT.isoformat() and kr["owner"] == "王伟"


def test_file_names_are_safe() -> None:
    assert file_name("FY2027 Q1", "EMEA/Sales", "csv") == "okr-FY2027-Q1-EMEA-Sales.csv"
    assert file_name("FY2027 Q1", None, "json") == "okr-FY2027-Q1.json"
