"""Rendering what the clinic tells a patient around each session, when its row comes due.

Each renderer asks whether the row is still current: a cancelled appointment's reminder is
dropped, a moved one is re-timed. Wording follows the clinic's clinical guidance (wording.py).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from bookings.messages.common import appointment_of, clinic_phone, course_of, patient_email, when
from bookings.messages.kinds import MessageKind
from bookings.messages.schedule import reminder_due
from bookings.messages.wording import AFTER_SESSION, BEFORE_7_DAYS, BEFORE_24_48_HOURS, CHECK_IN, COURSE_END
from bookings.models import Appointment, Course
from clinic.models import Notification
from clinic.outbox import Drop, Message, Retime
from clinic.phones import phone_e164

Outcome = Message | Drop | Retime


def _upcoming(kind: MessageKind, row: Notification, now: datetime, *, template: str, subject: str) -> Outcome:
    appointment = appointment_of(row)
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return Drop("appointment no longer booked")
    due = reminder_due(kind, appointment)
    if abs((due - row.due_at).total_seconds()) > 60:  # the appointment moved since this was planned
        return Retime(due) if due > now else Drop("moved too close to send")
    if row.channel == "sms":
        return _sms(appointment)
    return patient_email(
        appointment,
        subject_line=subject.format(when=when(appointment)),
        template=template,
        appointment=appointment,
        when=when(appointment),
        before_7_days=BEFORE_7_DAYS,
        before_24_48_hours=BEFORE_24_48_HOURS,
    )


def _sms(appointment: Appointment) -> Message | Drop:
    """A short text: when and where, and whom to call. No treatment name: texts show on lock screens."""
    phone = appointment.patient.phone
    if not phone:
        return Drop("no phone number")
    text = (
        f"{settings.CLINIC_NAME}: reminder of your appointment {when(appointment)} at {appointment.location.name}. "
        f"To change it call {clinic_phone(appointment)}."
    )
    return Message(to=phone_e164(phone), subject="", text=text)  # E.164: works from any network


def render_precare(row: Notification, now: datetime) -> Outcome:
    return _upcoming(
        MessageKind.PRECARE, row, now, template="precare_7d", subject="Getting ready for your appointment on {when}"
    )


def render_reminder(row: Notification, now: datetime) -> Outcome:
    return _upcoming(
        MessageKind.REMINDER, row, now, template="reminder_48h", subject="Reminder: your appointment on {when}"
    )


def _completed(row: Notification) -> Appointment | None:
    appointment = appointment_of(row)
    if appointment is None or appointment.status != Appointment.Status.COMPLETED:
        return None
    return appointment


def render_aftercare(row: Notification, now: datetime) -> Message | Drop:
    appointment = _completed(row)
    if appointment is None:
        return Drop("session not completed")
    return patient_email(
        appointment,
        subject_line="Looking after your skin after today's session",
        template="aftercare",
        appointment=appointment,
        after_session=AFTER_SESSION,
    )


def render_checkin(row: Notification, now: datetime) -> Message | Drop:
    appointment = _completed(row)
    if appointment is None:
        return Drop("session not completed")
    return patient_email(
        appointment,
        subject_line="How are you feeling after your session?",
        template="checkin",
        appointment=appointment,
        check_in=CHECK_IN,
    )


def render_cancelled(row: Notification, now: datetime) -> Message | Drop:
    appointment = appointment_of(row)
    if appointment is None or appointment.status != Appointment.Status.CANCELLED:
        return Drop("appointment not cancelled")
    return patient_email(
        appointment,
        subject_line=f"Cancelled: your appointment on {when(appointment)}",
        template="cancelled",
        appointment=appointment,
        when=when(appointment),
        book_url=f"{settings.CLINIC_BASE_URL}/book/{appointment.treatment.slug}/",
    )


def render_course_completed(row: Notification, now: datetime) -> Message | Drop:
    course = course_of(row)
    if course is None or course.status != Course.Status.COMPLETED:
        return Drop("course not completed")
    return patient_email(
        course,
        subject_line=f"Your {course.treatment.name.lower()} course is complete",
        template="course_end",
        course=course,
        course_end=COURSE_END,
    )


def render_recall(row: Notification, now: datetime) -> Message | Drop:
    course = course_of(row)
    if course is None or course.status != Course.Status.COMPLETED or not course.maintenance_due:
        return Drop("no maintenance due")
    return patient_email(
        course,
        subject_line=f"Time for your {course.treatment.name.lower()} maintenance session",
        template="maintenance_recall",
        course=course,
        book_url=f"{settings.CLINIC_BASE_URL}/book/{course.treatment.slug}/?area={course.area.slug}",
    )
