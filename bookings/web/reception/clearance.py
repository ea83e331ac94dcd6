"""Reception's way past the clinical gate: email the patient the health questionnaire."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.access import get_appointment_for
from bookings.appointments.clearance_services import appointment_questionnaire_send
from clinic.errors import Conflict
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
@require_POST
def appointment_questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    try:
        appointment_questionnaire_send(appointment=appointment, by=request.user, now=timezone.now())
    except (Conflict, ValidationError) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else " ".join(exc.messages))
    else:
        messages.success(
            request, f"The health questionnaire will be emailed to {appointment.patient.full_name} within a minute."
        )
    return redirect("diary-appointment", pk=appointment.pk)
