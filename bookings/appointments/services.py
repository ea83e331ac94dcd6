"""The only writers of appointments: book, cancel, reschedule, change status.

Each validates, writes inside one transaction, records an audit event there and plans its
messages as outbox rows in the same transaction. How a slot is found and inserted (and why that
cannot double-book) is in slots.py; what a booking does to its course is in courses.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.appointments import courses
from bookings.appointments.clearance import clearance_require
from bookings.appointments.errors import CourseRace, InvalidTransition, SlotUnavailable, TooLateToChange
from bookings.appointments.slots import (
    SlotRequest,
    appointment_insert,
    practitioner_check,
    request_validate,
    slot_alternatives,
    slot_free,
    slot_override,
)
from bookings.diary.loading import visit_length
from bookings.messages import schedule as messages
from bookings.models import Appointment, BookingRules
from bookings.signals import appointment_booked, appointment_cancelled, appointment_moved, appointment_status_changed
from clinic.audit import audit_batch, audit_record
from clinic.models import Location, Patient, Practitioner, Room
from clinic.outbox import notifications_batch
from clinic.roles import Role, has_role, is_staff_member
from treatments.models import Area, Treatment

Status = Appointment.Status

# Allowed status changes. Completed, cancelled and no-show are final: a mistaken no-show is
# rebooked, not revived, so the slot it released is never silently taken back.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.BOOKED: frozenset({Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.COMPLETED, Status.CANCELLED, Status.BOOKED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}


def appointment_book(
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    start: datetime,
    by: Any,
    practitioner: Practitioner | None = None,
    room: Room | None = None,
    numbing_cream: bool = False,
    kind: str = Appointment.Kind.TREATMENT,
    notes: str = "",
    override_reason: str = "",
    now: datetime | None = None,
) -> Appointment:
    now = now or timezone.now()
    request_validate(treatment=treatment, area=area, location=location, practitioner=practitioner, start=start)
    override_reason = override_reason.strip()
    if override_reason and not has_role(by, Role.RECEPTION, Role.MANAGER):
        raise ValidationError({"override_reason": "Only reception or a clinic manager can overbook."})
    if override_reason and practitioner is None:
        raise ValidationError({"practitioner": "Choose the practitioner to overbook."})
    rules = BookingRules.current()
    request = SlotRequest(
        location=location,
        treatment=treatment,
        start=start,
        duration=visit_length(area=area, numbing_cream=numbing_cream, rules=rules),
        practitioner_id=practitioner.pk if practitioner else None,
        room_id=room.pk if room else None,
        for_staff=is_staff_member(by),
    )
    booking = {
        "patient": patient,
        "treatment": treatment,
        "area": area,
        "location": location,
        "by": by,
        "practitioner": practitioner,
        "room": room,
        "numbing_cream": numbing_cream,
        "kind": kind,
        "notes": notes,
        "override_reason": override_reason,
        "now": now,
        "rules": rules,
    }
    try:
        try:
            return _book(request, **booking)
        except CourseRace:
            # Another of this patient's bookings started the course a moment ago: this one,
            # run again, joins that course or is refused as a second course.
            return _book(request, **booking)
    except SlotUnavailable as exc:
        exc.alternatives = slot_alternatives(request, area=area, numbing_cream=numbing_cream, now=now)
        raise


def _book(
    request: SlotRequest,
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    by: Any,
    practitioner: Practitioner | None,
    room: Room | None,
    numbing_cream: bool,
    kind: str,
    notes: str,
    override_reason: str,
    now: datetime,
    rules: BookingRules,
) -> Appointment:
    """One attempt, in one transaction: its audit rows and messages are written at the end, one
    statement each (a first booking: about 15 statements and 2 savepoints in all)."""
    with transaction.atomic(), audit_batch(), notifications_batch():
        if override_reason:
            practitioner_check(practitioner=practitioner, location=location, treatment=treatment)
            slot = slot_override(
                location=location, practitioner=practitioner, start=request.start, duration=request.duration, room=room
            )
        else:
            slot = slot_free(request, rules=rules, now=now)
        course, session_number = (None, None)
        if kind == Appointment.Kind.TREATMENT:
            course, session_number = courses.course_for_booking(
                patient=patient,
                treatment=treatment,
                area=area,
                location=location,
                practitioner_id=slot.practitioner_id,
                start=slot.start,
                by=by,
                now=now,
            )
        appointment = appointment_insert(
            Appointment(
                patient=patient,
                practitioner_id=slot.practitioner_id,
                room_id=slot.room_id,
                location=location,
                treatment=treatment,
                area=area,
                start=slot.start,
                end=slot.end,
                kind=kind,
                numbing_cream=numbing_cream,
                created_by=by if getattr(by, "is_authenticated", False) else None,
                notes=notes,
                is_override=bool(override_reason),
                override_reason=override_reason,
                course=course,
                session_number=session_number,
            ),
            any_room=room is None,
        )
        if practitioner is not None and practitioner.pk == appointment.practitioner_id:
            appointment.practitioner = practitioner  # the caller's object: no query to show it
        # Staff at this location may now see the patient (a clinic-level fact intake reads too).
        patient.locations.add(location)
        audit_record(
            actor=by,
            action="appointment.overbook" if override_reason else "appointment.book",
            obj=appointment,
            patient=patient,
            details={"start": appointment.start.isoformat(), "override_reason": override_reason},
        )
        messages.reminders_schedule(appointment=appointment, now=now)
        messages.confirmation_schedule(appointment=appointment, now=now)
        appointment_booked.send(Appointment, appointment=appointment, by=by, now=now)
    return appointment


def appointment_cancel(
    *, appointment: Appointment, by: Any, reason: str = "", now: datetime | None = None
) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic(), audit_batch(), notifications_batch():
        appointment = _locked(appointment)
        _check_transition(appointment, Status.CANCELLED)
        _check_patient_cutoff(appointment, by=by, now=now, verb="cancel")
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason.strip()[:300]
        appointment.cancelled_at = now
        appointment.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        audit_record(
            actor=by,
            action="appointment.cancel",
            obj=appointment,
            patient=appointment.patient,
            details={"reason": appointment.cancel_reason},
        )
        courses.course_close_if_empty(appointment, by=by)
        courses.course_intake_need_update(appointment.course)
        messages.reminders_drop(appointment=appointment, now=now)
        appointment_cancelled.send(Appointment, appointment=appointment, by=by, now=now)
    return appointment


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    by: Any,
    practitioner: Practitioner | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move to a new start (same practitioner unless another is given), keeping the length."""
    now = now or timezone.now()
    practitioner = practitioner or appointment.practitioner
    request_validate(
        treatment=appointment.treatment,
        area=appointment.area,
        location=appointment.location,
        practitioner=practitioner,
        start=start,
    )
    request = SlotRequest(
        location=appointment.location,
        treatment=appointment.treatment,
        start=start,
        duration=appointment.duration,
        practitioner_id=practitioner.pk,
        exclude_appointment_id=appointment.pk,
        for_staff=is_staff_member(by),
    )
    try:
        with transaction.atomic(), audit_batch(), notifications_batch():
            appointment = _locked(appointment)
            if appointment.status != Status.BOOKED:
                raise InvalidTransition(
                    f"Only a booked appointment can be moved; this one is {appointment.get_status_display().lower()}."
                )
            _check_patient_cutoff(appointment, by=by, now=now, verb="move")
            slot = slot_free(request, rules=BookingRules.current(), now=now)
            old = (appointment.start, appointment.end, appointment.practitioner_id, appointment.room_id)
            appointment.start, appointment.end = slot.start, slot.end
            appointment.practitioner_id, appointment.room_id = slot.practitioner_id, slot.room_id
            appointment.is_override, appointment.override_reason = False, ""
            appointment_insert(appointment, update=True)
            audit_record(
                actor=by,
                action="appointment.reschedule",
                obj=appointment,
                patient=appointment.patient,
                details={"from": old[0].isoformat(), "to": appointment.start.isoformat()},
            )
            courses.course_intake_need_update(appointment.course)
            messages.reminders_schedule(appointment=appointment, now=now)
            # The move confirmation: the new time and an updated .ics.
            messages.confirmation_schedule(appointment=appointment, now=now, moved=True)
            appointment_moved.send(
                Appointment,
                appointment=appointment,
                old_start=old[0],
                old_end=old[1],
                old_practitioner_id=old[2],
                old_room_id=old[3],
                by=by,
                now=now,
            )
    except SlotUnavailable as exc:
        exc.alternatives = slot_alternatives(
            request, area=appointment.area, numbing_cream=appointment.numbing_cream, now=now
        )
        raise
    return appointment


def appointment_set_status(
    *, appointment: Appointment, status: str, by: Any, reason: str = "", now: datetime | None = None
) -> Appointment:
    if status == Status.CANCELLED:
        return appointment_cancel(appointment=appointment, by=by, reason=reason, now=now)
    now = now or timezone.now()
    if status not in TRANSITIONS:
        raise ValidationError({"status": f"“{status}” is not a status ({', '.join(TRANSITIONS)})."})
    with transaction.atomic():
        appointment = _locked(appointment)
        _check_transition(appointment, status)
        if status in (Status.COMPLETED, Status.NO_SHOW) and now < appointment.start:
            raise InvalidTransition(f"An appointment cannot be marked {Status(status).label.lower()} before it starts.")
        if status == Status.COMPLETED:
            clearance_require(appointment)  # no treatment without clearance (bookings/domain/clearance.py)
        previous = appointment.status
        appointment.status = status
        appointment.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="appointment.status",
            obj=appointment,
            patient=appointment.patient,
            details={"from": previous, "to": status},
        )
        if status == Status.COMPLETED:
            messages.after_session_schedule(appointment=appointment, now=now)
            courses.course_advance(appointment, by=by, now=now)
        appointment_status_changed.send(Appointment, appointment=appointment, previous=previous, by=by, now=now)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", "location", "treatment", "area", "practitioner", "course")
        .get(pk=appointment.pk)
    )


def _check_transition(appointment: Appointment, status: str) -> None:
    if status not in TRANSITIONS[appointment.status]:
        raise InvalidTransition(
            f"A {appointment.get_status_display().lower()} appointment cannot be marked {Status(status).label.lower()}."
        )


def _check_patient_cutoff(appointment: Appointment, *, by: Any, now: datetime, verb: str) -> None:
    """Patients change their own bookings online only before the cut-off; staff always can."""
    if by is None or is_staff_member(by):  # None: the clinic's own system acting (e.g. a declined intake)
        return
    cutoff = BookingRules.current().cancellation_cutoff
    if appointment.start - now < cutoff:
        hours = int(cutoff.total_seconds() // 3600)
        done = {"cancel": "cancelled"}.get(verb, f"{verb}d")  # not "canceld"
        raise TooLateToChange(
            f"Appointments can only be {done} online up to {hours} hours before they start. "
            f"Please call the clinic on {appointment.location.phone or settings.CLINIC_PHONE}."
        )
