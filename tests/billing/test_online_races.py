"""The same webhook event delivered twice at once (the provider retries while the first is still
being applied), on PostgreSQL with real threads: one payment, one event row."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import Payment, ProviderEvent
from billing.services.online import provider_event_apply
from bookings.appointments.services import appointment_book
from tests.billing.conftest import NOW
from tests.billing.test_online import checkout_done

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 6


def test_concurrent_deliveries_of_one_event_apply_it_once(deposit_rule):
    appointment = appointment_book(
        patient=deposit_rule.patient,
        treatment=deposit_rule.treatment,
        area=deposit_rule.area,
        location=deposit_rule.location,
        start=(NOW + timedelta(days=3)).replace(hour=10),
        by=deposit_rule.patient.user,
        now=NOW,
    )
    event = checkout_done(appointment.deposit)
    start = threading.Barrier(THREADS)
    applied: list[bool] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait()
            applied.append(provider_event_apply(event=event, now=timezone.now()))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(applied) == [False] * (THREADS - 1) + [True]
    assert ProviderEvent.objects.count() == 1 and Payment.objects.count() == 1
