"""The availability search costs a fixed number of queries, and is DST-correct end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.appointments.services import appointment_book
from bookings.diary.loading import availability_search
from bookings.models import BookingRules, LocationClosure, TimeOff
from tests.bookings.conftest import NOW, make_patient, make_practitioner

pytestmark = pytest.mark.django_db


def run_search(clinic, days: int, **kwargs):
    return availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=date(2026, 12, 2),
        last_day=date(2026, 12, 2) + timedelta(days=days - 1),
        now=NOW,
        **kwargs,
    )


def test_search_queries_do_not_grow_with_practitioners_or_days(clinic, django_assert_max_num_queries):
    BookingRules.current()  # cached, as in a running server
    TimeOff.objects.create(practitioner=clinic.practitioner, start=NOW + timedelta(days=2), end=NOW + timedelta(days=3))
    with django_assert_max_num_queries(3):
        small = run_search(clinic, 7)
    for _ in range(6):
        make_practitioner(clinic.location, clinic.treatment)
    for day in range(1, 20):
        appointment_book(
            patient=make_patient(),
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=(NOW + timedelta(days=day)).replace(hour=11),
            by=None,
            practitioner=clinic.other,
            now=NOW,
        )
    with django_assert_max_num_queries(3):
        large = run_search(clinic, 28)
    with django_assert_max_num_queries(3):
        run_search(clinic, 28, practitioner_id=clinic.other.pk)
    assert len(large) > len(small)


def test_a_closure_day_offers_nothing(clinic):
    LocationClosure.objects.create(location=clinic.location, first_day=date(2026, 12, 3), last_day=date(2026, 12, 3))
    days = {slot.start.date() for slot in run_search(clinic, 3)}
    assert days == {date(2026, 12, 2), date(2026, 12, 4)}


@pytest.mark.parametrize(
    ("first_day", "utc_hour"),
    [
        (date(2026, 3, 28), 9),  # Saturday before spring-forward: GMT
        (date(2026, 3, 29), 8),  # the Sunday itself: BST
        (date(2026, 3, 30), 8),
        (date(2026, 10, 24), 8),  # Saturday before fall-back: BST
        (date(2026, 10, 25), 9),  # the Sunday itself: GMT
        (date(2026, 10, 26), 9),
    ],
)
def test_nine_oclock_local_is_the_first_slot_on_both_sides_of_a_dst_change(clinic, first_day, utc_hour):
    slots = availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=first_day,
        last_day=first_day,
        now=datetime(2026, 3, 1, tzinfo=UTC) if first_day.month == 3 else datetime(2026, 10, 1, tzinfo=UTC),
    )
    assert slots[0].start.hour == utc_hour
    assert slots[0].start.astimezone(clinic.location.zone).time() == time(9)
    assert slots[-1].end.astimezone(clinic.location.zone).time() == time(17)
