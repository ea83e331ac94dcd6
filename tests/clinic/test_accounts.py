"""Patient accounts: registration over the API, sign-in throttling."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from clinic.models import Patient, User
from clinic.roles import Role, roles_of
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "email": "New.Patient@Example.org",
    "password": "Saffron-Lantern-42",
    "first_name": "Nia",
    "last_name": "Evans",
    "date_of_birth": "1990-05-14",
    "phone": "07700 900456",
}


def test_register_creates_a_patient_account_that_can_get_a_token():
    api = APIClient()
    response = api.post("/api/patients/register/", VALID, format="json")
    assert response.status_code == 201
    patient = Patient.objects.get(pk=response.json()["id"])
    assert patient.email == "new.patient@example.org" and roles_of(patient.user) == {Role.PATIENT}
    token = api.post("/api/auth/token/", {"email": VALID["email"], "password": VALID["password"]}, format="json")
    assert token.status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date_of_birth": "2015-01-01"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"password": "short"}, "password"),
        ({"password": "1234567890123"}, "password"),
        ({"email": "nope"}, "email"),
        ({"phone": ""}, "phone"),
        ({"phone": "call me maybe"}, "phone"),  # checked: never texted or dialled
    ],
)
def test_register_answers_400_naming_the_bad_field(changes, field):
    response = APIClient().post("/api/patients/register/", {**VALID, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(email="new.patient@example.org").exists()


def test_register_refuses_an_email_already_in_use_in_any_case():
    UserFactory(email="new.patient@example.org")
    response = APIClient().post("/api/patients/register/", VALID, format="json")
    assert response.status_code == 400 and "email" in response.json()


def test_repeated_failed_sign_ins_lock_the_account_out(client):
    user = UserFactory(email="kim@example.org")
    statuses = [
        client.post("/accounts/login/", {"username": user.email, "password": "wrong-wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out with it.
    other = UserFactory(email="sam@example.org")
    assert client.post("/accounts/login/", {"username": other.email, "password": PASSWORD}).status_code == 302


def test_repeated_failed_token_requests_lock_out_too():
    UserFactory(email="kim@example.org")
    api = APIClient()
    for _ in range(5):
        api.post("/api/auth/token/", {"email": "kim@example.org", "password": "wrong-wrong"}, format="json")
    response = api.post("/api/auth/token/", {"email": "kim@example.org", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert b"token" not in response.content


def test_a_locked_out_token_request_answers_json_like_every_api_error():
    UserFactory(email="kim@example.org")
    api = APIClient()
    for _ in range(5):
        api.post("/api/auth/token/", {"email": "kim@example.org", "password": "wrong-wrong"}, format="json")
    response = api.post("/api/auth/token/", {"email": "kim@example.org", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"  # not the sign-in page's HTML
    assert "Too many unsuccessful attempts" in response.json()["detail"]
    assert response["Retry-After"] == str(15 * 60)  # AXES_COOLOFF_TIME, a quarter of an hour
