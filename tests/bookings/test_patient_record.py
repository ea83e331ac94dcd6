"""The staff patient record: who reaches it, and what each role is given.

Reception get the administrative record only: never intake answers, findings or session records
(checked in the rendered page, not just the template logic)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bookings.models import Appointment, Course
from clinic.models import AuditEvent
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import make_patient, make_practitioner
from tests.bookings.practice import SECRET_ADVICE, SECRET_EVENT, SECRET_NOTES, appointment_at, recorded
from tests.factories import LocationFactory, RoomFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

SECRET_ANSWER = "I would like to look like my sister Philippa"
FINDING_TEXT = "Anticoagulant: bruising risk"


def url(patient) -> str:
    return reverse("patient-record", args=[patient.pk])


@pytest.fixture
def chart(clinic):
    """Patient with a completed, recorded session and an intake that needs review."""
    record = recorded(clinic, batch_number="LOT-SECRET-9")
    intake = Intake.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        status=Intake.Status.NEEDS_REVIEW,
        answers={"expectations": SECRET_ANSWER, "medications": ["warfarin"]},
        findings=[{"code": "anticoagulants", "severity": "RELATIVE", "message": FINDING_TEXT}],
    )
    return record, intake


def user_with(role: Role, location=None):
    user = UserFactory()
    user_set_roles(user=user, roles=[role])
    if location is not None:
        location.staff.add(user)
    return user


def test_reception_sees_the_administrative_record_only(client, clinic, reception, chart):
    record, intake = chart
    client.force_login(reception)
    response = client.get(url(clinic.patient))
    assert response.status_code == 200
    html = response.content.decode()
    patient = clinic.patient
    for visible in (patient.full_name, patient.email, "07700 900000", "2 April 1988", "Needs review", "Completed"):
        assert visible in html
    for hidden in (SECRET_NOTES, SECRET_EVENT, SECRET_ADVICE, "LOT-SECRET-9", SECRET_ANSWER, FINDING_TEXT, "warfarin"):
        assert hidden not in html
    assert "Session record" not in html
    assert "finding" not in html
    assert reverse("review-detail", args=[intake.pk]) not in html
    assert reverse("session-record", args=[record.appointment_id]) not in html
    assert response.context["records"] == []
    assert "findings" in response.context["intakes"][0].get_deferred_fields()  # never loaded
    assert not AuditEvent.objects.filter(action="session_record.view").exists()


def test_a_practitioner_also_sees_session_records_and_review_links_and_the_view_is_audited(client, clinic, chart):
    record, intake = chart
    client.force_login(clinic.other.user)  # a colleague at the location
    response = client.get(url(clinic.patient))
    html = response.content.decode()
    assert "LOT-SECRET-9" in html
    assert "1 finding" in html
    assert reverse("review-detail", args=[intake.pk]) in html
    assert reverse("session-record", args=[record.appointment_id]) in html
    assert SECRET_ANSWER not in html  # answers stay on the review page, which audits them
    [event] = AuditEvent.objects.filter(action="session_record.view")
    assert (event.actor, event.patient, event.details) == (clinic.other.user, clinic.patient, {"via": "patient record"})


def test_a_manager_sees_everything_and_the_data_rights_links(client, clinic, chart):
    manager = user_with(Role.MANAGER)
    client.force_login(manager)
    html = client.get(url(clinic.patient)).content.decode()
    assert "LOT-SECRET-9" in html
    assert reverse("patient-export", args=[clinic.patient.pk]) in html


def test_staff_of_another_location_and_patients_get_404(client, clinic, chart):
    elsewhere = LocationFactory()
    for user in (
        user_with(Role.RECEPTION, elsewhere),
        make_practitioner(elsewhere, clinic.treatment).user,
        clinic.patient.user,
        make_patient().user,
    ):
        client.force_login(user)
        assert client.get(url(clinic.patient)).status_code == 404


def test_reception_reaches_a_patient_through_a_course_alone(client, clinic, reception):
    stranger = make_patient()
    client.force_login(reception)
    assert client.get(url(stranger)).status_code == 404
    Course.objects.create(
        patient=stranger,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=6,
        interval_days=14,
    )
    assert client.get(url(stranger)).status_code == 200


def test_appointments_at_other_locations_are_not_listed_for_local_staff(client, clinic, reception):
    here = appointment_at(clinic, status=Appointment.Status.BOOKED)
    elsewhere = LocationFactory(name="Far Away Clinic")
    clinic.practitioner.locations.add(elsewhere)
    there = Appointment.objects.create(
        patient=clinic.patient,
        practitioner=clinic.practitioner,
        room=RoomFactory(location=elsewhere),
        location=elsewhere,
        treatment=clinic.treatment,
        area=clinic.area,
        start=datetime(2026, 12, 3, 10, tzinfo=UTC),
        end=datetime(2026, 12, 3, 10, 30, tzinfo=UTC),
    )
    client.force_login(reception)
    listed = {a.pk for a in client.get(url(clinic.patient)).context["appointments"]}
    assert listed == {here.pk}
    assert there.pk not in listed
