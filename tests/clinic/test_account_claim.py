"""Phone and walk-in patients claim an online account from the link in their emails."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.accounts.invites import patient_claim_account, patient_from_invite_token, patient_invite_token
from clinic.models import AuditEvent, Notification, Patient, User
from clinic.outbox import outbox_dispatch
from clinic.roles import Role, roles_of, user_set_roles
from tests.bookings.conftest import NOW
from tests.factories import LocationFactory, PatientFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

PASSWORD = "plum-orchard-lantern"
CLAIM_LINK = re.compile(r"http://testserver(/accounts/claim/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CLINIC_BASE_URL = "http://testserver"


def book_phone_patient(client, clinic, reception, **patient) -> Patient:
    """Reception books a new patient without an account from the diary, as on the phone."""
    client.force_login(reception)
    data = {
        "patient": "new",
        "first_name": "Wanda",
        "last_name": "Walkin",
        "date_of_birth": "1980-02-03",
        "phone": "07700 900777",
        "email": "wanda@example.org",
        "treatment": clinic.treatment.pk,
        "area": clinic.area.pk,
        "practitioner": clinic.practitioner.pk,
        "date": "2026-12-03",
        "time": "10:00",
        **patient,
    }
    response = client.post(reverse("diary-book", args=[clinic.location.slug]), data)
    assert response.status_code == 302
    client.logout()
    return Patient.objects.get(last_name=data["last_name"])


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def claim_path(message) -> str:
    (path,) = CLAIM_LINK.findall(message.body)
    return path


@pytest.fixture
def phone_patient(db):
    return PatientFactory(user=None, first_name="Wanda", email="wanda@example.org")


def test_a_phone_patient_gets_the_intake_request_with_a_link_to_set_up_their_account(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    outbox_dispatch(now=NOW)
    (request,) = [m for m in sent_to(patient.email) if "questionnaire" in m.subject]
    assert "set up your online account" in request.body.lower()
    assert "/me/intake/" not in request.body  # a sign-in page they could not get past
    assert patient_from_invite_token(claim_path(request).split("/")[3]) == patient


def test_following_the_link_creates_the_account_signs_in_and_shows_the_questionnaires(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    outbox_dispatch(now=NOW)
    path = claim_path(sent_to(patient.email)[0])

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up your online account" in html and "Wanda" in html and 'value="wanda@example.org"' in html
    assert page["Referrer-Policy"] == "same-origin"  # the token never goes to another site

    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("intake-list")
    patient.refresh_from_db()
    user = patient.user
    assert user is not None and user.email == "wanda@example.org" and user.check_password(PASSWORD)
    assert roles_of(user) == {Role.PATIENT}
    assert int(client.session["_auth_user_id"]) == user.pk
    listing = client.get(response.url)
    assert listing.status_code == 200 and "questionnaire" in listing.content.decode().lower()
    event = AuditEvent.objects.get(action="patient.account_claimed")
    assert (event.actor, event.patient, event.object_id) == (user, patient, str(patient.pk))

    client.logout()
    used = client.get(path)
    assert used.status_code == 404 and "no longer valid" in used.content.decode()
    assert "020 7946 0000" in used.content.decode()
    assert client.post(path, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 404
    assert User.objects.filter(email__iexact="wanda@example.org").count() == 1


def test_a_patient_with_an_account_gets_the_sign_in_link_as_before(clinic):
    from bookings.appointments.services import appointment_book

    patient = clinic.patient
    appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=NOW + timedelta(days=2, hours=2),
        by=patient.user,
        now=NOW,
    )
    outbox_dispatch(now=NOW)
    (request,) = [m for m in sent_to(patient.email) if "questionnaire" in m.subject]
    assert "http://testserver/me/intake/" in request.body and "/accounts/claim/" not in request.body


def test_the_nudge_also_carries_a_claim_link(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    outbox_dispatch(now=NOW)
    mail.outbox.clear()
    later = NOW + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        outbox_dispatch(now=later)
    (nudge,) = [m for m in sent_to(patient.email) if m.subject.startswith("A reminder")]
    assert patient_from_invite_token(claim_path(nudge).split("/")[3]) == patient


def test_an_expired_link_is_refused(client, phone_patient):
    path = reverse("account-claim", args=[patient_invite_token(phone_patient)])
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
        assert response.status_code == 404 and "no longer valid" in response.content.decode()
    phone_patient.refresh_from_db()
    assert phone_patient.user is None
    with time_machine.travel(NOW + timedelta(days=13), tick=False):
        assert client.get(path).status_code == 200


def test_a_tampered_token_is_refused(client, phone_patient):
    other = PatientFactory(user=None)
    token = patient_invite_token(phone_patient)
    pk_part, rest = token.split(".", 1)
    forged = f"{patient_invite_token(other).split('.', 1)[0]}.{rest}"  # another patient's id, this signature
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-token"):
        assert patient_from_invite_token(bad) is None
        assert client.get(reverse("account-claim", args=[bad])).status_code == 404
    assert pk_part  # the token names the patient by id only
    assert "wanda" not in token.lower() and "example" not in token.lower()


def test_a_changed_email_address_voids_an_old_link(phone_patient):
    token = patient_invite_token(phone_patient)
    phone_patient.email = "someone-else@example.org"
    phone_patient.save()
    assert patient_from_invite_token(token) is None


def test_a_weak_password_is_refused_with_the_validators_message_and_nothing_is_created(client, phone_patient):
    path = reverse("account-claim", args=[patient_invite_token(phone_patient)])
    response = client.post(path, {"password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 10 characters." in response.content.decode()
    mismatch = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "The two passwords are not the same." in mismatch.content.decode()
    phone_patient.refresh_from_db()
    assert phone_patient.user is None and not User.objects.filter(email="wanda@example.org").exists()
    assert not AuditEvent.objects.filter(action="patient.account_claimed").exists()


def test_an_existing_account_with_that_email_is_refused_and_never_linked(client, phone_patient):
    existing = UserFactory(email="Wanda@Example.org")  # however it was typed
    path = reverse("account-claim", args=[patient_invite_token(phone_patient)])
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert "already exists: sign in, or reset your password" in response.content.decode()
    phone_patient.refresh_from_db()
    assert phone_patient.user is None
    assert list(User.objects.filter(email__iexact="wanda@example.org")) == [existing]
    assert not Patient.objects.filter(user=existing).exists()
    assert "_auth_user_id" not in client.session


def test_the_service_refuses_a_patient_without_an_email(phone_patient):
    phone_patient.email = ""
    phone_patient.save()
    with pytest.raises(ValidationError, match="no email address"):
        patient_claim_account(patient=phone_patient, password=PASSWORD, now=NOW)
    assert patient_from_invite_token(patient_invite_token(phone_patient)) is None


def test_claim_posts_are_rate_limited(client, phone_patient):
    path = reverse("account-claim", args=[patient_invite_token(phone_patient)])
    statuses = [client.post(path, {"password1": "short", "password2": "short"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


# --- reception's "email an invitation" on the patient record -------------------------------------


def test_the_resend_button_queues_one_email_with_a_fresh_link_and_is_audited(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    outbox_dispatch(now=NOW)
    mail.outbox.clear()
    client.force_login(reception)
    record = client.get(reverse("patient-record", args=[patient.pk])).content.decode()
    assert "Email an online-account invitation" in record

    response = client.post(reverse("patient-invite", args=[patient.pk]))
    assert response.status_code == 302 and response.url == reverse("patient-record", args=[patient.pk])
    assert Notification.objects.filter(kind="patient.invite", patient=patient, status="pending").count() == 1
    event = AuditEvent.objects.get(action="patient.invited")
    assert (event.actor, event.patient) == (reception, patient)
    outbox_dispatch(now=NOW)
    (invite,) = sent_to(patient.email)
    assert invite.subject.startswith("Set up your") and patient_from_invite_token(claim_path(invite).split("/")[3])

    # A second invitation is a second email, not swallowed as a repeat of the first.
    client.post(reverse("patient-invite", args=[patient.pk]))
    outbox_dispatch(now=NOW)
    assert len(sent_to(patient.email)) == 2
    assert AuditEvent.objects.filter(action="patient.invited").count() == 2


def test_no_button_and_no_link_for_a_patient_without_an_email(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception, email="", last_name="Noemail")
    outbox_dispatch(now=NOW)
    assert not [m for m in mail.outbox if "/accounts/claim/" in m.body]
    client.force_login(reception)
    assert (
        "Email an online-account invitation"
        not in client.get(reverse("patient-record", args=[patient.pk])).content.decode()
    )
    client.post(reverse("patient-invite", args=[patient.pk]))
    assert not Notification.objects.filter(kind="patient.invite").exists()
    assert not AuditEvent.objects.filter(action="patient.invited").exists()


def test_no_button_for_a_patient_with_an_account_or_for_a_practitioner(client, clinic, reception):
    client.force_login(reception)
    assert (
        "online-account invitation"
        not in client.get(reverse("patient-record", args=[clinic.patient.pk])).content.decode()
    )
    patient = book_phone_patient(client, clinic, reception)
    client.force_login(clinic.practitioner.user)
    assert "online-account invitation" not in client.get(reverse("patient-record", args=[patient.pk])).content.decode()
    assert client.post(reverse("patient-invite", args=[patient.pk])).status_code == 404


def test_reception_at_another_location_gets_404(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    client.force_login(elsewhere)
    assert client.post(reverse("patient-invite", args=[patient.pk])).status_code == 404
    assert not Notification.objects.filter(kind="patient.invite").exists()


def test_an_invitation_is_dropped_if_the_patient_claimed_meanwhile(client, clinic, reception):
    patient = book_phone_patient(client, clinic, reception)
    client.force_login(reception)
    client.post(reverse("patient-invite", args=[patient.pk]))
    patient_claim_account(patient=patient, password=PASSWORD, now=NOW)
    mail.outbox.clear()
    outbox_dispatch(now=NOW)
    assert not [m for m in mail.outbox if m.subject.startswith("Set up your")]
    assert Notification.objects.get(kind="patient.invite").status == "dropped"


# --- registering afresh with a phone patient's address -------------------------------------------

REGISTRATION = {
    "email": "Wanda@Example.org",
    "password": "Saffron-Lantern-42",
    "first_name": "Wanda",
    "last_name": "Walkin",
    "date_of_birth": "1980-02-03",
    "phone": "07700 900777",
}


def test_api_registration_with_a_phone_patients_address_sends_the_claim_link_instead_of_a_second_record(
    phone_patient,
):
    from rest_framework.test import APIClient

    response = APIClient().post("/api/patients/register/", REGISTRATION, format="json")
    assert response.status_code == 400 and "emailed you a link" in response.json()["email"][0]
    assert Patient.objects.count() == 1 and not User.objects.filter(email__iexact="wanda@example.org").exists()
    event = AuditEvent.objects.get(action="patient.invited")
    assert event.actor is None and event.details == {"via": "registration"}
    outbox_dispatch(now=NOW)
    (invite,) = sent_to("wanda@example.org")
    assert patient_from_invite_token(claim_path(invite).split("/")[3]) == phone_patient
    # Trying again within the hour does not send another (no flooding someone's inbox from the form).
    APIClient().post("/api/patients/register/", REGISTRATION, format="json")
    assert Notification.objects.filter(kind="patient.invite").count() == 1


def test_registering_in_the_booking_flow_with_a_phone_patients_address_makes_no_second_record(
    client, clinic, phone_patient
):
    start = (NOW + timedelta(days=1)).replace(hour=10)
    client.post(
        f"/book/{clinic.treatment.slug}/hold/",
        {
            "area": clinic.area.slug,
            "location": clinic.location.slug,
            "practitioner": clinic.practitioner.pk,
            "start": start.isoformat(),
        },
    )
    data = {"action": "register", **{f"register-{k}": v for k, v in REGISTRATION.items()}}
    response = client.post("/booking/details/", data)
    assert response.status_code == 200 and "emailed you a link" in response.content.decode()
    assert Patient.objects.filter(email__iexact="wanda@example.org").count() == 1
    assert "_auth_user_id" not in client.session
    assert Notification.objects.filter(kind="patient.invite", patient=phone_patient).count() == 1
