"""Intake services: submit, screen, decide; the safety rule that ABSOLUTE is never cleared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from intake.consent import consent_record, photo_consent_set
from intake.models import Intake, PhotoConsent, Review
from intake.selectors import intake_questions
from intake.services import (
    IntakeConflict,
    health_change_record,
    intake_decide,
    intake_open,
    intake_save_answers,
    intake_submit,
)
from intake.signals import intake_cleared
from tests.bookings.conftest import NOW

pytestmark = pytest.mark.django_db
Status = Intake.Status


def clean_answers(intake) -> dict:
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=[],
        allergies=[],
        height_cm=170,
        weight_kg=65,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
        expectations="Fresher skin",
    )
    return answers


@pytest.fixture
def booked(clinic):
    """The patient's first session, which starts a course awaiting intake."""
    return appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=2)).replace(hour=10),
        by=clinic.patient.user,
        now=NOW,
    )


def submitted(clinic, **changes) -> Intake:
    intake = intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)
    intake_save_answers(intake=intake, answers={**clean_answers(intake), **changes}, by=clinic.patient.user)
    consent_record(intake=intake, typed_name=clinic.patient.full_name, agreed=True, address="127.0.0.1", now=NOW)
    return intake_submit(intake=intake, by=clinic.patient.user, now=NOW)


def test_a_clean_intake_is_cleared_with_a_snapshot(clinic, django_capture_on_commit_callbacks):
    received = []
    intake_cleared.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            intake = submitted(clinic)
    finally:
        intake_cleared.disconnect(dispatch_uid="t1")
    assert intake.status == Status.CLEARED and intake.findings == []
    assert intake.snapshot["catalogue_version"] == 1 and intake.snapshot["answers"]["PREG"] is False
    assert any(q["code"] == "PREG" for q in intake.snapshot["questions"])
    assert intake.valid_until == (NOW + timedelta(days=182)).date()
    assert [r["intake_id"] for r in received] == [intake.pk]


def test_a_listed_blood_thinner_needs_review_despite_a_no(clinic):
    intake = submitted(clinic, ANTITHROMBOTIC=False, medications=["Eliquis 5mg"])
    assert intake.status == Status.NEEDS_REVIEW
    assert intake.findings[0]["code"] == "ANTITHROMBOTIC" and intake.findings[0]["trigger"] == "Eliquis 5mg"


def test_signoff_for_all_sends_a_clean_intake_to_review(clinic):
    from intake.models import IntakeSettings

    IntakeSettings.objects.update_or_create(pk=1, defaults={"require_signoff_for_all": True})
    assert submitted(clinic).status == Status.NEEDS_REVIEW


def test_submitting_needs_a_signed_consent(clinic):
    intake = intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)
    intake_save_answers(intake=intake, answers=clean_answers(intake), by=clinic.patient.user)
    with pytest.raises(ValidationError) as caught:
        intake_submit(intake=intake, by=clinic.patient.user, now=NOW)
    assert "consent" in caught.value.message_dict


def test_consent_stores_the_version_name_time_and_address(clinic):
    intake = intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)
    with pytest.raises(ValidationError):
        consent_record(intake=intake, typed_name="Someone Else", agreed=True, address="10.0.0.1", now=NOW)
    consent = consent_record(
        intake=intake, typed_name=f"  {clinic.patient.full_name.upper()} ", agreed=True, address="10.0.0.1", now=NOW
    )
    assert (consent.text.version, consent.accepted_at, consent.address) == (2, NOW, "10.0.0.1")
    assert list(consent.areas.all()) == [clinic.area]


def test_photo_consent_is_granular_and_revocable(clinic):
    user = clinic.patient.user
    photo_consent_set(patient=clinic.patient, purposes={"clinical_record", "teaching"}, by=user, address=None, now=NOW)
    live = photo_consent_set(patient=clinic.patient, purposes={"clinical_record"}, by=user, address=None, now=NOW)
    assert [c.purpose for c in live] == ["clinical_record"]
    revoked = PhotoConsent.objects.get(patient=clinic.patient, purpose="teaching")
    assert revoked.revoked_at == NOW
    with pytest.raises(ValidationError):
        photo_consent_set(patient=clinic.patient, purposes={"selfies"}, by=user, address=None, now=NOW)


def test_answers_for_questions_that_do_not_apply_are_refused(clinic):
    intake = intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)
    with pytest.raises(ValidationError):
        intake_save_answers(intake=intake, answers={"DYSPHAGIA_NECK": True}, by=clinic.patient.user)
    with pytest.raises(ValidationError):
        intake_save_answers(intake=intake, answers={"PREG": "maybe"}, by=clinic.patient.user)


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_an_absolute_finding_is_never_cleared(clinic, decision):
    intake = submitted(clinic, PREG=True)
    assert intake.status == Status.NOT_SUITABLE
    if decision == "approve":
        with pytest.raises(IntakeConflict):
            intake_decide(
                intake=intake, practitioner=clinic.practitioner, decision="approve", by=clinic.practitioner.user
            )
        intake.refresh_from_db()
        assert intake.status == Status.NOT_SUITABLE
    else:
        intake_decide(intake=intake, practitioner=clinic.practitioner, decision="decline", by=clinic.practitioner.user)
        intake.refresh_from_db()
        assert intake.status == Status.DECLINED


def test_approval_clears_and_books_nothing_before_it(clinic, booked, django_capture_on_commit_callbacks):
    intake = submitted(clinic, medications=["warfarin"])
    course = booked.course
    # The booking asked for this questionnaire; nothing but the first session is held before clearance.
    assert course.status == Course.Status.AWAITING_INTAKE and course.intake == intake
    assert course.appointments.active().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        review = intake_decide(
            intake=intake,
            practitioner=clinic.practitioner,
            decision="approve",
            by=clinic.practitioner.user,
            sessions=5,
            interval_days=21,
            finding_decisions={"ANTITHROMBOTIC": {"decision": "proceed", "notes": "INR ok"}},
        )
    intake.refresh_from_db()
    course.refresh_from_db()
    assert intake.status == Status.CLEARED and review.decision == Review.Decision.APPROVE
    assert (course.intake, course.sessions_planned, course.interval_days) == (intake, 5, 21)
    # The worker (eager in tests) booked the remaining sessions, fortnightly-ish at 21 days.
    assert course.status == Course.Status.SCHEDULED and course.unplaced == []
    sessions = list(course.appointments.active().order_by("session_number"))
    assert [a.session_number for a in sessions] == [1, 2, 3, 4, 5]
    assert all((b.start - a.start).days == 21 for a, b in zip(sessions, sessions[1:], strict=False))


@pytest.mark.parametrize(
    ("sessions", "interval", "field"), [(3, None, "sessions"), (11, None, "sessions"), (None, 60, "interval_days")]
)
def test_the_course_shape_must_stay_inside_the_protocol(clinic, sessions, interval, field):
    intake = submitted(clinic, medications=["warfarin"])
    with pytest.raises(ValidationError) as caught:
        intake_decide(
            intake=intake,
            practitioner=clinic.practitioner,
            decision="approve",
            by=None,
            sessions=sessions,
            interval_days=interval,
        )
    assert field in caught.value.message_dict


def test_declining_releases_the_held_session(
    clinic, booked, django_capture_on_commit_callbacks, mailoutbox, dispatch_after_commit
):
    intake = submitted(clinic, medications=["warfarin"])
    with django_capture_on_commit_callbacks(execute=True):
        intake_decide(intake=intake, practitioner=clinic.practitioner, decision="decline", by=None, notes="Refer")
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert Course.objects.get(pk=booked.course_id).status == Course.Status.CANCELLED
    assert any("not the right choice" in m.body for m in mailoutbox)


def test_a_submitted_intake_cannot_be_edited_or_resubmitted(clinic):
    intake = submitted(clinic)
    with pytest.raises(IntakeConflict):
        intake_save_answers(intake=intake, answers={"PREG": True}, by=clinic.patient.user)
    with pytest.raises(IntakeConflict):
        intake_submit(intake=intake, by=clinic.patient.user, now=NOW)


def test_a_health_change_that_needs_a_clinician_returns_the_intake_to_review(clinic):
    intake = submitted(clinic)
    assert health_change_record(intake=intake, changed=False, answers=None, by=None).status == Status.CLEARED
    intake = health_change_record(intake=intake, changed=True, answers={"medications": ["Xarelto"]}, by=None, now=NOW)
    assert intake.status == Status.NEEDS_REVIEW and intake.findings[0]["trigger"] == "Xarelto"
