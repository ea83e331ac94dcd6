"""Signing in and registering with addresses longer than any column keeps (django-axes stores the
username in varchar(255), User.email is 254): a form error or a 400 naming the field, never a
DataError."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from clinic.models import User

pytestmark = pytest.mark.django_db

EMAILS = ["a" * 243 + "@example.org", "a" * 290 + "@example.org", "a" * 308 + "@example.org"]  # 255, 302, 320


@pytest.mark.parametrize("email", EMAILS)
def test_the_sign_in_page_refuses_an_address_too_long_to_be_an_account(email):
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": email, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "at most 254 characters" in " ".join(response.context["form"].errors["username"])


@pytest.mark.parametrize("email", EMAILS)
def test_a_token_request_with_an_address_too_long_is_a_400_naming_it(email):
    response = APIClient().post("/api/auth/token/", {"email": email, "password": "whatever-it-is"}, format="json")
    assert response.status_code == 400 and "email" in response.json()


@pytest.mark.parametrize("email", EMAILS)
def test_registering_with_an_address_too_long_is_a_400_naming_it(email):
    body = {
        "email": email,
        "password": "Saffron-Lantern-42",
        "first_name": "Nia",
        "last_name": "Evans",
        "date_of_birth": "1990-05-14",
        "phone": "07700 900456",
    }
    response = APIClient().post("/api/patients/register/", body, format="json")
    assert response.status_code == 400 and "email" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("first_name", 42), ("phone", ["07700"]), ("password", 1234567890123)])
def test_registering_with_a_number_or_a_list_where_text_belongs_is_a_400_naming_it(field, value):
    body = {
        "email": "nia@example.org",
        "password": "Saffron-Lantern-42",
        "first_name": "Nia",
        "last_name": "Evans",
        "date_of_birth": "1990-05-14",
        "phone": "07700 900456",
        field: value,
    }
    response = APIClient().post("/api/patients/register/", body, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("next_url", ["2027-10-31", "home", "javascript:alert(1)", "https://elsewhere.example/"])
def test_the_second_factor_goes_on_to_the_staff_home_unless_next_is_a_path_here(client, reception_user, next_url):
    client.force_login(reception_user)  # past the second factor already: the page sends them on
    response = client.get("/accounts/two-factor/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/accounts/two-factor/", {"next": "/staff/worklist/"})["Location"] == "/staff/worklist/"
