"""Working hours and time off: the only writers of WorkingHours and TimeOff outside the admin.

Changing hours or adding time off never cancels a booking. Booked appointments the change
leaves outside working time are returned, and the hours screen lists them, so that reception
can move them with the patient's agreement.

Availability reads WorkingHours and TimeOff straight from the database on every search (only
the booking rules are cached), so a change applies to the next search with nothing to invalidate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from bookings.models import Appointment, TimeOff, Weekday, WorkingHours
from bookings.signals import time_off_removed, working_hours_changed
from clinic.audit import audit_record
from clinic.models import Location, Practitioner
from clinic.roles import Role, roles_of


@dataclass(frozen=True)
class Block:
    """One weekly block of local wall-clock time at a location."""

    weekday: int
    start: time
    end: time

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class TimeOffAdded:
    time_off: TimeOff
    affected: list[Appointment]  # booked appointments the time off now covers


def practitioners_for_hours(user: Any) -> QuerySet[Practitioner]:
    """Whose hours a user may see and edit: managers everyone's, practitioners their own."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return Practitioner.objects.all()
    if Role.PRACTITIONER in roles:
        return Practitioner.objects.filter(user=user)
    return Practitioner.objects.none()


def blocks_check(blocks: Sequence[Block], others: Iterable[tuple[Block, str]] = ()) -> list[str]:
    """Problems with a week of blocks: order, overlaps, and clashes with blocks at other locations
    (a practitioner is in one place at a time). Blocks that only touch do not overlap."""
    problems = [
        f"{b}: the block must end after it starts (blocks cannot run past midnight)."
        for b in blocks
        if b.start >= b.end
    ]
    by_day: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        if block.start < block.end:
            by_day[block.weekday].append(block)
    for day_blocks in by_day.values():
        day_blocks.sort(key=lambda b: (b.start, b.end))
        for before, after in zip(day_blocks, day_blocks[1:], strict=False):
            if after.start < before.end:
                problems.append(f"{after} overlaps {before.start:%H:%M}-{before.end:%H:%M}.")
    for other, where in others:
        for block in by_day.get(other.weekday, ()):
            if block.start < other.end and other.start < block.end:
                problems.append(f"{block} overlaps the hours at {where} ({other}).")
    return problems


def _fits(appointment: Appointment, blocks: Sequence[Block], zone: ZoneInfo) -> bool:
    """Whether the appointment lies inside one block of its local day (converted per date: DST)."""
    day = appointment.start.astimezone(zone).date()
    for block in blocks:
        if block.weekday != day.weekday():
            continue
        lo = datetime.combine(day, block.start, tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(day, block.end, tzinfo=zone).astimezone(UTC)
        if lo <= appointment.start and appointment.end <= hi:
            return True
    return False


def _upcoming_booked(practitioner: Practitioner, now: datetime) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(practitioner=practitioner, status=Appointment.Status.BOOKED, start__gte=now)
        .select_related("patient", "location", "treatment")
        .order_by("start", "id")
    )


def appointments_outside_working_time(
    *, practitioner: Practitioner, now: datetime, location: Location | None = None
) -> list[Appointment]:
    """Upcoming booked appointments outside the practitioner's hours at their location, or in time off.

    Three queries: the appointments, the hours of the locations they are at, the time off."""
    appointments = _upcoming_booked(practitioner, now)
    if location is not None:
        appointments = appointments.filter(location=location)
    appointments = list(appointments)
    if not appointments:
        return []
    blocks: dict[int, list[Block]] = defaultdict(list)
    for location_id, weekday, start, end in WorkingHours.objects.filter(
        practitioner=practitioner, location_id__in={a.location_id for a in appointments}
    ).values_list("location_id", "weekday", "start", "end"):
        blocks[location_id].append(Block(weekday, start, end))
    off = list(
        TimeOff.objects.filter(
            practitioner=practitioner, end__gt=appointments[0].start, start__lt=max(a.end for a in appointments)
        ).values_list("start", "end")
    )
    return [
        a
        for a in appointments
        if not _fits(a, blocks[a.location_id], a.location.zone) or any(s < a.end and a.start < e for s, e in off)
    ]


def working_hours_replace(
    *, practitioner: Practitioner, location: Location, blocks: Sequence[Block], by: Any, now: datetime
) -> list[Appointment]:
    """Make `blocks` the practitioner's whole week at the location.

    Returns the upcoming booked appointments there that now fall outside working time."""
    blocks = sorted(set(blocks), key=lambda b: (b.weekday, b.start, b.end))
    with transaction.atomic():
        # Serialises edits of one practitioner's hours, so two locations' edits cannot both
        # pass the cross-location check below and overlap.
        practitioner = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
        if not practitioner.locations.filter(pk=location.pk).exists():
            raise ValidationError(f"{practitioner} does not work at {location}: a manager can add the location first.")
        others = [
            (Block(weekday, start, end), name)
            for weekday, start, end, name in WorkingHours.objects.filter(practitioner=practitioner)
            .exclude(location=location)
            .values_list("weekday", "start", "end", "location__name")
        ]
        problems = blocks_check(blocks, others)
        if problems:
            raise ValidationError(problems)
        old_blocks = list(
            WorkingHours.objects.filter(practitioner=practitioner, location=location)
            .order_by("weekday", "start")
            .values_list("weekday", "start", "end")
        )
        before = [str(Block(w, s, e)) for w, s, e in old_blocks]
        WorkingHours.objects.filter(practitioner=practitioner, location=location).delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, location=location, weekday=b.weekday, start=b.start, end=b.end)
            for b in blocks
        )
        outside = appointments_outside_working_time(practitioner=practitioner, now=now, location=location)
        audit_record(
            actor=by,
            action="working_hours.replace",
            obj=practitioner,
            details={
                "location": location.slug,
                "before": before,
                "after": [str(b) for b in blocks],
                "booked_outside": [a.pk for a in outside],
            },
        )
        working_hours_changed.send(
            WorkingHours,
            practitioner_id=practitioner.pk,
            location_id=location.pk,
            before=old_blocks,
            after=[(b.weekday, b.start, b.end) for b in blocks],
            by=by,
            now=now,
        )
    return outside


def time_off_add(
    *, practitioner: Practitioner, start: datetime, end: datetime, reason: str, by: Any, now: datetime
) -> TimeOffAdded:
    """Record time off [start, end). Returns it with the booked appointments it now covers."""
    for value, name in ((start, "start"), (end, "end")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"time off {name} must be timezone-aware, got {value!r}")
    if end <= start:
        raise ValidationError({"end": "Time off must end after it starts."})
    if end <= now:
        raise ValidationError({"end": "That time is already over: time off can only be added for the future."})
    with transaction.atomic():
        time_off = TimeOff.objects.create(
            practitioner=practitioner, start=start.astimezone(UTC), end=end.astimezone(UTC), reason=reason.strip()[:200]
        )
        affected = list(_upcoming_booked(practitioner, now).filter(start__lt=time_off.end, end__gt=time_off.start))
        # The reason stays out of the audit details: it may be personal (a hospital visit).
        audit_record(
            actor=by,
            action="time_off.add",
            obj=time_off,
            details={
                "practitioner": practitioner.pk,
                "start": time_off.start.isoformat(),
                "end": time_off.end.isoformat(),
                "booked_inside": [a.pk for a in affected],
            },
        )
    return TimeOffAdded(time_off, affected)


def time_off_remove(*, time_off: TimeOff, by: Any, now: datetime) -> None:
    """Delete time off that has not ended yet; past time off stays as the record of who was away."""
    with transaction.atomic():
        time_off = TimeOff.objects.select_for_update().get(pk=time_off.pk)
        if time_off.end <= now:
            raise ValidationError("Time off that is over is kept as a record and cannot be removed.")
        audit_record(
            actor=by,
            action="time_off.remove",
            obj=time_off,
            details={
                "practitioner": time_off.practitioner_id,
                "start": time_off.start.isoformat(),
                "end": time_off.end.isoformat(),
            },
        )
        time_off.delete()
        time_off_removed.send(
            TimeOff,
            practitioner_id=time_off.practitioner_id,
            start=time_off.start,
            end=time_off.end,
            by=by,
            now=now,
        )
