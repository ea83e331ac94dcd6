"""PostgreSQL's exclusion constraints: the last line against a double booking."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from bookings.appointments.errors import SlotUnavailable
from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from tests.bookings.conftest import NOW, make_patient

pytestmark = pytest.mark.postgres

START = (NOW + timedelta(days=1)).replace(hour=10)


def raw(clinic, *, practitioner=None, room=None, start=START, minutes=30, **extra) -> Appointment:
    """Insert straight into the table, skipping the service's own checks."""
    return Appointment.objects.create(
        patient=make_patient(),
        practitioner=practitioner or clinic.practitioner,
        room=room or clinic.rooms[0],
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=start,
        end=start + timedelta(minutes=minutes),
        **extra,
    )


def refused(clinic, **kwargs) -> bool:
    try:
        with transaction.atomic():
            raw(clinic, **kwargs)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_the_database_refuses_overlaps_per_practitioner_and_per_room(clinic):
    raw(clinic)
    assert refused(clinic, room=clinic.rooms[1], start=START + timedelta(minutes=15))
    assert refused(clinic, practitioner=clinic.other, start=START - timedelta(minutes=15))
    # Half-open ranges: back to back is fine; a cancelled or overridden booking holds nothing.
    assert not refused(clinic, start=START + timedelta(minutes=30))
    assert not refused(clinic, status=Appointment.Status.CANCELLED)
    assert not refused(clinic, is_override=True, override_reason="Emergency")
    assert not refused(clinic, practitioner=clinic.other, room=clinic.rooms[1])


@pytest.mark.django_db
def test_the_database_refuses_an_appointment_that_ends_before_it_starts(clinic):
    assert refused(clinic, minutes=-30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_one_slot_have_exactly_one_winner(clinic):
    patients = [make_patient() for _ in range(8)]
    barrier = threading.Barrier(len(patients))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(patient):
        try:
            barrier.wait(timeout=10)
            appointment_book(
                patient=patient,
                treatment=clinic.treatment,
                area=clinic.area,
                location=clinic.location,
                start=START,
                by=patient.user,
                practitioner=clinic.practitioner,
                now=NOW,
            )
            result = "booked"
        except SlotUnavailable:
            result = "taken"
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (len(patients) - 1)
    assert Appointment.objects.filter(practitioner=clinic.practitioner, start=START).count() == 1
