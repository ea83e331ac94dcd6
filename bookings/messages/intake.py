"""Rendering the messages about a course's health questionnaire: the request and its nudge to the
patient, the kind word when it is declined, and the alert that asks practitioners to call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from bookings.messages.common import clinic_phone, course_of, patient_email
from bookings.models import Course
from clinic.accounts.invites import claim_url, invite_days, may_claim
from clinic.models import Notification, Practitioner
from clinic.outbox import Drop, Message
from intake.models import Intake


def _questionnaire_needed(course: Course | None) -> bool:
    """Still waiting for the patient: neither the course's questionnaire nor any other one of theirs
    for the same treatment and area has been sent."""
    if course is None or course.status != Course.Status.AWAITING_INTAKE:
        return False
    if course.intake is not None and course.intake.status != Intake.Status.DRAFT:
        return False
    sent = Intake.objects.filter(patient_id=course.patient_id, treatment_id=course.treatment_id, area_id=course.area_id)
    return not sent.exclude(status=Intake.Status.DRAFT).exists()


def _intake_links(course: Course) -> dict[str, Any]:
    """Where the questionnaire is. A phone or walk-in patient has no account to sign in with:
    they get a link to set one up first (minted now, so it is fresh when it is sent)."""
    links: dict[str, Any] = {"intake_url": f"{settings.CLINIC_BASE_URL}/me/intake/"}
    if may_claim(course.patient):
        links.update(claim_url=claim_url(course.patient), invite_days=invite_days())
    return links


def _questionnaire_open(course: Course | None) -> bool:
    """A resent request: the patient has a questionnaire for the course's treatment and area to
    fill in (a later session's expired clearance included), whatever the course's status."""
    if course is None or course.status in (Course.Status.COMPLETED, Course.Status.CANCELLED):
        return False
    drafts = Intake.objects.filter(
        patient_id=course.patient_id, treatment_id=course.treatment_id, area_id=course.area_id
    ).filter(status=Intake.Status.DRAFT)
    return drafts.exists()


def render_intake_request(row: Notification, now: datetime) -> Message | Drop:
    course = course_of(row)
    resent = row.about.startswith("resend:")
    if not (_questionnaire_open(course) if resent else _questionnaire_needed(course)):
        return Drop("questionnaire no longer needed")
    return patient_email(
        course,
        subject_line=(
            "Your health questionnaire, before your next session"
            if resent
            else "Before your first session: a short health questionnaire"
        ),
        template="intake_request",
        course=course,
        resent=resent,
        **_intake_links(course),
    )


def render_intake_nudge(row: Notification, now: datetime) -> Message | Drop:
    course = course_of(row)
    if not _questionnaire_needed(course):
        return Drop("questionnaire already sent")
    return patient_email(
        course,
        subject_line="A reminder: your health questionnaire",
        template="intake_nudge",
        course=course,
        **_intake_links(course),
    )


def render_intake_declined(row: Notification, now: datetime) -> Message | Drop:
    course = course_of(row)
    if course is None or course.status != Course.Status.CANCELLED:
        return Drop("course not cancelled")
    return patient_email(
        course,
        subject_line=f"About your {course.treatment.name.lower()} booking",
        template="intake_declined",
        course=course,
    )


def render_not_suitable(row: Notification, now: datetime) -> Message | Drop:
    """To one practitioner (the row's `about`). No health details in an email: the practitioner
    reads the findings in the review queue."""
    course = course_of(row)
    if course is None or course.intake is None or course.intake.status != Intake.Status.NOT_SUITABLE:
        return Drop("no longer not suitable")
    practitioner_id = int(row.about.removeprefix("practitioner:") or 0)
    practitioner = Practitioner.objects.filter(pk=practitioner_id, is_active=True).select_related("user").first()
    if practitioner is None or not practitioner.user.email:
        return Drop("practitioner gone")
    text = (
        f"An intake for {course.treatment.name.lower()} was screened as not suitable. Please review it in the "
        f"review queue and contact the patient.\n\n{settings.CLINIC_BASE_URL}/practitioner/reviews/\n\n"
        f"{settings.CLINIC_NAME}, {course.location.name} ({clinic_phone(course)})"
    )
    return Message(to=practitioner.user.email, subject="An intake needs a practitioner's call", text=text)
