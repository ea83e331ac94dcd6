"""Holding a slot for a waitlist offer, and letting it go.

A hold is an appointment row with status `held` (migration 0015): the exclusion constraints keep
its practitioner, room and patient for it exactly as for a booking, so nobody else can book the
slot while the offer is open, however many requests race for it. It is nobody's appointment: the
default manager leaves holds out of every list, and it sends no message. The waitlist (above
bookings) decides whom to offer a slot to; bookings only keeps the slot.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bookings.appointments.slots import SlotRequest, appointment_insert, slot_free
from bookings.diary.loading import visit_length
from bookings.models import Appointment, BookingRules
from clinic.models import Location, Patient, Practitioner
from treatments.models import Area, Treatment

Status = Appointment.Status


def appointment_hold(
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    practitioner: Practitioner,
    start: datetime,
    held_until: datetime,
    now: datetime,
) -> Appointment:
    """Hold `start` with `practitioner` for `patient` until `held_until`, or SlotUnavailable /
    PatientBusy. The engine's check is the booking's own (hours, buffers, rooms, closures); the
    minimum notice is the waitlist's to apply (it offers nothing that close), so staff rules."""
    rules = BookingRules.current()
    request = SlotRequest(
        location=location,
        treatment=treatment,
        start=start,
        duration=visit_length(area=area, numbing_cream=False, rules=rules),
        practitioner_id=practitioner.pk,
        for_staff=True,
    )
    with transaction.atomic():
        slot = slot_free(request, rules=rules, now=now)
        return appointment_insert(
            Appointment(
                patient=patient,
                practitioner_id=slot.practitioner_id,
                room_id=slot.room_id,
                location=location,
                treatment=treatment,
                area=area,
                start=slot.start,
                end=slot.end,
                status=Appointment.HELD,
                held_until=held_until,
            )
        )


def hold_release(*, hold_id: int | None) -> bool:
    """Delete the hold (accepted, declined, expired or withdrawn): whether it was still there."""
    if hold_id is None:
        return False
    deleted, _ = Appointment.with_holds.filter(pk=hold_id, status=Appointment.HELD).delete()
    return bool(deleted)


def holds_release_all_expired(*, now: datetime) -> int:
    """The beat's sweep: every hold past its held_until (the waitlist cascades their offers)."""
    deleted, _ = Appointment.with_holds.filter(status=Appointment.HELD, held_until__lte=now).delete()
    return deleted
