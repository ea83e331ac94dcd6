"""Who may see which appointment. Everything outside a user's reach is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from bookings.models import Appointment
from clinic.access import locations_for_staff
from clinic.models import Patient
from clinic.roles import Role, is_staff_member, roles_of


def appointments_visible_to(user: Any) -> QuerySet[Appointment]:
    """Patients: their own. Staff: those at the locations they work at. Anyone else: none."""
    base = Appointment.objects.select_related("patient", "practitioner", "room", "location", "treatment", "area")
    if is_staff_member(user):
        return base.filter(location__in=locations_for_staff(user))
    if Role.PATIENT in roles_of(user):
        return base.for_patient_user(user)
    return base.none()


def get_appointment_for(user: Any, pk: int) -> Appointment:
    try:
        return appointments_visible_to(user).get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def patient_for_booking(user: Any, patient: Patient | None) -> Patient:
    """Staff book for the patient they name; a patient books for themselves, whatever they send."""
    if is_staff_member(user):
        if patient is None:
            raise ValidationError({"patient": "Choose the patient to book for."})
        return patient
    if Role.PATIENT in roles_of(user):
        try:
            return user.patient
        except Patient.DoesNotExist:
            raise ValidationError({"patient": "Complete your details (name, date of birth, phone) first."}) from None
    raise Http404
