"""An online refund reaches Stripe exactly once even when its after-commit task is lost: the
request is a row written with the refund, and the beat's sweep sends what the task did not,
retrying Stripe's passing trouble with backoff and giving up on a refusal. Stripe's side is
answered by `responses`; the clock moves with time-machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.utils import timezone

from billing.models import Payment, RefundRequest
from billing.services import online as online_service
from billing.tasks import online_refund_send, sweep_refunds
from bookings.appointments.services import appointment_cancel
from tests.billing import test_online as stripe_world
from tests.billing.conftest import NOW
from tests.billing.test_online import checkout_done, send

pytestmark = pytest.mark.usefixtures("frozen_now")

# Stripe's keys set, and a booking whose £30 deposit is due: test_online.py's fixtures.
online = stripe_world.online
deposit = stripe_world.deposit

REFUNDS = "https://api.stripe.com/v1/refunds"
REFUNDED = {"id": "re_1", "object": "refund", "amount": 3000}


@pytest.fixture
def lost(monkeypatch):
    """The after-commit task never runs (the broker was down, the worker was killed): what was
    asked of it is only recorded."""
    asked: list[tuple] = []
    monkeypatch.setattr(online_service, "task_after_commit", lambda *args: asked.append(args))
    return asked


def cancel_early(deposit, client) -> Payment:
    """The patient paid the deposit online and cancels in time: it is to go back through Stripe."""
    send(client, checkout_done(deposit))
    appointment_cancel(appointment=deposit.appointment, by=deposit.appointment.patient.user, now=timezone.now())
    return Payment.objects.get(kind="refund", method="online")


def keys() -> list[str]:
    return [call.request.headers["Idempotency-Key"] for call in responses.calls]


@responses.activate
def test_a_refund_whose_task_was_lost_is_sent_by_the_sweep_once(online, deposit, client, lost):
    responses.post(REFUNDS, json=REFUNDED)
    refund = cancel_early(deposit, client)
    assert lost == [("billing.tasks.online_refund_send", refund.pk)]  # asked for, never run
    request = RefundRequest.objects.get(refund=refund)
    assert (request.status, request.attempts, len(responses.calls)) == ("pending", 0, 0)

    assert sweep_refunds() == 1
    request.refresh_from_db()
    assert (request.status, request.provider_ref, request.sent_at, request.attempts) == ("sent", "re_1", NOW, 1)
    assert keys() == [f"refund-{refund.pk}"]
    assert "amount=3000" in responses.calls[0].request.body

    assert sweep_refunds() == 0  # sent: nothing more to send
    assert online_refund_send(refund.pk) == 0  # nor for the task, should it turn up after all
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "trouble",
    [
        {"status": 500, "json": {"error": {"type": "api_error", "message": "Something went wrong"}}},
        {"status": 429, "json": {"error": {"type": "invalid_request_error", "code": "rate_limit"}}},
        {"body": requests.ConnectionError("connection refused")},
    ],
    ids=["stripe-5xx", "rate-limited", "connection-error"],
)
def test_a_transient_error_is_retried_later_with_the_same_key(online, deposit, client, lost, trouble):
    responses.post(REFUNDS, **trouble)
    responses.post(REFUNDS, json=REFUNDED)
    refund = cancel_early(deposit, client)
    sweep_refunds()
    request = RefundRequest.objects.get(refund=refund)
    assert (request.status, request.attempts, request.next_try_at) == ("pending", 1, NOW + timedelta(minutes=1))
    assert request.last_error and "Something" not in request.last_error  # the class and code, not the text

    assert sweep_refunds() == 0  # not before its backoff
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        assert sweep_refunds() == 1
    request.refresh_from_db()
    assert (request.status, request.provider_ref, request.attempts) == ("sent", "re_1", 2)
    assert keys() == [f"refund-{refund.pk}"] * 2  # the second try is the same refund at Stripe


@responses.activate
def test_a_refund_stripe_refuses_is_dead_at_once_and_the_till_says_so(
    online,
    deposit,
    client,
    lost,
    reception,
):
    refused = {"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Charge ch_1 is refunded"}
    responses.post(REFUNDS, status=400, json={"error": refused})
    refund = cancel_early(deposit, client)
    online_refund_send(refund.pk)  # the task ran this time, and Stripe said no
    request = RefundRequest.objects.get(refund=refund)
    assert (request.status, request.attempts) == ("dead", 1)
    assert request.last_error == "InvalidRequestError: charge_already_refunded (400)"
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert sweep_refunds() == 0
    assert len(responses.calls) == 1

    client.force_login(reception)
    panel = client.get(f"/staff/diary/appointments/{deposit.appointment_id}/").content.decode()
    assert "data-refund-not-sent" in panel and "ask the clinic manager" in panel


@responses.activate
def test_after_five_transient_failures_the_request_is_dead(online, deposit, client, lost):
    responses.post(REFUNDS, status=503, json={"error": {"type": "api_error"}})
    refund = cancel_early(deposit, client)
    request = RefundRequest.objects.get(refund=refund)
    for attempt in range(1, 6):
        with time_machine.travel(request.next_try_at, tick=False):
            assert sweep_refunds() == 1
        request.refresh_from_db()
        assert request.attempts == attempt
    assert (request.status, request.last_error) == ("dead", "APIError: no code (503)")
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert sweep_refunds() == 0
    assert keys() == [f"refund-{refund.pk}"] * 5


@responses.activate
def test_with_online_payment_off_nothing_is_sent_and_the_request_waits(
    online,
    deposit,
    client,
    lost,
    settings,
):
    refund = cancel_early(deposit, client)
    settings.STRIPE_SECRET_KEY = ""  # the keys are taken away before it was sent
    assert online_refund_send(refund.pk) == 0 and sweep_refunds() == 0
    assert RefundRequest.objects.get(refund=refund).status == "pending"
    assert len(responses.calls) == 0


def test_the_till_warns_of_a_refund_pending_over_ten_minutes(online, deposit, client, lost, reception):
    cancel_early(deposit, client)
    client.force_login(reception)
    panel = f"/staff/diary/appointments/{deposit.appointment_id}/"
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        assert "data-refund-not-sent" not in client.get(panel).content.decode()  # on its way
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert "data-refund-not-sent" in client.get(panel).content.decode()


def test_a_starting_worker_sweeps_the_refunds(monkeypatch):
    from celery.signals import worker_ready

    from clinic.tasks import dispatch_outbox

    queued: list[str] = []
    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda **_: queued.append("outbox"))
    monkeypatch.setattr(sweep_refunds, "apply_async", lambda **_: queued.append("refunds"))
    worker_ready.send(sender=None)
    assert "refunds" in queued
