"""What the waiting list does when bookings says a slot has freed up (bookings/signals.py).

Sent inside the booking service's transaction: the freed slot's row commits with the change, and
the offer is made by a worker once it has (never inside the patient's request)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from bookings.models import WorkingHours
from clinic.models import Location
from waitlist.domain.hours import added_spans, freed_on_days, working_time_within
from waitlist.models import FreedSlot
from waitlist.services import slot_freed

# New working hours are offered for the next two weeks: further ahead, patients book them online.
NEW_HOURS_DAYS = 14


def on_appointment_cancelled(sender: Any, *, appointment: Any, now: Any, **kwargs: Any) -> None:
    slot_freed(
        location_id=appointment.location_id,
        practitioner_id=appointment.practitioner_id,
        start=appointment.start,
        end=appointment.end,
        cause=FreedSlot.Cause.CANCELLED,
        appointment=appointment,
        now=now,
    )


def on_appointment_moved(
    sender: Any, *, appointment: Any, old_start: Any, old_end: Any, old_practitioner_id: int, now: Any, **kwargs: Any
) -> None:
    slot_freed(
        location_id=appointment.location_id,
        practitioner_id=old_practitioner_id,
        start=old_start,
        end=old_end,
        cause=FreedSlot.Cause.MOVED,
        appointment=appointment,
        now=now,
    )


def on_working_hours_changed(
    sender: Any, *, practitioner_id: int, location_id: int, before: Any, after: Any, now: Any, **kwargs: Any
) -> None:
    added = added_spans(before, after)
    if not added:
        return
    location = Location.objects.get(pk=location_id)
    today = now.astimezone(location.zone).date()
    for start, end in freed_on_days(added, first_day=today, days=NEW_HOURS_DAYS, tz=location.zone):
        slot_freed(
            location_id=location_id,
            practitioner_id=practitioner_id,
            start=start,
            end=end,
            cause=FreedSlot.Cause.HOURS,
            now=now,
        )


def on_time_off_removed(sender: Any, *, practitioner_id: int, start: Any, end: Any, now: Any, **kwargs: Any) -> None:
    """The working time the removed time off covered, at each location, in the next two weeks."""
    end = min(end, now + timedelta(days=NEW_HOURS_DAYS))
    if end <= start:
        return
    blocks: dict[int, list] = defaultdict(list)
    for location_id, weekday, block_start, block_end in WorkingHours.objects.filter(
        practitioner_id=practitioner_id
    ).values_list("location_id", "weekday", "start", "end"):
        blocks[location_id].append((weekday, block_start, block_end))
    for location in Location.objects.filter(pk__in=list(blocks)):
        for freed_start, freed_end in working_time_within(blocks[location.pk], start=start, end=end, tz=location.zone):
            slot_freed(
                location_id=location.pk,
                practitioner_id=practitioner_id,
                start=freed_start,
                end=freed_end,
                cause=FreedSlot.Cause.HOURS,
                now=now,
            )
