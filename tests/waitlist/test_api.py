"""The waiting list's JSON API (DESIGN.md's contract)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from bookings.models import Appointment
from tests.bookings.conftest import NOW, make_patient
from tests.waitlist.conftest import join, offered
from waitlist.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(clinic, **changes):
    data = {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "earliest": "2026-12-01",
        "latest": "2026-12-14",
        "weekdays": [1, 3],
        "times": [{"start": "09:00", "end": "13:00"}],
    }
    return {**data, **changes}


def test_a_patient_joins_and_gets_id_and_status(clinic):
    patient = make_patient()
    response = api(patient.user).post("/api/waitlist/", body(clinic), format="json")
    assert response.status_code == 201
    entry = Entry.objects.get(patient=patient)
    assert response.json() == {"id": entry.pk, "status": "waiting"}
    assert (entry.weekdays, entry.times) == ([1, 3], [["09:00", "13:00"]])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"area": "knees"}, "area"),
        ({"latest": "2026-11-01", "earliest": "2026-10-01"}, "latest"),
        ({"earliest": "2026-12-10", "latest": "2026-12-01"}, "latest"),
        ({"weekdays": [7]}, "weekdays"),
        ({"times": [{"start": "13:00", "end": "09:00"}]}, "times"),
        ({"location": "nowhere"}, "location"),
        ({"earliest": "1-01-01"}, "earliest"),
        ({"times": [{"start": "09:00\x00", "end": "13:00"}]}, "times"),
        ({"times": [{"start": "09:00", "end": "13:00 tomorrow"}]}, "times"),
        ({"times": [{"start": 900, "end": "13:00"}]}, "times"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(clinic, changes, field):
    response = api(make_patient().user).post("/api/waitlist/", body(clinic, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_same_weekday_twice_is_that_weekday_once(clinic):
    patient = make_patient()
    response = api(patient.user).post("/api/waitlist/", body(clinic, weekdays=[3, 1, 3, 1]), format="json")
    assert response.status_code == 201
    assert Entry.objects.get(patient=patient).weekdays == [1, 3]


def test_the_list_and_detail_show_the_open_offer(clinic):
    entry, offer = offered(clinic, make_patient())
    client = api(entry.patient.user)
    [listed] = client.get("/api/waitlist/").json()
    assert listed["status"] == "offered"
    assert listed["offer"]["start"] == offer.start.isoformat().replace("+00:00", "Z")
    detail = client.get(f"/api/waitlist/{entry.pk}/").json()
    assert detail["offer"]["practitioner"] == offer.practitioner_id
    assert detail["offer"]["expires_at"] is not None


def test_accept_books_and_answers_201_with_the_appointment_then_409(clinic):
    entry, offer = offered(clinic, make_patient())
    client = api(entry.patient.user)
    response = client.post(f"/api/waitlist/{entry.pk}/accept/")
    assert response.status_code == 201
    assert Appointment.objects.get(pk=response.json()["id"]).start == offer.start
    assert (
        client.get(f"/api/waitlist/{entry.pk}/").json() | {"offer": None}
        == client.get(f"/api/waitlist/{entry.pk}/").json()
    )
    assert client.post(f"/api/waitlist/{entry.pk}/accept/").status_code == 409


def test_accept_after_the_offer_expired_is_409(clinic):
    entry, _ = offered(clinic, make_patient())
    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        response = api(entry.patient.user).post(f"/api/waitlist/{entry.pk}/accept/")
    assert response.status_code == 409
    assert not Appointment.objects.filter(patient=entry.patient).exists()


def test_delete_leaves_the_list_and_someone_elses_entry_is_404(clinic):
    mine, theirs = join(clinic), join(clinic)
    client = api(mine.patient.user)
    assert client.delete(f"/api/waitlist/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/waitlist/{mine.pk}/").status_code == 204
    assert client.get(f"/api/waitlist/{mine.pk}/").json()["status"] == "left"
