"""Reception's waiting list per location: who waits for what, since when, the last offer; adding
a phone patient, and offering a time by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clinic.errors import Conflict
from clinic.roles import Role, role_required
from waitlist.access import get_location_for_staff
from waitlist.offers import slot_offer_by_hand
from waitlist.selectors import entries_at
from waitlist.services import entry_join
from waitlist.web.reception.forms import AddForm, OfferForm


def _page(request: HttpRequest, location, *, add=None, offer=None, status: int = 200) -> HttpResponse:
    context = {
        "location": location,
        "entries": entries_at(location),
        "add_form": add or AddForm(location=location, initial={"earliest": timezone.localdate()}),
        "offer_form": offer or OfferForm(location=location, initial=request.GET.dict()),
        "now": timezone.now(),
    }
    return render(request, "waitlist/staff_list.html", context, status=status)


@role_required(Role.RECEPTION, Role.MANAGER)
@require_http_methods(["GET"])
def staff_waitlist(request: HttpRequest, location: str) -> HttpResponse:
    return _page(request, get_location_for_staff(request.user, location))


@role_required(Role.RECEPTION, Role.MANAGER)
@require_POST
def staff_waitlist_add(request: HttpRequest, location: str) -> HttpResponse:
    place = get_location_for_staff(request.user, location)
    form = AddForm(request.POST, location=place)
    if form.is_valid():
        try:
            entry = entry_join(by=request.user, now=timezone.now(), **form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Added {entry.patient.full_name} to the waiting list.")
            return redirect("waitlist-staff", location=place.slug)
    return _page(request, place, add=form, status=400)


@role_required(Role.RECEPTION, Role.MANAGER)
@require_POST
def staff_waitlist_offer(request: HttpRequest, location: str) -> HttpResponse:
    place = get_location_for_staff(request.user, location)
    form = OfferForm(request.POST, location=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            offer = slot_offer_by_hand(
                entry=data["entry"],
                practitioner=data["practitioner"],
                start=data["start"],
                by=request.user,
                now=timezone.now(),
            )
        except (ValidationError, Conflict) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Offered to {offer.entry.patient.full_name}: the time is held and they have been sent the link.",
            )
            return redirect("waitlist-staff", location=place.slug)
    return _page(request, place, offer=form, status=409 if form.non_field_errors() else 400)
