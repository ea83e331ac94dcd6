"""The booking confirmation email, sent at most once per appointment.

Celery delivers tasks at least once and retries on SMTP errors, so the send is guarded by the
appointment's row lock and `confirmation_sent_at`: a second call, concurrent or later, finds
the stamp and sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.ics import appointment_summary, appointments_ics
from bookings.models import Appointment, BookingRules
from clinic.models import AuditEvent

# Django adds the charset parameter itself; naming it here as well would repeat it in the header.
ICS_MIMETYPE = "text/calendar; method=PUBLISH"


def friendly_when(moment: datetime) -> str:
    """ "Tuesday 2 December at 10:00": how people say it, without a zero-padded day."""
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M}"


def confirmation_context(appointment: Appointment) -> dict[str, Any]:
    zone = appointment.location.zone
    rules = BookingRules.current()
    return {
        "appointment": appointment,
        "summary": appointment_summary(appointment),
        "start_local": appointment.start.astimezone(zone),
        "end_local": appointment.end.astimezone(zone),
        "when": friendly_when(appointment.start.astimezone(zone)),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": appointment.location.phone or settings.CLINIC_PHONE,
        "cutoff_hours": rules.cancellation_cutoff_hours,
        "numbing_cream": appointment.numbing_cream,
        "numbing_cream_line": (
            f"You asked for numbing cream: we apply it when you arrive, about {rules.numbing_cream_minutes} "
            "minutes before your treatment, and that time is included above. Please arrive on time."
            if appointment.numbing_cream
            else ""
        ),
    }


def appointment_confirmation_send(*, appointment_id: int) -> bool:
    """Email the patient their confirmation with the .ics attached; False when nothing was sent."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("patient", "practitioner", "location", "treatment", "area", "course")
            .get(pk=appointment_id)
        )
        if (
            appointment.confirmation_sent_at is not None
            or appointment.status != Appointment.Status.BOOKED
            or not appointment.patient.email
        ):
            return False
        context = confirmation_context(appointment)
        moved = AuditEvent.objects.filter(
            action="appointment.reschedule", object_type="bookings.appointment", object_id=str(appointment.pk)
        ).exists()
        context["moved"] = moved
        message = EmailMultiAlternatives(
            subject=f"{'Moved: your' if moved else 'Your'} {appointment.treatment.name} appointment on "
            f"{context['when']}",
            body=render_to_string("emails/appointment_confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[appointment.patient.email],
        )
        message.attach_alternative(render_to_string("emails/appointment_confirmation.html", context), "text/html")
        ics = appointments_ics([appointment], calendar_name=settings.CLINIC_NAME)
        message.attach("appointment.ics", ics, ICS_MIMETYPE)
        message.send()
        appointment.confirmation_sent_at = timezone.now()
        appointment.save(update_fields=["confirmation_sent_at"])
    return True


def course_schedule_send(*, course_id: int) -> bool:
    """One message listing every booked session of a course, with one .ics holding them all."""
    from bookings.models import Course

    with transaction.atomic():
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("patient", "location", "treatment", "area")
            .get(pk=course_id)
        )
        if course.schedule_sent_at is not None or not course.patient.email:
            return False
        sessions = list(
            course.appointments.active()
            .select_related("practitioner", "location", "treatment", "area", "course")
            .order_by("start")
        )
        if not sessions:
            return False
        zone = course.location.zone
        context = {
            "course": course,
            "sessions": [(a, friendly_when(a.start.astimezone(zone))) for a in sessions],
            "clinic_name": settings.CLINIC_NAME,
            "clinic_phone": course.location.phone or settings.CLINIC_PHONE,
            "cutoff_hours": BookingRules.current().cancellation_cutoff_hours,
        }
        message = EmailMultiAlternatives(
            subject=f"Your {course.treatment.name.lower()} course: all your dates",
            body=render_to_string("emails/course_schedule.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[course.patient.email],
        )
        message.attach_alternative(render_to_string("emails/course_schedule.html", context), "text/html")
        message.attach("course.ics", appointments_ics(sessions, calendar_name=settings.CLINIC_NAME), ICS_MIMETYPE)
        message.send()
        course.schedule_sent_at = timezone.now()
        course.save(update_fields=["schedule_sent_at"])
    return True
