"""Reading the waiting list: due slots for the sweep, a patient's entries, a location's list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from clinic.models import Location, Patient
from waitlist.models import Entry, FreedSlot, Offer


def slots_due(*, now: datetime) -> list[int]:
    """Freed slots still to offer whose time has come (a lost task, the end of quiet hours, an
    offer that expired): no open offer, not started."""
    open_offer = Offer.objects.filter(slot=OuterRef("pk"), status=Offer.Status.OFFERED)
    return list(
        FreedSlot.objects.filter(done_at=None, offer_after__lte=now, start__gt=now)
        .exclude(Exists(open_offer))
        .order_by("start")
        .values_list("pk", flat=True)[:200]
    )


def _with_offers(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related("treatment", "area", "location", "practitioner").prefetch_related(
        Prefetch(
            "offers",
            queryset=Offer.objects.select_related("practitioner").order_by("-offered_at"),
            to_attr="offer_list",
        )
    )


def entries_of(patient: Patient) -> list[Entry]:
    return list(_with_offers(Entry.objects.filter(patient=patient).order_by("-created_at")))


def open_entries_of(patient: Patient) -> list[Entry]:
    """The entries still waiting or offered, soonest need first (My appointments)."""
    rows = Entry.objects.filter(patient=patient, status__in=Entry.OPEN_STATUSES)
    return list(_with_offers(rows).order_by("earliest", "pk"))


def entries_at(location: Location) -> list[Entry]:
    """Reception's list: the open entries, longest waiting first."""
    rows = Entry.objects.filter(location=location, status__in=Entry.OPEN_STATUSES).select_related("patient")
    return list(_with_offers(rows).order_by("created_at", "pk"))


def open_offer(entry: Entry) -> Offer | None:
    offers = getattr(entry, "offer_list", None)
    if offers is None:
        offers = list(entry.offers.order_by("-offered_at"))
    return next((o for o in offers if o.status == Offer.Status.OFFERED), None)
