"""Which locations a staff member works at: the base of every staff access helper."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from clinic.models import Location, Patient
from clinic.roles import Role, roles_of


def locations_for_staff(user: Any) -> QuerySet[Location]:
    """Managers see every location; reception and practitioners the ones they are assigned to."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return Location.objects.all()
    if roles & {Role.RECEPTION, Role.PRACTITIONER}:
        return Location.objects.filter(Q(staff=user) | Q(practitioners__user=user)).distinct()
    return Location.objects.none()


def patient_of(user: Any) -> Patient:
    """The signed-in user's own patient record; a 404 for an account that has none."""
    patient = Patient.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if patient is None:
        raise Http404
    return patient
