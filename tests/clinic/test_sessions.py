from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import PASSWORD
from tests.two_factor import sign_in  # password, then staff's authenticator code

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_staff_session_ends_after_thirty_idle_minutes(client, reception_user):
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, reception_user)
        clock.shift(timedelta(minutes=25))
        assert client.get("/staff/").status_code == 200  # activity slides the expiry
        clock.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get("/staff/").status_code == 302  # back to sign in


def test_a_patient_session_is_not_cut_after_thirty_minutes(client, patient_user):
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, patient_user)
        clock.shift(timedelta(hours=2))
        assert "Sign out" in client.get("/").content.decode()


def test_changing_the_password_ends_the_other_sessions(client, patient_user):
    from django.test import Client

    other = Client()
    sign_in(client, patient_user)
    sign_in(other, patient_user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Brand-New-Lantern-7", "new_password2": "Brand-New-Lantern-7"},
    )
    assert response.status_code == 302
    assert "Sign out" in client.get("/").content.decode()  # this session was kept
    assert "Sign in" in other.get("/").content.decode()  # the other one ended


def test_disabling_an_account_ends_its_sessions(client, patient_user):
    sign_in(client, patient_user)
    patient_user.is_active = False
    patient_user.save()
    assert "Sign in" in client.get("/").content.decode()


def test_a_staff_session_expiry_is_written_at_most_once_a_minute(client, reception_user):
    from django.contrib.sessions.models import Session

    def stored_expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, reception_user)
        assert stored_expiry() == T0 + timedelta(minutes=30)  # from sign-in, not the two-week default
        clock.shift(timedelta(seconds=30))
        client.get("/staff/")
        assert stored_expiry() == T0 + timedelta(minutes=30)  # no write for every page
        clock.shift(timedelta(seconds=40))
        client.get("/staff/")
        assert stored_expiry() == T0 + timedelta(seconds=70) + timedelta(minutes=30)
