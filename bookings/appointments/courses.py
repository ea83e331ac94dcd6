"""A course as its appointments move it: started by the first booking, advanced by each completed
session, closed when its only held session goes, and followed up by reception for maintenance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bookings.appointments.errors import CourseRace
from bookings.messages import schedule as messages
from bookings.models import Appointment, Course
from clinic.audit import audit_record
from clinic.models import Location, Patient
from clinic.roles import is_staff_member
from intake.services import intake_needed_by_set, intake_open
from treatments.models import Area, Treatment

Status = Appointment.Status
ONE_OPEN_COURSE = "bookings_course_one_open_per_treatment"


def course_for_booking(
    *,
    patient: Patient,
    treatment: Treatment,
    area: Area,
    location: Location,
    practitioner_id: int,
    start: datetime,
    by: Any,
    now: datetime,
) -> tuple[Course, int]:
    """The course this treatment session belongs to, and its session number.

    A patient's first booking of a treatment starts a course that waits for the intake, and asks
    intake for the questionnaire it needs by the first session (intake never reads bookings). A
    patient cannot start a second course of a treatment they are still on (staff add sessions).
    """
    course = _open_course(patient, treatment)
    if course is None:
        # No savepoint here (a booking has a budget of two): losing the race to start the course
        # spoils the booking's transaction, and appointment_book runs again and finds the course.
        intake = intake_open(patient=patient, treatment=treatment, area=area, needed_by=start, by=by)
        try:
            course = Course.objects.create(
                patient=patient,
                treatment=treatment,
                area=area,
                location=location,
                practitioner_id=practitioner_id,
                intake=intake,
                sessions_planned=treatment.sessions_default,
                interval_days=treatment.interval_default_days,
            )
        except IntegrityError as exc:
            if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") != ONE_OPEN_COURSE:
                raise
            raise CourseRace from exc
        audit_record(actor=by, action="course.start", obj=course, patient=patient)
        messages.intake_request_schedule(course=course, now=now)
        return course, 1
    if not is_staff_member(by):
        raise ValidationError(
            {"treatment": f"You are already on a course of {treatment.name.lower()}: see My appointments to manage it."}
        )
    held = course.appointments.exclude(status__in=[Status.CANCELLED, Status.NO_SHOW]).count()
    return course, held + 1


def course_advance(appointment: Appointment, *, by: Any, now: datetime) -> None:
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
        messages.course_end_schedule(course=course, now=now)
    elif course.status == Course.Status.SCHEDULED:
        course.status = Course.Status.IN_PROGRESS
        course.save(update_fields=["status", "updated_at"])


def _open_course(patient: Patient, treatment: Treatment) -> Course | None:
    return Course.objects.open().filter(patient=patient, treatment=treatment).select_for_update().first()


def course_intake_need_update(course: Course | None) -> None:
    """Tell intake when its questionnaire is now needed by: the course's earliest held session
    (the practitioners' review queue is ordered by it)."""
    if course is None or course.intake_id is None:
        return
    first = course.appointments.active().order_by("start").values_list("start", flat=True).first()
    intake_needed_by_set(intake_id=course.intake_id, needed_by=first)


def course_close_if_empty(appointment: Appointment, *, by: Any) -> None:
    """A course still waiting for its intake ends when its only booked session is cancelled."""
    course = appointment.course
    if course is None or course.status != Course.Status.AWAITING_INTAKE:
        return
    if course.appointments.active().exists():
        return
    course.status = Course.Status.CANCELLED
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="course.cancel", obj=course, patient=appointment.patient)


def course_recall_contacted(*, course: Course, by: Any, now: datetime) -> Course:
    """Reception called the patient about their maintenance session."""
    with transaction.atomic(durable=True):
        Course.objects.filter(pk=course.pk).update(recall_contacted_at=now)
        audit_record(actor=by, action="course.recall_contacted", obj=course, patient=course.patient)
    course.recall_contacted_at = now
    return course
