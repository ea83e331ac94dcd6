"""The practitioner's pages: their day, session records, and the patient record.

Session records are clinical: only practitioners at the appointment's location and clinic
managers reach them (everyone else gets 404), and every read is audited. The patient record is
shared with reception, who see the administrative part only: the clinical sections are not
computed for them at all, so nothing clinical can leak through the template.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bookings.appointments.access import (
    get_appointment_for_clinician,
    may_edit_session_record,
)
from bookings.appointments.records import session_record_save, session_record_viewed
from bookings.diary.practitioner_day import practitioner_day_entries
from bookings.models import Appointment, SessionRecord
from bookings.web.practitioner.forms import SessionRecordForm
from clinic.errors import Conflict
from clinic.models import Practitioner
from clinic.params import Query, parse_day
from clinic.roles import Role, has_role, role_required


def _whose_day(request: HttpRequest, query: Query) -> Practitioner | None:
    """Managers may look at anyone's day (?practitioner=<id>); everyone else sees their own. A
    garbled id is said so on the page (their own day instead); an unknown one is a 404."""
    if has_role(request.user, Role.MANAGER) and query.raw("practitioner"):
        pk = query.id("practitioner")
        if pk is None:
            messages.warning(request, f"{query.errors['practitioner'].rstrip('.')}; showing your own day.")
        else:
            return get_object_or_404(Practitioner, pk=pk)
    return Practitioner.objects.filter(user=request.user).first()


@role_required(Role.PRACTITIONER, Role.MANAGER)
def practitioner_day(request: HttpRequest) -> HttpResponse:
    """One practitioner's appointments on one local day, across their locations."""
    is_manager = has_role(request.user, Role.MANAGER)
    query = Query(request.GET)
    practitioner = _whose_day(request, query)
    today = timezone.localdate()
    day = parse_day(request, today)
    entries = practitioner_day_entries(practitioner=practitioner, day=day, user=request.user) if practitioner else []
    practitioners = (
        list(Practitioner.objects.filter(is_active=True).order_by("display_name").values_list("pk", "display_name"))
        if is_manager
        else []
    )
    return render(
        request,
        "bookings/practice/day.html",
        {
            "practitioner": practitioner,
            "own": practitioner is not None and practitioner.user_id == request.user.pk,
            "practitioners": practitioners,
            "chosen": practitioner.pk if is_manager and practitioner and query.id("practitioner") else "",
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "entries": entries,
        },
    )


def _record_of(appointment: Appointment) -> SessionRecord | None:
    return (
        SessionRecord.objects.filter(appointment=appointment)
        .select_related("recorded_by")
        .prefetch_related("ingredients", "areas")
        .first()
    )


@role_required(Role.PRACTITIONER, Role.MANAGER)
def session_record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    record = _record_of(appointment)
    if record is not None:
        record.appointment = appointment  # already loaded with its patient
        session_record_viewed(record=record, by=request.user)
    return render(
        request,
        "bookings/practice/session_record.html",
        {
            "appointment": appointment,
            "record": record,
            "can_edit": may_edit_session_record(request.user, appointment),
            "completed": appointment.status == Appointment.Status.COMPLETED,
        },
    )


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def session_record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    if not may_edit_session_record(request.user, appointment):
        raise Http404  # colleagues at the location read the record; they do not edit it
    record = _record_of(appointment)
    context = {"appointment": appointment, "record": record}
    if appointment.status != Appointment.Status.COMPLETED:
        status = 409 if request.method == "POST" else 200
        return render(request, "bookings/practice/session_record_form.html", {**context, "form": None}, status=status)
    form = SessionRecordForm(
        request.POST if request.method == "POST" else None,
        instance=record or SessionRecord(appointment=appointment),
        appointment=appointment,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session_record_save(
                    appointment=appointment, by=request.user, data=form.service_data(), now=timezone.now()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                status = 409
            else:
                messages.success(request, f"Session recorded for {appointment.patient.full_name}.")
                return redirect("session-record", pk=appointment.pk)
    elif record is not None:
        # The form shows the record's contents: a read like any other.
        record.appointment = appointment
        session_record_viewed(record=record, by=request.user, via="session record form")
    return render(request, "bookings/practice/session_record_form.html", {**context, "form": form}, status=status)
