"""The practitioner's ways past the clinical gate: record that the patient, asked at the session,
says nothing has changed; or go ahead for a recorded clinical reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bookings.appointments.access import get_appointment_for_clinician
from bookings.appointments.clearance_services import (
    appointment_clearance_override,
    appointment_health_confirm,
    may_override,
)
from bookings.diary.clearance import clearance_view
from bookings.models import Appointment
from clinic.errors import Conflict
from clinic.forms import ServiceErrorsMixin
from clinic.roles import Role, role_required


class ProceedForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Clinical reason for going ahead", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _back(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """Back to where the practitioner was: the diary's panel, or their day (no free-form URL)."""
    if request.POST.get("back") == "panel":
        return redirect("diary-appointment", pk=appointment.pk)
    day = appointment.start.astimezone(appointment.location.zone).date()
    return redirect(f"{reverse('practitioner-day')}?date={day.isoformat()}")


@role_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def appointment_proceed(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    if not may_override(request.user, appointment):
        raise Http404  # the decision is the appointment's own practitioner's
    form = ProceedForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            appointment_clearance_override(
                appointment=appointment, reason=form.cleaned_data["reason"], by=request.user, now=timezone.now()
            )
        except (Conflict, ValidationError) as exc:
            form.add_service_errors(exc)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            messages.success(request, "Your reason is recorded: the session can go ahead and be recorded.")
            return _back(request, appointment)
    elif form.is_bound:
        status = 400
    context = {"appointment": appointment, "form": form, "cv": clearance_view(appointment, request.user)}
    return render(request, "bookings/practice/proceed.html", context, status=status)


@role_required(Role.PRACTITIONER)
@require_POST
def appointment_health_confirmed(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    try:
        appointment_health_confirm(appointment=appointment, by=request.user, now=timezone.now())
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Recorded: {appointment.patient.full_name} says nothing has changed.")
    return _back(request, appointment)
