"""The questionnaire over the API, as a mobile app fills it in: list the patient's intakes, read
the questions and the consent wording, sign the consent."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from clinic.roles import Role, user_set_roles
from intake.models import Consent, ConsentText, Intake
from intake.selectors import intake_questions
from tests.bookings.conftest import make_patient
from tests.factories import LocationFactory, UserFactory
from tests.intake.test_intake_api import draft, needs_review, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# --- the list ------------------------------------------------------------------------------------


def test_a_patient_lists_their_own_questionnaires_only(clinic):
    mine = draft(clinic)
    theirs = draft(clinic, make_patient(), days=3)
    body = as_user(clinic.patient.user).get("/api/intakes/").json()
    assert [i["id"] for i in body] == [mine.pk]
    assert body[0] == {
        "id": mine.pk,
        "status": "draft",
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "step": 1,
        "submitted_at": None,
        "valid_until": None,
    }
    assert theirs.pk not in [i["id"] for i in as_user(make_patient().user).get("/api/intakes/").json()]


def test_staff_list_their_locations_questionnaires_with_the_status_only(clinic, reception):
    intake = needs_review(clinic)
    assert as_user(reception).get("/api/intakes/").json() == [{"id": intake.pk, "status": "needs_review"}]
    assert as_user(clinic.practitioner.user).get("/api/intakes/").json() == [
        {"id": intake.pk, "status": "needs_review"}
    ]
    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    assert as_user(elsewhere).get("/api/intakes/").json() == []


def test_the_list_needs_credentials():
    assert APIClient().get("/api/intakes/").status_code == 401


# --- the questions and the consent ---------------------------------------------------------------


def test_the_questionnaire_lists_every_question_the_pages_ask(clinic):
    intake = draft(clinic)
    body = as_user(clinic.patient.user).get(url(intake)).json()
    questions = {q["code"]: q for q in body["questions"]}
    yes_no = [item.code for item in intake_questions(intake)]
    structured = ["medications", "allergies", "height_cm", "weight_kg", "weight_stable", "hsv_frequency"]
    structured += ["hsv_after_procedure", "expectations"]
    assert [q["code"] for q in body["questions"]] == yes_no + structured
    first = intake_questions(intake)[0]
    assert questions[first.code] == {"code": first.code, "text": first.question, "kind": "yes/no", "required": True}
    assert questions["hsv_frequency"]["kind"] == "choice"
    assert [c["value"] for c in questions["hsv_frequency"]["choices"]] == ["never", "occasional", "frequent"]
    assert questions["height_cm"] == {
        "code": "height_cm",
        "text": "Height (cm)",
        "kind": "number",
        "required": True,
        "min": 50,
        "max": 250,
    }
    assert questions["medications"]["kind"] == "list" and questions["medications"]["max_length"] == 4000
    assert questions["expectations"] == {
        "code": "expectations",
        "text": "What result do you hope for?",
        "kind": "text",
        "required": False,
        "max_length": 1000,
    }
    text = ConsentText.objects.filter(treatment=clinic.treatment).order_by("-version").first()
    assert body["consent"] == {"text": text.body, "version": text.version, "signed": False, "signed_at": None}


def test_signing_the_consent_over_the_api(clinic):
    intake = draft(clinic)
    api = as_user(clinic.patient.user)
    name = clinic.patient.full_name
    response = api.post(url(intake, "consent"), {"typed_name": "Someone Else", "agreed": True}, format="json")
    assert response.status_code == 400 and "typed_name" in response.json()
    response = api.post(url(intake, "consent"), {"typed_name": name, "agreed": False}, format="json")
    assert response.status_code == 400 and "agreed" in response.json()
    response = api.post(url(intake, "consent"), {"typed_name": name, "agreed": 7}, format="json")
    assert response.status_code == 400 and "agreed" in response.json()
    assert not Consent.objects.exists()

    response = api.post(url(intake, "consent"), {"typed_name": f"  {name.upper()} ", "agreed": True}, format="json")
    assert response.status_code == 200
    assert response.json()["signed"] is True and response.json()["signed_at"] == "2026-12-01T08:00:00Z"
    consent = Consent.objects.get()
    assert (consent.intake, consent.typed_name, consent.address) == (intake, name.upper(), "127.0.0.1")
    again = api.post(url(intake, "consent"), {"typed_name": name, "agreed": True}, format="json")
    assert again.status_code == 200 and Consent.objects.count() == 1  # a retry signs nothing twice
    assert api.get(url(intake)).json()["consent"]["signed"] is True


def test_only_the_patient_signs_and_never_once_submitted(clinic, reception):
    intake = needs_review(clinic)
    body = {"typed_name": clinic.patient.full_name, "agreed": True}
    assert as_user(make_patient().user).post(url(intake, "consent"), body, format="json").status_code == 404
    assert as_user(clinic.practitioner.user).post(url(intake, "consent"), body, format="json").status_code == 403
    response = as_user(clinic.patient.user).post(url(intake, "consent"), body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "intake_conflict"
    assert Consent.objects.filter(intake=intake).count() == 1  # the one signed before submitting
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.NEEDS_REVIEW
