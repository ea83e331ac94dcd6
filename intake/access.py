"""Who may reach which intake. Everything outside a user's reach is a 404 (clinic.roles).

Patients reach their own intakes, but never as clinical data (findings). Practitioners reach the
intakes of patients with an appointment or a course at one of their locations; clinic managers
reach every intake. Reception reaches the same intakes as practitioners of their locations, for
the status only: never the answers or findings.

Intake never imports bookings: the patient's appointments and courses are reached through the
reverse relations (`Patient.appointments`, `Patient.courses`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from clinic.access import locations_for_staff
from clinic.models import Patient
from clinic.roles import Role, roles_of
from intake.models import Intake

CLINICAL_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})
REVIEW_STATUSES = (Intake.Status.NEEDS_REVIEW, Intake.Status.NOT_SUITABLE)


def _at_locations(intakes: QuerySet[Intake], user: Any) -> QuerySet[Intake]:
    """Intakes of patients with an appointment or a course at one of the user's locations.

    Two `IN (subquery)` filters rather than joins, so no row is duplicated and annotations over
    the patient's appointments (the queue's next appointment) are not narrowed by the filter.
    """
    locations = locations_for_staff(user)
    with_appointment = Patient.objects.filter(appointments__location__in=locations).values("pk")
    with_course = Patient.objects.filter(courses__location__in=locations).values("pk")
    return intakes.filter(Q(patient__in=with_appointment) | Q(patient__in=with_course))


def intakes_for_clinician(user: Any) -> QuerySet[Intake]:
    """The intakes whose answers and findings this user may read: managers all, practitioners theirs."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return Intake.objects.all()
    if Role.PRACTITIONER in roles:
        return _at_locations(Intake.objects.all(), user)
    return Intake.objects.none()


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
    """Intakes waiting for a practitioner, with the patient's next booked appointment (soonest first,
    none last). The appointment is reached through Patient.appointments: intake never imports bookings."""
    now = timezone.now()
    booked = Q(patient__appointments__status="booked", patient__appointments__start__gte=now)
    return (
        intakes_for_clinician(user)
        .filter(status__in=REVIEW_STATUSES)
        .select_related("patient", "treatment", "area")
        .annotate(next_appointment=Min("patient__appointments__start", filter=booked))
        .order_by(F("next_appointment").asc(nulls_last=True), "submitted_at", "pk")
    )
