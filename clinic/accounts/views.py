"""The page behind an invitation link: a phone or walk-in patient sets a password and is signed in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic.accounts.forms import RegistrationForm
from clinic.accounts.invites import invite_days, patient_claim_account, patient_from_invite_token
from clinic.accounts.services import patient_register


class ClaimAccountForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 10 characters, not a common password, and not only numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The two passwords are not the same.")
        return data


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the path, so no Referer may carry it to another site: "same-origin" (the
    # site's policy, set here too so the page does not depend on it). Not "no-referrer": with it
    # browsers send "Origin: null" on the form's POST, which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="10/10m", method="POST", block=True)
def account_claim(request: HttpRequest, token: str) -> HttpResponse:
    patient = patient_from_invite_token(token)
    if patient is None:
        # One answer for forged, expired and used links: which one it was helps nobody.
        return _private(render(request, "registration/claim_invalid.html", {"invite_days": invite_days()}, status=404))
    form = ClaimAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = patient_claim_account(patient=patient, password=form.cleaned_data["password1"], now=timezone.now())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("password1" if field == "password" else None, errors)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your online account is ready. Here is your health questionnaire.")
            return redirect("intake-list")
    return _private(render(request, "registration/claim.html", {"form": form, "patient": patient}))


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: `redirect()` would read a bare word as a URL pattern's name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="10/10m", method="POST", block=True)
def account_register(request: HttpRequest) -> HttpResponse:
    """A new patient creates an online account (booking does the same on its details step)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("my-appointments")))
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_register(today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, patient.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready.")
            return redirect(_safe_next(request, reverse("my-appointments")))
    return render(request, "registration/register.html", {"form": form, "next": _safe_next(request, "")})
