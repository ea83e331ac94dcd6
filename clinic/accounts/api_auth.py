"""API authentication: a browser session counts only once it has passed the second factor."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from clinic.roles import needs_second_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores a staff session still waiting for its second factor.

    Such a call is then anonymous: 401 where the API needs a user (as with no session at all),
    the public answer where it does not. Token authentication is unaffected: a staff member's
    token is only issued against a one-time code (clinic/api.py)."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and needs_second_factor(result[0]):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the session cookie it is."""

    target_class = "clinic.accounts.api_auth.VerifiedSessionAuthentication"
