"""The only writers of appointments: book, cancel, reschedule, change status.

Each validates, writes inside one transaction, and records an audit event there. Two guards
stop a double booking: the availability check below (which also applies working hours,
buffers and notice), and, on PostgreSQL, the exclusion constraints that catch the race two
requests can still run between check and insert. On SQLite, IMMEDIATE transactions take the
write lock at BEGIN, so check-then-insert cannot interleave.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings import availability as av
from bookings import reminders
from bookings.diary import availability_search, diary_load, staff_rules, visit_length
from bookings.models import Appointment, BookingRules, Course
from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.models import Location, Patient, Practitioner, Room
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
ALTERNATIVES = 5


class SlotUnavailable(Conflict):
    code = "slot_unavailable"

    def __init__(self, message: str, alternatives: list[av.Slot] | None = None) -> None:
        super().__init__(message)
        self.alternatives = alternatives or []

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "alternatives": [slot_as_dict(s) for s in self.alternatives]}


class PatientBusy(SlotUnavailable):
    """The patient already has an active appointment overlapping the time: nobody is in two rooms."""

    code = "patient_busy"


class TooLateToChange(Conflict):
    code = "too_late"


class InvalidTransition(Conflict):
    code = "invalid_transition"


def slot_as_dict(slot: av.Slot) -> dict[str, Any]:
    return {
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "practitioner": slot.practitioner_id,
        "room": slot.room_id,
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
    _validate_request(treatment=treatment, area=area, location=location, practitioner=practitioner, start=start)
    override_reason = override_reason.strip()
    if override_reason and not has_role(by, Role.RECEPTION, Role.MANAGER):
        raise ValidationError({"override_reason": "Only reception or a clinic manager can overbook."})
    if override_reason and practitioner is None:
        raise ValidationError({"practitioner": "Choose the practitioner to overbook."})
    rules = BookingRules.current()
    duration = visit_length(area=area, numbing_cream=numbing_cream, rules=rules)
    try:
        with transaction.atomic():
            if override_reason:
                slot = _override_slot(
                    location=location, practitioner=practitioner, start=start, duration=duration, room=room
                )
            else:
                slot = _free_slot(
                    location=location, treatment=treatment, start=start, duration=duration,
                    practitioner_id=practitioner.pk if practitioner else None, rules=rules, now=now,
                    room_id=room.pk if room else None, for_staff=is_staff_member(by),
                )  # fmt: skip
            course, session_number = (None, None)
            if kind == Appointment.Kind.TREATMENT:
                course, session_number = _course_for(
                    patient=patient, treatment=treatment, area=area, location=location,
                    practitioner_id=slot.practitioner_id, by=by, now=now,
                )  # fmt: skip
            appointment = _insert(
                Appointment(
                    patient=patient, practitioner_id=slot.practitioner_id, room_id=slot.room_id, location=location,
                    treatment=treatment, area=area, start=slot.start, end=slot.end, kind=kind,
                    numbing_cream=numbing_cream, created_by=by if getattr(by, "is_authenticated", False) else None,
                    notes=notes, is_override=bool(override_reason), override_reason=override_reason,
                    course=course, session_number=session_number,
                )
            )  # fmt: skip
            audit_record(
                actor=by,
                action="appointment.overbook" if override_reason else "appointment.book",
                obj=appointment,
                patient=patient,
                details={"start": appointment.start.isoformat(), "override_reason": override_reason},
            )
            reminders.reminders_schedule(appointment=appointment, now=now)
            transaction.on_commit(lambda: _queue_confirmation(appointment.pk))
    except SlotUnavailable as exc:
        exc.alternatives = _alternatives(
            treatment=treatment, area=area, location=location, start=start, now=now,
            practitioner_id=practitioner.pk if practitioner else None, numbing_cream=numbing_cream,
            for_staff=is_staff_member(by),
        )  # fmt: skip
        raise
    return appointment


def appointment_cancel(
    *, appointment: Appointment, by: Any, reason: str = "", now: datetime | None = None
) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        _check_transition(appointment, Status.CANCELLED)
        _check_patient_cutoff(appointment, by=by, now=now, verb="cancel")
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason.strip()[:300]
        appointment.save(update_fields=["status", "cancel_reason", "updated_at"])
        audit_record(
            actor=by, action="appointment.cancel", obj=appointment, patient=appointment.patient,
            details={"reason": appointment.cancel_reason},
        )  # fmt: skip
        _close_course_without_sessions(appointment, by=by)
        reminders.reminders_drop(appointment=appointment, now=now)
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
    _validate_request(
        treatment=appointment.treatment, area=appointment.area, location=appointment.location,
        practitioner=practitioner, start=start,
    )  # fmt: skip
    try:
        with transaction.atomic():
            appointment = _locked(appointment)
            if appointment.status != Status.BOOKED:
                raise InvalidTransition(
                    f"Only a booked appointment can be moved; this one is {appointment.get_status_display().lower()}."
                )
            _check_patient_cutoff(appointment, by=by, now=now, verb="move")
            slot = _free_slot(
                location=appointment.location, treatment=appointment.treatment, start=start,
                duration=appointment.duration, practitioner_id=practitioner.pk, rules=BookingRules.current(),
                now=now, exclude_appointment_id=appointment.pk, for_staff=is_staff_member(by),
            )  # fmt: skip
            old_start = appointment.start
            appointment.start, appointment.end = slot.start, slot.end
            appointment.practitioner_id, appointment.room_id = slot.practitioner_id, slot.room_id
            appointment.is_override, appointment.override_reason = False, ""
            # The confirmation goes again with the new time and an updated .ics: the move confirmation.
            appointment.confirmation_sent_at = None
            _insert(appointment, update=True)
            audit_record(
                actor=by, action="appointment.reschedule", obj=appointment, patient=appointment.patient,
                details={"from": old_start.isoformat(), "to": appointment.start.isoformat()},
            )  # fmt: skip
            reminders.reminders_schedule(appointment=appointment, now=now)
            moved_id = appointment.pk
            transaction.on_commit(lambda: _queue_confirmation(moved_id))
    except SlotUnavailable as exc:
        exc.alternatives = _alternatives(
            treatment=appointment.treatment, area=appointment.area, location=appointment.location, start=start,
            now=now, practitioner_id=practitioner.pk, numbing_cream=appointment.numbing_cream,
            for_staff=is_staff_member(by),
        )  # fmt: skip
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
        previous = appointment.status
        appointment.status = status
        appointment.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by, action="appointment.status", obj=appointment, patient=appointment.patient,
            details={"from": previous, "to": status},
        )  # fmt: skip
        if status == Status.COMPLETED:
            reminders.after_session_schedule(appointment=appointment, now=now)
            _advance_course(appointment, by=by, now=now)
    return appointment


# --- helpers ----------------------------------------------------------------------------------


def _advance_course(appointment: Appointment, *, by: Any, now: datetime) -> None:
    """A completed session moves its course on; the last one completes it and plans maintenance."""
    course = appointment.course
    if course is None or course.status in (Course.Status.COMPLETED, Course.Status.CANCELLED):
        return
    done = course.appointments.filter(status=Status.COMPLETED).count()
    if done >= course.sessions_planned:
        course.status = Course.Status.COMPLETED
        every = course.treatment.maintenance_every_days
        # Fat reduction needs no maintenance: its protocol has no interval, so no recall.
        course.maintenance_due = (now + timedelta(days=every)).date() if every else None
        course.save(update_fields=["status", "maintenance_due", "updated_at"])
        audit_record(actor=by, action="course.complete", obj=course, patient=course.patient)
        reminders.course_end_schedule(course=course, now=now)
    elif course.status == Course.Status.SCHEDULED:
        course.status = Course.Status.IN_PROGRESS
        course.save(update_fields=["status", "updated_at"])


def _close_course_without_sessions(appointment: Appointment, *, by: Any) -> None:
    """A course still waiting for its intake ends when its only booked session is cancelled."""
    course = appointment.course
    if course is None or course.status != Course.Status.AWAITING_INTAKE:
        return
    if course.appointments.active().exists():
        return
    course.status = Course.Status.CANCELLED
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="course.cancel", obj=course, patient=appointment.patient)


def _queue_confirmation(appointment_id: int) -> None:
    from bookings.tasks import send_appointment_confirmation

    send_appointment_confirmation.delay(appointment_id)


def _course_for(
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    practitioner_id: int,
    by: Any,
    now: datetime,
) -> tuple[Course, int]:
    """The course this treatment session belongs to, and its session number.

    A patient's first booking of a treatment starts a course that waits for the intake; a
    patient cannot start a second course of a treatment they are still on (staff add sessions).
    """
    course = Course.objects.open().filter(patient=patient, treatment=treatment).select_for_update().first()
    if course is None:
        course = Course.objects.create(
            patient=patient, treatment=treatment, area=area, location=location, practitioner_id=practitioner_id,
            sessions_planned=treatment.sessions_default, interval_days=treatment.interval_default_days,
        )  # fmt: skip
        audit_record(actor=by, action="course.start", obj=course, patient=patient)
        reminders.intake_request_schedule(course=course, now=now)
        return course, 1
    if not is_staff_member(by):
        raise ValidationError(
            {"treatment": f"You are already on a course of {treatment.name.lower()}: see My appointments to manage it."}
        )
    held = course.appointments.exclude(status__in=[Status.CANCELLED, Status.NO_SHOW]).count()
    return course, held + 1


def _validate_request(
    *, treatment: Treatment, area: Area, location: Location, practitioner: Practitioner | None, start: datetime
) -> None:
    errors: dict[str, str] = {}
    if timezone.is_naive(start):
        errors["start"] = "Give the start time with its UTC offset, e.g. 2026-12-01T10:00:00+00:00."
    if area.treatment_id != treatment.pk:
        errors["area"] = f"“{area.name}” is not an area of {treatment.name.lower()}."
    if not treatment.is_active:
        errors["treatment"] = f"{treatment.name} is not offered at the moment."
    if not location.is_active:
        errors["location"] = f"{location.name} is not taking bookings."
    if practitioner is not None:
        if not practitioner.is_active or not practitioner.locations.filter(pk=location.pk).exists():
            errors["practitioner"] = f"{practitioner.display_name} does not work at {location.name}."
        elif not practitioner.treatments.filter(pk=treatment.pk).exists():
            errors["practitioner"] = f"{practitioner.display_name} does not perform {treatment.name.lower()}."
    if errors:
        raise ValidationError(errors)


def _free_slot(
    *,
    location: Location,
    treatment: Treatment,
    start: datetime,
    duration: timedelta,
    practitioner_id: int | None,
    rules: BookingRules,
    now: datetime,
    exclude_appointment_id: int | None = None,
    room_id: int | None = None,
    for_staff: bool = False,
) -> av.Slot:
    day = start.astimezone(location.zone).date()
    diary = diary_load(
        location=location, treatment=treatment, first_day=day, last_day=day, practitioner_id=practitioner_id,
        exclude_appointment_id=exclude_appointment_id, rules=rules,
    )  # fmt: skip
    # Reception booking from a room's column asks for that room and no other.
    rooms = [r for r in diary.rooms if room_id is None or r.room_id == room_id]
    rules_now = staff_rules(diary.rules) if for_staff else diary.rules
    for practitioner in diary.practitioners:
        slot = av.slot_is_free(
            slot_start=start, duration=duration, practitioner=practitioner, rooms=rooms, tz=location.zone,
            rules=rules_now, now=now, closures=diary.closures,
        )  # fmt: skip
        if slot is not None:
            return slot
    if len(diary.practitioners) != 1:
        raise SlotUnavailable("That time is not free: no practitioner who does this treatment is free then.")
    reason = av.slot_refusal(
        slot_start=start, duration=duration, practitioner=diary.practitioners[0], rooms=rooms, tz=location.zone,
        rules=rules_now, now=now, closures=diary.closures,
    )  # fmt: skip
    raise SlotUnavailable(f"That time is not free: {reason or 'it has just been taken'}.")


def _override_slot(
    *, location: Location, practitioner: Practitioner, start: datetime, duration: timedelta, room: Room | None = None
) -> av.Slot:
    """Reception's overbooking: the practitioner as asked, the room asked for, else the first room free
    then (else the first room)."""
    end = start + duration
    if room is not None:
        if room.location_id != location.pk or not room.is_active:
            raise ValidationError({"room": f"{room.name} is not a room at {location.name}."})
        return av.Slot(start=start, end=end, practitioner_id=practitioner.pk, room_id=room.pk)
    rooms = list(Room.objects.filter(location=location, is_active=True).order_by("name", "id"))
    if not rooms:
        raise ValidationError({"location": f"{location.name} has no room to book into."})
    busy_rooms = set(
        Appointment.objects.active().filter(location=location).overlapping(start, end).values_list("room_id", flat=True)
    )
    room = next((r for r in rooms if r.pk not in busy_rooms), rooms[0])
    return av.Slot(start=start, end=end, practitioner_id=practitioner.pk, room_id=room.pk)


def _insert(appointment: Appointment, *, update: bool = False) -> Appointment:
    _check_patient_free(appointment)
    # A savepoint, so that losing the race to another booking leaves the outer transaction usable.
    try:
        with transaction.atomic():
            if update:
                appointment.save()
            else:
                appointment.save(force_insert=True)
    except IntegrityError as exc:
        if _is_overlap(exc):
            raise SlotUnavailable("Someone has just booked that time.") from exc
        raise
    return appointment


def _check_patient_free(appointment: Appointment) -> None:
    """Even with the practitioner and a room free, the patient may be booked elsewhere then
    (a second treatment, or a phone booking on top of an online one)."""
    clash = (
        Appointment.objects.filter(
            patient_id=appointment.patient_id,
            status__in=Appointment.ACTIVE_STATUSES,
            start__lt=appointment.end,
            end__gt=appointment.start,
        )
        .exclude(pk=appointment.pk)
        .select_related("location")
        .first()
    )
    if clash is not None:
        zone = clash.location.zone
        raise PatientBusy(
            f"The patient already has an appointment from {clash.start.astimezone(zone):%H:%M} "
            f"to {clash.end.astimezone(zone):%H:%M} that day at {clash.location.name}."
        )


def _is_overlap(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return (
        getattr(cause, "pgcode", None) == "23P01"
        or "no_practitioner_overlap" in str(exc)
        or "no_room_overlap" in str(exc)
    )


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
        raise TooLateToChange(
            f"Appointments can only be {verb}d online up to {hours} hours before they start. "
            f"Please call the clinic on {appointment.location.phone or settings.CLINIC_PHONE}."
        )


def _alternatives(
    *,
    treatment: Treatment,
    area: Area,
    location: Location,
    start: datetime,
    now: datetime,
    practitioner_id: int | None,
    numbing_cream: bool,
    for_staff: bool = False,
) -> list[av.Slot]:
    """The free slots nearest the requested time, same practitioner if one was asked for."""
    day = start.astimezone(location.zone).date()
    slots = availability_search(
        treatment=treatment, area=area, location=location, first_day=day - timedelta(days=3),
        last_day=day + timedelta(days=14), now=now, practitioner_id=practitioner_id, numbing_cream=numbing_cream,
        for_staff=for_staff,
    )  # fmt: skip
    nearest = sorted(slots, key=lambda s: abs(s.start - start))[:ALTERNATIVES]
    return sorted(nearest, key=lambda s: s.start)


__all__ = [
    "InvalidTransition",
    "SlotUnavailable",
    "TooLateToChange",
    "appointment_book",
    "appointment_cancel",
    "appointment_reschedule",
    "appointment_set_status",
]
