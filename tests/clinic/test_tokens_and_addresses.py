"""API tokens die with the password or the account, and expire; a client cannot pick its address."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic.audit import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def token_for(user) -> str:
    response = APIClient().post("/api/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(token: str) -> int:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/appointments/").status_code


def test_a_token_works_until_the_password_changes(patient_user):
    token = token_for(patient_user)
    assert me(token) == 200
    patient_user.set_password("another-long-secret-7")
    patient_user.save()
    assert me(token) == 401 and not Token.objects.filter(user=patient_user).exists()


def test_a_password_reset_through_the_pages_revokes_the_token(client, patient_user):
    token = token_for(patient_user)
    client.force_login(patient_user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "another-long-secret-7", "new_password2": "another-long-secret-7"},
    )
    assert response.status_code == 302
    assert me(token) == 401


def test_a_disabled_account_loses_its_token(patient_user):
    token = token_for(patient_user)
    patient_user.is_active = False
    patient_user.save(update_fields=["is_active"])
    assert not Token.objects.filter(key=token).exists()


def test_saving_a_user_without_changing_credentials_keeps_the_token(patient_user):
    token = token_for(patient_user)
    patient_user.first_name = "Renamed"
    patient_user.save()
    assert me(token) == 200


def test_a_token_expires_after_its_lifetime_and_a_new_one_is_issued(patient_user, settings):
    settings.API_TOKEN_DAYS = 30
    token = token_for(patient_user)
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert me(token) == 401
        fresh = token_for(patient_user)
        assert fresh != token and me(fresh) == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxy configured: the header is the client's word, ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the hop our proxy added, not the client's claim
        (2, "198.51.100.1, 203.0.113.7", "198.51.100.1"),
        (1, "not-an-address", "10.0.0.1"),  # garbled: the proxy's own address, never a 500
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_x_forwarded_for_only_from_configured_proxies(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_client_cannot_dodge_the_token_rate_limit_with_x_forwarded_for(patient_user):
    # As configured (DJANGO_NUM_PROXIES unset): DRF's default would count each header as a client.
    statuses = [
        APIClient()
        .post(
            "/api/auth/token/",
            {"email": patient_user.email, "password": PASSWORD},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        .status_code
        for n in range(35)
    ]
    assert statuses.count(429) >= 5  # 30/hour from one address, whatever the header says
