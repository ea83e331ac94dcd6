"""Who is offered a freed slot, and when: pure rules, the clock passed in as `now`.

A freed slot is offered to the waiting entries it suits (place, practitioner, the patient's date
range, weekdays and time windows, earlier than their current appointment), best first: the one
waiting longest, then the one whose need is earliest (the end of their range, or their current
appointment). Nothing is offered for a slot that starts within the minimum notice plus the time
the patient has to answer (they could not book it when they accept), nor during the location's
quiet hours: a slot freed at night is offered when they end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    """A local wall-clock window, e.g. 09:00-12:00 (end after start)."""

    start: time
    end: time


@dataclass(frozen=True)
class Entry:
    id: int
    location_id: int
    treatment_id: int
    practitioner_id: int | None  # None: any practitioner
    earliest: date
    latest: date
    weekdays: frozenset[int]  # 0 = Monday; empty: any day
    windows: tuple[Window, ...]  # empty: any time
    waiting_since: datetime
    minutes: int  # the visit's length
    current_start: datetime | None = None  # "earlier than my current appointment"


@dataclass(frozen=True)
class Slot:
    location_id: int
    practitioner_id: int
    start: datetime
    end: datetime
    treatments: frozenset[int]  # what the practitioner performs


@dataclass(frozen=True)
class Rules:
    tz: ZoneInfo
    min_notice: timedelta
    hold: timedelta  # how long a patient has to answer an offer
    quiet_start: time  # e.g. 21:00
    quiet_end: time  # e.g. 08:00 (before quiet_start: the quiet hours cross midnight)


def is_quiet(at: datetime, rules: Rules) -> bool:
    local = at.astimezone(rules.tz).time()
    if rules.quiet_start == rules.quiet_end:
        return False  # no quiet hours
    if rules.quiet_start < rules.quiet_end:
        return rules.quiet_start <= local < rules.quiet_end
    return local >= rules.quiet_start or local < rules.quiet_end


def quiet_ends(at: datetime, rules: Rules) -> datetime:
    """When an offer may go out: `at` itself outside quiet hours, else the end of them (in local
    wall-clock time, so the first morning after a clock change is still 08:00 local)."""
    if not is_quiet(at, rules):
        return at
    local = at.astimezone(rules.tz)
    day = local.date() if local.time() < rules.quiet_end else local.date() + timedelta(days=1)
    return _local(day, rules.quiet_end, rules.tz)


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    # A wall-clock time skipped by a spring-forward gap reads as the instant after the gap.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def offerable(slot: Slot, rules: Rules, now: datetime) -> bool:
    """Whether the slot may be offered at all now: far enough ahead to be booked when accepted."""
    return slot.start >= now + rules.min_notice + rules.hold


def suits(entry: Entry, slot: Slot, rules: Rules) -> bool:
    if entry.location_id != slot.location_id or entry.treatment_id not in slot.treatments:
        return False
    if entry.practitioner_id is not None and entry.practitioner_id != slot.practitioner_id:
        return False
    start = slot.start.astimezone(rules.tz)
    if slot.start + timedelta(minutes=entry.minutes) > slot.end:
        return False  # the visit does not fit in what was freed
    if not entry.earliest <= start.date() <= entry.latest:
        return False
    if entry.weekdays and start.weekday() not in entry.weekdays:
        return False
    if entry.windows:
        local_end = (slot.start + timedelta(minutes=entry.minutes)).astimezone(rules.tz)
        if not any(
            w.start <= start.time() and local_end.time() <= w.end and local_end.date() == start.date()
            for w in entry.windows
        ):
            return False
    # "Earlier than my current appointment": only a slot before it.
    return entry.current_start is None or slot.start < entry.current_start


def need(entry: Entry) -> date:
    """How soon the patient needs it: their current appointment's day, else the end of their range."""
    if entry.current_start is not None:
        return min(entry.latest, entry.current_start.date())
    return entry.latest


def rank(
    entries: Iterable[Entry], slot: Slot, rules: Rules, now: datetime, *, already: Sequence[int] = ()
) -> list[Entry]:
    """The entries to offer `slot` to, in order (empty when it may not be offered now); `already`:
    the entries this slot was offered to before (declined or let expire), never asked again."""
    if not offerable(slot, rules, now) or is_quiet(now, rules):
        return []
    asked = set(already)
    fitting = [e for e in entries if e.id not in asked and suits(e, slot, rules)]
    return sorted(fitting, key=lambda e: (e.waiting_since, need(e), e.id))
