"""The public booking pages given odd values (as anyone can send them): a message, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from bookings.models import Appointment
from bookings.web.public.flow import SESSION_KEY
from tests.bookings.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

START = (NOW + timedelta(days=1)).replace(hour=10)
LONG_EMAIL = "a" * 290 + "@example.org"  # 302 characters: longer than any column that keeps one


@pytest.fixture
def anyone() -> Client:
    return Client(raise_request_exception=False)


def start_url(clinic, query: str) -> str:
    return f"/book/{clinic.treatment.slug}/?{query}"


def test_a_nul_in_the_area_or_location_is_an_unknown_choice(anyone, clinic):
    response = anyone.get(start_url(clinic, "area=a%00b"))
    assert response.status_code == 200 and "Please choose one of the areas below." in response.content.decode()
    response = anyone.get(start_url(clinic, f"area={clinic.area.slug}&location=a%00b"))
    assert response.status_code == 200 and "Please choose one of the locations below." in response.content.decode()


def test_a_unicode_digit_practitioner_is_an_unknown_choice(anyone, clinic):
    response = anyone.get(
        start_url(clinic, f"area={clinic.area.slug}&location={clinic.location.slug}&practitioner=%C2%B2")
    )
    assert response.status_code == 200
    assert "Please choose a practitioner below." in response.content.decode()


@pytest.mark.parametrize("day", ["2026-02-30", "0001-01-01", "9999-12-31", "%00"])
def test_an_impossible_date_asks_for_a_day_from_the_calendar(anyone, clinic, day):
    query = f"area={clinic.area.slug}&location={clinic.location.slug}&practitioner=any&date={day}"
    response = anyone.get(start_url(clinic, query))
    assert response.status_code == 200
    assert "Please choose a day from the calendar." in response.content.decode()


@pytest.mark.parametrize("month", ["²-1", "99999999999999999999-01", "2026-13", "%00"])
def test_a_garbled_month_shows_this_month(anyone, clinic, month):
    query = f"area={clinic.area.slug}&location={clinic.location.slug}&practitioner=any&month={month}"
    response = anyone.get(start_url(clinic, query))
    assert response.status_code == 200 and "December 2026" in response.content.decode()


@pytest.mark.parametrize("start", ["2026-02-30T10:00:00+00:00", "2026-12-02T10:00:00", "9999-12-31T23:00:00-05:00"])
def test_holding_an_impossible_start_asks_for_a_time_again(anyone, clinic, start):
    data = {"area": clinic.area.slug, "location": clinic.location.slug, "practitioner": "any", "start": start}
    response = anyone.post(f"/book/{clinic.treatment.slug}/hold/", data, follow=True)
    assert response.status_code == 200
    assert "That time could not be read. Please choose a time again." in response.content.decode()
    assert SESSION_KEY not in anyone.session


def test_a_nul_in_a_calendar_feed_token_is_404(anyone):
    assert anyone.get("/calendar/a%00b.ics").status_code == 404


def test_a_300_character_email_on_the_booking_sign_in_is_a_form_error(anyone, clinic):
    data = {"area": clinic.area.slug, "location": clinic.location.slug, "practitioner": clinic.practitioner.pk}
    anyone.post(f"/book/{clinic.treatment.slug}/hold/", {**data, "start": START.isoformat()})
    response = anyone.post(
        "/booking/details/", {"action": "signin", "signin-email": LONG_EMAIL, "signin-password": "whatever-it-is"}
    )
    assert response.status_code == 200
    assert "at most 254 characters" in " ".join(response.context["sign_in"].errors["email"])
    response = anyone.post(
        "/booking/details/",
        {
            "action": "register",
            "register-email": LONG_EMAIL,
            "register-password": "a-long-enough-password",
            "register-first_name": "Ada",
            "register-last_name": "Lovelace",
            "register-date_of_birth": "1990-01-01",
            "register-phone": "07700 900123",
        },
    )
    assert response.status_code == 200 and "email" in response.context["register"].errors
    assert not Appointment.objects.exists()


def test_a_patient_cancelling_with_a_nul_in_the_reason_keeps_the_appointment(client, clinic):
    from bookings.appointments.services import appointment_book

    appointment = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START + timedelta(days=2),
        by=clinic.patient.user,
    )
    client.force_login(clinic.patient.user)
    response = client.post(f"/me/appointments/{appointment.pk}/cancel/", {"reason": "a\x00b"})
    assert response.status_code == 200 and "Null characters are not allowed." in response.content.decode()
    response = client.post(f"/me/appointments/{appointment.pk}/cancel/", {"reason": "x" * 301})
    assert "Please keep the reason to 300 characters (it has 301)." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
