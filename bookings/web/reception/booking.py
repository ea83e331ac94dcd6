"""Reception books a free cell of the day view: find the patient (or add a walk-in), then book.

The patient search is a POST (names, dates of birth, emails and phones never go in a URL), for
any patient of the clinic (one clinic), and shows only name, date of birth and a masked contact.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.errors import PatientBusy, SlotUnavailable
from bookings.appointments.reception import appointment_book_at_desk
from bookings.models import Appointment
from bookings.web.reception.actions import STAFF, grid_response, panel_response
from bookings.web.reception.forms import (
    DiaryBookingForm,
    PatientSearchForm,
    apply_slot_pick,
    initial_for_areas,
    initial_from_query,
    masked_contact,
)
from clinic.access import locations_for_staff
from clinic.errors import Conflict
from clinic.formatting import friendly_when
from clinic.models import Location, Patient, Practitioner
from clinic.params import Query
from clinic.phones import region_of
from clinic.roles import role_required
from treatments.models import Treatment

TEMPLATE = "bookings/diary/_book.html"


def _place(request: HttpRequest, location: str) -> Location:
    return get_object_or_404(locations_for_staff(request.user), slug=location)


def _found(patients: list[Patient]) -> list[dict]:
    return [
        {"pk": p.pk, "name": p.full_name, "date_of_birth": p.date_of_birth, "contact": masked_contact(p)}
        for p in patients
    ]


def _context(place: Location, form: DiaryBookingForm, **extra) -> dict:
    day = form.cleaned_data.get("date") if form.is_bound and hasattr(form, "cleaned_data") else form.initial.get("date")
    return {
        "location": place,
        "form": form,
        "search": extra.pop("search", None) or PatientSearchForm(),
        "day": day if isinstance(day, date) else None,
        **extra,
    }


def _initial(request: HttpRequest, place: Location) -> dict:
    initial = initial_from_query(request.GET, place)
    if "treatment" not in initial:
        # The practitioner's first treatment, so a cell in their column is ready to book.
        treatments = Treatment.objects.active().order_by("position", "name")
        first = treatments.filter(practitioners=initial["practitioner"]).first() if "practitioner" in initial else None
        first = first or treatments.first()
        if first is not None:
            initial["treatment"] = first.pk
            area = first.areas.order_by("position", "name").first()
            if area is not None:
                initial.setdefault("area", area.pk)
    initial.setdefault("patient", "")
    return initial


DUPLICATE = (
    "A patient with this name and date of birth already exists: choose them below, or tick the box if this is a "
    "different person."
)


@role_required(*STAFF)
def diary_book(request: HttpRequest, location: str) -> HttpResponse:
    place = _place(request, location)
    if request.method != "POST":
        form = DiaryBookingForm(location=place, initial=_initial(request, place))
        return panel_response(request, TEMPLATE, _context(place, form))
    data = request.POST.copy()
    if data.get("action") == "areas":
        return _areas_refreshed(request, place)
    if data.get("slot"):
        apply_slot_pick(data, place.zone)
    form = DiaryBookingForm(data, location=place)
    if not form.is_valid():
        return _refused(request, place, form, status=400)
    if form.cleaned_data["patient"] == "new" and not form.cleaned_data["confirm_new"] and form.duplicates():
        form.add_error("confirm_new", DUPLICATE)
        return _refused(request, place, form, status=400, found=_found(form.duplicates()))
    try:
        appointment = appointment_book_at_desk(by=request.user, today=timezone.localdate(), **form.booking())
    except SlotUnavailable as exc:
        # Overbooking adds a patient to a busy practitioner, never a busy patient to two rooms.
        busy = isinstance(exc, PatientBusy)
        advice = "Choose another time." if busy else "Choose one of the free times below, or overbook with a reason."
        form.add_error(None, f"{exc.message} {advice}")
        return _refused(request, place, form, status=409, alternatives=_alternatives(place, exc))
    except (Conflict, ValidationError) as exc:
        form.add_service_errors(exc)
        return _refused(request, place, form, status=409 if isinstance(exc, Conflict) else 400)
    return grid_response(request, place=place, day=_local_day(appointment), notice=_booked(appointment))


def _areas_refreshed(request: HttpRequest, place: Location) -> HttpResponse:
    """The treatment changed: the form again, as typed, with that treatment's areas. htmx swaps in
    the area field alone (no panel retarget); without JavaScript it is the whole form."""
    form = DiaryBookingForm(location=place, initial=initial_for_areas(request.POST, place))
    context = _context(place, form, found=_found(_chosen(request.POST)))
    if request.htmx:
        return render(request, TEMPLATE, {**context, "in_day_view": True, "view": request.POST.get("view", "")})
    return panel_response(request, TEMPLATE, context)


def _chosen(data) -> list[Patient]:
    pk = Query(data).id("patient")  # "new", or a garbled id, chooses no one
    return list(Patient.objects.filter(pk=pk)) if pk else []


def _local_day(appointment: Appointment) -> date:
    return appointment.start.astimezone(appointment.location.zone).date()


def _booked(appointment: Appointment) -> str:
    when = appointment.start.astimezone(appointment.location.zone)
    overbooked = " (overbooked)" if appointment.is_override else ""
    return (
        f"Booked {appointment.patient.full_name} for {appointment.treatment.name.lower()} "
        f"({appointment.area.name.lower()}) on {friendly_when(when)} with {appointment.practitioner.display_name}"
        f"{overbooked}."
    )


def _refused(request: HttpRequest, place: Location, form: DiaryBookingForm, *, status: int, **extra) -> HttpResponse:
    """The form again with its errors: 400/409 for htmx (shown in the panel), 200 for a plain POST."""
    if not extra.get("found") and isinstance(form.cleaned_data.get("patient"), Patient):
        extra["found"] = _found([form.cleaned_data["patient"]])  # keep the chosen patient chosen
    return panel_response(request, TEMPLATE, _context(place, form, **extra), status=status if request.htmx else 200)


def _alternatives(place: Location, exc: SlotUnavailable) -> list[dict]:
    names = dict(
        Practitioner.objects.filter(pk__in={s.practitioner_id for s in exc.alternatives}).values_list(
            "id", "display_name"
        )
    )
    return [
        {
            "value": f"{s.start.isoformat()}|{s.practitioner_id}",
            "start": s.start.astimezone(place.zone),
            "practitioner": names.get(s.practitioner_id, ""),
        }
        for s in exc.alternatives
    ]


@role_required(*STAFF)
@require_POST
def diary_patient_search(request: HttpRequest, location: str) -> HttpResponse:
    place = _place(request, location)
    search = PatientSearchForm(request.POST, region=region_of(place))
    found = _found(search.results()) if search.is_valid() else []
    context = {
        "location": place,
        "search": search,
        "found": found,
        "searched": True,
        "chosen": request.POST.get("patient", ""),
    }
    if request.htmx:
        return render(request, "bookings/diary/_patient_results.html", context)
    # Without htmx, the whole form again, as typed so far (unbound: no errors yet), with the results.
    form = DiaryBookingForm(location=place, initial=request.POST.dict())
    return panel_response(request, TEMPLATE, _context(place, form, **context))
