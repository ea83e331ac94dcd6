"""Working hours over a period: the denominator of utilisation (pure).

Weekly blocks are local wall-clock times, turned into instants day by day in the location's zone,
so a 09:00-17:00 block is 8 hours on the days the clocks change too (the change is at night), and
a block across the change (00:30-03:00) counts the real hours it has. Closed days (closures and
public holidays) have no working hours; time off is cut out of the blocks it overlaps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reports.domain.periods import Period, week_of

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Block:
    practitioner_id: int
    location_id: int
    weekday: int
    start: time
    end: time


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _overlap(a: Interval, b: Interval) -> timedelta:
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def _union_length(intervals: list[Interval]) -> timedelta:
    total, reach = timedelta(0), None
    for start, end in sorted(intervals):
        if reach is None or start >= reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


@dataclass
class Capacity:
    """Hours worked per (practitioner, week) and hours open per (location, week): the union of its
    practitioners' blocks, which is when a room could be used."""

    practitioner_weeks: dict[tuple[int, date], timedelta]
    location_weeks: dict[tuple[int, date], timedelta]


def capacity(
    *,
    period: Period,
    blocks: Iterable[Block],
    zones: dict[int, ZoneInfo],
    closed: dict[int, set[date]],
    time_off: dict[int, list[Interval]],
) -> Capacity:
    by_weekday: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        by_weekday[block.weekday].append(block)
    practitioner_weeks: dict[tuple[int, date], timedelta] = defaultdict(timedelta)
    location_weeks: dict[tuple[int, date], timedelta] = defaultdict(timedelta)
    for day in period.each_day():
        opened: dict[int, list[Interval]] = defaultdict(list)
        for block in by_weekday[day.weekday()]:
            if day in closed.get(block.location_id, ()):
                continue
            zone = zones[block.location_id]
            interval = (_instant(day, block.start, zone), _instant(day, block.end, zone))
            if interval[1] <= interval[0]:
                continue
            off = sum((_overlap(interval, gap) for gap in time_off.get(block.practitioner_id, ())), timedelta(0))
            practitioner_weeks[(block.practitioner_id, week_of(day))] += max(
                timedelta(0), interval[1] - interval[0] - off
            )
            opened[block.location_id].append(interval)
        for location_id, intervals in opened.items():
            location_weeks[(location_id, week_of(day))] += _union_length(intervals)
    return Capacity(dict(practitioner_weeks), dict(location_weeks))
