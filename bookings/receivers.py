"""Bookings' answers to intake's signals (intake never imports bookings).

Receivers take ids, reload rows and call services, so they are safe to run twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from bookings.models import Appointment, Course
from bookings.services import appointment_cancel
from bookings.tasks import schedule_course
from intake.models import Intake

logger = logging.getLogger(__name__)


def _open_course(intake: Intake) -> Course | None:
    return (
        Course.objects.open()
        .filter(patient=intake.patient, treatment=intake.treatment)
        .select_related("location", "practitioner__user")
        .first()
    )


def on_intake_cleared(
    sender: Any, *, intake_id: int, sessions: int | None, interval_days: int | None, **_: Any
) -> None:
    """Link the course to its cleared intake and queue the worker that books the rest of it."""
    intake = Intake.objects.select_related("patient", "treatment").get(pk=intake_id)
    with transaction.atomic():
        course = _open_course(intake)
        if course is None or course.status != Course.Status.AWAITING_INTAKE:
            return
        course.intake = intake
        course.sessions_planned = sessions or course.sessions_planned
        course.interval_days = interval_days or course.interval_days
        course.save(update_fields=["intake", "sessions_planned", "interval_days", "updated_at"])
        course_id = course.pk
        transaction.on_commit(lambda: schedule_course.delay(course_id))


def on_intake_declined(sender: Any, *, intake_id: int, **_: Any) -> None:
    """Release the held sessions and tell the patient, kindly."""
    intake = Intake.objects.select_related("patient", "treatment").get(pk=intake_id)
    course = _open_course(intake)
    if course is None:
        return
    for appointment in course.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_cancel(appointment=appointment, by=None, reason="Intake declined by the practitioner")
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CANCELLED)
    if intake.patient.email:
        send_mail(
            f"About your {intake.treatment.name.lower()} booking",
            "Thank you for completing your health questionnaire. After reviewing it, our practitioner feels this "
            "treatment is not the right choice for you at the moment, so we have cancelled your booking and you "
            f"will not be charged. We will be in touch to talk it through; you can also call us on "
            f"{course.location.phone or settings.CLINIC_PHONE}.\n\n{settings.CLINIC_NAME}",
            None,
            [intake.patient.email],
        )


def on_intake_not_suitable(sender: Any, *, intake_id: int, **_: Any) -> None:
    """No course is scheduled; the practitioners of the course's location are told to call."""
    intake = Intake.objects.select_related("patient", "treatment").get(pk=intake_id)
    course = _open_course(intake)
    if course is None:
        return
    Course.objects.filter(pk=course.pk).update(status=Course.Status.NEEDS_ATTENTION)
    recipients = list(course.location.practitioners.filter(is_active=True).values_list("user__email", flat=True))
    if recipients:
        # No health details in an email: the practitioner reads the findings in the review queue.
        send_mail(
            "An intake needs a practitioner's call",
            f"An intake for {intake.treatment.name.lower()} was screened as not suitable. Please review it in the "
            "review queue and contact the patient.",
            None,
            recipients,
        )
