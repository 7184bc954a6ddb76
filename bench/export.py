"""Export and calendar costs, pure code only (no database, no Slack):

(1) formatting an export of 100 objectives x 3 key results x 12 weekly check-ins (3,900
    rows) as CSV and as JSON, median of 9 runs;
(2) one owner's calendar-aware check-in slot (okr.calendar.working_slot) against the plain
    weekly slot it replaces, on a working day and on a Chinese holiday week, per call.

    .venv/bin/python bench/export.py
"""

from __future__ import annotations

import statistics
import sys
import timeit
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from okr.calendar import NO_DAYS_OFF, WorkCalendar, working_slot
from okr.export import CheckInRow, KeyResultRow, ObjectiveRow, to_csv, to_json
from okr.rhythm import weekly_slot

START = datetime(2026, 10, 5, 9, tzinfo=UTC)


def objectives() -> list[ObjectiveRow]:
    def reading(w: int) -> CheckInRow:
        at = START + timedelta(weeks=w)
        return CheckInRow(at, "U1", "王伟", 1e5 * w, "on_track", "展会", None, False)

    def kr(o: int, k: int) -> KeyResultRow:
        readings = tuple(reading(w) for w in range(12))
        return KeyResultRow(
            *(o * 10 + k, f"KR {k}", "increase", "U1", "王伟", "currency", "USD", None),
            *(0, 1.2e6, 1.2e6, 1.03e6, "on_track"),
            check_ins=readings,
        )

    def objective(o: int) -> ObjectiveRow:
        krs = tuple(kr(o, k) for k in range(3))
        return ObjectiveRow(o, "FY2026 Q4", "上海", f"Objective {o}", "team", "U1", "王伟", krs)

    return [objective(o) for o in range(100)]


def median_ms(run: object, times: int = 9) -> float:
    return statistics.median(timeit.repeat(run, number=1, repeat=times)) * 1000  # type: ignore[arg-type]


def per_call_us(run: object, calls: int = 5000) -> float:
    return min(timeit.repeat(run, number=calls, repeat=3)) / calls * 1e6  # type: ignore[arg-type]


def main() -> None:
    data = objectives()
    size = len(to_csv(data))
    print(f"(1) CSV of 3,900 rows: {median_ms(lambda: to_csv(data)):.0f} ms, {size:,} bytes")
    print(f"    JSON of the same: {median_ms(lambda: to_json(data)):.0f} ms")
    cn = WorkCalendar("CN")
    working = datetime(2026, 11, 23, 1, tzinfo=UTC)
    golden = datetime(2026, 10, 5, 1, tzinfo=UTC)
    plain = per_call_us(lambda: weekly_slot(working, "Asia/Shanghai", 0, "09:00"))
    none = per_call_us(lambda: working_slot(working, "Asia/Shanghai", 0, "09:00", NO_DAYS_OFF))
    day = per_call_us(lambda: working_slot(working, "Asia/Shanghai", 0, "09:00", cn))
    moved = per_call_us(lambda: working_slot(golden, "Asia/Shanghai", 0, "09:00", cn))
    print(f"(2) weekly slot {plain:.1f} us; calendar slot: none {none:.1f} us,")
    print(f"    CN working day {day:.1f} us, CN Golden Week (Monday -> Thursday) {moved:.1f} us")


if __name__ == "__main__":
    main()
