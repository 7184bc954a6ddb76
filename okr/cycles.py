"""Quarterly OKR cycles on a fiscal calendar, and where they start and end in real time.

Naming: a fiscal year is named by the calendar year in which it *ends*, as most companies
do (a fiscal year starting in February 2026 ends in January 2027 and is "FY2027"). With a
fiscal year starting in January the name is therefore just the calendar year ("FY2026 Q1" is
January-March 2026). Every name has the same shape, ``FY<year> Q<n>``, so names sort and read
alike whatever the fiscal calendar.

Bounds: a cycle runs from 00:00 local time on its first day to 00:00 local time on the day
after its last day, in the team's IANA time zone, converted to UTC with zoneinfo. Where a
zone skips midnight on a DST change (e.g. America/Santiago), 00:00 is read with the offset in
force before the change (PEP 495 ``fold=0``), which is exactly the instant the day begins.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CycleSpan:
    """A named cycle covering the calendar days ``start`` to ``end``, both included."""

    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"cycle {self.name!r} ends before it starts")

    def contains(self, day: date) -> bool:
        """Whether ``day`` (a local calendar date) falls inside the cycle."""
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        """Number of calendar days in the cycle."""
        return (self.end - self.start).days + 1


def _check_month(fiscal_year_start_month: int) -> None:
    if not isinstance(fiscal_year_start_month, int) or not 1 <= fiscal_year_start_month <= 12:
        raise ValueError(f"fiscal_year_start_month must be 1-12, got {fiscal_year_start_month!r}")


def _month_start(year: int, month_index: int) -> date:
    """First day of the month ``month_index`` months (0-based) after January of ``year``."""
    return date(year + month_index // 12, month_index % 12 + 1, 1)


def _fiscal_name_year(first_calendar_year: int, fiscal_year_start_month: int) -> int:
    """Calendar year in which a fiscal year beginning in ``first_calendar_year`` ends."""
    return first_calendar_year if fiscal_year_start_month == 1 else first_calendar_year + 1


def _quarter(first_calendar_year: int, quarter: int, fiscal_year_start_month: int) -> CycleSpan:
    index = fiscal_year_start_month - 1 + 3 * (quarter - 1)
    start = _month_start(first_calendar_year, index)
    end = _month_start(first_calendar_year, index + 3) - _ONE_DAY
    name_year = _fiscal_name_year(first_calendar_year, fiscal_year_start_month)
    return CycleSpan(name=f"FY{name_year} Q{quarter}", start=start, end=end)


def fiscal_year_of(day: date, fiscal_year_start_month: int) -> int:
    """The fiscal year ``day`` belongs to, named by the calendar year in which it ends."""
    _check_month(fiscal_year_start_month)
    first_year = day.year if day.month >= fiscal_year_start_month else day.year - 1
    return _fiscal_name_year(first_year, fiscal_year_start_month)


def quarter_for(day: date, fiscal_year_start_month: int) -> CycleSpan:
    """The fiscal quarter containing ``day`` (a local calendar date)."""
    _check_month(fiscal_year_start_month)
    first_year = day.year if day.month >= fiscal_year_start_month else day.year - 1
    quarter = (day.month - fiscal_year_start_month) % 12 // 3 + 1
    return _quarter(first_year, quarter, fiscal_year_start_month)


def quarters_of_fiscal_year(fiscal_year: int, fiscal_year_start_month: int) -> list[CycleSpan]:
    """The four quarters of the fiscal year named ``fiscal_year`` (e.g. 2027 for FY2027)."""
    _check_month(fiscal_year_start_month)
    first_year = fiscal_year if fiscal_year_start_month == 1 else fiscal_year - 1
    return [_quarter(first_year, q, fiscal_year_start_month) for q in range(1, 5)]


def next_quarter(span: CycleSpan, fiscal_year_start_month: int) -> CycleSpan:
    """The quarter that starts the day after ``span`` ends."""
    return quarter_for(span.end + _ONE_DAY, fiscal_year_start_month)


def previous_quarter(span: CycleSpan, fiscal_year_start_month: int) -> CycleSpan:
    """The quarter that ends the day before ``span`` starts (for last cycle's baseline)."""
    return quarter_for(span.start - _ONE_DAY, fiscal_year_start_month)


def zone(tz_name: str) -> ZoneInfo:
    """The IANA zone called ``tz_name``; ValueError (not KeyError/OSError) when unknown."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(
            f"Unknown time zone {tz_name!r}; use an IANA name such as Europe/Berlin"
        ) from exc


def today_in(tz_name: str, now_utc: datetime) -> date:
    """The calendar date it is in ``tz_name`` at the instant ``now_utc`` (must be aware)."""
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be timezone-aware")
    return now_utc.astimezone(zone(tz_name)).date()


def cycle_bounds_utc(span: CycleSpan, tz_name: str) -> tuple[datetime, datetime]:
    """UTC instants of 00:00 local on the first day and 00:00 local after the last day."""
    tz = zone(tz_name)
    start = datetime.combine(span.start, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(span.end + _ONE_DAY, time(0), tzinfo=tz).astimezone(UTC)
    return start, end
