"""The diary's API given odd values: a 400 naming the field, and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from tests.bookings.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def api(clinic) -> APIClient:
    client = APIClient()
    client.force_authenticate(clinic.patient.user)
    return client


@pytest.fixture
def appointment(clinic) -> Appointment:
    return appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=3)).replace(hour=10),
        by=clinic.patient.user,
    )


@pytest.mark.parametrize("reason", [-517, 3.5, True, ["no"], {"why": "no"}])
def test_a_cancel_reason_that_is_not_text_is_a_400_and_cancels_nothing(api, appointment, reason):
    response = api.post(f"/api/appointments/{appointment.pk}/cancel/", {"reason": reason}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("value", ["", "   ", "0001-01-01", "9999-12-31", "2026-02-30", "a\x00b"])
def test_an_empty_or_impossible_date_on_the_appointment_list_is_a_400_naming_it(api, appointment, field, value):
    response = api.get("/api/appointments/", {field: value})
    assert response.status_code == 400 and field in response.json()


def test_the_appointment_list_still_takes_good_dates(api, appointment):
    response = api.get("/api/appointments/", {"start": "2026-12-04", "end": "2026-12-04"})
    assert response.status_code == 200 and [a["id"] for a in response.json()] == [appointment.pk]


@pytest.mark.parametrize("start", ["", "2026-02-30T10:00:00+00:00", "9999-12-31T23:00:00-05:00", "2026-12-04T10:00"])
def test_a_move_to_an_impossible_start_is_a_400_naming_it(api, appointment, start):
    response = api.post(f"/api/appointments/{appointment.pk}/reschedule/", {"start": start}, format="json")
    assert response.status_code == 400 and "start" in response.json()
