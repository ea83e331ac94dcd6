"""Reception books a free cell of the day view: find the patient (or add a walk-in), then book.

The patient search is a POST (names, dates of birth, emails and phones never go in a URL), for
any patient of the clinic (one clinic), and shows only name, date of birth and a masked contact.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.diary_actions import STAFF, grid_response, panel_response
from bookings.diary_forms import (
    DiaryBookingForm,
    PatientSearchForm,
    apply_slot_pick,
    initial_from_query,
    masked_contact,
)
from bookings.services import PatientBusy, SlotUnavailable, appointment_book
from clinic.access import locations_for_staff
from clinic.errors import Conflict
from clinic.models import Location, Patient, Practitioner
from clinic.roles import role_required
from clinic.services import patient_create_without_account
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
        "location": place, "form": form, "search": extra.pop("search", None) or PatientSearchForm(),
        "day": day if isinstance(day, date) else None, **extra,
    }  # fmt: skip


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


@role_required(*STAFF)
def diary_book(request: HttpRequest, location: str) -> HttpResponse:
    place = _place(request, location)
    if request.method != "POST":
        form = DiaryBookingForm(location=place, initial=_initial(request, place))
        return panel_response(request, TEMPLATE, _context(place, form))

    data = request.POST.copy()
    if data.get("slot"):
        apply_slot_pick(data, place.zone)
    form = DiaryBookingForm(data, location=place)
    if not form.is_valid():
        return _refused(request, place, form, status=400)
    patient = form.cleaned_data["patient"]
    if patient == "new" and not form.cleaned_data["confirm_new"] and (duplicates := form.duplicates()):
        form.add_error(
            "confirm_new",
            "A patient with this name and date of birth already exists: choose them below, or tick the box if "
            "this is a different person.",
        )
        return _refused(request, place, form, status=400, found=_found(duplicates))
    try:
        with transaction.atomic():  # a refused booking leaves no new patient behind
            if patient == "new":
                patient = patient_create_without_account(
                    by=request.user, first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"], date_of_birth=form.cleaned_data["date_of_birth"],
                    phone=form.cleaned_data["phone"], email=form.cleaned_data["email"], today=timezone.localdate(),
                )  # fmt: skip
            appointment = appointment_book(
                patient=patient, treatment=form.cleaned_data["treatment"], area=form.cleaned_data["area"],
                location=place, start=form.start, by=request.user, practitioner=form.cleaned_data["practitioner"],
                room=form.cleaned_data["room"], numbing_cream=form.cleaned_data["numbing_cream"],
                override_reason=form.cleaned_data["override_reason"] if form.cleaned_data["override"] else "",
            )  # fmt: skip
    except SlotUnavailable as exc:
        # Overbooking adds a patient to a busy practitioner, never a busy patient to two rooms.
        advice = (
            "Choose another time."
            if isinstance(exc, PatientBusy)
            else "Choose one of the free times below, or overbook with a reason."
        )
        form.add_error(None, f"{exc.message} {advice}")
        return _refused(request, place, form, status=409, alternatives=_alternatives(place, exc))
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _refused(request, place, form, status=409)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, messages in errors.items():
            form.add_error(field if field in form.fields else None, messages)
        return _refused(request, place, form, status=400)
    when = appointment.start.astimezone(place.zone)
    notice = (
        f"Booked {appointment.patient.full_name} for {appointment.treatment.name.lower()} "
        f"({appointment.area.name.lower()}) on {when:%A %-d %B at %H:%M} with {appointment.practitioner.display_name}"
        f"{' (overbooked)' if appointment.is_override else ''}."
    )
    return grid_response(request, place=place, day=when.date(), notice=notice)


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
    search = PatientSearchForm(request.POST)
    found = _found(search.results()) if search.is_valid() else []
    context = {"location": place, "search": search, "found": found, "searched": True,
               "chosen": request.POST.get("patient", "")}  # fmt: skip
    if request.htmx:
        return render(request, "bookings/diary/_patient_results.html", context)
    # Without htmx, the whole form again, as typed so far (unbound: no errors yet), with the results.
    form = DiaryBookingForm(location=place, initial=request.POST.dict())
    return panel_response(request, TEMPLATE, _context(place, form, **context))
