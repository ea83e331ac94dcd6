"""Availability engine: who is free when.

This module is pure on purpose. It imports only the standard library, never
reads the clock (``now`` is an argument) and never touches the database: the
caller loads the rows (``busy_window`` gives the one bounded range query it
needs) and this module decides. That keeps every rule a function of its inputs,
so property tests run in milliseconds without Django, and ``slot_is_free``
(re-checked at booking time) agrees exactly with the ``find_slots`` grid the
patient was shown, because both go through the same helpers below.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.domain.intervals import Interval, require_aware

_ZERO = timedelta(0)
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WorkingBlock:
    """Local wall-clock hours; several blocks on one weekday leave breaks between them."""

    weekday: int  # 0 = Monday ... 6 = Sunday, as date.weekday()
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"WorkingBlock.weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")


@dataclass(frozen=True, slots=True)
class PractitionerDiary:
    practitioner_id: int
    blocks: Sequence[WorkingBlock]  # hours at this location
    time_off: Sequence[Interval] = ()
    busy: Sequence[Interval] = ()  # active appointments at any location


@dataclass(frozen=True, slots=True)
class RoomDiary:
    room_id: int
    busy: Sequence[Interval] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    granularity: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=90)
    buffer: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if self.granularity <= _ZERO:
            raise ValueError(f"Rules.granularity must be positive, got {self.granularity}")
        if self.buffer < _ZERO:
            raise ValueError(f"Rules.buffer must not be negative, got {self.buffer}")


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    practitioner_id: int
    room_id: int

    def as_dict(self) -> dict[str, object]:
        """The one JSON shape of a slot: the availability answer and a 409's alternatives."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "practitioner": self.practitioner_id,
            "room": self.room_id,
        }


class _Blocked:
    """Sorted, merged, disjoint intervals: ends strictly increase, so one bisect
    finds the only interval that can overlap a query, whatever order the input came in."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[datetime, datetime]]) -> None:
        starts: list[datetime] = []
        ends: list[datetime] = []
        for lo, hi in sorted(spans):
            # Merging intervals that merely touch is safe for half-open overlap tests.
            if ends and lo <= ends[-1]:
                ends[-1] = max(ends[-1], hi)
            else:
                starts.append(lo)
                ends.append(hi)
        self._starts, self._ends = starts, ends

    def hits(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end

    def free_starts(
        self, origin: datetime, first: datetime, last: datetime, step: timedelta, duration: timedelta
    ) -> Iterator[datetime]:
        """Grid points origin + k*step in [first, last] whose [s, s + duration) hits nothing.

        Sweeps with a moving pointer and jumps over each blocked interval, so the cost
        follows the free starts and the intervals, not grid points times intervals."""
        starts, ends = self._starts, self._ends
        n = len(ends)
        start = first
        i = bisect_right(ends, start)
        while start <= last:
            if i < n and starts[i] < start + duration:
                start = _grid_ceil(origin, ends[i], step)
            else:
                yield start
                start += step
            i = bisect_right(ends, start, i)


def _grid_ceil(origin: datetime, at_least: datetime, step: timedelta) -> datetime:
    """The first grid point origin + k*step (k >= 0) at or after at_least."""
    return origin if at_least <= origin else origin - ((origin - at_least) // step) * step


def _padded(busy: Iterable[Interval], buffer: timedelta) -> Iterable[tuple[datetime, datetime]]:
    # "s < b.end + buffer and b.start < e + buffer" is plain half-open overlap with
    # the busy interval widened by the buffer on both sides: the new appointment
    # needs a gap after the existing one, and the existing one a gap after it.
    return ((start - buffer, end + buffer) for start, end in busy)


def _blocked_for(practitioner: PractitionerDiary, buffer: timedelta) -> _Blocked:
    return _Blocked([*_padded(practitioner.busy, buffer), *practitioner.time_off])


def _room_finder(
    rooms: Sequence[RoomDiary], buffer: timedelta, duration: timedelta
) -> Callable[[datetime], int | None]:
    """First free room for [start, start + duration), cached by start because the
    practitioners' grids mostly share the same start instants."""
    diaries = [(r.room_id, _Blocked(_padded(r.busy, buffer))) for r in rooms]
    cache: dict[datetime, int | None] = {}

    def first_free(start: datetime) -> int | None:
        if start not in cache:
            end = start + duration
            cache[start] = next((rid for rid, b in diaries if not b.hits(start, end)), None)
        return cache[start]

    return first_free


def _span(day: date, block: WorkingBlock, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    # Converted per date because the UTC offset of "09:00" changes across DST. A
    # wall time inside the spring-forward gap resolves (fold=0) to a real instant
    # after the gap, and the grid steps in absolute time from the span's start,
    # so no offered start can name a local time that does not exist.
    if block.end <= block.start:
        return None
    lo = datetime.combine(day, block.start, tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(day, block.end, tzinfo=tz).astimezone(UTC)
    return (lo, hi) if lo < hi else None


def _bookable_between(now: datetime, duration: timedelta, rules: Rules) -> tuple[datetime, datetime]:
    require_aware(now, "now")
    if duration <= _ZERO:
        raise ValueError(f"duration must be positive, got {duration}")
    # In UTC first: "now + 12h" on a ZoneInfo datetime is wall-clock arithmetic,
    # which is 11 or 13 real hours across a DST change.
    now = now.astimezone(UTC)
    return now + rules.min_notice, now + rules.horizon


def _check_days(first_day: date, last_day: date) -> None:
    if first_day > last_day:
        raise ValueError(f"first_day {first_day} is after last_day {last_day}")


def find_slots(
    *,
    practitioners: Sequence[PractitionerDiary],
    rooms: Sequence[RoomDiary],
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    duration: timedelta,
    rules: Rules,
    now: datetime,
    closures: Collection[date] = (),
    first_only: bool = False,
) -> list[Slot]:
    """Every bookable (start, practitioner) with a free room, sorted by (start, practitioner order given).

    `first_only` is "any practitioner": only the first practitioner (in the order given) free at
    each start, i.e. first_available() of the full answer, without building the rest. Once every
    start of a working block has someone, later practitioners with the same block are not
    searched there at all: 200 practitioners cost about what the first few do."""
    earliest, latest = _bookable_between(now, duration, rules)
    _check_days(first_day, last_day)
    step = rules.granularity
    free_room = _room_finder(rooms, rules.buffer, duration)
    days = [first_day + n * _DAY for n in range((last_day - first_day).days + 1)]
    days = [day for day in days if day not in closures]
    spans: dict[tuple[date, WorkingBlock], tuple[datetime, datetime] | None] = {}
    found: list[tuple[datetime, int, Slot]] = []
    seen: set[tuple[datetime, int]] = set()
    taken: set[datetime] = set()  # first_only: starts someone earlier in the order has
    full: set[tuple[datetime, datetime]] = set()  # first_only: spans with every start taken
    for order, practitioner in enumerate(practitioners):
        pid = practitioner.practitioner_id
        blocked: _Blocked | None = None  # built when first needed: often never, with first_only
        by_weekday: dict[int, list[WorkingBlock]] = {}
        for block in practitioner.blocks:
            by_weekday.setdefault(block.weekday, []).append(block)
        for day in days:
            for block in by_weekday.get(day.weekday(), ()):
                key = (day, block)  # practitioners mostly share hours: convert each once
                span = spans[key] if key in spans else spans.setdefault(key, _span(day, block, tz))
                if span is None or span in full:
                    continue
                origin, block_end = span
                first = _grid_ceil(origin, earliest, step)
                last = min(block_end - duration, latest)
                if blocked is None:
                    blocked = _blocked_for(practitioner, rules.buffer)
                for start in blocked.free_starts(origin, first, last, step, duration):
                    if (start, pid) in seen or (first_only and start in taken):
                        continue
                    room = free_room(start)
                    if room is not None:
                        seen.add((start, pid))
                        found.append((start, order, Slot(start, start + duration, pid, room)))
                    if first_only:
                        taken.add(start)  # had by this practitioner, or no room is free then for anyone
                if first_only and _all_taken(taken, first, last, step):
                    full.add(span)
    found.sort(key=lambda item: (item[0], item[1]))
    return [slot for _, _, slot in found]


def _all_taken(taken: set[datetime], first: datetime, last: datetime, step: timedelta) -> bool:
    start = first
    while start <= last:
        if start not in taken:
            return False
        start += step
    return True


def first_available(slots: Iterable[Slot]) -> list[Slot]:
    """'Any practitioner': one slot per start instant, the first one in the given order."""
    firsts: dict[datetime, Slot] = {}
    for slot in slots:
        firsts.setdefault(slot.start, slot)
    return list(firsts.values())


def slot_is_free(
    *,
    slot_start: datetime,
    duration: timedelta,
    practitioner: PractitionerDiary,
    rooms: Sequence[RoomDiary],
    tz: ZoneInfo,
    rules: Rules,
    now: datetime,
    closures: Collection[date] = (),
) -> Slot | None:
    """Whether one start is bookable for that practitioner: the Slot (with a free room) or None.

    Agrees exactly with find_slots because it applies the same helpers to one candidate."""
    return _check_one_start(
        slot_start=slot_start,
        duration=duration,
        practitioner=practitioner,
        rooms=rooms,
        tz=tz,
        rules=rules,
        now=now,
        closures=closures,
    )[1]


def slot_refusal(
    *,
    slot_start: datetime,
    duration: timedelta,
    practitioner: PractitionerDiary,
    rooms: Sequence[RoomDiary],
    tz: ZoneInfo,
    rules: Rules,
    now: datetime,
    closures: Collection[date] = (),
) -> str:
    """Why slot_is_free says no, in words ("" when the slot is free), so a refused booking or move
    explains itself instead of a bare "not available". It names no other patient: only that the
    practitioner or the rooms are busy."""
    return _check_one_start(
        slot_start=slot_start,
        duration=duration,
        practitioner=practitioner,
        rooms=rooms,
        tz=tz,
        rules=rules,
        now=now,
        closures=closures,
    )[0]


def _check_one_start(
    *,
    slot_start: datetime,
    duration: timedelta,
    practitioner: PractitionerDiary,
    rooms: Sequence[RoomDiary],
    tz: ZoneInfo,
    rules: Rules,
    now: datetime,
    closures: Collection[date],
) -> tuple[str, Slot | None]:
    """The first rule one start breaks, in words, or ("", the Slot): one set of checks, so the
    answer and its explanation cannot disagree."""
    require_aware(slot_start, "slot_start")
    start = slot_start.astimezone(UTC)
    end = start + duration
    earliest, latest = _bookable_between(now, duration, rules)
    local = start.astimezone(tz)
    if start < now.astimezone(UTC):
        return "that time has passed", None
    if start < earliest:
        return f"online bookings need at least {_hours(rules.min_notice)} notice", None
    if start > latest:
        return f"bookings open at most {rules.horizon.days} days ahead", None
    # The previous day too: a block starting in a gap just before midnight resolves
    # to an instant on the next local date, yet find_slots files it under its own day.
    days = [day for day in (local.date() - _DAY, local.date()) if day not in closures]
    spans = [span for d in days for b in practitioner.blocks if b.weekday == d.weekday() if (span := _span(d, b, tz))]
    inside = [span for span in spans if span[0] <= start and end <= span[1]]
    if not inside:
        if local.date() in closures:
            return "the clinic is closed that day", None
        minutes = int(duration.total_seconds() // 60)
        return f"the practitioner is not working for the whole {minutes} minutes from {local:%H:%M}", None
    if not any((start - span[0]) % rules.granularity == _ZERO for span in inside):
        return f"appointments start every {int(rules.granularity.total_seconds() // 60)} minutes", None
    if any(t.start < end and start < t.end for t in practitioner.time_off):
        return "the practitioner is off then", None
    if _Blocked(list(_padded(practitioner.busy, rules.buffer))).hits(start, end):
        gap = int(rules.buffer.total_seconds() // 60)
        kept = f", with {gap} minutes kept free after each appointment" if gap else ""
        return f"the practitioner has another appointment then{kept}", None
    room = _room_finder(rooms, rules.buffer, duration)(start)
    if room is None:
        return "no room is free then", None
    return "", Slot(start, end, practitioner.practitioner_id, room)


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} hours'" if hours != 1 else "1 hour's"


def busy_window(
    *, first_day: date, last_day: date, tz: ZoneInfo, max_duration: timedelta, buffer: timedelta
) -> Interval:
    """The UTC interval a caller must load busy appointments/time off from so that find_slots over
    [first_day, last_day] sees everything that can conflict: from local midnight of first_day minus
    (max_duration + buffer) to local midnight after last_day plus buffer."""
    _check_days(first_day, last_day)
    if max_duration < _ZERO or buffer < _ZERO:
        raise ValueError("max_duration and buffer must not be negative")
    # Local midnights, not UTC ones: the clinic's day, whatever its current offset.
    start = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last_day + _DAY, time(0), tzinfo=tz).astimezone(UTC)
    return Interval(start - max_duration - buffer, end + buffer)
