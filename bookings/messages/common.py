"""What every bookings message shares: loading its subject, and an email in the clinic's voice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from bookings.messages.wording import SEEK_HELP
from bookings.models import Appointment, Course
from clinic.formatting import friendly_when
from clinic.models import Notification
from clinic.outbox import Drop, Message

# Django adds the charset parameter itself; naming it here as well would repeat it in the header.
ICS_MIMETYPE = "text/calendar; method=PUBLISH"


def appointment_of(row: Notification) -> Appointment | None:
    return (
        Appointment.objects.select_related("patient", "location", "treatment", "area", "practitioner", "course")
        .filter(pk=row.subject_id)
        .first()
    )


def course_of(row: Notification) -> Course | None:
    return (
        Course.objects.select_related("patient", "location", "treatment", "area", "intake")
        .filter(pk=row.subject_id)
        .first()
    )


def when(appointment: Appointment) -> str:
    return friendly_when(appointment.start, appointment.location.zone)


def clinic_phone(subject: Appointment | Course) -> str:
    return subject.location.phone or settings.CLINIC_PHONE


def patient_email(
    subject: Appointment | Course,
    *,
    subject_line: str,
    template: str,
    html_template: str = "",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    **context: Any,
) -> Message | Drop:
    """An email to the subject's patient: the text template, and its HTML (its own template, or
    the text inside the clinic's plain HTML frame)."""
    patient = subject.patient
    if not patient.email:
        return Drop("no email address")
    context.update(
        patient=patient, clinic_name=settings.CLINIC_NAME, clinic_phone=clinic_phone(subject), seek_help=SEEK_HELP
    )
    text = render_to_string(f"emails/{template}.txt", context)
    if html_template:
        html = render_to_string(f"emails/{html_template}.html", context)
    else:
        html = render_to_string("emails/reminder.html", {**context, "body": text})
    return Message(to=patient.email, subject=subject_line, text=text, html=html, attachments=attachments)
