"""A patient's own invoices, receipts and credit notes (linked from My appointments)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from billing.access import invoices_visible_to
from billing.selectors import patient_credit
from clinic.access import patient_of
from clinic.roles import Role, role_required


@role_required(Role.PATIENT)
def my_invoices(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request.user)
    invoices = invoices_visible_to(request.user).select_related("appointment__treatment")
    return render(request, "billing/my_invoices.html", {"invoices": invoices, "credit": patient_credit(patient)})
