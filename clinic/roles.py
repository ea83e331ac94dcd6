"""Roles are Django groups; these helpers are how views ask "may this user be here?".

Anything a user may not see answers 404, never 403: a 403 would confirm that a patient,
appointment or intake exists (DESIGN.md, API contract).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    PATIENT = "Patient"
    RECEPTION = "Reception"
    PRACTITIONER = "Practitioner"
    MANAGER = "Clinic manager"


STAFF_ROLES = frozenset({Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER})

# What each role may do in Django's admin, by app label. Managers run the catalogue, staff,
# hours and rooms there; the other roles work in the clinic's own pages.
# Managers also see staff's two-factor devices, so they can remove a lost one (its owner then
# enrols again at the next sign-in).
ADMIN_APPS_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.MANAGER: ("clinic", "treatments", "intake", "bookings", "billing", "otp_totp", "otp_static"),
}
TWO_FACTOR_APPS = ("otp_totp", "otp_static")


def roles_of(user: Any) -> frozenset[Role]:
    """The user's roles, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_clinic_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._clinic_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_staff_member(user: Any) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def needs_second_factor(user: Any) -> bool:
    """A signed-in staff member (or admin user) whose session has not passed two-factor yet.

    django-otp's OTPMiddleware gives request.user `is_verified()`; a user object without it
    (a request that did not come through the middleware) counts as unverified: fail closed."""
    if not getattr(user, "is_authenticated", False) or not (is_staff_member(user) or user.is_staff):
        return False
    verified = getattr(user, "is_verified", None)
    return not (callable(verified) and verified())


def role_required(*roles: Role) -> Callable:
    """View decorator: anonymous users go to sign in; signed-in users without the role get 404;
    staff pages also need a session verified by the second factor (clinic/two_factor.py)."""
    staff_page = bool(STAFF_ROLES & set(roles))

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if staff_page and needs_second_factor(request.user):
                return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasRole(BasePermission):
    """DRF permission: `permission_classes = [HasRole.of(Role.RECEPTION, ...)]`."""

    roles: frozenset[Role] = frozenset()

    @classmethod
    def of(cls, *roles: Role) -> type[HasRole]:
        return type("HasRole", (cls,), {"roles": frozenset(roles)})

    def has_permission(self, request: Any, view: Any) -> bool:
        return has_role(request.user, *self.roles)


def user_set_roles(*, user: Any, roles: Iterable[Role]) -> None:
    """Give a user exactly these roles; managers get admin access, nobody else does."""
    from django.contrib.auth.models import Group

    roles = frozenset(roles)
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.set(groups)
    user.is_staff = user.is_superuser or Role.MANAGER in roles
    user.save(update_fields=["is_staff"])
    user._clinic_roles = roles


def sync_role_groups(**kwargs: Any) -> None:
    """post_migrate: make sure every role's group exists with its admin permissions."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        apps = ADMIN_APPS_BY_ROLE.get(role, ())
        if apps:
            # Two-factor devices: see and remove only, never add or edit (that would let one
            # person hold another's second factor).
            perms = Permission.objects.filter(content_type__app_label__in=apps).exclude(
                content_type__app_label__in=TWO_FACTOR_APPS, codename__regex=r"^(add|change)_"
            )
            group.permissions.set(perms)
