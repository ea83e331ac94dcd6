"""Course planning: when, and with whom, sessions 2..n of a course take place.

Pure on purpose, like ``bookings.availability`` which it builds on: no ORM, no clock
reads (``now`` is an argument), only the standard library. The Celery task loads the
diaries once, calls ``place_course`` and books the plan inside one transaction; keeping
the decision out of the task means it is tested in milliseconds, property-tested with
hypothesis, and a re-run of the task with the same inputs yields the same plan.

Whether a start is free is never decided here: every candidate comes from
``slot_is_free`` or ``find_slots``, so the scheduler obeys exactly the rules (hours,
closures, buffer, rooms, minimum notice) that patients and reception see.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bookings.domain.availability import Interval, PractitionerDiary, RoomDiary, Rules, Slot, find_slots, slot_is_free

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Target:
    number: int  # session number (2..n; session 1 is the already-booked first session)
    local_date: date
    local_time: time  # the first session's local wall-clock time
    start: datetime  # aware UTC instant of that local date+time in the zone


@dataclass(frozen=True)
class Placement:
    number: int
    slot: Slot | None  # None: could not be placed (reception will place it)
    reason: str  # "exact", "same practitioner, nearby day", "other practitioner", or why unplaced


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {value!r}")


def course_targets(*, first_start: datetime, tz: ZoneInfo, sessions: int, interval_days: int) -> list[Target]:
    """Targets for sessions 2..sessions: the first session's local date + k*interval days, at the first
    session's LOCAL wall-clock time (so a Tuesday 18:00 course stays 18:00 local across DST)."""
    _aware(first_start, "first_start")
    if sessions < 1 or interval_days < 1:
        raise ValueError(f"need sessions >= 1 and interval_days >= 1, got {sessions} and {interval_days}")
    local = first_start.astimezone(tz)
    # Add days to the local DATE and re-attach the wall time per date: adding 7*24h to
    # the UTC instant would put a Tuesday 18:00 BST course at 17:00 GMT after October.
    local_time = local.time().replace(fold=0)
    targets = []
    for number in range(2, sessions + 1):
        day = local.date() + (number - 1) * interval_days * _DAY
        start = datetime.combine(day, local_time, tzinfo=tz).astimezone(UTC)
        targets.append(Target(number, day, local_time, start))
    return targets


class _Near:
    """One diary's intervals sorted by start once per course, so each session hands the engine
    only those near its window: the engine re-sorts whatever it is given on every call, and a
    six-month diary per session made a 10-session plan cost ~150 ms instead of a few."""

    def __init__(self, intervals: Sequence[Interval]) -> None:
        self._items = sorted(intervals, key=lambda i: i.start)
        self._starts = [i.start for i in self._items]
        self._longest = max((i.end - i.start for i in self._items), default=timedelta(0))

    def overlapping(self, lo: datetime, hi: datetime) -> list[Interval]:
        first, last = bisect_left(self._starts, lo - self._longest), bisect_left(self._starts, hi)
        return [i for i in self._items[first:last] if i.end > lo]


def _nearest(
    slots: Iterable[Slot], *, target: Target, tz: ZoneInfo, not_before: datetime, first_day: date
) -> Slot | None:
    # Spacing counts whole local dates, as the patient lives it (an evening session and the next
    # morning's are a day apart), and a session never starts before the previous one has ended.
    fitting = (s for s in slots if s.start >= not_before and s.start.astimezone(tz).date() >= first_day)
    # min() keeps the first of equal keys and find_slots sorts by (start, practitioner order):
    # ties go to the earlier start, then to the practitioner listed first.
    return min(fitting, key=lambda s: (abs(s.start - target.start), s.start), default=None)


def place_course(
    *,
    targets: Sequence[Target],
    first_start: datetime,
    duration: timedelta,
    preferred_practitioner: int,
    practitioners: Sequence[PractitionerDiary],
    rooms: Sequence[RoomDiary],
    tz: ZoneInfo,
    rules: Rules,
    now: datetime,
    closures: Collection[date],
    interval_days: int,
    min_interval_days: int,
) -> list[Placement]:
    """One Placement per target, in order: exact, else the preferred practitioner's nearest free slot
    within +-(interval_days // 2) days, else another practitioner's nearest, else unplaced with a reason.

    A slot is never fewer than ``min_interval_days`` local dates after the previous placed session
    (session 1 is ``first_start``); each placed session is busy for the later ones."""
    _aware(first_start, "first_start")
    _aware(now, "now")
    if not targets:
        return []
    half = interval_days // 2

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

    # The horizon bounds what patients pick online, not the scheduler: a 10-session
    # fortnightly course spans 20 weeks and is booked whole. Widen it past the last
    # target's window; minimum notice still applies.
    reach = midnight(max(t.local_date for t in targets) + (half + 2) * _DAY) - now.astimezone(UTC)
    wide = replace(rules, horizon=max(rules.horizon, reach))
    staff = [(p, _Near(p.busy), _Near(p.time_off)) for p in practitioners]
    places = [(r, _Near(r.busy)) for r in rooms]
    placed: list[Slot] = []  # busy for every later session, so no two collide in diary or room
    previous_start = first_start.astimezone(UTC)
    previous_end = previous_start + duration
    placements: list[Placement] = []
    for target in targets:
        first_day, last_day = target.local_date - half * _DAY, target.local_date + half * _DAY
        # A day beyond the window on each side, plus duration and buffer: everything that can conflict.
        lo = midnight(first_day - _DAY) - duration - rules.buffer
        hi = midnight(last_day + 2 * _DAY) + duration + rules.buffer
        mine = [(s, Interval(s.start, s.end)) for s in placed]
        diaries = [
            replace(
                p,
                busy=[*busy.overlapping(lo, hi), *(i for s, i in mine if s.practitioner_id == p.practitioner_id)],
                time_off=off.overlapping(lo, hi),
            )
            for p, busy, off in staff
        ]
        room_diaries = [
            replace(r, busy=[*busy.overlapping(lo, hi), *(i for s, i in mine if s.room_id == r.room_id)])
            for r, busy in places
        ]
        preferred = [d for d in diaries if d.practitioner_id == preferred_practitioner]
        others = [d for d in diaries if d.practitioner_id != preferred_practitioner]
        common = {"rooms": room_diaries, "tz": tz, "duration": duration, "rules": wide, "now": now}
        search = {**common, "first_day": first_day, "last_day": last_day, "closures": closures}
        pick = partial(
            _nearest,
            target=target,
            tz=tz,
            not_before=previous_end,
            first_day=previous_start.astimezone(tz).date() + min_interval_days * _DAY,
        )
        exact = (
            slot_is_free(slot_start=target.start, practitioner=preferred[0], closures=closures, **common)
            if preferred
            else None
        )
        slot, reason = pick([exact] if exact else []), "exact"
        if slot is None and preferred:
            slot, reason = pick(find_slots(practitioners=preferred, **search)), "same practitioner, nearby day"
        if slot is None and others:
            slot, reason = pick(find_slots(practitioners=others, **search)), "other practitioner"
        if slot is None:
            reason = f"no free time within {half} days of {target.local_date.isoformat()}"
        else:
            placed.append(slot)
            previous_start, previous_end = slot.start, slot.end
        placements.append(Placement(target.number, slot, reason))
    return placements
