"""Django's admin behind the second factor.

django-otp's OTPAdminSite lets only sessions verified by an OTP device in. Rather than its own
login form (password and code on one page), everyone signs in on the clinic's pages: the
admin's login URL sends anonymous visitors to /accounts/login/ and unverified admin users to
/accounts/two-factor/, both of which come back with ?next=.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.admin.options import TO_FIELD_VAR
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

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def without_empty_to_field(request: HttpRequest, *args, **kwargs):
            # Django's change, delete and history views check ?_to_field= only when it is truthy and
            # then look the empty name up as a field (a KeyError, a 500): empty means "not given".
            for name in ("GET", "POST") if request.method == "POST" else ("GET",):
                query = getattr(request, name)
                if query.get(TO_FIELD_VAR) == "":
                    query = query.copy()
                    del query[TO_FIELD_VAR]
                    setattr(request, name, query)
            return inner(request, *args, **kwargs)

        return without_empty_to_field

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if request.user.is_staff and needs_second_factor(request.user):
            return redirect_to_login(next_url, login_url=reverse("two-factor"))
        # Signed in and verified (or not an admin user at all): Django's "not authorised" page.
        return super().login(request, extra_context)
