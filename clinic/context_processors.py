from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from clinic.roles import Role, is_staff_member, roles_of


def clinic(request: HttpRequest) -> dict[str, Any]:
    """The clinic's name and phone, and the signed-in user's roles for the navigation."""
    roles = roles_of(getattr(request, "user", None))
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "user_roles": sorted(role.value for role in roles),
        "is_patient": Role.PATIENT in roles,
        "is_staff_member": is_staff_member(getattr(request, "user", None)),
        "is_manager": Role.MANAGER in roles,
        "is_practitioner": Role.PRACTITIONER in roles,
        "is_reception": Role.RECEPTION in roles,
    }
