"""API tokens: they expire, and they die with the password or the account that issued them.

A token is a password an app keeps: someone who resets a password because it leaked, or a
clinic that disables an account, must not leave a working token behind.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from clinic.models import User


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def token_issue(*, user: User) -> Token:
    """The user's token, a fresh one when theirs has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token.created + token_lifetime() > timezone.now():
        return token
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def tokens_revoke(*, user: User) -> int:
    return Token.objects.filter(user=user).delete()[0]


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) a token past its lifetime."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token.created + token_lifetime() <= timezone.now():
            token.delete()
            raise AuthenticationFailed("This token has expired: ask for a new one at /api/auth/token/.")
        return user, token


def user_tokens_follow_credentials(sender: Any, instance: User, **_: Any) -> None:
    """pre_save of User: a changed password (set, reset, or made unusable) or a disabled account
    revokes the user's tokens."""
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if before is not None and (before[0] != instance.password or (before[1] and not instance.is_active)):
        tokens_revoke(user=instance)
