"""A patient's whole journey through the API alone, as a mobile app would make it: register, get a
token, book, open the questionnaire the booking names, read its questions, sign the consent,
answer, submit, and read the course once the worker has booked it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from bookings.models import Course
from tests.bookings.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

PASSWORD = "Saffron-Lantern-42"


def no_to_everything(questions: list[dict]) -> dict:
    """The answers of someone with nothing to report, built from the questions' kinds alone."""
    answers: dict = {}
    for question in questions:
        kind = question["kind"]
        if kind == "yes/no":
            answers[question["code"]] = False
        elif kind == "list":
            answers[question["code"]] = []
        elif kind == "choice":
            answers[question["code"]] = question["choices"][0]["value"]  # "never"
        elif kind == "number":
            answers[question["code"]] = {"height_cm": 170, "weight_kg": 65}[question["code"]]
        elif kind == "text":
            answers[question["code"]] = ""
    return answers


def test_register_book_answer_submit_and_read_the_booked_course_over_the_api(
    clinic, django_capture_on_commit_callbacks
):
    app = APIClient()
    registration = {
        "email": "nia@example.org",
        "password": PASSWORD,
        "first_name": "Nia",
        "last_name": "Evans",
        "date_of_birth": "1990-05-14",
        "phone": "07700 900456",
    }
    assert app.post("/api/patients/register/", registration, format="json").status_code == 201
    token = app.post("/api/auth/token/", {"email": "nia@example.org", "password": PASSWORD}, format="json")
    app.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    day = (NOW + timedelta(days=1)).date().isoformat()
    where = {"treatment": clinic.treatment.slug, "area": clinic.area.slug, "location": clinic.location.slug}
    slots = app.get("/api/availability/", {**where, "start": day, "end": day}).json()["slots"]
    booked = app.post("/api/appointments/", {**where, "start": slots[0]["start"]}, format="json")
    assert booked.status_code == 201
    intake_id, course_id = booked.json()["intake"], booked.json()["course"]
    assert intake_id is not None and course_id is not None

    intake = app.get(f"/api/intakes/{intake_id}/").json()
    assert intake["status"] == "draft" and intake["consent"]["signed"] is False
    assert [i["id"] for i in app.get("/api/intakes/").json()] == [intake_id]

    signed = app.post(f"/api/intakes/{intake_id}/consent/", {"typed_name": "Nia Evans", "agreed": True}, format="json")
    assert signed.status_code == 200 and signed.json()["signed"] is True

    answers = no_to_everything(intake["questions"])
    assert app.put(f"/api/intakes/{intake_id}/", {"answers": answers}, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the worker (eager) books the course
        submitted = app.post(f"/api/intakes/{intake_id}/submit/")
    assert submitted.status_code == 200 and submitted.json() == {"status": "cleared"}

    course = app.get(f"/api/courses/{course_id}/").json()
    planned = Course.objects.get(pk=course_id).sessions_planned
    assert course["status"] == "scheduled" and course["intake"] == intake_id
    assert [s["number"] for s in course["sessions"]] == list(range(1, planned + 1))
    assert course["sessions"][0]["start"] == slots[0]["start"].replace("+00:00", "Z")
    assert all(s["status"] == "booked" and s["appointment"] for s in course["sessions"])
    assert len(app.get("/api/appointments/").json()) == planned
