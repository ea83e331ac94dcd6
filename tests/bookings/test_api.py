from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.roles import Role, user_set_roles
from tests.bookings.conftest import NOW, make_patient
from tests.factories import PASSWORD, LocationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

TOMORROW_10 = (NOW + timedelta(days=1)).replace(hour=10)


@pytest.fixture
def api():
    return APIClient()


def search(api, clinic, **params):
    query = {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "start": "2026-12-02",
        "end": "2026-12-02",
        **params,
    }
    return api.get("/api/availability/", query)


def booking(clinic, **extra):
    return {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "start": TOMORROW_10.isoformat(),
        **extra,
    }


def book_for(patient, clinic, start=TOMORROW_10):
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )


def test_locations_list_their_time_zones(api, clinic):
    body = api.get("/api/locations/").json()
    assert {"slug": clinic.location.slug, "name": clinic.location.name, "timezone": "Europe/London"}.items() <= body[
        0
    ].items()


def test_practitioners_filter_by_location_and_treatment(api, clinic):
    elsewhere = LocationFactory()
    body = api.get("/api/practitioners/", {"location": clinic.location.slug, "treatment": "skin-rejuvenation"}).json()
    assert {p["id"] for p in body} == {clinic.practitioner.pk, clinic.other.pk}
    assert body[0]["locations"] == [clinic.location.slug]
    assert api.get("/api/practitioners/", {"location": elsewhere.slug}).json() == []
    response = api.get("/api/practitioners/", {"location": "atlantis"})
    assert response.status_code == 400 and "location" in response.json()


def test_availability_returns_first_available_slots_of_the_day(api, clinic):
    response = search(api, clinic)
    assert response.status_code == 200
    slots = response.json()["slots"]
    # 09:00 to 16:30 every 15 minutes; one slot per time when any practitioner is free.
    assert len(slots) == 31
    assert slots[0] == {
        "start": "2026-12-02T09:00:00+00:00",
        "end": "2026-12-02T09:30:00+00:00",
        "practitioner": clinic.practitioner.pk,
        "room": clinic.rooms[0].pk,
    }


def test_availability_for_one_practitioner_skips_their_booked_time(api, clinic):
    book_for(clinic.patient, clinic)
    slots = search(api, clinic, practitioner=clinic.practitioner.pk).json()["slots"]
    starts = {s["start"][11:16] for s in slots}
    assert "10:00" not in starts and "10:15" not in starts and "10:45" in starts
    assert {s["practitioner"] for s in slots} == {clinic.practitioner.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"treatment": "botox"}, "treatment"),
        ({"area": "knees"}, "area"),
        ({"location": "atlantis"}, "location"),
        ({"start": "tomorrow"}, "start"),
        ({"end": "2026-12-01", "start": "2026-12-05"}, "end"),
        ({"end": "2027-06-01"}, "end"),
        ({"practitioner": "999999"}, "practitioner"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "start"),
        ({"start": "0001-01-01", "end": "0001-01-01"}, "start"),
    ],
)
def test_availability_names_the_bad_parameter(api, clinic, params, field):
    response = search(api, clinic, **params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_patient_books_and_gets_the_contract_fields(api, clinic):
    api.force_authenticate(clinic.patient.user)
    response = api.post("/api/appointments/", booking(clinic), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "start", "end", "status", "practitioner", "room", "course", "session_number", "intake"} <= set(body)
    assert body["status"] == "booked"
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.patient == clinic.patient and appointment.start == TOMORROW_10


def test_booking_a_taken_slot_is_409_with_alternatives(api, clinic):
    book_for(clinic.patient, clinic)
    other = make_patient()
    api.force_authenticate(other.user)
    response = api.post("/api/appointments/", booking(clinic, practitioner=clinic.practitioner.pk), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_unavailable"
    assert body["alternatives"] and all(a["practitioner"] == clinic.practitioner.pk for a in body["alternatives"])
    assert not Appointment.objects.filter(patient=other).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start": "2026-12-02T10:00:00"}, "start"),
        ({"start": "soon"}, "start"),
        ({"start": "9999-12-20T10:00:00Z"}, "start"),
        ({"start": "0001-01-02T12:00:00Z"}, "start"),
        ({"area": "scalp-crown"}, "area"),
        ({"patient": 1}, "patient"),
        ({"override_reason": "please"}, "override_reason"),
    ],
)
def test_a_bad_booking_request_is_400_naming_the_field(api, clinic, extra, field):
    api.force_authenticate(clinic.patient.user)
    response = api.post("/api/appointments/", booking(clinic, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Appointment.objects.exists()


def test_booking_needs_a_signed_in_user(api, clinic):
    assert api.post("/api/appointments/", booking(clinic), format="json").status_code in (401, 403)


def test_reception_books_for_a_named_patient_at_their_location(api, clinic, reception):
    api.force_authenticate(reception)
    assert "patient" in api.post("/api/appointments/", booking(clinic), format="json").json()
    response = api.post("/api/appointments/", booking(clinic, patient=clinic.patient.pk), format="json")
    assert response.status_code == 201
    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    api.force_authenticate(elsewhere)
    response = api.post("/api/appointments/", booking(clinic, patient=clinic.patient.pk), format="json")
    assert response.status_code == 400 and "location" in response.json()


def test_lists_show_patients_their_own_and_staff_their_locations(api, clinic, reception):
    mine = book_for(clinic.patient, clinic)
    theirs = book_for(make_patient(), clinic, start=TOMORROW_10 + timedelta(hours=2))
    api.force_authenticate(clinic.patient.user)
    assert [a["id"] for a in api.get("/api/appointments/").json()] == [mine.pk]
    api.force_authenticate(reception)
    assert [a["id"] for a in api.get("/api/appointments/").json()] == [mine.pk, theirs.pk]


def test_another_patient_cannot_reach_an_appointment_through_any_url(api, clinic):
    appointment = book_for(clinic.patient, clinic)
    api.force_authenticate(make_patient().user)
    base = f"/api/appointments/{appointment.pk}/"
    assert api.get(base).status_code == 404
    assert api.post(base + "cancel/", {}, format="json").status_code == 404
    assert api.post(base + "reschedule/", {"start": TOMORROW_10.isoformat()}, format="json").status_code == 404
    assert api.post(base + "status/", {"status": "arrived"}, format="json").status_code == 404
    assert api.get("/api/appointments/").json() == []
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_patient_cancels_through_the_api_inside_and_outside_the_cut_off(api, clinic):
    early = book_for(clinic.patient, clinic, start=TOMORROW_10 + timedelta(days=2))
    api.force_authenticate(clinic.patient.user)
    response = api.post(f"/api/appointments/{early.pk}/cancel/", {"reason": "Holiday"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    soon = book_for(clinic.patient, clinic)
    with time_machine.travel(TOMORROW_10 - timedelta(hours=3), tick=False):
        response = api.post(f"/api/appointments/{soon.pk}/cancel/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "too_late" and clinic.location.phone in response.json()["detail"]


def test_a_patient_reschedules_and_a_busy_target_is_409(api, clinic):
    mine = book_for(clinic.patient, clinic)
    book_for(make_patient(), clinic, start=TOMORROW_10 + timedelta(hours=3))
    api.force_authenticate(clinic.patient.user)
    url = f"/api/appointments/{mine.pk}/reschedule/"
    busy = (TOMORROW_10 + timedelta(hours=3)).isoformat()
    assert api.post(url, {"start": busy}, format="json").status_code == 409
    far = api.post(url, {"start": "9999-12-31T23:00:00Z"}, format="json")
    assert far.status_code == 400 and "start" in far.json()
    response = api.post(url, {"start": (TOMORROW_10 + timedelta(hours=1)).isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["start"] == "2026-12-02T11:00:00Z"


def test_only_staff_change_a_status_and_invalid_changes_are_409(api, clinic, reception):
    appointment = book_for(clinic.patient, clinic)
    url = f"/api/appointments/{appointment.pk}/status/"
    api.force_authenticate(clinic.patient.user)
    assert api.post(url, {"status": "arrived"}, format="json").status_code == 403
    api.force_authenticate(reception)
    assert api.post(url, {"status": "completed"}, format="json").status_code == 409
    assert api.post(url, {"status": "teleported"}, format="json").status_code == 400
    assert api.post(url, {"status": "arrived"}, format="json").json()["status"] == "arrived"


def test_a_token_from_email_and_password_authenticates_api_calls(api, clinic):
    user = clinic.patient.user
    response = api.post("/api/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/appointments/").status_code == 200
    bad = api.post("/api/auth/token/", {"email": user.email, "password": "nope-nope-nope"}, format="json")
    assert bad.status_code == 400
