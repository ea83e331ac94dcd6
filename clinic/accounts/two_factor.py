"""Two-factor authentication (TOTP, django-otp) for staff and the admin.

After the password, a staff member's session is not yet "verified": staff pages
(`role_required`), the admin (clinic/admin_site.py) and the API over a session
(clinic/api_auth.py) send it here first. Someone without an authenticator enrols (QR code or
the secret typed in, then one current code, then ten single-use backup codes shown once);
everyone else types the app's current code or a backup code. Patients are never asked.

Wrong codes are slowed down twice over: each device waits 1, 2, 4, 8... seconds before it
checks another code (django-otp's throttling), and each wrong code is a failed sign-in for
django-axes, which pauses the account after AXES_FAILURE_LIMIT of them.
"""

from __future__ import annotations

import functools
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.forms import ClinicAuthenticationForm
from clinic.audit import audit_record
from clinic.roles import Role, has_role, is_staff_member, needs_second_factor

BACKUP_CODE_COUNT = 10
# How long a session's verifying device is read from the cache instead of the database.
DEVICE_CACHE_SECONDS = 300
WRONG_CODE = "That code is not right. Check the time on your phone and try the newest code."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolForm(CodeForm):
    code = forms.CharField(
        label="Code from the app",
        max_length=6,
        help_text="After adding the account, type the 6-digit code the app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _device_cache_key(persistent_id: str) -> str:
    return f"two-factor:device:{persistent_id}"


def device_remember(device: Device) -> None:
    cache.set(_device_cache_key(device.persistent_id), device, DEVICE_CACHE_SECONDS)


def device_forget(sender: Any, instance: Device, **kwargs: Any) -> None:
    """post_save/post_delete: a removed or changed device stops counting at once."""
    cache.delete(_device_cache_key(instance.persistent_id))


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware, reading the session's device through the cache.

    The middleware looks the device up on every request of a verified session; cached, a staff
    page costs no extra query. Saving or deleting a device drops its cache entry (ClinicConfig
    connects device_forget), so removing a lost authenticator still ends its sessions at once."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        key = _device_cache_key(self._normalize_persistent_id(persistent_id))
        device = cache.get(key)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id)
            if device is not None:
                cache.set(key, device, DEVICE_CACHE_SECONDS)
        return device


def second_factor_first(view: Any) -> Any:
    """Wrap a signed-in page that staff may use only after the second factor (not a role page)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if needs_second_factor(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
        return view(request, *args, **kwargs)

    return wrapper


def requires_second_factor(user: Any) -> bool:
    """Who has to pass the second factor at all: staff members and admin users."""
    return bool(getattr(user, "is_authenticated", False) and (is_staff_member(user) or user.is_staff))


def second_factor_check(*, user: Any, code: str) -> tuple[Device | None, str | None]:
    """The device that accepts `code` for `user`, or an error to show.

    Six digits are an authenticator code; anything else is tried as a backup code. Each device is
    asked through django_otp.verify_token, which locks its row and applies its throttling."""
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isascii() and code.isdigit() and len(code) == 6 else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = max(1, int(((info or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds()) + 1)
            return None, f"Too many wrong codes: wait {wait} seconds, then try the newest code."
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified, None
    return None, WRONG_CODE


def second_factor_failed(request: HttpRequest, user: Any) -> None:
    # A wrong code is a failed sign-in for django-axes: enough of them pause the account (the
    # AxesMiddleware then answers with the lockout page, 429).
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() would try any other word ("2027-10-31") as a URL name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    if is_staff_member(request.user):
        return reverse("staff-home")
    return reverse("admin:index") if request.user.is_staff else reverse("home")


def two_factor_url(next_url: str) -> str:
    return f"{reverse('two-factor')}?{urlencode({'next': next_url})}"


class ClinicLoginView(LoginView):
    """The sign-in page; staff go on to the second factor instead of straight to `next`."""

    redirect_authenticated_user = True
    authentication_form = ClinicAuthenticationForm

    def get_default_redirect_url(self) -> str:
        """Without ?next=: staff land on their area, patients on their appointments (not the
        marketing page)."""
        user = self.request.user
        if is_staff_member(user):
            return reverse("staff-home")
        if user.is_staff:
            return reverse("admin:index")
        return reverse("my-appointments") if has_role(user, Role.PATIENT) else reverse("home")

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return two_factor_url(url)
        return url


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    # Built here from the device's own otpauth: URL, never from user input: safe to inline.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request)
    if not requires_second_factor(user) or user.is_verified():
        return redirect(next_url)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return _verify(request, user, next_url)
    return _enrol(request, user, next_url)


def _verify(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, error = second_factor_check(user=user, code=form.cleaned_data["code"])
        if device is not None:
            return _verified(request, device, next_url)
        form.add_error("code", error)
        if error == WRONG_CODE:
            second_factor_failed(request, user)
            if getattr(request, "axes_locked_out", False):
                logout(request)  # paused: sign in again (after the pause) to try more codes
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


def _verified(request: HttpRequest, device: Device, next_url: str) -> HttpResponse:
    request.session.cycle_key()  # a new session id for the now fully signed-in session
    otp_login(request, device)
    device_remember(device)
    return redirect(next_url)


def _enrol(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    # The unconfirmed device is kept, so reloading the page does not change the QR code.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_token(user, device.persistent_id, "".join(form.cleaned_data["code"].split())) is not None:
            codes = _confirm(user=user, device=device)
            request.session.cycle_key()
            otp_login(request, device)
            device_remember(device)
            return render(request, "registration/two_factor_backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", WRONG_CODE)
        second_factor_failed(request, user)
        if getattr(request, "axes_locked_out", False):
            logout(request)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device),
        "secret": _grouped(b32encode(device.bin_key).decode()),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@transaction.atomic
def _confirm(*, user: Any, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh backup codes (any older ones stop working)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    audit_record(actor=user, action="two_factor.enrolled", obj=device)
    return codes
