"""The patient's waiting list (under My appointments) and the page an offer's link opens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import patient_of
from clinic.roles import Role, role_required
from waitlist.access import get_entry_for, get_offer_for
from waitlist.links import offer_id_from
from waitlist.offers import OfferGone, offer_accept, offer_close
from waitlist.selectors import entries_of
from waitlist.services import entry_join, entry_leave
from waitlist.web.patient.forms import JoinForm


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_waitlist(request: HttpRequest) -> HttpResponse:
    patient, now = patient_of(request.user), timezone.now()
    form = JoinForm(request.POST or None, patient=patient, today=timezone.localdate(), initial=_asked(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry_join(patient=patient, by=request.user, now=now, **form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "You are on the waiting list. We will email and text you when a time comes free.")
            return redirect("my-waitlist")
    status = 400 if form.errors else 200
    return render(request, "waitlist/my_waitlist.html", {"form": form, "entries": entries_of(patient)}, status=status)


def _asked(request: HttpRequest) -> dict:
    """The booking page's "none of these times suit me" link says what the patient was booking."""
    return {key: request.GET[key] for key in ("area", "location", "practitioner") if request.GET.get(key, "").isdigit()}


@role_required(Role.PATIENT)
@require_POST
def my_waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request.user, pk)
    entry_leave(entry=entry, by=request.user, now=timezone.now())
    messages.success(request, "You have left the waiting list for that treatment.")
    return redirect("my-waitlist")


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def offer_page(request: HttpRequest, token: str) -> HttpResponse:
    offer, now = get_offer_for(request.user, offer_id_from(token)), timezone.now()
    if request.method == "POST" and request.POST.get("answer") == "accept":
        try:
            offer_accept(offer=offer, by=request.user, now=now)
        except (OfferGone, ValidationError) as exc:
            problem = exc.message if isinstance(exc, OfferGone) else " ".join(exc.messages)
            return render(request, "waitlist/offer.html", {"offer": offer, "problem": problem}, status=409)
        messages.success(request, "Booked. Your confirmation is on its way.")
        return redirect("my-appointments")
    if request.method == "POST" and request.POST.get("answer") == "decline":
        offer_close(offer=offer, status=offer.Status.DECLINED, by=request.user, now=now)
        messages.success(request, "Thank you: we have offered the time to the next person. You stay on the list.")
        return redirect("my-waitlist")
    return render(request, "waitlist/offer.html", {"offer": offer, "live": offer.is_open(now)})
