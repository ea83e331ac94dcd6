"""Reception's patient directory and correcting contact details; phone numbers checked at the desk."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bookings.models import Appointment
from clinic.models import AuditEvent, Patient
from tests.bookings.conftest import make_patient
from tests.bookings.practice import appointment_at
from tests.factories import LocationFactory, PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

URL = reverse("patient-directory")


def known(clinic, **kwargs) -> Patient:
    patient = make_patient(**kwargs)
    patient.locations.add(clinic.location)
    return patient


def names(response) -> list[str]:
    return [p.full_name for p in response.context["page"]]


def test_the_directory_lists_the_patients_of_my_locations_most_recently_seen_first(client, clinic, reception):
    old = known(clinic, first_name="Olive", last_name="Old")
    recent = known(clinic, first_name="Rita", last_name="Recent")
    appointment_at(clinic, datetime(2026, 11, 2, 10, tzinfo=UTC), patient=old, status=Appointment.Status.BOOKED)
    appointment_at(clinic, datetime(2026, 11, 30, 10, tzinfo=UTC), patient=recent, status=Appointment.Status.BOOKED)
    elsewhere = make_patient(first_name="Ellen", last_name="Elsewhere")
    elsewhere.locations.add(LocationFactory())
    client.force_login(reception)
    listed = names(client.get(URL))
    assert listed.index("Rita Recent") < listed.index("Olive Old")
    assert "Ellen Elsewhere" not in listed


def test_a_manager_sees_every_patient(client, clinic, manager_user):
    elsewhere = make_patient(first_name="Ellen", last_name="Elsewhere")
    elsewhere.locations.add(LocationFactory())
    client.force_login(manager_user)
    assert "Ellen Elsewhere" in names(client.get(URL))


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "ada love"), ("date_of_birth", "1985-12-10"), ("email", "ADA@example"), ("phone", "07911 123456")],
)
def test_the_search_finds_by_name_birth_date_email_or_phone_by_post(client, clinic, reception, field, value):
    from datetime import date

    ada = known(
        clinic,
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(1985, 12, 10),
        email="ada@example.org",
        phone="+447911123456",
    )
    known(clinic, first_name="Alan", last_name="Turing")
    client.force_login(reception)
    response = client.post(URL, {f"find_{field}": value})
    assert response.status_code == 200 and names(response) == [ada.full_name]
    assert value not in response.request["PATH_INFO"]  # patient details never travel in the URL


def test_an_empty_search_is_a_form_error_not_a_500(client, clinic, reception):
    client.force_login(reception)
    response = client.post(URL, {})
    assert response.status_code == 200 and "Enter a name, a date of birth" in response.content.decode()


def test_reception_corrects_contact_details_audited_by_field_name_only(client, clinic, reception):
    patient = PatientFactory(user=None, email="old@example.org", phone="")
    patient.phone_unchecked = "call me maybe"
    patient.save()
    patient.locations.add(clinic.location)
    appointment_at(clinic, datetime(2026, 12, 3, 10, tzinfo=UTC), patient=patient, status=Appointment.Status.BOOKED)
    client.force_login(reception)
    url = reverse("patient-contact", args=[patient.pk])
    assert "“call me maybe”, is not one we can call" in client.get(url).content.decode()
    bad = client.post(url, {"email": "new@example.org", "phone": "call me maybe"})
    assert bad.status_code == 400 and "Enter a phone number we can call" in bad.content.decode()
    response = client.post(url, {"email": "new@example.org", "phone": "07911 123456"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.email, str(patient.phone), patient.phone_unchecked) == ("new@example.org", "+447911123456", "")
    event = AuditEvent.objects.get(action="patient.contact_update")
    assert event.actor == reception and event.details == {"fields": ["email", "phone", "phone_unchecked"]}
    assert "new@example.org" not in json.dumps(event.details) and "7911" not in json.dumps(event.details)
    html = client.get(reverse("patient-record", args=[patient.pk])).content.decode()
    assert 'href="tel:+447911123456"' in html and "07911 123456" in html


def test_an_online_patient_s_sign_in_address_is_not_changed_at_the_desk(client, clinic, reception):
    patient = clinic.patient
    appointment_at(clinic, datetime(2026, 12, 3, 10, tzinfo=UTC), status=Appointment.Status.BOOKED)
    client.force_login(reception)
    url = reverse("patient-contact", args=[patient.pk])
    response = client.post(url, {"email": "someone.else@example.org", "phone": "07911 123456"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.email != "someone.else@example.org" and str(patient.phone) == "+447911123456"


def test_the_worklist_flags_numbers_that_cannot_be_called(client, clinic, reception):
    patient = known(clinic, first_name="Cal", last_name="Maybe")
    Patient.objects.filter(pk=patient.pk).update(phone="", phone_unchecked="call me maybe")
    client.force_login(reception)
    html = client.get(reverse("worklist")).content.decode()
    assert "Phone numbers to check" in html and "“call me maybe”" in html
    assert reverse("patient-contact", args=[patient.pk]) in html
    assert "tel:callmemaybe" not in html


def test_a_walk_in_s_number_is_read_in_the_location_s_country(client, reception):
    from tests.bookings.conftest import make_practitioner
    from treatments.models import Treatment

    dublin = LocationFactory(country="IE", subdivision="", timezone="Europe/Dublin")
    treatment = Treatment.objects.get(indication="SKIN")
    practitioner = make_practitioner(dublin, treatment)
    from tests.factories import RoomFactory

    RoomFactory(location=dublin)
    dublin.staff.add(reception)
    client.force_login(reception)
    data = {
        "patient": "new",
        "first_name": "Siobhan",
        "last_name": "Byrne",
        "date_of_birth": "1984-03-17",
        "phone": "087 123 4567",
        "email": "",
        "treatment": treatment.pk,
        "area": treatment.areas.get(slug="face").pk,
        "practitioner": practitioner.pk,
        "date": "2026-12-03",
        "time": "10:00",
    }
    response = client.post(reverse("diary-book", args=[dublin.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Patient.objects.get(last_name="Byrne").phone) == "+353871234567"
