"""Reception emails a phone or walk-in patient an invitation to set up their online account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone

from bookings.appointments.access import get_patient_for
from clinic.accounts.invites import patient_invite_send
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.MANAGER)
def patient_invite(request: HttpRequest, pk: int) -> HttpResponse:
    # The patient first: someone who may not see them gets 404 whatever the method.
    patient = get_patient_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        patient_invite_send(patient=patient, by=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The invitation to set up an online account will be emailed within a minute.")
    return redirect("patient-record", pk=patient.pk)
