"""What a course does when its questionnaire is decided: cleared, declined or not suitable.

Called by the receivers of intake's signals, inside the transaction that decided the intake.
Clearing does not book the sessions here (placing ten sessions is the worker's job): the course
is left waiting with a cleared intake, which is what `course_schedule` and the beat's sweep of
such courses look for, so the booking happens even if the queued task is lost.
"""

from __future__ import annotations

from django.utils import timezone

from bookings.appointments.services import appointment_cancel
from bookings.messages import schedule as messages
from bookings.models import Appointment, Course
from clinic.audit import audit_record
from clinic.jobs import task_after_commit

SCHEDULE_TASK = "bookings.tasks.schedule_course"
DECLINED_REASON = "Intake declined by the practitioner"


def course_intake_cleared(*, course: Course, sessions: int | None, interval_days: int | None) -> None:
    """Take the course shape the practitioner set, and ask the worker to book the rest."""
    if course.status != Course.Status.AWAITING_INTAKE:
        return
    course.sessions_planned = sessions or course.sessions_planned
    course.interval_days = interval_days or course.interval_days
    course.save(update_fields=["sessions_planned", "interval_days", "updated_at"])
    audit_record(
        actor=None,
        action="course.intake_cleared",
        obj=course,
        patient=course.patient,
        details={"sessions": course.sessions_planned, "interval_days": course.interval_days},
    )
    task_after_commit(SCHEDULE_TASK, course.pk)


def course_intake_declined(*, course: Course) -> None:
    """Release the held sessions, close the course and tell the patient, kindly."""
    now = timezone.now()
    for appointment in course.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_cancel(appointment=appointment, by=None, reason=DECLINED_REASON, now=now)
    course.refresh_from_db(fields=["status"])
    if course.status != Course.Status.CANCELLED:
        course.status = Course.Status.CANCELLED
        course.save(update_fields=["status", "updated_at"])
        audit_record(actor=None, action="course.cancel", obj=course, patient=course.patient)
    messages.intake_declined_schedule(course=course, now=now)


def course_intake_not_suitable(*, course: Course) -> None:
    """No course is scheduled; the practitioners of its location are asked to call the patient."""
    course.status = Course.Status.NEEDS_ATTENTION
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, action="course.needs_attention", obj=course, patient=course.patient)
    practitioners = course.location.practitioners.filter(is_active=True)
    messages.not_suitable_schedule(course=course, practitioners=practitioners, now=timezone.now())
