"""The waiting list's test world: the bookings clinic, a booked appointment to cancel, and
patients waiting for its treatment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.appointments.services import appointment_book, appointment_cancel
from tests.bookings.conftest import NOW, clinic, frozen_now, make_patient, reception  # noqa: F401
from waitlist.models import FreedSlot
from waitlist.offers import slot_offer_next
from waitlist.services import entry_join

TOMORROW_10 = (NOW + timedelta(days=1)).replace(hour=10)  # Wednesday 2 December 10:00 UTC


def book(clinic, *, patient=None, start=TOMORROW_10, now=NOW):  # noqa: F811
    patient = patient or make_patient()
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=clinic.practitioner,
        now=now,
    )


def join(clinic, *, patient=None, now=NOW, **kwargs):  # noqa: F811
    patient = patient or make_patient()
    kwargs.setdefault("earliest", date(2026, 12, 1))
    kwargs.setdefault("latest", date(2026, 12, 20))
    return entry_join(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        by=patient.user,
        now=now,
        **kwargs,
    )


@pytest.fixture
def waiting(clinic):  # noqa: F811
    """Two patients waiting, the first since yesterday, the second since this morning."""
    return [join(clinic, now=NOW - timedelta(days=1)), join(clinic, now=NOW)]


def offered(clinic, patient, *, day: int = 3):  # noqa: F811
    """`patient` waiting, and offered the slot another patient's cancellation freed `day` days on."""
    entry = join(clinic, patient=patient, now=NOW - timedelta(days=1))
    start = (NOW + timedelta(days=day)).replace(hour=10)
    appointment_cancel(appointment=book(clinic, start=start), by=None, now=NOW)
    offer = slot_offer_next(slot_id=FreedSlot.objects.get(start=start, done_at=None).pk, now=NOW)
    return entry, offer
