"""Helpers for the practitioner's pages' tests: completed appointments and session records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bookings.appointments.records import session_record_save
from bookings.models import Appointment, SessionRecord
from tests.bookings.conftest import NOW
from tests.clearance import make_clear

YESTERDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SECRET_NOTES = "Linear threading along the nasolabial folds"
SECRET_EVENT = "Small bruise under the left eye"
SECRET_ADVICE = "Arnica twice a day"


def appointment_at(
    clinic, start: datetime = YESTERDAY_10, *, practitioner=None, patient=None, room=None, cleared=None, **kwargs
) -> Appointment:
    """An appointment (completed unless told); a completed one's patient is cleared for it (the
    gate passed, as it must have been) unless `cleared=False`."""
    kwargs.setdefault("status", Appointment.Status.COMPLETED)
    # The colleague works in the second room, so their appointments may share a time.
    room = room or clinic.rooms[0 if practitioner in (None, clinic.practitioner) else 1]
    appointment = Appointment.objects.create(
        patient=patient or clinic.patient,
        practitioner=practitioner or clinic.practitioner,
        room=room,
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=start,
        end=start + timedelta(minutes=30),
        **kwargs,
    )
    if cleared or (cleared is None and appointment.status == Appointment.Status.COMPLETED):
        make_clear(appointment)
    return appointment


def record_data(clinic, **overrides) -> dict:
    data = {
        "ingredients": list(clinic.treatment.ingredients.all()[:2]),
        "product_name": "",
        "batch_number": "LOT-42A",
        "expiry_date": date(2027, 6, 30),
        "areas": [clinic.area],
        "volume_ml": Decimal("2.50"),
        "anaesthetic": SessionRecord.Anaesthetic.TOPICAL,
        "anaesthetic_other": "",
        "adverse_event_occurred": True,
        "technique_notes": SECRET_NOTES,
        "adverse_events": SECRET_EVENT,
        "advice_given": SECRET_ADVICE,
    }
    data.update(overrides)
    return data


def recorded(clinic, appointment: Appointment | None = None, **overrides) -> SessionRecord:
    appointment = appointment or appointment_at(clinic)
    make_clear(appointment)  # these tests are about the record, not the gate (test_clearance.py)
    return session_record_save(
        appointment=appointment,
        by=appointment.practitioner.user,
        data=record_data(clinic, **overrides),
        now=max(NOW, appointment.end),
    )


def form_post(clinic, **overrides) -> dict:
    """The record as the form posts it."""
    data = record_data(clinic, **overrides)
    post = {key: value for key, value in data.items() if key not in ("ingredients", "areas")}
    post["ingredients"] = [i.pk for i in data["ingredients"]]
    post["areas"] = [a.pk for a in data["areas"]]
    post["expiry_date"] = data["expiry_date"].isoformat() if data["expiry_date"] else ""
    post["volume_ml"] = str(data["volume_ml"])
    if not data["adverse_event_occurred"]:
        post.pop("adverse_event_occurred")  # an unticked checkbox is not posted
    return post
