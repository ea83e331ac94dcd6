"""Courses over the API: the booking answer names the course and its questionnaire, and
GET /api/courses/ shows the plan and each session, to the patient and to staff of the location."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import NOW, make_patient
from tests.factories import LocationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

START = (NOW + timedelta(days=1)).replace(hour=10)


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def book(clinic, patient=None, start=START) -> Appointment:
    patient = patient or clinic.patient
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=clinic.practitioner,
    )


def test_the_booking_answer_names_the_course_and_its_open_questionnaire(clinic):
    body = {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "start": START.isoformat(),
    }
    response = as_user(clinic.patient.user).post("/api/appointments/", body, format="json")
    assert response.status_code == 201
    answer = response.json()
    course = Course.objects.get(patient=clinic.patient)
    assert (answer["course"], answer["intake"], answer["session_number"]) == (course.pk, course.intake_id, 1)
    intake = Intake.objects.get(pk=answer["intake"])
    assert (intake.patient, intake.status, intake.treatment) == (clinic.patient, "draft", clinic.treatment)
    listed = as_user(clinic.patient.user).get("/api/appointments/").json()
    assert (listed[0]["course"], listed[0]["intake"]) == (course.pk, course.intake_id)


def test_a_consultation_belongs_to_no_course(clinic, reception):
    body = {
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "start": START.isoformat(),
        "patient": clinic.patient.pk,
        "kind": "consultation",
    }
    answer = as_user(reception).post("/api/appointments/", body, format="json").json()
    assert (answer["course"], answer["intake"]) == (None, None)


def test_a_patient_reads_their_course_with_its_sessions(clinic):
    first = book(clinic)
    course = first.course
    answer = as_user(clinic.patient.user).get(f"/api/courses/{course.pk}/").json()
    assert answer == {
        "id": course.pk,
        "status": "awaiting_intake",
        "treatment": clinic.treatment.slug,
        "area": clinic.area.slug,
        "location": clinic.location.slug,
        "practitioner": clinic.practitioner.pk,
        "sessions_planned": clinic.treatment.sessions_default,
        "interval_days": clinic.treatment.interval_default_days,
        "intake": course.intake_id,
        "maintenance_due": None,
        "sessions": [
            {
                "number": 1,
                "start": "2026-12-02T10:00:00Z",
                "end": "2026-12-02T10:30:00Z",
                "status": "booked",
                "appointment": first.pk,
            }
        ],
    }
    assert [c["id"] for c in as_user(clinic.patient.user).get("/api/courses/").json()] == [course.pk]


def test_staff_of_the_location_read_the_course_and_anyone_else_gets_404(clinic, reception):
    course = book(clinic).course
    other_patients = book(clinic, make_patient(), start=START + timedelta(hours=2)).course
    assert as_user(reception).get(f"/api/courses/{course.pk}/").status_code == 200
    assert {c["id"] for c in as_user(reception).get("/api/courses/").json()} == {course.pk, other_patients.pk}
    assert as_user(clinic.practitioner.user).get(f"/api/courses/{course.pk}/").status_code == 200

    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    assert as_user(elsewhere).get(f"/api/courses/{course.pk}/").status_code == 404
    assert as_user(elsewhere).get("/api/courses/").json() == []
    assert as_user(other_patients.patient.user).get(f"/api/courses/{course.pk}/").status_code == 404
    assert as_user(clinic.patient.user).get("/api/courses/999999/").status_code == 404
    assert APIClient().get(f"/api/courses/{course.pk}/").status_code == 401
