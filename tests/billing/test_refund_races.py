"""The after-commit task and the beat's sweep sending one online refund at the same moment, on
PostgreSQL with real threads: Stripe is asked once (the request's row lock, SKIP LOCKED)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import responses
from django.db import connection
from django.utils import timezone

from billing.models import RefundRequest
from billing.services import online as online_service
from billing.services.online import provider_event_apply
from billing.services.payments import payment_refund
from billing.tasks import online_refund_send, sweep_refunds
from bookings.appointments.services import appointment_book
from tests.billing.conftest import NOW
from tests.billing.test_online import checkout_done

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@responses.activate
def test_the_task_and_the_sweep_racing_send_the_refund_once(deposit_rule, settings, monkeypatch):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_clinic", "whsec_test_clinic"
    # Each thread's run is started by hand below, at the same moment.
    monkeypatch.setattr(online_service, "task_after_commit", lambda *args: None)
    appointment = appointment_book(
        patient=deposit_rule.patient,
        treatment=deposit_rule.treatment,
        area=deposit_rule.area,
        location=deposit_rule.location,
        start=(NOW + timedelta(days=3)).replace(hour=10),
        by=deposit_rule.patient.user,
        now=NOW,
    )
    provider_event_apply(event=checkout_done(appointment.deposit), now=timezone.now())
    refund = payment_refund(
        appointment=appointment, amount=Decimal("30.00"), method="online", by=None, now=timezone.now(), reason=""
    )
    one_finished = threading.Event()

    def stripe_answers(request):
        # Stripe answers only once the other sender has finished (or after 2 s): a sender that
        # did not hold the request would be in here too by then, and be counted.
        one_finished.wait(timeout=2)
        return 200, {}, '{"id": "re_1", "object": "refund", "amount": 3000}'

    responses.add_callback(responses.POST, "https://api.stripe.com/v1/refunds", callback=stripe_answers)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(sender) -> None:
        try:
            start.wait()
            sender()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            one_finished.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda: online_refund_send(refund.pk),)),
        threading.Thread(target=run, args=(sweep_refunds,)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Idempotency-Key"] == f"refund-{refund.pk}"
    request = RefundRequest.objects.get(refund=refund)
    assert (request.status, request.provider_ref, request.attempts) == ("sent", "re_1", 1)
