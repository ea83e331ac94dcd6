"""The matching rules of a location, and the rows as the pure domain sees them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bookings.models import BookingRules
from clinic.models import Location
from waitlist.domain import matching
from waitlist.models import Entry, FreedSlot, WaitlistSettings


def rules_for(location: Location) -> matching.Rules:
    own = WaitlistSettings.for_location(location)
    return matching.Rules(
        tz=location.zone,
        min_notice=BookingRules.current().as_availability_rules().min_notice,
        hold=timedelta(minutes=own.hold_minutes),
        quiet_start=own.quiet_start,
        quiet_end=own.quiet_end,
    )


def entry_view(entry: Entry, *, current_start: datetime | None = None) -> matching.Entry:
    return matching.Entry(
        id=entry.pk,
        location_id=entry.location_id,
        treatment_id=entry.treatment_id,
        practitioner_id=entry.practitioner_id,
        earliest=entry.earliest,
        latest=entry.latest,
        weekdays=frozenset(entry.weekdays or ()),
        windows=tuple(matching.Window(time.fromisoformat(a), time.fromisoformat(b)) for a, b in entry.times or ()),
        waiting_since=entry.created_at,
        minutes=entry.area.minutes,
        current_start=current_start,
    )


def slot_view(slot: FreedSlot, treatments: frozenset[int]) -> matching.Slot:
    return matching.Slot(
        location_id=slot.location_id,
        practitioner_id=slot.practitioner_id,
        start=slot.start,
        end=slot.end,
        treatments=treatments,
    )
