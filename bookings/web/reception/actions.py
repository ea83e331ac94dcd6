"""Reception's actions on one appointment from the day view: see it, move it, cancel it, change its status.

Every action answers htmx with the re-rendered grid (`_grid.html`; a refusal in it with 409)
and a plain form POST with a redirect to the day view and a message. Booking a free cell is in
bookings/diary_booking.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.access import get_appointment_for
from bookings.appointments.services import (
    TRANSITIONS,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from bookings.diary.clearance import clearance_view
from bookings.diary.loading import diary_load, staff_rules
from bookings.diary.selectors import latest_intake_statuses
from bookings.diary.words import intake_words
from bookings.domain import availability as av
from bookings.models import Appointment, BookingRules
from bookings.web.reception.day import day_context, day_url
from bookings.web.reception.forms import CancelForm, MoveForm, StatusForm, apply_slot_pick
from clinic.errors import Conflict
from clinic.formatting import friendly_when
from clinic.models import Location, Practitioner
from clinic.params import Query
from clinic.roles import Role, role_required

STAFF = (Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
MOVE = "bookings/diary/_move.html"
SLOTS_SHOWN = 96  # a whole day of 15-minute starts: the list is the point of the page


def _appointment(request: HttpRequest, pk: int) -> Appointment:
    # Staff see the appointments of the locations they work at; anything else is a 404.
    return get_appointment_for(request.user, pk)


def _view(request: HttpRequest) -> str:
    return "rooms" if (request.POST.get("view") or request.GET.get("view")) == "rooms" else ""


def local_day(appointment: Appointment) -> date:
    return appointment.start.astimezone(appointment.location.zone).date()


def grid_response(
    request: HttpRequest, *, place: Location, day: date, notice: str = "", refusal: str = "", status: int = 200
) -> HttpResponse:
    """The answer to an action: the grid partial for htmx, else a redirect to the day view."""
    view = _view(request)
    if request.htmx:
        context = day_context(place=place, day=day, by_room=view == "rooms")
        context.update(notice=notice, refusal=refusal, clear_panel=not refusal)
        response = render(request, "bookings/diary/_grid.html", context, status=status)
        # Wherever the form was (grid or panel), the answer replaces the grid.
        response["HX-Retarget"], response["HX-Reswap"] = "#diary-grid", "outerHTML"
        return response
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, notice)
    return redirect(day_url(place, day, view))


def panel_response(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """A panel (appointment, move, booking form): alone for htmx (into #diary-panel), else as a page."""
    context.setdefault("view", _view(request))
    if request.htmx:
        response = render(request, template, {**context, "in_day_view": True}, status=status)
        response["HX-Retarget"], response["HX-Reswap"] = "#diary-panel", "innerHTML"
        return response
    back_url = day_url(context["location"], context.get("day") or timezone.localdate(), context["view"])
    return render(
        request,
        "bookings/diary/panel_page.html",
        {**context, "panel_template": template, "back_url": back_url},
        status=status,
    )


def _intake_words(appointment: Appointment) -> str:
    return intake_words(latest_intake_statuses([appointment]), appointment)


def _panel_context(appointment: Appointment, user: Any, **extra) -> dict:
    zone = appointment.location.zone
    allowed = TRANSITIONS[appointment.status]
    return {
        "appointment": appointment,
        "location": appointment.location,
        "day": local_day(appointment),
        "start_local": appointment.start.astimezone(zone),
        "end_local": appointment.end.astimezone(zone),
        "intake": _intake_words(appointment),
        "cv": clearance_view(appointment, user),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        # Only the changes the appointment's status allows (the service refuses the others anyway).
        "allowed": [(s, label) for s, label in StatusForm.base_fields["status"].choices if s in allowed],
        "can_cancel": Appointment.Status.CANCELLED in allowed,
        **extra,
    }


@role_required(*STAFF)
def appointment_panel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    return panel_response(request, "bookings/diary/_appointment.html", _panel_context(appointment, request.user))


@role_required(*STAFF)
@require_POST
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    place, day = appointment.location, local_day(appointment)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return grid_response(request, place=place, day=day, refusal="Choose arrived, completed or no-show.", status=400)
    try:
        appointment = appointment_set_status(
            appointment=appointment, status=form.cleaned_data["status"], by=request.user
        )
    except (Conflict, ValidationError) as exc:
        return grid_response(request, place=place, day=day, refusal=_message(exc), status=409)
    notice = f"{appointment.patient.full_name} at {appointment.start.astimezone(place.zone):%H:%M}: " + (
        f"marked {appointment.get_status_display().lower()}."
    )
    return grid_response(request, place=place, day=day, notice=notice)


@role_required(*STAFF)
@require_POST
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    place, day = appointment.location, local_day(appointment)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _panel_context(appointment, request.user, cancel_form=form)
        return panel_response(request, "bookings/diary/_appointment.html", context, status=400 if request.htmx else 200)
    try:
        appointment_cancel(appointment=appointment, by=request.user, reason=form.cleaned_data["reason"])
    except (Conflict, ValidationError) as exc:
        return grid_response(request, place=place, day=day, refusal=_message(exc), status=409)
    when = appointment.start.astimezone(place.zone)
    notice = f"Cancelled {appointment.patient.full_name}’s appointment at {when:%H:%M}."
    return grid_response(request, place=place, day=day, notice=notice)


def _target_slots(appointment: Appointment, day: date) -> list[dict]:
    """Free starts of the same length on `day`, per practitioner who does the treatment, the
    appointment's own practitioner first (the appointment itself does not block its own move)."""
    place = appointment.location
    diary = diary_load(
        location=place,
        treatment=appointment.treatment,
        first_day=day,
        last_day=day,
        exclude_appointment_id=appointment.pk,
        rules=BookingRules.current(),
    )
    slots = av.find_slots(
        practitioners=diary.practitioners,
        rooms=diary.rooms,
        tz=place.zone,
        first_day=day,
        last_day=day,
        duration=appointment.duration,
        rules=staff_rules(diary.rules),
        now=timezone.now(),
        closures=diary.closures,
    )
    by_practitioner: dict[int, list[av.Slot]] = defaultdict(list)
    for slot in slots:
        by_practitioner[slot.practitioner_id].append(slot)
    names = dict(Practitioner.objects.filter(pk__in=by_practitioner).values_list("id", "display_name"))
    order = sorted(by_practitioner, key=lambda pid: (pid != appointment.practitioner_id, names.get(pid, "")))
    return [
        {
            "practitioner": pid,
            "name": names.get(pid, ""),
            "slots": [(s.start.isoformat(), s.start) for s in by_practitioner[pid][:SLOTS_SHOWN]],
        }
        for pid in order
    ]


def _move_context(appointment: Appointment, day: date, form: MoveForm, **extra) -> dict:
    return {
        "appointment": appointment,
        "location": appointment.location,
        "day": day,
        "form": form,
        "targets": _target_slots(appointment, day),
        "start_local": appointment.start.astimezone(appointment.location.zone),
        **extra,
    }


@role_required(*STAFF)
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    if request.method != "POST":
        return _move_page(request, appointment)
    data = request.POST.copy()
    apply_slot_pick(data, appointment.location.zone)
    form = MoveForm(data, appointment=appointment)
    if not form.is_valid():
        day = form.cleaned_data.get("date") or local_day(appointment)
        return panel_response(request, MOVE, _move_context(appointment, day, form), status=400)
    old_day = local_day(appointment)
    try:
        moved = appointment_reschedule(
            appointment=appointment, start=form.start, by=request.user, practitioner=form.cleaned_data["practitioner"]
        )
    except (Conflict, ValidationError) as exc:
        form.add_service_errors(exc)
        zone = appointment.location.zone
        alternatives = [(s.start.isoformat(), s.start.astimezone(zone), s.practitioner_id) for s in _alts(exc)]
        context = _move_context(appointment, form.cleaned_data["date"], form, alternatives=alternatives)
        # A refused move changes nothing: htmx gets 409 (shown in the panel), a plain POST its form again.
        status = (409 if isinstance(exc, Conflict) else 400) if request.htmx else 200
        return panel_response(request, MOVE, context, status=status)
    when = moved.start.astimezone(moved.location.zone)
    notice = f"Moved {moved.patient.full_name} to {friendly_when(when)} with {moved.practitioner.display_name}."
    if when.date() != old_day and not request.htmx:
        notice += " Showing the new day."
    return grid_response(request, place=moved.location, day=when.date(), notice=notice)


def _move_page(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """The free times on ?date= (the appointment's own day when none is given, or a bad one: said why)."""
    query = Query(request.GET)
    day = query.date("date") or local_day(appointment)
    start = appointment.start.astimezone(appointment.location.zone)
    initial = {"date": day, "time": start.time(), "practitioner": appointment.practitioner_id}
    form = MoveForm(appointment=appointment, initial=initial)
    context = _move_context(appointment, day, form, date_error=query.errors.get("date", ""))
    return panel_response(request, MOVE, context)


def _alts(exc: Exception) -> list:
    return getattr(exc, "alternatives", [])


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _message(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(message for messages_ in _error_dict(exc).values() for message in messages_)
    return str(exc)
