"""How much a patient may write, and what: the same limits on the questionnaire's pages and over
the API, because both save through intake_save_answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from intake.models import Intake
from intake.selectors import LIST_LIMIT, TEXT_LIMITS
from intake.services import health_change_record
from tests.intake.test_intake_api import draft, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def put(clinic, intake: Intake, answers: dict):
    api = APIClient()
    api.force_authenticate(clinic.patient.user)
    return api.put(f"/api/intakes/{intake.pk}/", {"answers": answers}, format="json")


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"expectations": "x" * 100_000}, "expectations: Keep this to 1000 characters (it has 100000)."),
        ({"expectations": "a\x00b"}, "expectations: This contains characters that cannot be stored"),
        ({"expectations": ["a list"]}, "expectations: Give this as text."),
        ({"medications": ["Eliquis\x005mg"]}, "medications: This contains characters"),
        ({"allergies": ["x" * 3000, "y" * 3000]}, f"allergies: keep the list to {LIST_LIMIT} characters in all."),
    ],
)
def test_the_api_refuses_what_the_page_refuses_and_stores_nothing(clinic, answers, words):
    intake = draft(clinic)
    response = put(clinic, intake, answers)
    assert response.status_code == 400
    assert words in " ".join(response.json()["answers"])
    intake.refresh_from_db()
    assert intake.answers == {}


def test_answers_at_the_limits_are_kept(clinic):
    intake = draft(clinic)
    answers = {"expectations": "x" * TEXT_LIMITS["expectations"], "medications": ["m" * 100] * 39}
    assert put(clinic, intake, answers).status_code == 200
    intake.refresh_from_db()
    assert intake.answers == answers


def test_a_health_change_note_is_held_to_its_box_too(clinic):
    intake = submitted(clinic)
    with pytest.raises(ValidationError, match="health_change: Keep this to 2000 characters"):
        health_change_record(intake=intake, changed=True, answers={"health_change": "x" * 2001}, by=clinic.patient.user)
