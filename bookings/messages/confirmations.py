"""Rendering confirmations: a booking, a move, and a scheduled course's dates, each with its .ics.

They are outbox rows like every other message (scheduled in the booking's own transaction, due
at once), so each is sent exactly once whatever happens to the broker or a worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from bookings.messages.common import ICS_MIMETYPE, appointment_of, course_of, patient_email, when
from bookings.messages.ics import appointment_summary, appointments_ics
from bookings.models import Appointment, BookingRules
from clinic.formatting import friendly_when
from clinic.models import Notification
from clinic.outbox import Drop, Message


def confirmation_context(appointment: Appointment) -> dict[str, Any]:
    zone = appointment.location.zone
    rules = BookingRules.current()
    return {
        "appointment": appointment,
        "summary": appointment_summary(appointment),
        "start_local": appointment.start.astimezone(zone),
        "end_local": appointment.end.astimezone(zone),
        "when": when(appointment),
        "cutoff_hours": rules.cancellation_cutoff_hours,
        "numbing_cream": appointment.numbing_cream,
        "numbing_cream_line": (
            f"You asked for numbing cream: we apply it when you arrive, about {rules.numbing_cream_minutes} "
            "minutes before your treatment, and that time is included above. Please arrive on time."
            if appointment.numbing_cream
            else ""
        ),
    }


def _confirmation(appointment: Appointment, *, moved: bool) -> Message | Drop:
    context = confirmation_context(appointment)
    ics = appointments_ics([appointment], calendar_name=settings.CLINIC_NAME)
    return patient_email(
        appointment,
        subject_line=f"{'Moved: your' if moved else 'Your'} {appointment.treatment.name} appointment on "
        f"{context['when']}",
        template="appointment_confirmation",
        html_template="appointment_confirmation",
        attachments=(("appointment.ics", ics, ICS_MIMETYPE),),
        moved=moved,
        **context,
    )


def render_confirmation(row: Notification, now: datetime) -> Message | Drop:
    appointment = appointment_of(row)
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return Drop("appointment no longer booked")
    return _confirmation(appointment, moved=False)


def render_moved(row: Notification, now: datetime) -> Message | Drop:
    appointment = appointment_of(row)
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return Drop("appointment no longer booked")
    if appointment.start.isoformat() != row.about:
        return Drop("moved again since: the later move is confirmed instead")
    return _confirmation(appointment, moved=True)


def render_course_dates(row: Notification, now: datetime) -> Message | Drop:
    """One message listing every booked session of a course, with one .ics holding them all."""
    course = course_of(row)
    if course is None:
        return Drop("no such course")
    sessions = list(
        course.appointments.active()
        .select_related("practitioner", "location", "treatment", "area", "course")
        .order_by("start")
    )
    if not sessions:
        return Drop("no session booked")
    zone = course.location.zone
    ics = appointments_ics(sessions, calendar_name=settings.CLINIC_NAME)
    return patient_email(
        course,
        subject_line=f"Your {course.treatment.name.lower()} course: all your dates",
        template="course_schedule",
        html_template="course_schedule",
        attachments=(("course.ics", ics, ICS_MIMETYPE),),
        course=course,
        sessions=[(a, friendly_when(a.start, zone)) for a in sessions],
        cutoff_hours=BookingRules.current().cancellation_cutoff_hours,
    )
