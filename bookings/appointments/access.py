"""Who may see which appointment. Everything outside a user's reach is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from bookings.models import Appointment, Course
from clinic.access import locations_for_staff
from clinic.models import Patient
from clinic.roles import Role, is_staff_member, roles_of


def appointments_visible_to(user: Any) -> QuerySet[Appointment]:
    """Patients: their own. Staff: those at the locations they work at. Anyone else: none."""
    base = Appointment.objects.select_related(
        "patient", "practitioner", "room", "location", "treatment", "area", "course"
    )
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


def courses_visible_to(user: Any) -> QuerySet[Course]:
    """Patients: their own courses. Staff: the courses at the locations they work at. Anyone
    else: none. Each with its sessions in order (`sessions_in_order`)."""
    sessions = Prefetch(
        "appointments", queryset=Appointment.objects.order_by("start", "pk"), to_attr="sessions_in_order"
    )
    base = Course.objects.select_related("treatment", "area", "location").prefetch_related(sessions)
    if is_staff_member(user):
        return base.filter(location__in=locations_for_staff(user))
    if Role.PATIENT in roles_of(user):
        return base.filter(patient__user=user)
    return base.none()


def get_course_for(user: Any, pk: int) -> Course:
    try:
        return courses_visible_to(user).get(pk=pk)
    except Course.DoesNotExist:
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


# --- clinical access: session records and the patient record ----------------------------------


def get_appointment_for_clinician(user: Any, pk: int) -> Appointment:
    """The appointment, for a practitioner at its location or any clinic manager; else 404.

    Reception and patients never reach session records, whatever the appointment.
    """
    roles = roles_of(user)
    if Role.MANAGER in roles:
        base = Appointment.objects.all()
    elif Role.PRACTITIONER in roles:
        base = Appointment.objects.filter(location__in=locations_for_staff(user))
    else:
        raise Http404
    try:
        return base.select_related("patient", "practitioner", "location", "treatment", "area", "course").get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def may_edit_session_record(user: Any, appointment: Appointment) -> bool:
    """The appointment's own practitioner or a clinic manager; colleagues at the location only read."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return True
    return Role.PRACTITIONER in roles and appointment.practitioner.user_id == user.pk


def is_clinician(user: Any) -> bool:
    return bool(roles_of(user) & {Role.PRACTITIONER, Role.MANAGER})


def get_patient_for(user: Any, pk: int) -> Patient:
    """Managers: every patient. Reception and practitioners: patients with an appointment or a
    course at one of their locations. Anyone else: 404."""
    roles = roles_of(user)
    if Role.MANAGER in roles:
        patients = Patient.objects.all()
    elif roles & {Role.RECEPTION, Role.PRACTITIONER}:
        locations = locations_for_staff(user)
        patients = Patient.objects.filter(
            Q(pk__in=Appointment.objects.filter(location__in=locations).values("patient_id"))
            | Q(pk__in=Course.objects.filter(location__in=locations).values("patient_id"))
        )
    else:
        raise Http404
    try:
        return patients.get(pk=pk)
    except Patient.DoesNotExist:
        raise Http404 from None
