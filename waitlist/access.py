"""Who may see which entry and offer: a patient their own, staff their locations'; anything else
is a 404 (never a 403 that says it exists)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from clinic.access import locations_for_staff, patient_of
from clinic.models import Location
from clinic.roles import Role, has_role
from waitlist.models import Entry, Offer


def get_entry_for(user: Any, pk: int) -> Entry:
    entry = (
        Entry.objects.select_related("patient", "treatment", "area", "location", "practitioner")
        .filter(pk=pk, patient=patient_of(user))
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def get_offer_for(user: Any, pk: int | None) -> Offer:
    """The patient's own offer (the signed link names it; signing in proves whose it is)."""
    offer = (
        Offer.objects.select_related(
            "entry__patient", "entry__treatment", "entry__area", "slot__location", "practitioner"
        )
        .filter(pk=pk, entry__patient=patient_of(user))
        .first()
        if pk is not None
        else None
    )
    if offer is None:
        raise Http404
    return offer


def get_location_for_staff(user: Any, slug: str) -> Location:
    if not has_role(user, Role.RECEPTION, Role.MANAGER):
        raise Http404
    location = locations_for_staff(user).filter(slug=slug).first()
    if location is None:
        raise Http404
    return location
