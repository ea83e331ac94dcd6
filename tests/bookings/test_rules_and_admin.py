from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.diary.loading import availability_search
from bookings.models import BookingRules
from clinic.roles import Role, user_set_roles
from tests.bookings.conftest import NOW
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def first_day_slots(clinic):
    return availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=date(2026, 12, 2),
        last_day=date(2026, 12, 2),
        now=NOW,
    )


def test_the_rules_start_with_the_clinic_defaults():
    rules = BookingRules.current()
    assert (
        rules.slot_granularity_minutes,
        rules.min_notice_hours,
        rules.horizon_days,
        rules.buffer_minutes,
        rules.cancellation_cutoff_hours,
    ) == (15, 12, 90, 10, 24)


def test_a_manager_edits_the_rules_in_the_admin_and_availability_follows(client, clinic, manager_user):
    assert len(first_day_slots(clinic)) == 31  # every 15 minutes from 09:00 to 16:30
    client.force_login(manager_user)
    rules = BookingRules.current()
    response = client.post(
        f"/admin/bookings/bookingrules/{rules.pk}/change/",
        {
            "slot_granularity_minutes": 30,
            "min_notice_hours": 12,
            "horizon_days": 90,
            "buffer_minutes": 10,
            "cancellation_cutoff_hours": 48,
            "numbing_cream_minutes": 30,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert BookingRules.current().cancellation_cutoff == timedelta(hours=48)
    assert len(first_day_slots(clinic)) == 16  # every 30 minutes now


def test_admin_screens_exist_for_the_diary_settings(client, manager_user):
    client.force_login(manager_user)
    for model in ("workinghours", "timeoff", "locationclosure", "bookingrules", "appointment"):
        assert client.get(f"/admin/bookings/{model}/").status_code == 200
    for model in ("room", "practitioner", "location"):
        assert client.get(f"/admin/clinic/{model}/").status_code == 200


def test_appointments_cannot_be_edited_in_the_admin(client, manager_user):
    client.force_login(manager_user)
    assert client.get("/admin/bookings/appointment/add/").status_code == 403


def test_reception_at_another_location_cannot_see_the_appointment(clinic):
    from rest_framework.test import APIClient

    from bookings.appointments.services import appointment_book

    appointment = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=NOW + timedelta(days=1, hours=2),
        by=clinic.patient.user,
        now=NOW,
    )
    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    api = APIClient()
    api.force_authenticate(elsewhere)
    assert api.get(f"/api/appointments/{appointment.pk}/").status_code == 404
    assert api.post(f"/api/appointments/{appointment.pk}/cancel/", {}, format="json").status_code == 404
    assert api.get("/api/appointments/").json() == []
