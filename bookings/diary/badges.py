"""What an app above bookings adds to the day diary's free cells, without bookings importing it.

The waitlist registers a source (its `apps.ready`): for a location's day, how many patients are
waiting for each cell that freed up, keyed by (practitioner id, local "HH:MM"); the day view shows
the count in that free cell. A source runs one query at most (the day view's bound is measured in
tests/bookings/test_day_view.py and bench/diary.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from clinic.models import Location

FreeCellCounts = Callable[[Location, date], dict[tuple[int, str], int]]

_sources: list[FreeCellCounts] = []


def free_cell_counts_register(source: FreeCellCounts) -> None:
    if source not in _sources:
        _sources.append(source)


def free_cell_counts(place: Location, day: date) -> dict[tuple[int, str], int]:
    counts: dict[tuple[int, str], int] = {}
    for source in _sources:
        for key, n in source(place, day).items():
            counts[key] = counts.get(key, 0) + n
    return counts
