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
