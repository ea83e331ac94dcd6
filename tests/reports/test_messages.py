"""Messages per kind due that day, and attendance with and without a reminder."""

from __future__ import annotations

import pytest

from bookings.messages.kinds import MessageKind as K
from bookings.models import Appointment
from clinic.models import Notification
from reports.selectors.messages import messages_report
from tests.reports.conftest import AUTUMN, local, rows_of, scope_of, utc

pytestmark = pytest.mark.django_db
S, N = Appointment.Status, Notification.Status


@pytest.fixture
def sent(diary):
    d = diary
    came = d.appointment(local(AUTUMN, 9))
    missed = d.appointment(local(AUTUMN, 10), status=S.NO_SHOW)
    unreminded = d.appointment(local(AUTUMN, 11))
    lost = d.appointment(local(AUTUMN, 12), status=S.NO_SHOW)
    for appointment in (came, missed):
        d.message(K.REMINDER, utc(2027, 10, 29, 9), status=N.SENT, subject=appointment)
    d.message(K.REMINDER, utc(2027, 10, 29, 12), status=N.DEAD, subject=lost, last_error="SMTPException")
    # Due that day (00:30 BST on the 31st is still the 30th in UTC):
    d.message(K.CONFIRMATION, utc(2027, 10, 30, 23, 30), status=N.SENT, subject=came)
    d.message(K.CONFIRMATION, local(AUTUMN, 8), status=N.SENT, subject=missed)
    d.message(K.AFTERCARE, local(AUTUMN, 13), status=N.SENT, subject=came, last_error="SMTPServerDisconnected")
    d.message(K.AFTERCARE, local(AUTUMN, 14), status=N.DEAD, subject=unreminded, last_error="SMTPException")
    d.message(K.AFTERCARE, local(AUTUMN, 15), status=N.DROPPED, subject=lost)
    d.message(K.PRECARE, local(AUTUMN, 16), status=N.PENDING, subject=lost)
    d.message(K.CONFIRMATION, utc(2027, 11, 1, 0, 30), status=N.SENT, subject=came)  # the next day
    paris = d.appointment(local(AUTUMN, 9, zone=d.paris.zone), practitioner=d.b)
    d.message(K.CONFIRMATION, local(AUTUMN, 9), status=N.SENT, subject=paris)
    return d


def test_it_counts_sent_failed_and_dead_messages_per_kind(sent):
    report = messages_report(scope=scope_of(sent, AUTUMN, chosen=sent.london))
    # due, sent, failed at least once, dead, dropped, waiting
    assert rows_of(report, "by-kind") == [
        ["Aftercare", 3, 1, 2, 1, 1, 0],
        ["Booking confirmation", 2, 2, 0, 0, 0, 0],
        ["Pre-care advice", 1, 0, 0, 0, 0, 1],
    ]
    everywhere = {row[0]: row[1] for row in rows_of(messages_report(scope=scope_of(sent, AUTUMN)), "by-kind")}
    assert everywhere["Booking confirmation"] == 3


def test_it_compares_attendance_with_and_without_a_sent_reminder(sent):
    report = messages_report(scope=scope_of(sent, AUTUMN, chosen=sent.london))
    assert rows_of(report, "reminders") == [
        ["With a reminder sent", 2, 1, 1, 0.5],
        ["Without a reminder", 2, 1, 1, 0.5],
    ]
