"""Small adapters between django-axes and the clinic's sign-in paths."""

from __future__ import annotations

import time
from typing import Any


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """The login being tried, lower-cased as stored.

    From the credentials when given: axes passes them keyed "username" when it records a failure
    but keyed by the user model's USERNAME_FIELD ("email") when it checks for a lockout, and API
    token requests send JSON, which axes cannot read from request.POST. Else from the form."""
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email") or getattr(request, "POST", {}).get("username")
    return username.strip().lower() if isinstance(username, str) else None


def axes_lockout_response(request: Any, original_response: Any = None, credentials: Any = None) -> Any:
    """django-axes' answer once a login is locked out: the page for people, JSON for API clients
    (`POST /api/auth/token/`), in the same shape as every other API error, with Retry-After."""
    from axes.helpers import get_cool_off
    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many unsuccessful attempts to sign in to this account; try again later."}, status=429
        )
        cool_off = get_cool_off(request)
        if cool_off is not None:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=settings.AXES_HTTP_RESPONSE_CODE)


# The sliding expiry is written at most this often: saving the session on every request would
# cost three queries on every staff page for no gain (the idle limit then holds to within a minute).
STAFF_SESSION_REFRESH_SECONDS = 60


def staff_session_refresh(request: Any, *, user: Any = None, force: bool = False) -> None:
    """Push a staff member's session expiry to STAFF_SESSION_IDLE_SECONDS from now."""
    from django.conf import settings

    from clinic.roles import is_staff_member

    user = user or getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (is_staff_member(user) or user.is_staff):
        return
    now = int(time.time())
    if not force and now - request.session.get("_staff_seen", 0) < STAFF_SESSION_REFRESH_SECONDS:
        return
    request.session["_staff_seen"] = now
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def staff_session_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # At sign-in, so a staff session never starts with the patients' two-week default.
    if request is not None and hasattr(request, "session"):
        # The user comes from the signal: a bare request (the test client's force_login) has no .user.
        staff_session_refresh(request, user=user, force=True)


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (a sliding expiry):
    a diary left open on a reception desk should not stay signed in. Patients keep Django's default."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        staff_session_refresh(request)
        return self.get_response(request)
