"""Django's admin behind the second factor.

django-otp's OTPAdminSite lets only sessions verified by an OTP device in. Rather than its own
login form (password and code on one page), everyone signs in on the clinic's pages: the
admin's login URL sends anonymous visitors to /accounts/login/ and unverified admin users to
/accounts/two-factor/, both of which come back with ?next=.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from clinic.roles import needs_second_factor


class ClinicAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite would call itself "otpadmin"; the URL names stay admin:...
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if request.user.is_staff and needs_second_factor(request.user):
            return redirect_to_login(next_url, login_url=reverse("two-factor"))
        # Signed in and verified (or not an admin user at all): Django's "not authorised" page.
        return super().login(request, extra_context)
