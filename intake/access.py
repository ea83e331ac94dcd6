"""Who may reach which intake. Everything outside a user's reach is a 404 (clinic.roles).

Patients reach their own intakes, but never as clinical data (findings). Practitioners reach the
intakes of patients with an appointment or a course at one of their locations; clinic managers
reach every intake. Reception reaches the same intakes as practitioners of their locations, for
the status only: never the answers or findings.

Intake never reads bookings: where a patient is known is a clinic-level fact (`Patient.locations`,
which bookings fills in when it books them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from clinic.access import locations_for_staff
from clinic.models import Patient
from clinic.roles import Role, roles_of
from intake.models import Intake
from intake.selectors import review_queue_of

CLINICAL_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})


def _at_locations(intakes: QuerySet[Intake], user: Any) -> QuerySet[Intake]:
    """Intakes of patients booked at one of the user's locations (an `IN (subquery)`, not a join,
    so no row is duplicated when the patient is known at several)."""
    return intakes.filter(patient__in=Patient.objects.filter(locations__in=locations_for_staff(user)).values("pk"))


def intakes_for_clinician(user: Any) -> QuerySet[Intake]:
    """The intakes whose answers and findings this user may read: managers all, practitioners theirs."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return Intake.objects.all()
    if Role.PRACTITIONER in roles:
        return _at_locations(Intake.objects.all(), user)
    return Intake.objects.none()


def intakes_for_staff(user: Any) -> QuerySet[Intake]:
    """The intakes whose status this staff member may see: managers all, reception and
    practitioners those of patients known at their locations."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return Intake.objects.all()
    if roles & {Role.RECEPTION, Role.PRACTITIONER}:
        return _at_locations(Intake.objects.all(), user)
    return Intake.objects.none()


def intakes_of_patient(user: Any) -> QuerySet[Intake]:
    """A patient's own questionnaires."""
    if Role.PATIENT not in roles_of(user):
        return Intake.objects.none()
    return Intake.objects.filter(patient__user=user)


def get_intake_for(user: Any, pk: int, *, clinical: bool) -> Intake:
    """The intake, if this user may reach it; `clinical=True` asks for answers and findings.

    With clinical=False the caller decides what to show: a patient their own answers and status
    (never findings), reception the status only.
    """
    base = Intake.objects.select_related("patient", "treatment", "area")
    roles = roles_of(user)
    if roles & CLINICAL_ROLES:
        intake = intakes_for_clinician(user).select_related("patient", "treatment", "area").filter(pk=pk).first()
        if intake is not None:
            return intake
    if clinical:
        raise Http404
    if Role.PATIENT in roles:
        intake = base.filter(pk=pk, patient__user=user).first()
        if intake is not None:
            return intake
    if Role.RECEPTION in roles:
        intake = _at_locations(base, user).filter(pk=pk).first()
        if intake is not None:
            return intake
    raise Http404


def review_queue(user: Any) -> QuerySet[Intake]:
    """The intakes waiting for this practitioner (or manager), needed soonest first."""
    return review_queue_of(intakes_for_clinician(user))
