"""The intake JSON API (DESIGN.md's contract): who sees what of an intake, draft answers, submit,
the review queue and decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from clinic.models import AuditEvent
from intake.consent import consent_record
from intake.models import Intake, Review
from intake.selectors import intake_questions
from intake.services import intake_open, intake_save_answers, intake_submit
from intake.signals import intake_cleared
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.factories import LocationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
Status = Intake.Status
PATIENT_FIELDS = {
    "id",
    "status",
    "treatment",
    "area",
    "step",
    "submitted_at",
    "valid_until",
    "answers",
    "questions",
    "consent",
}


@pytest.fixture
def api():
    return APIClient()


def url(intake: Intake, action: str = "") -> str:
    return f"/api/intakes/{intake.pk}/{action + '/' if action else ''}"


def clean_answers(intake: Intake) -> dict:
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


def draft(clinic, patient=None, *, days: int = 2) -> Intake:
    """A draft intake of a patient booked at the practitioner's location (so staff reach it)."""
    patient = patient or clinic.patient
    appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=days)).replace(hour=10),
        by=patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    return intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)


def submitted(clinic, patient=None, *, days: int = 2, **changes) -> Intake:
    intake = draft(clinic, patient, days=days)
    patient = intake.patient
    intake_save_answers(intake=intake, answers={**clean_answers(intake), **changes}, by=patient.user)
    consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address="127.0.0.1", now=NOW)
    return intake_submit(intake=intake, by=patient.user, now=NOW)


def needs_review(clinic, patient=None) -> Intake:
    return submitted(clinic, patient, ANTITHROMBOTIC=False, medications=["Eliquis 5mg"])


def not_suitable(clinic, patient=None, *, days: int = 2) -> Intake:
    return submitted(clinic, patient, days=days, PREG=True)


# --- Reading an intake --------------------------------------------------------------------------


def test_a_patient_sees_their_status_and_answers_but_never_findings(api, clinic):
    intake = needs_review(clinic)
    api.force_authenticate(clinic.patient.user)
    body = api.get(url(intake)).json()
    assert set(body) == PATIENT_FIELDS
    assert body["status"] == "needs_review" and body["treatment"] == clinic.treatment.slug
    assert body["answers"]["medications"] == ["Eliquis 5mg"]
    assert "findings" not in body and "Eliquis" not in str({k: v for k, v in body.items() if k != "answers"})
    assert not AuditEvent.objects.filter(action="intake.view").exists()


def test_a_patient_cannot_see_another_patients_intake(api, clinic):
    intake = needs_review(clinic)
    api.force_authenticate(make_patient().user)
    assert api.get(url(intake)).status_code == 404


def test_a_practitioner_sees_the_findings_and_the_view_is_audited(api, clinic):
    intake = needs_review(clinic)
    api.force_authenticate(clinic.practitioner.user)
    body = api.get(url(intake)).json()
    assert set(body) == PATIENT_FIELDS | {"findings"}
    [finding] = body["findings"]
    assert (finding["code"], finding["severity"], finding["trigger"]) == ("ANTITHROMBOTIC", "RELATIVE", "Eliquis 5mg")
    event = AuditEvent.objects.get(action="intake.view")
    assert (event.actor, event.patient) == (clinic.practitioner.user, clinic.patient)


def test_reception_sees_the_status_only(api, clinic, reception):
    intake = needs_review(clinic)
    api.force_authenticate(reception)
    assert api.get(url(intake)).json() == {"id": intake.pk, "status": "needs_review"}
    assert not AuditEvent.objects.filter(action="intake.view").exists()


def test_reception_gets_404_on_clinical_intake_data(api, clinic, reception):
    intake = needs_review(clinic)
    api.force_authenticate(reception)
    assert api.put(url(intake), {"answers": {"PREG": True}}, format="json").status_code == 404
    assert api.post(url(intake, "submit")).status_code == 404
    assert api.post(url(intake, "decision"), {"decision": "approve"}, format="json").status_code == 404


def test_staff_of_another_location_get_404(api, clinic):
    intake = needs_review(clinic)
    elsewhere = make_practitioner(LocationFactory(), clinic.treatment)
    api.force_authenticate(elsewhere.user)
    assert api.get(url(intake)).status_code == 404
    assert api.post(url(intake, "decision"), {"decision": "decline"}, format="json").status_code == 404
    assert api.get("/api/review-queue/").json() == []


def test_visitors_must_sign_in(api, clinic):
    intake = needs_review(clinic)
    assert api.get(url(intake)).status_code in (401, 403)
    assert api.get("/api/review-queue/").status_code in (401, 403)


# --- Draft answers and submitting ----------------------------------------------------------------


def test_a_patient_saves_draft_answers_then_submits(api, clinic):
    intake = draft(clinic)
    api.force_authenticate(clinic.patient.user)
    response = api.put(url(intake), {"answers": clean_answers(intake), "step": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["answers"]["PREG"] is False and response.json()["step"] == 2

    response = api.post(url(intake, "submit"))
    assert response.status_code == 400 and "consent" in response.json()

    consent_record(intake=intake, typed_name=clinic.patient.full_name, agreed=True, address=None, now=NOW)
    response = api.post(url(intake, "submit"))
    assert response.status_code == 200 and response.json() == {"status": "cleared"}

    assert api.post(url(intake, "submit")).status_code == 409
    assert api.put(url(intake), {"answers": {"PREG": True}}, format="json").status_code == 409


def test_bad_answers_are_refused_naming_the_field(api, clinic):
    intake = draft(clinic)
    api.force_authenticate(clinic.patient.user)
    response = api.put(url(intake), {"answers": {"PREG": "maybe"}}, format="json")
    assert response.status_code == 400 and "answers" in response.json()
    response = api.put(url(intake), {"answers": ["PREG"]}, format="json")
    assert response.status_code == 400 and "answers" in response.json()


def test_staff_who_may_read_an_intake_cannot_change_the_answers(api, clinic, manager_user):
    intake = draft(clinic)
    for user in (clinic.practitioner.user, manager_user):
        api.force_authenticate(user)
        assert api.put(url(intake), {"answers": {"PREG": True}}, format="json").status_code == 403
        assert api.post(url(intake, "submit")).status_code == 403
    intake.refresh_from_db()
    assert "PREG" not in intake.answers and intake.status == Status.DRAFT


# --- The review queue ----------------------------------------------------------------------------


def test_the_review_queue_lists_intakes_with_findings_by_next_appointment(api, clinic):
    first = needs_review(clinic)
    later = not_suitable(clinic, make_patient(), days=5)
    submitted(clinic, make_patient(), days=3)  # cleared: not in the queue

    api.force_authenticate(clinic.practitioner.user)
    body = api.get("/api/review-queue/").json()

    assert [item["id"] for item in body] == [first.pk, later.pk]
    item = body[0]
    assert set(item) == {"id", "status", "patient", "treatment", "area", "submitted_at", "next_appointment", "findings"}
    assert item["patient"] == {"id": clinic.patient.pk, "name": clinic.patient.full_name}
    assert item["next_appointment"] == "2026-12-03T10:00:00Z"
    assert item["findings"][0]["trigger"] == "Eliquis 5mg"
    assert body[1]["status"] == "not_suitable" and body[1]["findings"][0]["severity"] == "ABSOLUTE"


@pytest.mark.parametrize("who", ["reception", "patient"])
def test_the_review_queue_is_forbidden_to_reception_and_patients(api, clinic, reception, who):
    needs_review(clinic)
    api.force_authenticate(reception if who == "reception" else clinic.patient.user)
    assert api.get("/api/review-queue/").status_code == 403


# --- Decisions -----------------------------------------------------------------------------------


def test_a_practitioner_approves_and_the_course_is_shaped(api, clinic, django_capture_on_commit_callbacks):
    intake = needs_review(clinic)
    received = []
    intake_cleared.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="api-decision-test")
    api.force_authenticate(clinic.practitioner.user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                url(intake, "decision"),
                {
                    "decision": "approve",
                    "sessions": 6,
                    "interval_days": 14,
                    "notes": "INR stable",
                    "finding_decisions": {"ANTITHROMBOTIC": {"decision": "proceed", "notes": "Prescriber aware"}},
                },
                format="json",
            )
    finally:
        intake_cleared.disconnect(dispatch_uid="api-decision-test")
    assert response.status_code == 200 and response.json() == {"status": "cleared"}
    assert [(r["sessions"], r["interval_days"]) for r in received] == [(6, 14)]
    course = Course.objects.get(patient=clinic.patient)
    assert (course.status, course.sessions_planned, course.interval_days) == (Course.Status.SCHEDULED, 6, 14)
    assert course.appointments.active().count() == 6  # the worker booked the rest of the course
    review = Review.objects.get(intake=intake)
    assert review.finding_decisions == {"ANTITHROMBOTIC": {"decision": "proceed", "notes": "Prescriber aware"}}


def test_a_practitioner_declines_and_the_held_session_is_released(
    api, clinic, django_capture_on_commit_callbacks, mailoutbox, dispatch_after_commit
):
    intake = needs_review(clinic)
    api.force_authenticate(clinic.practitioner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url(intake, "decision"), {"decision": "decline", "notes": "Refer"}, format="json")
    assert response.json() == {"status": "declined"}
    assert Appointment.objects.get(patient=clinic.patient).status == Appointment.Status.CANCELLED
    assert any(clinic.patient.email in m.to for m in mailoutbox)


def test_approving_an_absolute_finding_is_a_conflict(api, clinic):
    intake = not_suitable(clinic)
    api.force_authenticate(clinic.practitioner.user)
    response = api.post(url(intake, "decision"), {"decision": "approve", "sessions": 5}, format="json")
    assert response.status_code == 409 and "absolute" in response.json()["detail"]
    intake.refresh_from_db()
    assert intake.status == Status.NOT_SUITABLE and not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "approve", "sessions": 12}, "sessions"),
        ({"decision": "approve", "sessions": "lots"}, "sessions"),
        ({"decision": "approve", "interval_days": 90}, "interval_days"),
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve", "finding_decisions": {"PREG": {"decision": "proceed"}}}, "finding_decisions"),
        ({"decision": "approve", "finding_decisions": {"ANTITHROMBOTIC": {"decision": "shrug"}}}, "finding_decisions"),
    ],
)
def test_bad_decision_input_is_refused_naming_the_field(api, clinic, data, field):
    intake = needs_review(clinic)
    api.force_authenticate(clinic.practitioner.user)
    response = api.post(url(intake, "decision"), data, format="json")
    assert response.status_code == 400 and field in response.json()
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_deciding_twice_is_a_conflict(api, clinic):
    intake = needs_review(clinic)
    api.force_authenticate(clinic.practitioner.user)
    assert api.post(url(intake, "decision"), {"decision": "decline"}, format="json").status_code == 200
    assert api.post(url(intake, "decision"), {"decision": "approve"}, format="json").status_code == 409


def test_only_practitioners_decide(api, clinic, manager_user):
    intake = needs_review(clinic)
    api.force_authenticate(manager_user)
    assert api.get(url(intake)).status_code == 200  # a manager may read it...
    assert api.post(url(intake, "decision"), {"decision": "decline"}, format="json").status_code == 403  # ...not decide
    api.force_authenticate(clinic.patient.user)
    assert api.post(url(intake, "decision"), {"decision": "approve"}, format="json").status_code == 404
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_the_schema_documents_the_intake_api(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/intakes/{id}/",
        "/api/intakes/{id}/submit/",
        "/api/intakes/{id}/decision/",
        "/api/review-queue/",
    ):
        assert path in schema
