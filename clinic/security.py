"""Small adapters between django-axes and the clinic's sign-in paths."""

from __future__ import annotations

from typing import Any


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """The login being tried, lower-cased as stored.

    From the credentials when given: axes passes them keyed "username" when it records a failure
    but keyed by the user model's USERNAME_FIELD ("email") when it checks for a lockout, and API
    token requests send JSON, which axes cannot read from request.POST. Else from the form."""
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email") or getattr(request, "POST", {}).get("username")
    return username.strip().lower() if isinstance(username, str) else None


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (a sliding expiry):
    a diary left open on a reception desk should not stay signed in. Patients keep Django's default."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        from django.conf import settings

        from clinic.roles import is_staff_member

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (is_staff_member(user) or user.is_staff):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
