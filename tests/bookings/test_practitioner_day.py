"""The practitioner's day: their own appointments, in local time, with intake flags and session
record links, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, Course
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import make_patient
from tests.bookings.practice import appointment_at, recorded
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

TODAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
URL = reverse("practitioner-day")


def entries(response) -> dict[int, object]:
    return {entry.pk: entry for entry in response.context["entries"]}


def test_it_lists_only_the_practitioners_own_appointments_of_the_day(client, clinic):
    own = appointment_at(clinic, TODAY_10, status=Appointment.Status.BOOKED)
    colleague = appointment_at(
        clinic, TODAY_10, practitioner=clinic.other, patient=make_patient(), status=Appointment.Status.BOOKED
    )
    tomorrow = appointment_at(clinic, TODAY_10 + timedelta(days=1), status=Appointment.Status.BOOKED)
    cancelled = appointment_at(clinic, TODAY_10 + timedelta(hours=2), status=Appointment.Status.CANCELLED)
    client.force_login(clinic.practitioner.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert set(entries(response)) == {own.pk}
    assert colleague.pk not in entries(response) and cancelled.pk not in entries(response)
    html = response.content.decode()
    assert clinic.patient.full_name in html
    assert "10:00–10:30" in html
    assert reverse("patient-record", args=[clinic.patient.pk]) in html
    assert set(entries(client.get(URL, {"date": "2026-12-02"}))) == {tomorrow.pk}


def test_times_are_local_to_the_location(client, clinic):
    summer = appointment_at(clinic, datetime(2026, 7, 15, 23, 30, tzinfo=UTC), status=Appointment.Status.BOOKED)
    client.force_login(clinic.practitioner.user)
    # 23:30 UTC is 00:30 the next morning in London (BST).
    assert summer.pk not in entries(client.get(URL, {"date": "2026-07-15"}))
    response = client.get(URL, {"date": "2026-07-16"})
    assert entries(response)[summer.pk].start_label == "00:30"


def test_it_shows_the_session_number_and_the_intake_flags_with_a_review_link(client, clinic):
    course = Course.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=6,
        interval_days=14,
        status=Course.Status.IN_PROGRESS,
    )
    appointment = appointment_at(clinic, TODAY_10, status=Appointment.Status.BOOKED, course=course, session_number=2)
    intake = Intake.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        status=Intake.Status.NEEDS_REVIEW,
        findings=[{"code": "anticoagulants", "severity": "RELATIVE"}, {"code": "cold_sores", "severity": "CAUTION"}],
    )
    client.force_login(clinic.practitioner.user)
    response = client.get(URL)
    entry = entries(response)[appointment.pk]
    assert entry.session == "session 2 of 6"
    assert (entry.needs_review, entry.findings, entry.intake_pk) == (True, 2, intake.pk)
    html = response.content.decode()
    assert "Needs review" in html
    assert "2 findings" in html
    assert reverse("review-detail", args=[intake.pk]) in html


def test_a_patient_without_an_intake_shows_not_started_and_no_review_link(client, clinic):
    appointment_at(clinic, TODAY_10, status=Appointment.Status.BOOKED)
    client.force_login(clinic.practitioner.user)
    response = client.get(URL)
    [entry] = response.context["entries"]
    assert (entry.intake, entry.intake_pk, entry.needs_review) == ("not started", None, False)
    assert "/practitioner/reviews/" not in response.content.decode()


def test_completed_appointments_link_to_their_session_record(client, clinic):
    to_record = appointment_at(clinic, TODAY_10 - timedelta(hours=3))  # 07:00, completed
    done = recorded(clinic, appointment_at(clinic, TODAY_10 - timedelta(hours=2)))
    booked = appointment_at(clinic, TODAY_10, status=Appointment.Status.BOOKED)
    client.force_login(clinic.practitioner.user)
    response = client.get(URL)
    listed = entries(response)
    assert (listed[to_record.pk].completed, listed[to_record.pk].recorded) == (True, False)
    assert listed[done.appointment_id].recorded is True
    html = response.content.decode()
    assert reverse("session-record-edit", args=[to_record.pk]) in html
    assert "Record session" in html
    assert reverse("session-record", args=[done.appointment_id]) in html
    assert "Recorded" in html
    assert reverse("session-record-edit", args=[booked.pk]) not in html


def test_a_manager_may_look_at_any_practitioners_day_but_a_practitioner_only_their_own(client, clinic):
    colleague = appointment_at(
        clinic, TODAY_10, practitioner=clinic.other, patient=make_patient(), status=Appointment.Status.BOOKED
    )
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    assert set(entries(client.get(URL, {"practitioner": clinic.other.pk}))) == {colleague.pk}
    assert client.get(URL, {"practitioner": "999999"}).status_code == 404
    client.force_login(clinic.practitioner.user)
    assert set(entries(client.get(URL, {"practitioner": clinic.other.pk}))) == set()


def test_navigation_moves_a_day_and_a_bad_date_falls_back_to_today(client, clinic):
    client.force_login(clinic.practitioner.user)
    response = client.get(URL, {"date": "2026-12-05"})
    html = response.content.decode()
    assert "?date=2026-12-04" in html and "?date=2026-12-06" in html
    fallback = client.get(URL, {"date": "not-a-date"})
    assert fallback.status_code == 200
    assert fallback.context["day"].isoformat() == "2026-12-01"


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.PATIENT])
def test_reception_and_patients_get_404(client, clinic, role):
    user = UserFactory()
    user_set_roles(user=user, roles=[role])
    client.force_login(user)
    assert client.get(URL).status_code == 404


def _fill_day(clinic, count: int, day: int) -> None:
    patients = [make_patient() for _ in range(5)]
    for patient in patients:
        Intake.objects.create(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            status=Intake.Status.NEEDS_REVIEW,
            findings=[{"code": "x", "severity": "RELATIVE"}],
        )
    start = datetime(2026, 12, day, 7, 0, tzinfo=UTC)
    for n in range(count):
        appointment = appointment_at(clinic, start + timedelta(minutes=30 * n), patient=patients[n % 5])
        if n % 2:
            recorded(clinic, appointment)


def test_the_query_count_does_not_grow_with_the_appointments(client, clinic, django_assert_max_num_queries):
    client.force_login(clinic.practitioner.user)
    _fill_day(clinic, 5, day=1)
    _fill_day(clinic, 25, day=2)
    client.get(URL)  # the first request of a session also writes the session's sliding expiry
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, {"date": "2026-12-01"}).context["entries"]) == 5
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        assert len(client.get(URL, {"date": "2026-12-02"}).context["entries"]) == 25
    assert len(many) == len(few)
