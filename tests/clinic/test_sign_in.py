"""The sign-in page's ways out (password reset, a new account) and where each kind of user lands."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from clinic.models import Patient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user, **extra):
    return client.post(reverse("login") + extra.pop("query", ""), {"username": user.email, "password": PASSWORD})


def test_the_sign_in_page_links_to_password_reset_and_to_a_new_account(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "Forgotten your password?" in html
    assert f'href="{reverse("register")}"' in html and "Create an account" in html


def test_a_patient_lands_on_their_appointments(client, patient_user):
    assert sign_in(client, patient_user)["Location"] == reverse("my-appointments")


def test_staff_land_on_their_area_after_the_second_factor(client, reception_user):
    location = urlparse(sign_in(client, reception_user)["Location"])
    assert location.path == reverse("two-factor")
    assert parse_qs(location.query)["next"] == [reverse("staff-home")]


def test_next_still_wins(client, patient_user):
    assert sign_in(client, patient_user, query="?next=/me/intake/")["Location"] == "/me/intake/"


def test_a_new_patient_creates_an_account_and_lands_on_their_appointments(client):
    data = {
        "email": "new.patient@example.org",
        "password": "a-long-enough-passphrase",
        "first_name": "Nia",
        "last_name": "Jones",
        "date_of_birth": "1990-05-04",
        "phone": "07700 900123",
    }
    response = client.post(reverse("register"), data)
    assert response.status_code == 302 and response["Location"] == reverse("my-appointments")
    patient = Patient.objects.get(email="new.patient@example.org")
    assert patient.user.groups.filter(name="Patient").exists()
    assert client.get(reverse("my-appointments")).status_code == 200  # signed in


def test_registration_errors_are_shown_and_an_outside_next_is_ignored(client, patient_user):
    data = {
        "email": patient_user.email,
        "password": "a-long-enough-passphrase",
        "first_name": "Sam",
        "last_name": "Lee",
        "date_of_birth": "1985-01-01",
        "phone": "07700 900124",
        "next": "https://evil.example/",
    }
    response = client.post(reverse("register"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct" in html and "already exists" in html
    response = client.post(reverse("register"), {**data, "email": "someone@example.org"})
    assert response["Location"] == reverse("my-appointments")


def test_a_phone_number_that_cannot_be_called_is_a_form_error(client):
    data = {
        "email": "nia@example.org",
        "password": "a-long-enough-passphrase",
        "first_name": "Nia",
        "last_name": "Jones",
        "date_of_birth": "1990-05-04",
        "phone": "call me maybe",
    }
    response = client.post(reverse("register"), data)
    assert response.status_code == 200 and "Enter a phone number we can call" in response.content.decode()
    assert not Patient.objects.filter(email="nia@example.org").exists()
    response = client.post(reverse("register"), {**data, "phone": "07911 123456"})
    assert response.status_code == 302
    assert str(Patient.objects.get(email="nia@example.org").phone) == "+447911123456"
