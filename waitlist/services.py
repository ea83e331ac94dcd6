"""Joining and leaving the waiting list, and recording the slots that free up.

Keyword-only, one transaction each, audited. Offers and their answers are in offers.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bookings.models import Appointment, BookingRules
from clinic.audit import audit_record
from clinic.models import Location, Patient, Practitioner
from treatments.models import Area, Treatment
from waitlist.models import Entry, FreedSlot, Offer
from waitlist.offers import offer_close, slot_queue

# Nobody waits longer than the booking horizon allows anyway; this bounds a range typed by hand.
MAX_RANGE = timedelta(days=366)


def entry_join(
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    earliest: date,
    latest: date,
    by: Any,
    now: datetime,
    practitioner: Practitioner | None = None,
    weekdays: list[int] | None = None,
    times: list[tuple[time, time]] | None = None,
    current_appointment: Appointment | None = None,
) -> Entry:
    today = now.astimezone(location.zone).date()
    errors: dict[str, str] = {}
    if area.treatment_id != treatment.pk:
        errors["area"] = f"“{area.name}” is not an area of {treatment.name.lower()}."
    if not location.is_active or not treatment.is_active:
        errors["location"] = f"{location.name} is not taking bookings for {treatment.name.lower()}."
    if latest < earliest:
        errors["latest"] = "The last day must be on or after the first."
    elif latest < today:
        errors["latest"] = "The last day has passed."
    elif latest - max(earliest, today) > MAX_RANGE:
        errors["latest"] = "Choose a range of at most a year."
    if practitioner is not None and not practitioner.locations.filter(pk=location.pk).exists():
        errors["practitioner"] = f"{practitioner.display_name} does not work at {location.name}."
    if any(not 0 <= d <= 6 for d in weekdays or ()):
        errors["weekdays"] = "Weekdays are 0 (Monday) to 6 (Sunday)."
    if any(a >= b for a, b in times or ()):
        errors["times"] = "Each time window must end after it starts."
    if current_appointment is not None and (
        current_appointment.patient_id != patient.pk or current_appointment.status != Appointment.Status.BOOKED
    ):
        errors["current_appointment"] = "That is not one of your booked appointments."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = Entry.objects.create(
            patient=patient,
            treatment=treatment,
            area=area,
            location=location,
            practitioner=practitioner,
            earliest=max(earliest, today),
            latest=latest,
            weekdays=sorted(set(weekdays or ())),
            times=[[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in times or ()],
            current_appointment=current_appointment,
            created_at=now,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit_record(actor=by, action="waitlist.join", obj=entry, patient=patient)
    return entry


def entry_leave(*, entry: Entry, by: Any, now: datetime) -> Entry:
    """Leave the list; an open offer is withdrawn (its slot goes to the next match)."""
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in Entry.OPEN_STATUSES:
            return entry
        for offer in entry.offers.filter(status=Offer.Status.OFFERED):
            offer_close(offer=offer, status=Offer.Status.WITHDRAWN, by=by, now=now)
        entry.status = Entry.Status.LEFT
        entry.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action="waitlist.leave", obj=entry, patient=entry.patient)
    return entry


def slot_freed(
    *,
    location_id: int,
    practitioner_id: int,
    start: datetime,
    end: datetime,
    cause: str,
    now: datetime,
    appointment: Appointment | None = None,
) -> FreedSlot | None:
    """Record a freed slot inside the transaction that freed it, and ask a worker to offer it
    once that commits. A slot already started or inside the online minimum notice is nobody's to
    offer: not recorded (it is not a slot the waiting list could have refilled)."""
    if start <= now + BookingRules.current().as_availability_rules().min_notice:
        return None
    slot = FreedSlot.objects.create(
        location_id=location_id,
        practitioner_id=practitioner_id,
        start=start,
        end=end,
        cause=cause,
        appointment=appointment,
        freed_at=now,
        offer_after=now,
    )
    slot_queue(slot_id=slot.pk)
    return slot


def entries_expire(*, now: datetime) -> int:
    """Entries whose range has ended (in their location's own day) expire."""
    expired = 0
    # Ranges ending by tomorrow in UTC, then each checked against its location's own date.
    ending = Entry.objects.filter(status=Entry.Status.WAITING, latest__lt=now.date() + timedelta(days=1))
    for entry in ending.select_related("location"):
        if entry.latest < now.astimezone(entry.location.zone).date():
            expired += Entry.objects.filter(pk=entry.pk, status=Entry.Status.WAITING).update(
                status=Entry.Status.EXPIRED
            )
    return expired
