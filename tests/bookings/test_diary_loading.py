"""What a diary load reads (issue 16): a one-practitioner search reads that practitioner's hours,
time off and appointments, and of everyone else only what occupies this location's rooms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.appointments.services import appointment_book
from bookings.diary.loading import _busy_rows, diary_load
from bookings.domain import availability as av
from bookings.models import MAX_APPOINTMENT, BookingRules, TimeOff
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.factories import LocationFactory, RoomFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 2)


def book(clinic, *, practitioner, location, hour, treatment=None, area=None):
    return appointment_book(
        patient=make_patient(),
        treatment=treatment or clinic.treatment,
        area=area or clinic.area,
        location=location,
        start=(NOW + timedelta(days=1)).replace(hour=hour),
        by=None,
        practitioner=practitioner,
        now=NOW,
    )


def test_a_one_practitioner_diary_reads_only_theirs_and_the_rooms(clinic):
    elsewhere = LocationFactory(name="Elsewhere")
    RoomFactory(location=elsewhere)
    roaming = make_practitioner(elsewhere, clinic.treatment)
    mine = book(clinic, practitioner=clinic.practitioner, location=clinic.location, hour=10)
    in_our_rooms = book(clinic, practitioner=clinic.other, location=clinic.location, hour=12)
    book(clinic, practitioner=roaming, location=elsewhere, hour=10)  # neither theirs nor our rooms
    TimeOff.objects.create(
        practitioner=clinic.other, start=NOW + timedelta(days=1), end=NOW + timedelta(days=1, hours=2)
    )

    rules = BookingRules.current().as_availability_rules()
    window = av.busy_window(
        first_day=DAY, last_day=DAY, tz=clinic.location.zone, max_duration=MAX_APPOINTMENT, buffer=rules.buffer
    )
    rows = _busy_rows([clinic.practitioner.pk], clinic.location, window, None)
    read = sorted((pid, room) for pid, _, _, room in rows)
    assert read == sorted([(clinic.practitioner.pk, mine.room_id), (clinic.other.pk, in_our_rooms.room_id)])

    diary = diary_load(
        location=clinic.location,
        treatment=clinic.treatment,
        first_day=DAY,
        last_day=DAY,
        practitioner_id=clinic.practitioner.pk,
    )
    assert [p.practitioner_id for p in diary.practitioners] == [clinic.practitioner.pk]
    assert {r.room_id for r in diary.rooms} == {room.pk for room in clinic.rooms}
    # The other practitioner's appointment still occupies its room.
    assert any(diary_room.busy for diary_room in diary.rooms if diary_room.room_id == in_our_rooms.room_id)


def test_a_diary_loads_in_three_queries_whatever_its_size(clinic, django_assert_max_num_queries):
    BookingRules.current()
    for _ in range(5):
        make_practitioner(clinic.location, clinic.treatment)
    for hour in (9, 10, 11, 12):
        book(clinic, practitioner=clinic.practitioner, location=clinic.location, hour=hour)
    with django_assert_max_num_queries(3):
        diary = diary_load(
            location=clinic.location, treatment=clinic.treatment, first_day=DAY, last_day=DAY + timedelta(days=27)
        )
    assert len(diary.practitioners) == 7
