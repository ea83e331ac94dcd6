"""The waiting list's part of a patient's export and erasure (privacy/ composes the parts).

The export lists the patient's entries and the offers made to them. Erasure takes them off every
list (an open offer is withdrawn and its hold released, so the slot goes to the next person) and
keeps the rows, which hold no contact details or free text, linked to the now-anonymous patient.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clinic.models import Patient
from waitlist.models import Entry, Offer
from waitlist.services import entry_leave


def patient_export_part(patient: Patient) -> dict[str, Any]:
    entries = Entry.objects.filter(patient=patient).select_related("treatment", "area", "location").order_by("pk")
    offers = Offer.objects.filter(entry__patient=patient).order_by("pk")
    return {
        "waitlist_entries": [
            {
                "id": e.pk,
                "treatment": e.treatment.slug,
                "area": e.area.slug,
                "location": e.location.slug,
                "practitioner": e.practitioner_id,
                "earliest": e.earliest.isoformat(),
                "latest": e.latest.isoformat(),
                "weekdays": e.weekdays,
                "times": e.times,
                "current_appointment": e.current_appointment_id,
                "status": e.status,
                "created_at": e.created_at.isoformat(),
                "offers": [
                    {
                        "start": o.start.isoformat(),
                        "end": o.end.isoformat(),
                        "status": o.status,
                        "offered_at": o.offered_at.isoformat(),
                        "expires_at": o.expires_at.isoformat(),
                        "appointment": o.appointment_id,
                    }
                    for o in offers
                    if o.entry_id == e.pk
                ],
            }
            for e in entries
        ]
    }


def patient_erase_part(patient: Patient, *, by: Any, now: datetime) -> None:
    for entry in Entry.objects.filter(patient=patient, status__in=Entry.OPEN_STATUSES):
        entry_leave(entry=entry, by=by, now=now)
