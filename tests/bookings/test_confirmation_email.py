from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from bookings.emails import appointment_confirmation_send
from bookings.models import Appointment
from bookings.services import appointment_book, appointment_cancel
from bookings.tasks import send_appointment_confirmation
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

TOMORROW_10 = (NOW + timedelta(days=1)).replace(hour=10)


def book(clinic, *, patient=None, practitioner=None, numbing_cream: bool = False) -> Appointment:
    patient = patient or clinic.patient
    return appointment_book(
        patient=patient, treatment=clinic.treatment, area=clinic.area, location=clinic.location, start=TOMORROW_10,
        by=patient.user, practitioner=practitioner or clinic.practitioner, numbing_cream=numbing_cream, now=NOW,
    )  # fmt: skip


def test_confirmation_is_sent_once_with_text_html_and_a_calendar_file(clinic):
    appointment = book(clinic)

    assert appointment_confirmation_send(appointment_id=appointment.pk) is True
    assert appointment_confirmation_send(appointment_id=appointment.pk) is False

    [message] = mail.outbox
    assert message.to == [clinic.patient.email]
    assert message.from_email == "Meso Clinic <appointments@meso.clinic>"
    assert message.subject == f"Your {clinic.treatment.name} appointment on Wednesday 2 December at 10:00"
    assert "Wednesday 2 December at 10:00 to 10:30" in message.body
    assert clinic.practitioner.display_name in message.body and "24 hours" in message.body
    [(html, html_type)] = message.alternatives
    assert html_type == "text/html" and '<html lang="en-GB">' in html
    [(filename, content, mimetype)] = message.attachments
    assert filename == "appointment.ics" and mimetype.startswith("text/calendar; method=PUBLISH")
    assert 'Content-Type: text/calendar; method="PUBLISH"; charset="utf-8"' in message.message().as_string()
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (appointment.start, appointment.end)
    assert event["dtstart"].params["TZID"] == "Europe/London"
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at == NOW


def test_confirmation_mentions_numbing_cream_only_when_chosen(clinic):
    with_cream = book(clinic, numbing_cream=True)
    appointment_confirmation_send(appointment_id=with_cream.pk)
    [message] = mail.outbox
    assert "numbing cream" in message.body and "30 minutes" in message.body
    assert "numbing cream" in message.alternatives[0][0]

    mail.outbox.clear()
    without = book(clinic, patient=make_patient(), practitioner=clinic.other)
    appointment_confirmation_send(appointment_id=without.pk)
    assert "numbing cream" not in mail.outbox[0].body


def test_cancelled_appointment_gets_no_confirmation(clinic):
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=clinic.patient.user, now=NOW)
    assert appointment_confirmation_send(appointment_id=appointment.pk) is False
    assert mail.outbox == []


def test_patient_without_email_gets_no_confirmation(clinic):
    appointment = book(clinic, patient=make_patient(email=""))
    assert appointment_confirmation_send(appointment_id=appointment.pk) is False
    assert mail.outbox == []
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at is None


def test_confirmation_task_sends_by_id_and_retries_on_mail_errors(clinic):
    appointment = book(clinic)
    send_appointment_confirmation(appointment.pk)
    send_appointment_confirmation(appointment.pk)
    assert len(mail.outbox) == 1
    assert send_appointment_confirmation.max_retries == 5
    assert send_appointment_confirmation.acks_late is True
    assert OSError in send_appointment_confirmation.autoretry_for
