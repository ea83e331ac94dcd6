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
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    PATIENT = "Patient"
    RECEPTION = "Reception"
    PRACTITIONER = "Practitioner"
    MANAGER = "Clinic manager"


STAFF_ROLES = frozenset({Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER})

# What each role may do in Django's admin, by app label. Managers run the catalogue, staff,
# hours and rooms there; the other roles work in the clinic's own pages.
ADMIN_APPS_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.MANAGER: ("clinic", "treatments", "intake", "bookings"),
}


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


def role_required(*roles: Role) -> Callable:
    """View decorator: anonymous users go to sign in; signed-in users without the role get 404."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
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
            perms = Permission.objects.filter(content_type__app_label__in=apps)
            group.permissions.set(perms)
