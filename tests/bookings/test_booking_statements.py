"""What one booking costs the database (issue 16): the statement and savepoint budget.

Counted in a real transaction (not the test's wrapping one), so the service's own `atomic` is
the BEGIN it is in production, and every SAVEPOINT seen here is one the service made.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.selectors import tariff
from bookings.appointments.errors import SlotUnavailable
from bookings.appointments.services import appointment_book
from bookings.models import Appointment, BookingRules, MessageSettings
from clinic.models import AuditEvent, Notification
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEXT_WEEK_10 = (NOW + timedelta(days=8)).replace(hour=10)  # far enough out for every reminder


def book(clinic, patient, start=NEXT_WEEK_10, **extra):
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        now=NOW,
        **extra,
    )


def statements(captured):
    """The statements inside the transaction (BEGIN and COMMIT are its edges), and the savepoints."""
    sql = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    return sql, [s for s in sql if s.startswith("SAVEPOINT")]


@pytest.fixture(autouse=True)
def settings_rows(db):
    # The clinic's settings rows are made on first use and then come from the cache; so does
    # billing's tariff (prices and deposit rules), which its receiver of appointment_booked reads.
    BookingRules.current()
    MessageSettings.current()
    tariff()


def test_a_first_booking_runs_at_most_15_statements_and_2_savepoints(clinic):
    patient = make_patient(phone="07700900123")
    with CaptureQueriesContext(connection) as captured:
        appointment = book(clinic, patient)
    sql, savepoints = statements(captured)
    assert len(sql) <= 15, "\n".join(sql)
    assert len(savepoints) <= 2, "\n".join(sql)
    # ...and every guarantee is still written: the course, the audit rows, each message once.
    assert appointment.session_number == 1 and appointment.course.intake_id is not None
    assert set(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True)) == {
        "intake.start",
        "course.start",
        "appointment.book",
    }
    kinds = sorted(Notification.objects.filter(patient=patient).values_list("kind", "channel"))
    assert ("appointment.confirmation", "email") in kinds
    assert ("appointment.reminder_48h", "sms") in kinds
    assert len(kinds) == len(set(kinds)) >= 6


def test_a_returning_patients_booking_costs_fewer_statements_than_a_first(clinic, reception):
    patient = make_patient()
    book(clinic, patient)
    with CaptureQueriesContext(connection) as captured:
        appointment_book(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=NEXT_WEEK_10 + timedelta(days=14),
            by=reception,
            now=NOW,
        )
    sql, savepoints = statements(captured)
    assert len(sql) <= 13, "\n".join(sql)
    assert len(savepoints) == 1
    assert Appointment.objects.filter(patient=patient, course__isnull=False).count() == 2


def test_a_refused_booking_costs_no_more_than_a_booking(clinic):
    book(clinic, make_patient(), practitioner=clinic.practitioner)
    with CaptureQueriesContext(connection) as booked:
        book(clinic, make_patient(), start=NEXT_WEEK_10 + timedelta(hours=2), practitioner=clinic.practitioner)
    with CaptureQueriesContext(connection) as refused, pytest.raises(SlotUnavailable) as exc:
        book(clinic, make_patient(), practitioner=clinic.practitioner)
    assert exc.value.alternatives, "a 409 offers other times"
    assert len(refused.captured_queries) <= len(booked.captured_queries)
