"""The date ranges a report covers: local calendar days, whole weeks, presets (pure).

A report's range is a set of local days (a location's own calendar), so a day is 23 or 25 hours
long on the days the clocks change; the instants that bound it are worked out per zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A year and a day: a leap year's whole year fits, and the grouping stays a few hundred rows.
MAX_DAYS = 366

PRESETS = {"week": "This week", "month": "This month", "quarter": "This quarter", "custom": "From and to dates"}


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC instants of local midnight before the first day and after the last."""
        return local_midnight(self.first, zone), local_midnight(self.last + timedelta(days=1), zone)

    def weeks(self) -> list[date]:
        """The Monday of every week the period touches, in order."""
        monday = week_of(self.first)
        mondays = []
        while monday <= self.last:
            mondays.append(monday)
            monday += timedelta(days=7)
        return mondays


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    # Midnight exists on every day in the zones a clinic uses (the changes are at 01:00 or later).
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def preset_period(name: str, today: date) -> Period:
    """This week (Monday to Sunday), this calendar month or this calendar quarter, around today."""
    if name == "week":
        monday = week_of(today)
        return Period(monday, monday + timedelta(days=6))
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        first = date(today.year, first_month, 1)
        return Period(first, _month_end(date(today.year, first_month + 2, 1)))
    first = today.replace(day=1)
    return Period(first, _month_end(first))


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "no data", not 0 %)."""
    return part / whole if whole else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
