"""Patient data rights: a manager's export (everything about one patient, nobody else's) and erasure."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, CalendarFeed
from clinic.models import AuditEvent, Notification, Patient, User
from intake.consent import consent_record, photo_consent_set
from intake.models import Consent, Intake, PhotoConsent
from intake.selectors import intake_questions
from intake.services import intake_open, intake_save_answers, intake_submit
from privacy.services import patient_erase, patient_export
from tests.bookings.conftest import NOW, make_patient

# Until clinic/urls.py includes bookings.data_rights_urls; then drop this and the module.
pytestmark = pytest.mark.django_db

FIRST, LAST, EMAIL, PHONE = "Philippa", "Marchbanks", "philippa.m@example.net", "07700 900111"
PHONE_E164 = "+447700900111"  # as it is stored and texted
OTHER = {"first_name": "Zebedee", "last_name": "Quillfeather", "email": "zeb.q@example.com", "phone": "07700 900222"}


def clean_answers(intake, **changes) -> dict:
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=["ibuprofen"],
        allergies=["penicillin"],
        height_cm=170,
        weight_kg=65,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
    )
    return {**answers, **changes}


def submitted_intake(clinic, patient: Patient, expectations: str) -> Intake:
    intake = intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)
    intake_save_answers(intake=intake, answers=clean_answers(intake, expectations=expectations), by=patient.user)
    consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address="192.0.2.7", now=NOW)
    return intake_submit(intake=intake, by=patient.user, now=NOW)


def book(clinic, patient: Patient, *, days: int, hour: int, notes: str = "", now=NOW, **kwargs) -> Appointment:
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=days)).replace(hour=hour),
        by=patient.user,
        notes=notes,
        now=now,
        **kwargs,
    )


@pytest.fixture
def patient(clinic) -> Patient:
    p = clinic.patient
    Patient.objects.filter(pk=p.pk).update(
        first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, date_of_birth=date(1988, 4, 2)
    )
    User.objects.filter(pk=p.user_id).update(first_name=FIRST, last_name=LAST, email=EMAIL)
    p.refresh_from_db()
    p.user.refresh_from_db()
    return p


@pytest.fixture
def history(clinic, patient):
    """The patient's record: a past consultation, a future session, an intake, consents, a feed."""
    past = book(
        clinic,
        patient,
        days=-5,
        hour=11,
        notes=f"{FIRST} prefers mornings",
        now=NOW - timedelta(days=7),
        kind=Appointment.Kind.CONSULTATION,
    )
    future = book(clinic, patient, days=2, hour=10, notes=f"Call {FIRST} on {PHONE} if running late")
    intake = submitted_intake(clinic, patient, expectations=f"I'm {FIRST} {LAST}, after fresher skin")
    photo_consent_set(patient=patient, purposes={"clinical_record"}, by=patient.user, address="192.0.2.7", now=NOW)
    CalendarFeed.objects.create(patient=patient)
    # One message already went out, to their address.
    sent = Notification.objects.filter(patient=patient).first()
    Notification.objects.filter(pk=sent.pk).update(status="sent", sent_at=NOW, recipient=EMAIL)
    return {"past": past, "future": future, "intake": intake}


@pytest.fixture
def other(clinic):
    other = make_patient(**OTHER)
    appointment = book(clinic, other, days=3, hour=14, notes="Zebedee's private note")
    intake = submitted_intake(clinic, other, expectations="Zebedee wants smoother skin")
    return {"patient": other, "appointment": appointment, "intake": intake}


# --- export -----------------------------------------------------------------------------------


def test_export_holds_the_patients_data_and_nothing_of_anyone_else(clinic, patient, history, other, manager_user):
    data = patient_export(patient=patient, by=manager_user)
    text = json.dumps(data)  # JSON-serialisable as it stands

    assert data["patient"] == {
        **data["patient"],
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE_E164,
        "date_of_birth": "1988-04-02",
    }
    assert data["account"]["email"] == EMAIL and "password" not in data["account"]
    assert patient.user.password not in text
    ids = {a["id"] for a in data["appointments"]}
    assert ids == {history["past"].pk, history["future"].pk}
    future = next(a for a in data["appointments"] if a["id"] == history["future"].pk)
    assert future["start"] == history["future"].start.astimezone(clinic.location.zone).isoformat()
    assert future["start"].endswith("+00:00") and future["practitioner"] == history["future"].practitioner.display_name
    assert future["notes"].startswith("Call Philippa")
    [intake] = data["intakes"]
    assert intake["id"] == history["intake"].pk and intake["answers"]["allergies"] == ["penicillin"]
    assert intake["snapshot"]["answers"]["expectations"].startswith("I'm Philippa")
    [consent] = data["consents"]
    assert (consent["typed_name"], consent["text_version"], consent["address"]) == (f"{FIRST} {LAST}", 2, "192.0.2.7")
    assert consent["areas"] == [history["intake"].area.name]
    assert [c["purpose"] for c in data["photo_consents"]] == ["clinical_record"]
    assert data["calendar_feed"] == {"exists": True}
    assert CalendarFeed.objects.get(patient=patient).token not in text
    assert data["notifications"] and {n["status"] for n in data["notifications"]} >= {"sent", "pending"}
    actions = {e["action"] for e in data["audit_events"]}
    assert {"appointment.book", "consent.accept", "intake.submit", "photo_consent.grant"} <= actions

    # Nothing of the other patient: not their name, contact details, user, records or ids.
    them = other["patient"]
    for value in [*OTHER.values(), them.user.email, "Zebedee"]:
        assert value not in text
    assert other["appointment"].pk not in ids
    assert other["intake"].pk not in {i["id"] for i in data["intakes"]}
    assert all(c["intake"] != other["intake"].pk for c in data["consents"])
    assert data["patient"]["id"] == patient.pk != them.pk
    assert not {c["id"] for c in data["courses"]} & set(them.courses.values_list("pk", flat=True))
    their_objects = {f"bookings.appointment#{other['appointment'].pk}", f"intake.intake#{other['intake'].pk}"}
    assert not their_objects & {e["object"] for e in data["audit_events"]}
    their_notifications = Notification.objects.filter(patient=them).count()
    assert their_notifications and len(data["notifications"]) == Notification.objects.filter(patient=patient).count()


def test_export_is_audited(patient, manager_user):
    patient_export(patient=patient, by=manager_user)
    event = AuditEvent.objects.get(action="patient.export")
    assert (event.actor, event.patient, event.object_id) == (manager_user, patient, str(patient.pk))


def test_json_download_and_readable_page_for_a_manager(client, patient, history, other, manager_user):
    client.force_login(manager_user)
    response = client.get(reverse("patient-export-json", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename=patient-{patient.pk}.json"
    body = json.loads(response.content)
    assert body["patient"]["email"] == EMAIL and "Zebedee" not in response.content.decode()

    page = client.get(reverse("patient-export", args=[patient.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h2 id="appointments">Appointments</h2>' in html and "penicillin" in html and EMAIL in html
    assert reverse("patient-export-json", args=[patient.pk]) in html
    assert reverse("patient-erase", args=[patient.pk]) in html
    assert "Zebedee" not in html
    assert AuditEvent.objects.filter(action="patient.export", patient=patient).count() == 2


@pytest.mark.parametrize("name", ["patient-export-json", "patient-export", "patient-erase"])
def test_only_managers_get_in(client, patient, reception_user, practitioner_user, patient_user, name):
    url = reverse(name, args=[patient.pk])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for user in (reception_user, practitioner_user, patient_user, patient.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "ERASE"}).status_code == 404
    assert not AuditEvent.objects.filter(action__in=["patient.export", "patient.erase"]).exists()
    assert Patient.objects.get(pk=patient.pk).first_name == FIRST


def test_an_unknown_patient_is_404_for_a_manager(client, manager_user):
    client.force_login(manager_user)
    assert client.get(reverse("patient-export", args=[999999])).status_code == 404


# --- erasure ----------------------------------------------------------------------------------


def _traces(values) -> dict[str, int]:
    """Rows anywhere we look that still hold any of these values."""
    found: dict[str, int] = {}
    for value in values:
        checks = {
            "clinic_patient": Patient.objects.filter(
                Q(first_name__icontains=value)
                | Q(last_name__icontains=value)
                | Q(email__icontains=value)
                | Q(phone__icontains=value)
            ),
            "clinic_user": User.objects.filter(
                Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__icontains=value)
            ),
            "bookings_appointment.notes": Appointment.objects.filter(notes__icontains=value),
            "intake_consent.typed_name": Consent.objects.filter(typed_name__icontains=value),
            "clinic_notification.recipient": Notification.objects.filter(recipient__icontains=value),
        }
        for table, rows in checks.items():
            if rows.exists():
                found[f"{table}: {value}"] = rows.count()
    return found


def test_erasure_leaves_no_trace_and_keeps_the_clinical_record(clinic, patient, history, other, manager_user):
    assert _traces([FIRST, LAST, EMAIL, PHONE, PHONE_E164])  # the check finds them before erasure
    user_pk = patient.user_id
    patient_erase(patient=patient, by=manager_user, now=NOW)

    assert _traces([FIRST, LAST, EMAIL, PHONE, PHONE_E164]) == {}
    assert not Notification.objects.filter(status="pending", patient=patient).exists()
    assert not CalendarFeed.objects.filter(patient=patient).exists()

    erased = Patient.objects.get(pk=patient.pk)
    assert (erased.first_name, erased.last_name, erased.email, erased.phone) == (
        "Erased",
        f"Patient #{patient.pk}",
        "",
        "",
    )
    assert erased.date_of_birth == date(1988, 1, 1)
    user = User.objects.get(pk=user_pk)
    assert (user.email, user.first_name, user.last_name, user.is_active) == (f"erased-{user_pk}@invalid", "", "", False)
    assert not user.has_usable_password()

    # The clinical record stays, linked to the anonymous row.
    future = Appointment.objects.get(pk=history["future"].pk)
    assert (future.patient_id, future.status, future.cancel_reason) == (
        patient.pk,
        "cancelled",
        "erased at the patient's request",
    )
    past = Appointment.objects.get(pk=history["past"].pk)
    assert (past.patient_id, past.status, past.notes) == (patient.pk, "booked", "")
    intake = Intake.objects.get(pk=history["intake"].pk)
    assert intake.patient_id == patient.pk and intake.status == history["intake"].status
    assert intake.answers["expectations"] == "" and intake.snapshot["answers"]["expectations"] == ""
    assert intake.answers["allergies"] == ["penicillin"] and intake.answers["medications"] == ["ibuprofen"]
    assert FIRST not in json.dumps([intake.answers, intake.snapshot, intake.findings])
    consent = Consent.objects.get(patient=patient)
    assert (consent.typed_name, consent.address) == ("Erased", None)
    assert PhotoConsent.objects.get(patient=patient).address is None

    # Audited, with the manager; earlier audit rows are untouched.
    event = AuditEvent.objects.get(action="patient.erase")
    assert (event.actor, event.patient_id, event.details) == (manager_user, patient.pk, {"by": manager_user.email})
    assert AuditEvent.objects.filter(action="appointment.book", patient=patient).count() == 2

    # The other patient is untouched.
    them = Patient.objects.get(pk=other["patient"].pk)
    assert (them.first_name, them.email, str(them.phone)) == (OTHER["first_name"], OTHER["email"], "+447700900222")
    assert Appointment.objects.get(pk=other["appointment"].pk).status == "booked"
    assert Notification.objects.filter(patient=them, status="pending").exists()


def test_erase_page_explains_and_needs_the_word_erase(client, patient, history, manager_user, frozen_now):
    client.force_login(manager_user)
    url = reverse("patient-erase", args=[patient.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "What is removed" in html and "What is kept" in html
    assert '<label class="form-label" for="id_confirm">Type ERASE to confirm</label>' in html

    before = Patient.objects.filter(pk=patient.pk).values().get()
    pending = Notification.objects.filter(patient=patient, status="pending").count()
    for typed in ("", "erase", "DELETE"):
        response = client.post(url, {"confirm": typed})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()
    assert Patient.objects.filter(pk=patient.pk).values().get() == before
    assert Notification.objects.filter(patient=patient, status="pending").count() == pending
    assert Appointment.objects.get(pk=history["future"].pk).status == "booked"
    assert User.objects.get(pk=patient.user_id).is_active
    assert not AuditEvent.objects.filter(action="patient.erase").exists()

    response = client.post(url, {"confirm": "ERASE"}, follow=True)
    assert response.redirect_chain == [(reverse("patient-export", args=[patient.pk]), 302)]
    assert "has been erased" in response.content.decode()
    assert Patient.objects.get(pk=patient.pk).first_name == "Erased"
    assert Appointment.objects.get(pk=history["future"].pk).status == "cancelled"
    assert AuditEvent.objects.filter(action="patient.erase", actor=manager_user, patient=patient).exists()
    # Once erased, nothing offers to erase again, and asking for it answers with what happened.
    html = response.content.decode()
    assert "This patient was erased on" in html and reverse("patient-erase", args=[patient.pk]) not in html
    again = client.get(url, follow=True)
    assert "already been erased" in again.content.decode() and 'name="confirm"' not in again.content.decode()
    client.post(url, {"confirm": "ERASE"})
    assert AuditEvent.objects.filter(action="patient.erase", patient=patient).count() == 1
    record = client.get(reverse("patient-record", args=[patient.pk])).content.decode()
    assert "Erased on" in record and reverse("patient-erase", args=[patient.pk]) not in record


def test_the_patient_admin_links_to_export_and_erasure(client, manager_user):
    from tests.factories import PatientFactory

    patient = PatientFactory()
    client.force_login(manager_user)
    page = client.get("/admin/clinic/patient/").content.decode()
    assert f"/staff/patients/{patient.pk}/export/" in page and f"/staff/patients/{patient.pk}/erase/" in page


def test_the_readable_export_shows_labels_and_the_location_s_local_times(
    client, clinic, patient, history, manager_user
):
    from datetime import UTC, datetime

    clinic.location.timezone = "Europe/Paris"  # an hour ahead of London (and UTC) in winter
    clinic.location.save()
    patient.locations.add(clinic.location)
    future = history["future"]
    client.force_login(manager_user)
    html = client.get(reverse("patient-export", args=[patient.pk])).content.decode()
    local = future.start.astimezone(clinic.location.zone)
    assert f"{local:%a} {local.day} {local:%b %Y, %H:%M}" in html  # 11:00 in Paris for 10:00 UTC
    assert future.start.isoformat() not in html and "+00:00" not in html
    assert "Europe/Paris time" in html
    assert ">Booked<" in html and ">booked<" not in html  # labels, not codes
    assert "Treatment session" in html and "treatment<" not in html
    assert "Booking confirmation" in html and "appointment.confirmation" not in html
    assert "Booked an appointment" in html and "appointment.book<" not in html
    assert "Are you pregnant, trying to conceive, or breastfeeding?" in html and ">PREG<" not in html
    assert datetime(2026, 12, 1, tzinfo=UTC).isoformat() not in html
    # The download keeps the codes and ISO times a machine reads.
    body = json.loads(client.get(reverse("patient-export-json", args=[patient.pk])).content)
    assert body["appointments"][-1]["status"] == "booked"
