"""Two-factor authentication (TOTP) for staff and the admin; patients are never asked.

These tests sign in through the real form (a password alone leaves a staff session unverified);
force_login would pass the second factor for them (tests/conftest.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinic.models import AuditEvent
from tests.factories import PASSWORD, LocationFactory
from tests.two_factor import authenticator_for, current_code, sign_in, sign_in_with_password

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TWO_FACTOR = "/accounts/two-factor/"


def wrong_code(device: TOTPDevice) -> str:
    """A code that no step in the device's tolerance window produces."""
    valid = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
        for drift in range(device.drift - device.tolerance, device.drift + device.tolerance + 1)
    }
    return next(f"{n:06d}" for n in range(123456, 999999) if n not in valid)


def enrol(client) -> tuple[TOTPDevice, str]:
    """Open the enrolment page; the unconfirmed device and the page's HTML."""
    html = client.get(TWO_FACTOR).content.decode()
    return TOTPDevice.objects.get(confirmed=False), html


@pytest.mark.parametrize("path", ["/staff/", "/staff/recalls/", "/staff/diary/{location}/", "/practitioner/reviews/"])
def test_staff_signed_in_with_only_a_password_are_sent_to_the_second_factor(client, manager_user, path):
    path = path.format(location=LocationFactory().slug)
    assert sign_in_with_password(client, manager_user).status_code == 302
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next={quote(path)}"


def test_a_password_alone_cannot_change_a_staff_password(client, reception_user):
    # Someone holding only the stolen password must not be able to change it and lock the owner out.
    sign_in_with_password(client, reception_user)
    change = {"old_password": PASSWORD, "new_password1": "Brand-New-Lantern-7", "new_password2": "Brand-New-Lantern-7"}
    response = client.post("/accounts/password_change/", change)
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)
    reception_user.refresh_from_db()
    assert reception_user.check_password(PASSWORD)
    sign_in(client, reception_user)  # with the code, the same change goes through
    assert client.post("/accounts/password_change/", change).status_code == 302
    reception_user.refresh_from_db()
    assert reception_user.check_password("Brand-New-Lantern-7")


def test_a_patient_changes_their_password_with_the_password_alone(client, patient_user):
    sign_in_with_password(client, patient_user)
    assert client.get("/accounts/password_change/").status_code == 200


def test_the_sign_in_form_sends_staff_on_to_the_second_factor_keeping_next(client, reception_user):
    response = client.post(
        "/accounts/login/", {"username": reception_user.email, "password": PASSWORD, "next": "/staff/recalls/"}
    )
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fstaff%2Frecalls%2F"


def test_the_admin_sends_an_unverified_manager_to_the_second_factor(client, manager_user):
    sign_in_with_password(client, manager_user)
    response = client.get("/admin/clinic/patient/", follow=True)
    assert response.redirect_chain[-1][0] == f"{TWO_FACTOR}?next=/admin/clinic/patient/"
    assert "Set up two-factor authentication" in response.content.decode()


def test_the_admin_sends_anonymous_visitors_to_the_clinic_sign_in_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_enrolment_with_a_right_code_verifies_the_session_and_shows_backup_codes_once(client, reception_user):
    sign_in_with_password(client, reception_user)
    device, html = enrol(client)
    assert 'role="img"' in html and "<svg" in html  # the QR code, inline
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32  # the base32 key, for typing in by hand
    assert client.get(TWO_FACTOR).content.decode().count(secret) == 1  # a reload keeps the same key

    response = client.post(TWO_FACTOR, {"code": current_code(device), "next": "/staff/recalls/"})
    assert response.status_code == 200
    codes = StaticToken.objects.filter(device__user=reception_user).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert 'href="/staff/recalls/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/recalls/").status_code == 200
    assert AuditEvent.objects.filter(actor=reception_user, action="two_factor.enrolled").count() == 1
    # Signed in again later: the code is asked for, no new enrolment (and no codes shown again).
    client.post("/accounts/logout/")
    sign_in_with_password(client, reception_user)
    html = client.get(TWO_FACTOR).content.decode()
    assert "Two-factor check" in html and "<svg" not in html and codes[0] not in html


def test_enrolment_refuses_a_wrong_code(client, reception_user):
    sign_in_with_password(client, reception_user)
    device, _ = enrol(client)
    response = client.post(TWO_FACTOR, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/staff/").status_code == 302


def test_a_returning_staff_member_types_the_current_code_and_goes_on_to_next(client, practitioner_user):
    device = authenticator_for(practitioner_user)
    sign_in_with_password(client, practitioner_user)
    assert client.post(TWO_FACTOR, {"code": wrong_code(device)}).status_code == 200
    assert client.get("/practitioner/reviews/").status_code == 302
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=3), tick=False):  # past the 1 s throttle
        response = client.post(TWO_FACTOR, {"code": current_code(device), "next": "/practitioner/reviews/"})
    assert response["Location"] == "/practitioner/reviews/"
    assert client.get("/practitioner/reviews/").status_code == 200


def test_next_must_stay_on_this_site(client, reception_user):
    device = authenticator_for(reception_user)
    sign_in_with_password(client, reception_user)
    response = client.post(TWO_FACTOR, {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"


def test_a_backup_code_works_once(client, reception_user):
    authenticator_for(reception_user)
    backup = StaticDevice.objects.create(user=reception_user, name="Backup codes")
    StaticToken.objects.create(device=backup, token="abcd2345")
    sign_in_with_password(client, reception_user)
    assert client.post(TWO_FACTOR, {"code": "ABCD 2345"})["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    client.post("/accounts/logout/")
    sign_in_with_password(client, reception_user)
    response = client.post(TWO_FACTOR, {"code": "abcd2345"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_a_patient_is_never_asked_for_a_second_factor(client, clinic):
    patient_user = clinic.patient.user
    response = sign_in_with_password(client, patient_user)
    assert response["Location"] == "/me/appointments/"  # their appointments, never a code page
    assert client.get(TWO_FACTOR)["Location"] == "/"  # nothing to do here: on to next
    assert client.get("/me/appointments/").status_code == 200
    assert not TOTPDevice.objects.filter(user=patient_user).exists()


def test_wrong_codes_are_throttled_by_the_device(client, reception_user):
    device = authenticator_for(reception_user)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in_with_password(client, reception_user)
        for wait in (1, 2, 0):  # each failure doubles the wait before the device checks again
            assert "That code is not right" in client.post(TWO_FACTOR, {"code": wrong_code(device)}).content.decode()
            clock.shift(timedelta(seconds=wait))
        # Three failures in a row: the next check waits 4 seconds after the last one, even for a right code.
        response = client.post(TWO_FACTOR, {"code": current_code(device)})
        assert "Too many wrong codes" in response.content.decode()
        assert client.get("/staff/").status_code == 302
        clock.shift(timedelta(seconds=4))
        assert client.post(TWO_FACTOR, {"code": current_code(device)})["Location"] == "/staff/"


def test_wrong_codes_count_as_failed_sign_ins_and_pause_the_account(client, reception_user):
    device = authenticator_for(reception_user)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in_with_password(client, reception_user)
        statuses = []
        for _ in range(5):
            statuses.append(client.post(TWO_FACTOR, {"code": wrong_code(device)}).status_code)
            clock.shift(timedelta(seconds=20))  # past the device's own throttle, so each code is checked
        assert statuses == [200, 200, 200, 200, 429]
        assert "_auth_user_id" not in client.session  # signed out
        assert sign_in_with_password(client, reception_user).status_code == 429


def test_an_unverified_staff_session_is_anonymous_to_the_api(client, reception_user):
    device = authenticator_for(reception_user)
    sign_in_with_password(client, reception_user)
    assert client.get("/api/appointments/").status_code == 401
    client.post(TWO_FACTOR, {"code": current_code(device)})
    assert client.get("/api/appointments/").status_code == 200


def test_the_token_endpoint_needs_a_code_for_staff_accounts(reception_user, patient_user):
    api = APIClient()
    url = "/api/auth/token/"
    credentials = {"email": reception_user.email, "password": PASSWORD}
    response = api.post(url, credentials, format="json")
    assert response.status_code == 400 and "otp_token" in response.json()  # no authenticator yet
    device = authenticator_for(reception_user)
    response = api.post(url, credentials, format="json")
    assert response.status_code == 400 and "otp_token" in response.json()
    response = api.post(url, {**credentials, "otp_token": wrong_code(device)}, format="json")
    assert response.status_code == 400 and "otp_token" in response.json()
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=3), tick=False):
        response = api.post(url, {**credentials, "otp_token": current_code(device)}, format="json")
    assert response.status_code == 200 and response.json()["token"]
    # A wrong password is refused as before, without saying the account is staff.
    response = api.post(url, {**credentials, "password": "nope-nope-nope"}, format="json")
    assert response.status_code == 400 and "otp_token" not in response.json()
    # Patients need no code.
    response = api.post(url, {"email": patient_user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_the_sign_in_helper_goes_through_both_steps(client, manager_user):
    sign_in(client, manager_user)
    assert client.get("/admin/clinic/patient/").status_code == 200


def test_a_manager_can_see_and_remove_a_staff_members_authenticator_but_not_its_key(
    client, manager_user, reception_user
):
    device = authenticator_for(reception_user)
    client.force_login(manager_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_an_authenticator_ends_the_sessions_it_verified(client, reception_user):
    client.force_login(reception_user)  # verified by a device (and the device cached)
    assert client.get("/staff/").status_code == 200
    TOTPDevice.objects.filter(user=reception_user).delete()
    assert client.get("/staff/")["Location"] == f"{TWO_FACTOR}?next=/staff/"
