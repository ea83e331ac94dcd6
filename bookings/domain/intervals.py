"""Intervals of time, the unit of every busy diary row (pure, like the rest of the domain)."""

from __future__ import annotations

from datetime import UTC, datetime


def require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {value!r}")


class Interval(tuple):
    """Half-open [start, end): intervals that only touch do not overlap. Stored in UTC.

    A tuple, so that loading a diary of 30,000 rows costs a tuple each (`Interval.utc`) rather
    than two time-zone conversions each, and the engine can unpack any (start, end) pair."""

    __slots__ = ()

    def __new__(cls, start: datetime, end: datetime) -> Interval:
        require_aware(start, "Interval.start")
        require_aware(end, "Interval.end")
        # Two datetimes sharing a ZoneInfo compare and add by wall clock, ignoring
        # fold, so 01:30 BST would sort after 01:10 GMT; in UTC they cannot.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end < start:
            raise ValueError(f"Interval ends before it starts: {start} > {end}")
        return tuple.__new__(cls, (start, end))

    @classmethod
    def utc(cls, start: datetime, end: datetime) -> Interval:
        """Trusted values, as the database returns them (aware, in UTC): no checks."""
        return tuple.__new__(cls, (start, end))

    @property
    def start(self) -> datetime:
        return self[0]

    @property
    def end(self) -> datetime:
        return self[1]

    def __repr__(self) -> str:
        return f"Interval({self[0]!r}, {self[1]!r})"


__all__ = ["Interval"]
