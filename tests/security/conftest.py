"""The clinic and the world of objects the security tests walk every URL with."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.domain.money import Line
from billing.models import Payment
from billing.services.invoices import invoice_issue
from bookings.appointments.services import appointment_book
from bookings.messages.feeds import calendar_feed_create
from bookings.models import TimeOff
from clinic.roles import Role, user_set_roles
from intake.consent import consent_record
from intake.models import PhotoConsent
from intake.selectors import intake_questions
from intake.services import intake_open, intake_save_answers, intake_submit
from photos.models import PhotoSettings
from tests.bookings.conftest import NOW, clinic, frozen_now, make_patient, reception  # noqa: F401
from tests.bookings.practice import appointment_at, recorded
from tests.factories import LocationFactory, UserFactory
from tests.photos.conftest import add_photo, consent, photo_storage_in
from tests.waitlist.conftest import offered
from waitlist.links import offer_token


@pytest.fixture
def world(clinic, reception, settings, tmp_path):  # noqa: F811 - the fixtures imported above
    patient_a = clinic.patient
    patient_b = make_patient()
    appointment = appointment_book(
        patient=patient_a,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=2)).replace(hour=10),
        by=patient_a.user,
        now=NOW,
    )
    intake = intake_open(patient=patient_a, treatment=clinic.treatment, area=clinic.area)
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=["warfarin"],
        allergies=[],
        height_cm=170,
        weight_kg=70,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
    )
    intake_save_answers(intake=intake, answers=answers, by=patient_a.user)
    consent_record(intake=intake, typed_name=patient_a.full_name, agreed=True, address="127.0.0.1", now=NOW)
    intake_submit(intake=intake, by=patient_a.user, now=NOW)  # needs review: a blood thinner
    other_area = clinic.treatment.areas.exclude(pk=clinic.area.pk).first()
    draft = intake_open(patient=patient_a, treatment=clinic.treatment, area=other_area)
    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    users = {
        "anonymous": None,
        "patient_a": patient_a.user,
        "patient_b": patient_b.user,
        "reception_elsewhere": elsewhere,
        "reception": reception,
        "practitioner": clinic.practitioner.user,
        "manager": manager,
    }
    session = recorded(clinic, appointment_at(clinic, NOW - timedelta(days=1)))  # completed and recorded
    # A photo of that session (patient A consents; the clinic lets patients see their own).
    settings.STORAGES = {**settings.STORAGES, "photos": photo_storage_in(tmp_path)}
    consent(patient_a, PhotoConsent.Purpose.CLINICAL_RECORD)
    PhotoSettings.objects.update_or_create(pk=1, defaults={"patients_may_view": True})
    photo = add_photo(session.appointment)
    waitlist_entry, waitlist_offer = offered(clinic, patient_a)  # patient A waits and is offered a time
    invoice = invoice_issue(
        location=clinic.location,
        patient=patient_a,
        lines=[Line("Session", 1, Decimal("120.00"), Decimal("0.20"))],
        currency="GBP",
        by=reception,
        now=NOW,
    )
    ids = {
        "waitlist_entry": waitlist_entry.pk,
        "waitlist_offer": offer_token(waitlist_offer),
        "appointment": appointment.pk,
        "completed_appointment": session.appointment_id,
        "patient": patient_a.pk,
        "location": clinic.location.slug,
        "practitioner": clinic.practitioner.pk,
        "course": appointment.course_id,
        "photo": photo.pk,
        "invoice": invoice.pk,
        "payment": Payment.objects.create(
            patient=patient_a,
            location=clinic.location,
            appointment=appointment,
            invoice=invoice,
            method="card",
            amount=Decimal("50.00"),
            currency="GBP",
            taken_at=NOW,
        ).pk,
        "intake": intake.pk,
        "draft_intake": draft.pk,
        "feed_token": calendar_feed_create(patient=patient_a, by=patient_a.user).token,
        "time_off": TimeOff.objects.create(
            practitioner=clinic.practitioner, start=NOW + timedelta(days=20), end=NOW + timedelta(days=21)
        ).pk,
    }
    return users, ids
