"""Bookings' part of a patient's data rights: appointments, courses, session records, the feed.

Erasure cancels future bookings through the booking service (courses close and reminders drop
as for any cancel) and blanks free text; clinical records stay (retention).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bookings.appointments.services import appointment_cancel
from bookings.models import Appointment, CalendarFeed, Course, SessionRecord
from clinic.models import Patient

ERASE_CANCEL_REASON = "erased at the patient's request"
# The same rule for session records: the structured clinical facts (products, batch, expiry,
# areas, volume, anaesthetic, whether an adverse event occurred) stay; the free text, which may
# name or describe the person, is blanked.
SESSION_FREE_TEXT = ("technique_notes", "adverse_events", "advice_given")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def patient_export_part(patient: Patient) -> dict[str, Any]:
    return {
        "appointments": _appointments(patient),
        "courses": _courses(patient),
        "session_records": _session_records(patient),
        # Whether a feed exists only: the token is a credential and never leaves the database.
        "calendar_feed": {"exists": CalendarFeed.objects.filter(patient=patient).exists()},
    }


def _appointments(patient: Patient) -> list[dict[str, Any]]:
    rows = Appointment.objects.filter(patient=patient).select_related("treatment", "area", "location", "practitioner")
    return [
        {
            "id": a.pk,
            "treatment": a.treatment.name,
            "area": a.area.name,
            "location": a.location.name,
            "practitioner": a.practitioner.display_name,
            # In the location's time zone, with its offset: what the patient saw when booking.
            "start": a.start.astimezone(a.location.zone).isoformat(),
            "end": a.end.astimezone(a.location.zone).isoformat(),
            "status": a.status,
            "kind": a.kind,
            "session_number": a.session_number,
            "notes": a.notes,
            "cancel_reason": a.cancel_reason,
            "went_ahead_without_clearance": a.clearance_override_missing,
            "clinical_reason_for_going_ahead": a.clearance_override_reason,
        }
        for a in rows.order_by("start", "pk")
    ]


def _courses(patient: Patient) -> list[dict[str, Any]]:
    rows = Course.objects.filter(patient=patient).select_related("treatment", "area", "location", "practitioner")
    return [
        {
            "id": c.pk,
            "treatment": c.treatment.name,
            "area": c.area.name,
            "location": c.location.name,
            "practitioner": c.practitioner.display_name,
            "status": c.status,
            "sessions_planned": c.sessions_planned,
            "interval_days": c.interval_days,
            "maintenance_due": _iso(c.maintenance_due),
            "created_at": _iso(c.created_at),
        }
        for c in rows.order_by("created_at", "pk")
    ]


def _session_records(patient: Patient) -> list[dict[str, Any]]:
    rows = (
        SessionRecord.objects.filter(appointment__patient=patient)
        .select_related("appointment__location", "recorded_by")
        .prefetch_related("ingredients", "areas")
    )
    return [
        {
            "appointment": r.appointment_id,
            "session_date": r.appointment.start.astimezone(r.appointment.location.zone).date().isoformat(),
            "ingredients": [i.name for i in r.ingredients.all()],
            "product_name": r.product_name,
            "batch_number": r.batch_number,
            "expiry_date": _iso(r.expiry_date),
            "areas": [a.name for a in r.areas.all()],
            "volume_ml": str(r.volume_ml),
            "anaesthetic": r.anaesthetic,
            "anaesthetic_other": r.anaesthetic_other,
            "adverse_event_occurred": r.adverse_event_occurred,
            "technique_notes": r.technique_notes,
            "adverse_events": r.adverse_events,
            "advice_given": r.advice_given,
            "recorded_by": r.recorded_by.get_full_name(),
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
        }
        for r in rows.order_by("appointment__start", "pk")
    ]


def patient_erase_part(patient: Patient, *, by: Any, now: datetime) -> None:
    for appointment in Appointment.objects.filter(patient=patient, status=Appointment.Status.BOOKED, start__gt=now):
        appointment_cancel(appointment=appointment, by=by, reason=ERASE_CANCEL_REASON, now=now)
    CalendarFeed.objects.filter(patient=patient).delete()
    Appointment.objects.filter(patient=patient).exclude(notes="").update(notes="")
    _erase_session_free_text(patient)
    # The reason a practitioner went ahead is clinical free text: blanked; that they did stays.
    for appointment in Appointment.objects.select_for_update().filter(
        patient=patient, clearance_override_at__isnull=False
    ):
        if appointment.clearance_override_reason:
            appointment.clearance_override_reason = ""
            appointment.save(update_fields=["clearance_override_reason", "updated_at"])


def _erase_session_free_text(patient: Patient) -> None:
    # Row by row through save(), not a bulk update(): the free-text fields are due to become
    # encrypted fields, whose value must go through the field's own preparation.
    for record in SessionRecord.objects.select_for_update().filter(appointment__patient=patient):
        blanked = [name for name in SESSION_FREE_TEXT if getattr(record, name)]
        for name in blanked:
            setattr(record, name, "")
        if blanked:
            record.save(update_fields=[*blanked, "updated_at"])
