"""Staff pages given odd values: a message or a form error naming the value, never a 500; and local
times typed on the diary turned into instants safely across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.appointments.slots import slot_override
from bookings.models import Appointment
from bookings.web.reception.forms import DiaryBookingForm, apply_slot_pick
from tests.bookings.conftest import make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

LONDON = ZoneInfo("Europe/London")
SPRING_GAP = date(2027, 3, 28)  # 01:00-02:00 does not exist in London
AUTUMN_FOLD = date(2027, 10, 31)  # 01:00-02:00 happens twice


@pytest.fixture
def signed_in(reception) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(reception)
    return client


@pytest.fixture
def appointment(clinic) -> Appointment:
    return appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=datetime(2026, 12, 3, 10, tzinfo=UTC),
        by=clinic.patient.user,
        practitioner=clinic.practitioner,
    )


def overbooking(clinic, day: date, at: str) -> dict:
    return {
        "patient": make_patient().pk,
        "treatment": clinic.treatment.pk,
        "area": clinic.area.pk,  # 30 minutes
        "practitioner": clinic.practitioner.pk,
        "date": day.isoformat(),
        "time": at,
        "override": "on",
        "override_reason": "Night clinic",
    }


def book_url(clinic) -> str:
    return reverse("diary-book", args=[clinic.location.slug])


def test_a_unicode_digit_practitioner_on_the_booking_form_is_left_out(signed_in, clinic):
    response = signed_in.get(book_url(clinic), {"practitioner": "²", "room": "-1", "treatment": "9" * 30})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["practitioner"].value() is None and form["room"].value() is None
    assert form["treatment"].value() == clinic.treatment.pk  # the default, not the garbled one


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-03", "9999-12-31", "2026-02-30"])
def test_dates_far_outside_the_diary_are_refused_on_the_book_move_and_week_views(signed_in, clinic, appointment, day):
    week = reverse("diary-week", args=[clinic.location.slug, clinic.practitioner.pk])
    response = signed_in.get(week, {"date": day})
    assert response.status_code == 200 and response.context["day"] == date(2026, 12, 1)
    assert "showing today instead" in response.content.decode()

    move = reverse("diary-appointment-move", args=[appointment.pk])
    response = signed_in.get(move, {"date": day})
    assert response.status_code == 200 and response.context["day"] == date(2026, 12, 3)
    assert "Showing the appointment’s own day" in response.content.decode()
    response = signed_in.post(move, {"date": day, "time": "10:00", "practitioner": clinic.practitioner.pk})
    assert response.status_code == 400 and "date" in response.context["form"].errors
    assert Appointment.objects.get(pk=appointment.pk).start == appointment.start

    response = signed_in.get(book_url(clinic), {"date": day})
    assert response.status_code == 200 and response.context["form"]["date"].value() is None
    response = signed_in.post(book_url(clinic), {**overbooking(clinic, date(2026, 12, 3), "10:00"), "date": day})
    assert response.status_code == 200 and "date" in response.context["form"].errors
    assert Appointment.objects.count() == 1


def test_overbooking_at_a_time_the_clocks_skip_is_a_form_error(signed_in, clinic):
    response = signed_in.post(book_url(clinic), overbooking(clinic, SPRING_GAP, "01:30"))
    assert response.status_code == 200
    assert "does not exist in Europe/London" in " ".join(response.context["form"].errors["time"])
    assert not Appointment.objects.exists()


def test_overbooking_at_a_time_that_happens_twice_keeps_the_visit_its_length(signed_in, clinic):
    assert signed_in.post(book_url(clinic), overbooking(clinic, AUTUMN_FOLD, "01:30")).status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first 01:30 (BST)
    assert appointment.end - appointment.start == timedelta(minutes=30)


def test_moving_to_a_time_the_clocks_skip_is_a_form_error(signed_in, clinic, appointment):
    move = reverse("diary-appointment-move", args=[appointment.pk])
    response = signed_in.post(move, {"date": SPRING_GAP.isoformat(), "time": "01:15", "practitioner": clinic.other.pk})
    assert response.status_code == 400
    assert "the clocks go forward" in " ".join(response.context["form"].errors["time"])
    assert Appointment.objects.get(pk=appointment.pk).start == appointment.start


def test_a_listed_second_0130_stays_the_second_one(clinic):
    """A free time picked from a list carries its instant; the form must not turn the second
    01:30 of the autumn night back into the first."""
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT, after the clocks went back
    data = {"treatment": clinic.treatment.pk, "area": clinic.area.pk, "patient": clinic.patient.pk}
    data["slot"] = f"{second.isoformat()}|{clinic.practitioner.pk}"
    apply_slot_pick(data, LONDON)
    assert (data["date"], data["time"], data["later"]) == ("2027-10-31", "01:30", "1")
    form = DiaryBookingForm(data, location=clinic.location)
    assert form.is_valid(), form.errors
    assert form.start == second


def test_a_garbled_slot_pick_changes_nothing():
    data = {"slot": "2026-02-30T10:00:00+00:00|²", "date": "2026-12-03", "time": "10:00"}
    apply_slot_pick(data, LONDON)
    assert (data["date"], data["time"]) == ("2026-12-03", "10:00") and "later" not in data


def test_an_overbooking_with_a_local_start_is_its_length_in_real_minutes(clinic):
    first_0130 = datetime.combine(AUTUMN_FOLD, time(1, 30), tzinfo=LONDON)  # fold=0: BST
    slot = slot_override(
        location=clinic.location, practitioner=clinic.practitioner, start=first_0130, duration=timedelta(minutes=30)
    )
    assert slot.end - slot.start == timedelta(minutes=30)
    assert slot.end == datetime(2027, 10, 31, 1, 0, tzinfo=UTC)


def test_a_garbled_practitioner_on_the_practitioners_day_shows_ones_own_day(client, clinic, manager_user):
    client.force_login(manager_user)
    response = client.get(reverse("practitioner-day"), {"practitioner": "²"})
    assert response.status_code == 200
    assert "“²” is not an id" in response.content.decode()
    assert response.context["chosen"] == ""
