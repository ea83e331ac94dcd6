"""Which times a change of weekly working hours makes newly bookable: pure, local wall-clock.

`added_spans` is the new blocks less the old ones, per weekday; `freed_on_days` lays them on the
coming dates in the location's zone (converted per date, so a 09:00 block stays 09:00 across a
clock change). The waitlist offers these times as it offers a cancelled slot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Block = tuple[int, time, time]  # weekday (0 = Monday), start, end


def added_spans(before: Iterable[Block], after: Iterable[Block]) -> dict[int, list[tuple[time, time]]]:
    old: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in before:
        old[weekday].append((start, end))
    added: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in sorted(after):
        pieces = [(start, end)]
        for old_start, old_end in old[weekday]:
            pieces = [piece for a, b in pieces for piece in _less((a, b), (old_start, old_end))]
        added[weekday].extend(pieces)
    return {weekday: spans for weekday, spans in added.items() if spans}


def _less(span: tuple[time, time], cut: tuple[time, time]) -> list[tuple[time, time]]:
    (a, b), (c, d) = span, cut
    if d <= a or c >= b:
        return [span]
    return [piece for piece in ((a, c), (d, b)) if piece[0] < piece[1]]


def freed_on_days(
    added: dict[int, list[tuple[time, time]]], *, first_day: date, days: int, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The added spans on each of `days` dates from `first_day`, as UTC instants."""
    out = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        for start, end in added.get(day.weekday(), ()):
            out.append(
                (
                    datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
                    datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
                )
            )
    return out


def working_time_within(
    blocks: Iterable[Block], *, start: datetime, end: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) inside the weekly blocks, date by local date (time off removed:
    what is bookable again), as UTC instants."""
    by_weekday: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, block_start, block_end in blocks:
        by_weekday[weekday].append((block_start, block_end))
    out = []
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    while day <= last:
        for block_start, block_end in sorted(by_weekday.get(day.weekday(), ())):
            a = max(start, datetime.combine(day, block_start, tzinfo=tz))
            b = min(end, datetime.combine(day, block_end, tzinfo=tz))
            if a < b:
                out.append((a.astimezone(UTC), b.astimezone(UTC)))
        day += timedelta(days=1)
    return out
