"""Who may see which money: a patient their own invoices; reception and managers those of the
locations they work at. Practitioners see none (money is not their part of the visit). Anything
else is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from billing.models import Deposit, Invoice, Payment
from bookings.appointments.access import get_appointment_for
from bookings.models import Appointment, Course
from clinic.access import locations_for_staff
from clinic.roles import Role, has_role

TILL_ROLES = (Role.RECEPTION, Role.MANAGER)


def invoices_visible_to(user: Any) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("location", "patient", "credits")
    if has_role(user, *TILL_ROLES):
        return invoices.filter(location__in=locations_for_staff(user))
    if has_role(user, Role.PATIENT):
        return invoices.filter(patient__user=user)
    return invoices.none()


def get_invoice_for(user: Any, pk: int) -> Invoice:
    invoice = invoices_visible_to(user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def get_appointment_for_till(user: Any, pk: int) -> Appointment:
    if not has_role(user, *TILL_ROLES):
        raise Http404
    return get_appointment_for(user, pk)


def get_deposit_for_patient(user: Any, pk: int) -> Deposit:
    deposit = Deposit.objects.select_related("appointment").filter(pk=pk, appointment__patient__user=user).first()
    if deposit is None:
        raise Http404
    return deposit


def get_payment_for(user: Any, pk: int) -> Payment:
    """A payment's receipt: the patient's own; reception's and managers' at their locations."""
    payments = Payment.objects.select_related("location", "patient", "appointment__treatment", "appointment__area")
    if has_role(user, *TILL_ROLES):
        payments = payments.filter(location__in=locations_for_staff(user))
    elif has_role(user, Role.PATIENT):
        payments = payments.filter(patient__user=user)
    else:
        payments = payments.none()
    payment = payments.filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def get_course_for_patient(user: Any, pk: int) -> Course:
    course = Course.objects.select_related("treatment", "area", "location").filter(pk=pk, patient__user=user).first()
    if course is None:
        raise Http404
    return course
