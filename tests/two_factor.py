"""Helpers for signing staff in through both steps, as a person would."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.roles import is_staff_member
from tests.factories import PASSWORD


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app (made if they have none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """What the authenticator app shows now (the clock may be time-machine's)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def sign_in_with_password(client, user, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def sign_in(client, user, password: str = PASSWORD) -> None:
    """Password, then (for staff) the authenticator's current code."""
    assert sign_in_with_password(client, user, password).status_code == 302
    if is_staff_member(user) or user.is_staff:
        response = client.post("/accounts/two-factor/", {"code": current_code(authenticator_for(user))})
        assert response.status_code == 302, response.content.decode()


def session_pass_second_factor(client, user) -> None:
    """Mark a test client's session (already signed in) as past the second factor, for staff:
    a real confirmed device under django-otp's session key, as django_otp.login() leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from clinic.accounts.two_factor import device_remember

    if not (is_staff_member(user) or user.is_staff):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    device_remember(device)  # as the two-factor page does after a right code
