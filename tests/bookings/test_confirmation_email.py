"""The booking confirmation: an outbox row written with the booking, sent once by the dispatcher."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from bookings.appointments.services import appointment_book, appointment_cancel, appointment_reschedule
from bookings.messages.kinds import MessageKind
from bookings.models import Appointment
from clinic.models import Notification
from clinic.outbox import outbox_dispatch
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

TOMORROW_10 = (NOW + timedelta(days=1)).replace(hour=10)


def book(clinic, *, patient=None, practitioner=None, numbing_cream: bool = False) -> Appointment:
    patient = patient or clinic.patient
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=TOMORROW_10,
        by=patient.user,
        practitioner=practitioner or clinic.practitioner,
        numbing_cream=numbing_cream,
        now=NOW,
    )


def confirmations() -> list:
    return [m for m in mail.outbox if "appointment on" in m.subject and not m.subject.startswith("Cancelled")]


def row(appointment: Appointment, kind: MessageKind = MessageKind.CONFIRMATION) -> Notification:
    return Notification.objects.get(subject_type="bookings.appointment", subject_id=appointment.pk, kind=kind)


def test_confirmation_is_sent_once_with_text_html_and_a_calendar_file(clinic):
    appointment = book(clinic)

    outbox_dispatch(now=NOW)
    outbox_dispatch(now=NOW + timedelta(minutes=5))

    [message] = confirmations()
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
    assert (row(appointment).status, row(appointment).sent_at) == (Notification.Status.SENT, NOW)


def test_the_confirmation_is_written_in_the_booking_transaction_due_at_once(clinic):
    appointment = book(clinic)
    confirmation = row(appointment)
    assert (confirmation.status, confirmation.due_at, confirmation.patient) == ("pending", NOW, clinic.patient)


def test_confirmation_mentions_numbing_cream_only_when_chosen(clinic):
    book(clinic, numbing_cream=True)
    outbox_dispatch(now=NOW)
    [message] = confirmations()
    assert "numbing cream" in message.body and "30 minutes" in message.body
    assert "numbing cream" in message.alternatives[0][0]

    mail.outbox.clear()
    book(clinic, patient=make_patient(), practitioner=clinic.other)
    outbox_dispatch(now=NOW)
    assert "numbing cream" not in confirmations()[0].body


def test_cancelled_appointment_gets_no_confirmation(clinic):
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=clinic.patient.user, now=NOW)
    outbox_dispatch(now=NOW)
    assert confirmations() == []
    assert row(appointment).status == Notification.Status.DROPPED


def test_patient_without_email_gets_no_confirmation(clinic):
    appointment = book(clinic, patient=make_patient(email=""))
    outbox_dispatch(now=NOW)
    assert mail.outbox == []
    assert (row(appointment).status, row(appointment).last_error) == (Notification.Status.DROPPED, "no email address")


def test_a_move_is_confirmed_once_with_the_new_time(clinic):
    appointment = book(clinic)
    outbox_dispatch(now=NOW)
    mail.outbox.clear()

    moved = appointment_reschedule(
        appointment=appointment, start=TOMORROW_10 + timedelta(hours=2), by=clinic.patient.user, now=NOW
    )
    outbox_dispatch(now=NOW)
    outbox_dispatch(now=NOW + timedelta(minutes=5))

    [message] = confirmations()
    assert message.subject == f"Moved: your {clinic.treatment.name} appointment on Wednesday 2 December at 12:00"
    assert "has moved" in message.body
    [event] = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert event.decoded("dtstart") == moved.start


def test_a_move_overtaken_by_another_move_confirms_only_the_last(clinic):
    appointment = book(clinic)
    outbox_dispatch(now=NOW)
    mail.outbox.clear()
    for hours in (2, 4):
        appointment = appointment_reschedule(
            appointment=appointment, start=TOMORROW_10 + timedelta(hours=hours), by=clinic.patient.user, now=NOW
        )

    outbox_dispatch(now=NOW)

    [message] = confirmations()
    assert message.subject.endswith("at 14:00")
    statuses = Notification.objects.filter(kind=MessageKind.MOVED).values_list("status", flat=True)
    assert sorted(statuses) == ["dropped", "sent"]
