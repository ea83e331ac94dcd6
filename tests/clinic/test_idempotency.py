"""Idempotency-Key: a retried request gets the first answer again and changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from bookings.models import Appointment
from clinic.models import AuditEvent, IdempotencyKey
from tests.bookings.conftest import NOW, make_patient

pytestmark = pytest.mark.django_db
START = (NOW + timedelta(days=2)).replace(hour=10)


def body(clinic, start=START) -> dict:
    return {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "start": start.isoformat(),
        "practitioner": clinic.practitioner.pk,
    }


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def api(clinic, frozen_now):
    return client_for(clinic.patient.user)


def test_the_same_key_and_body_returns_the_first_answer_and_books_once(api, clinic):
    first = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1
    assert AuditEvent.objects.filter(action="appointment.book").count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(api, clinic):
    api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = api.post(
        "/api/appointments/", body(clinic, START + timedelta(days=1)), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1


def test_without_a_key_a_repeat_is_a_new_request(api, clinic):
    api.post("/api/appointments/", body(clinic), format="json")
    assert api.post("/api/appointments/", body(clinic), format="json").status_code in (400, 409)


def test_a_refused_request_keeps_nothing_and_its_retry_runs_again(api, clinic):
    taker = make_patient()
    taken = client_for(taker.user).post("/api/appointments/", body(clinic), format="json")
    assert taken.status_code == 201
    refused = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert refused.status_code == 409 and not IdempotencyKey.objects.filter(key="k-2").exists()
    client_for(taker.user).post(f"/api/appointments/{taken.json()['id']}/cancel/", {}, format="json")
    retried = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert retried.status_code == 201


def test_keys_belong_to_their_user(api, clinic):
    mine = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="same")
    other = make_patient()
    theirs = client_for(other.user).post(
        "/api/appointments/", body(clinic, START + timedelta(hours=2)), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert mine.status_code == theirs.status_code == 201 and mine.json()["id"] != theirs.json()["id"]


def test_a_key_is_forgotten_after_24_hours(api, clinic):
    first = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        later = api.post(
            "/api/appointments/", body(clinic, START + timedelta(days=1)), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )
    # It ran (not replayed, not 422): the patient is on that course already.
    assert later.status_code == 400 and "treatment" in later.json() and later.json() != first.json()


def test_a_cancel_repeated_with_its_key_cancels_once(api, clinic):
    appointment = api.post("/api/appointments/", body(clinic), format="json").json()
    url = f"/api/appointments/{appointment['id']}/cancel/"
    first = api.post(url, {"reason": "ill"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = api.post(url, {"reason": "ill"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert AuditEvent.objects.filter(action="appointment.cancel").count() == 1
    # Without the key the same cancel is a new request: it is already cancelled.
    assert api.post(url, {"reason": "ill"}, format="json").status_code == 409


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(api, clinic, key):
    response = api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Appointment.objects.exists()


def test_the_schema_documents_the_header_and_the_422(client):
    schema = client.get("/api/schema/?format=json").json()
    booking = schema["paths"]["/api/appointments/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in booking["parameters"])
    assert "422" in booking["responses"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_repeats_with_one_key_book_once_and_all_get_the_first_answer(clinic):
    barrier = threading.Barrier(5)
    answers: list[tuple[int, int | None]] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(NOW, tick=False):
                response = client_for(clinic.patient.user).post(
                    "/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="race"
                )
            with lock:
                answers.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [(status, appointment_id)] = set(answers)
    assert status == 201 and len(answers) == 5
    assert list(Appointment.objects.values_list("pk", flat=True)) == [appointment_id]


def test_the_hourly_purge_forgets_answers_older_than_a_day(api, clinic):
    from clinic.idempotency import idempotency_keys_purge

    api.post("/api/appointments/", body(clinic), format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert idempotency_keys_purge(now=NOW + timedelta(hours=23)) == 0
    assert idempotency_keys_purge(now=NOW + timedelta(hours=25)) == 1
    assert not IdempotencyKey.objects.exists()


def test_beat_runs_the_sweeps_that_make_after_commit_work_safe_to_lose():
    from config.celery import app

    tasks = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert tasks == {
        "clinic.tasks.dispatch_outbox": 15.0,
        "bookings.tasks.schedule_pending_courses": 60.0,
        "clinic.tasks.purge_idempotency_keys": 3600.0,
        "photos.tasks.make_missing_thumbnails": 300.0,
        "photos.tasks.purge_withdrawn_photos": 3600.0,
        "waitlist.tasks.sweep": 60.0,
        "billing.tasks.sweep_refunds": 60.0,
    }
