"""Waitlist holds (bookings/appointments/holds.py): a live hold keeps its slot like a booking, in
the engine and in the database; an expired one is free, and the booking it refused releases it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from bookings.appointments.errors import SlotUnavailable
from bookings.appointments.holds import appointment_hold, hold_release, holds_release_all_expired
from bookings.appointments.services import appointment_book
from bookings.diary.loading import availability_search
from bookings.models import Appointment
from tests.bookings.conftest import NOW, make_patient
from tests.bookings.test_races_postgres import ROUNDS, at, booking, race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The clock the booking's "release expired holds" reads is the real one: frozen at NOW.
    pytest.mark.usefixtures("frozen_now"),
]


def hold(clinic, *, patient, start, until):
    return lambda: appointment_hold(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        practitioner=clinic.practitioner,
        start=start,
        held_until=until,
        now=NOW,
    )


def starts(clinic, day, *, now):
    slots = availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=day,
        last_day=day,
        now=now,
        practitioner_id=clinic.practitioner.pk,
    )
    return {slot.start for slot in slots}


def test_it_lets_exactly_one_of_a_hold_and_a_booking_of_the_same_slot_through(clinic):
    for day in range(1, ROUNDS + 1):
        waiting, booking_patient = make_patient(), make_patient()
        contenders = [
            hold(clinic, patient=waiting, start=at(day, 10), until=NOW + timedelta(minutes=15)),
            booking(clinic, patient=booking_patient, start=at(day, 10), practitioner=clinic.practitioner),
        ]
        assert race(contenders) == ["ok", "taken"], f"round {day}"
        assert Appointment.with_holds.filter(practitioner=clinic.practitioner, start=at(day, 10)).count() == 1


def test_it_refuses_a_booking_of_a_live_hold_and_the_engine_shows_it_busy(clinic):
    hold(clinic, patient=make_patient(), start=at(1, 10), until=NOW + timedelta(minutes=15))()
    assert at(1, 10) not in starts(clinic, at(1, 10).date(), now=NOW)
    with pytest.raises(SlotUnavailable):
        booking(clinic, patient=make_patient(), start=at(1, 10), practitioner=clinic.practitioner)()


def test_it_books_over_an_expired_hold_without_waiting_for_the_sweep(clinic):
    held = hold(clinic, patient=make_patient(), start=at(1, 10), until=NOW + timedelta(minutes=15))()
    later = NOW + timedelta(minutes=16)
    assert at(1, 10) in starts(clinic, at(1, 10).date(), now=later)
    patient = make_patient()
    with time_machine.travel(later, tick=False):  # inside the frozen NOW: the booking's clock moves
        appointment = appointment_book(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=at(1, 10),
            by=patient.user,
            practitioner=clinic.practitioner,
            now=later,
        )
    assert appointment.status == Appointment.Status.BOOKED
    assert not Appointment.with_holds.filter(pk=held.pk).exists()


def test_it_leaves_holds_out_of_every_list_of_appointments(clinic):
    patient = make_patient()
    held = hold(clinic, patient=patient, start=at(1, 10), until=NOW + timedelta(minutes=15))()
    assert not Appointment.objects.filter(pk=held.pk).exists()
    assert not patient.appointments.exists()
    assert Appointment.with_holds.get(pk=held.pk).status == Appointment.HELD


def test_it_releases_a_hold_once_and_the_sweep_only_expired_ones(clinic):
    live = hold(clinic, patient=make_patient(), start=at(1, 10), until=NOW + timedelta(minutes=15))()
    expired = hold(clinic, patient=make_patient(), start=at(1, 12), until=NOW - timedelta(minutes=1))()
    assert holds_release_all_expired(now=NOW) == 1
    assert not Appointment.with_holds.filter(pk=expired.pk).exists()
    assert hold_release(hold_id=live.pk) is True
    assert hold_release(hold_id=live.pk) is False
