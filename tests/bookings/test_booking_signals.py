"""What bookings tells the apps above it: each service sends its signal once, inside its
transaction, with what a receiver needs (the freed slot of a move, the time of a cancel)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest

from bookings import signals
from bookings.appointments.services import appointment_cancel, appointment_reschedule, appointment_set_status
from bookings.models import Appointment
from tests.bookings.conftest import NOW
from tests.bookings.test_booking_services import book, tomorrow

pytestmark = pytest.mark.django_db


@contextmanager
def heard(signal):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signal.connect(receiver, dispatch_uid="test-heard")
    try:
        yield calls
    finally:
        signal.disconnect(dispatch_uid="test-heard")


def test_it_tells_of_a_booking_once(clinic):
    with heard(signals.appointment_booked) as calls:
        appointment = book(clinic, tomorrow(10))
    assert [(c["appointment"].pk, c["by"], c["now"]) for c in calls] == [(appointment.pk, clinic.patient.user, NOW)]


def test_a_cancel_records_when_and_tells_of_it(clinic):
    appointment = book(clinic, tomorrow(10) + timedelta(days=1))
    with heard(signals.appointment_cancelled) as calls:
        appointment_cancel(appointment=appointment, by=clinic.patient.user, now=NOW)
    appointment.refresh_from_db()
    assert appointment.cancelled_at == NOW
    assert [c["appointment"].pk for c in calls] == [appointment.pk]


def test_a_move_names_the_slot_it_freed(clinic):
    appointment = book(clinic, tomorrow(10))
    with heard(signals.appointment_moved) as calls:
        appointment_reschedule(appointment=appointment, start=tomorrow(11), by=clinic.patient.user, now=NOW)
    (call,) = calls
    assert (call["old_start"], call["old_end"]) == (tomorrow(10), tomorrow(10, 30))
    assert call["old_practitioner_id"] == clinic.practitioner.pk and call["old_room_id"] == appointment.room_id
    assert call["appointment"].start == tomorrow(11)


def test_a_status_change_names_the_previous_status(clinic, reception):
    appointment = book(clinic, tomorrow(10))
    with heard(signals.appointment_status_changed) as calls:
        appointment_set_status(appointment=appointment, status="no_show", by=reception, now=tomorrow(11))
    assert [(c["previous"], c["appointment"].status) for c in calls] == [("booked", "no_show")]


def test_a_receiver_that_fails_undoes_the_change(clinic):
    """Receivers run inside the transaction: what they refuse is not half done."""
    appointment = book(clinic, tomorrow(10) + timedelta(days=1))

    def refuse(sender, **kwargs):
        raise RuntimeError("receiver failed")

    signals.appointment_cancelled.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            appointment_cancel(appointment=appointment, by=clinic.patient.user, now=NOW)
    finally:
        signals.appointment_cancelled.disconnect(dispatch_uid="test-refuse")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.cancelled_at is None


def test_migration_0014_dates_old_cancellations_from_the_audit_trail(clinic):
    import importlib

    from django.apps import apps

    from clinic.models import AuditEvent

    backfill = importlib.import_module("bookings.migrations.0014_reports_indexes").from_audit_trail
    appointment = book(clinic, tomorrow(10) + timedelta(days=1))
    appointment_cancel(appointment=appointment, by=clinic.patient.user, now=NOW)
    Appointment.objects.filter(pk=appointment.pk).update(cancelled_at=None)  # as before 0014
    backfill(apps, None)
    appointment.refresh_from_db()
    assert appointment.cancelled_at == AuditEvent.objects.get(action="appointment.cancel").at
    assert appointment.cancelled_at is not None
