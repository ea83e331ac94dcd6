"""What billing adds to a booking's statements (the budget is tests/bookings/test_booking_statements.py):
nothing for a treatment without a deposit, one INSERT for one with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Deposit
from billing.selectors import tariff
from bookings.appointments.services import appointment_book
from bookings.models import BookingRules, MessageSettings
from tests.billing.conftest import NOW, make_patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def first_booking_statements(clinic) -> list[str]:
    BookingRules.current()
    MessageSettings.current()
    tariff()
    patient = make_patient(phone="07700900123")
    with CaptureQueriesContext(connection) as captured:
        appointment_book(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=(NOW + timedelta(days=8)).replace(hour=10),
            by=patient.user,
            now=NOW,
        )
    return [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]


def test_a_first_booking_with_a_deposit_costs_one_statement_more(deposit_rule):
    sql = first_booking_statements(deposit_rule)
    billing = [s for s in sql if "billing_" in s]
    assert len(billing) == 1 and billing[0].startswith('INSERT INTO "billing_deposit"')
    assert len(sql) <= 16, "\n".join(sql)
    assert Deposit.objects.count() == 1


def test_a_first_booking_without_a_deposit_costs_billing_nothing(priced):
    assert [s for s in first_booking_statements(priced) if "billing_" in s] == []
