"""Online payment through Stripe, with no network: webhooks are payloads signed with stripe's own
signing, the outgoing calls answer from `responses`. Replays change nothing; events out of order
end in the same state; with no keys online payment is simply off."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import responses
import stripe
from django.utils import timezone

from billing.models import Deposit, Payment, ProviderEvent
from bookings.appointments.services import appointment_book, appointment_cancel
from tests.billing.conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen_now")

SECRET = "whsec_test_clinic"
START = (NOW + timedelta(days=3)).replace(hour=10)
INTENT = "pi_3TestIntent"


@pytest.fixture
def online(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_clinic"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def deposit(deposit_rule) -> Deposit:
    appointment = appointment_book(
        patient=deposit_rule.patient,
        treatment=deposit_rule.treatment,
        area=deposit_rule.area,
        location=deposit_rule.location,
        start=START,
        by=deposit_rule.patient.user,
        now=NOW,
    )
    return appointment.deposit


def signed(event: dict, secret: str = SECRET) -> tuple[bytes, str]:
    payload = json.dumps(event)
    stamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{stamp}.{payload}", secret)
    return payload.encode(), f"t={stamp},v1={signature}"


def send(client, event: dict, secret: str = SECRET):
    payload, header = signed(event, secret)
    return client.post(
        "/billing/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def checkout_done(deposit: Deposit, event_id: str = "evt_checkout") -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "object": "checkout.session",
                "id": "cs_test_1",
                "payment_intent": INTENT,
                "amount_total": 3000,
                "currency": "gbp",
                "metadata": {"deposit": str(deposit.pk)},
            }
        },
    }


def refunded(amount_refunded: int, event_id: str) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "object": "charge",
                "id": "ch_1",
                "payment_intent": INTENT,
                "amount_refunded": amount_refunded,
                "currency": "gbp",
            }
        },
    }


def state(deposit: Deposit):
    return (
        Deposit.objects.get(pk=deposit.pk).status,
        sorted(Payment.objects.filter(appointment=deposit.appointment).values_list("kind", "amount")),
    )


def test_it_records_a_checkout_paid_online_once_whatever_the_replays(online, deposit, client):
    assert send(client, checkout_done(deposit)).status_code == 200
    assert send(client, checkout_done(deposit)).status_code == 200  # the provider retried
    assert state(deposit) == ("paid", [("payment", Decimal("30.00"))])
    payment = Payment.objects.get()
    assert (payment.method, payment.provider_ref) == ("online", INTENT)
    assert ProviderEvent.objects.filter(event_id="evt_checkout").count() == 1


def test_it_refuses_an_event_with_a_bad_signature(online, deposit, client):
    assert send(client, checkout_done(deposit), secret="whsec_someone_else").status_code == 400
    payload, _ = signed(checkout_done(deposit))
    unsigned = client.post("/billing/stripe/webhook/", payload, content_type="application/json")
    assert unsigned.status_code == 400
    assert not ProviderEvent.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    "order",
    [
        ["checkout", "refund_1000", "refund_3000"],
        ["refund_3000", "checkout", "refund_1000"],  # a refund before the checkout it refunds
        ["refund_1000", "refund_3000", "checkout", "refund_1000"],
        ["refund_3000", "refund_1000", "checkout"],
    ],
)
def test_events_in_any_order_end_in_the_same_state(online, deposit, client, order):
    events = {
        "checkout": checkout_done(deposit),
        "refund_1000": refunded(1000, "evt_refund_a"),
        "refund_3000": refunded(3000, "evt_refund_b"),
    }
    for name in order:
        assert send(client, events[name]).status_code == 200
    status, rows = state(deposit)
    assert status == "paid"
    assert sum(a for k, a in rows if k == "payment") == Decimal("30.00")
    assert sum(a for k, a in rows if k == "refund") == Decimal("30.00")  # never more than was paid
    assert not ProviderEvent.objects.filter(processed_at=None).exists()


def test_with_no_keys_online_payment_is_off(deposit, client):
    assert send(client, checkout_done(deposit)).status_code == 404
    client.force_login(deposit.appointment.patient.user)
    assert client.get(f"/me/deposits/{deposit.pk}/pay/").status_code == 404
    answer = client.get(f"/api/appointments/{deposit.appointment_id}/").json()
    assert answer["deposit"]["payment_url"] is None


@responses.activate
def test_the_patient_pays_the_deposit_on_stripes_checkout(online, deposit, client):
    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        json={"id": "cs_test_1", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_1"},
    )
    client.force_login(deposit.appointment.patient.user)
    answer = client.get(f"/api/appointments/{deposit.appointment_id}/").json()
    assert answer["deposit"]["payment_url"].endswith(f"/me/deposits/{deposit.pk}/pay/")
    assert "Pay the deposit now" in client.get(f"/booking/confirmed/{deposit.appointment_id}/").content.decode()
    going = client.get(f"/me/deposits/{deposit.pk}/pay/")
    assert going.status_code == 303 and going["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    [call] = responses.calls
    body = call.request.body
    assert f"metadata[deposit]={deposit.pk}" in body and "[unit_amount]=3000" in body
    assert call.request.headers["Idempotency-Key"] == f"deposit-{deposit.pk}-3000"  # the deposit at its amount
    assert deposit.appointment.patient.last_name not in body  # no patient data leaves


@responses.activate
def test_an_early_cancellation_refunds_an_online_deposit_through_stripe(
    online, deposit, client, django_capture_on_commit_callbacks
):
    responses.post("https://api.stripe.com/v1/refunds", json={"id": "re_1", "object": "refund", "amount": 3000})
    send(client, checkout_done(deposit))
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=deposit.appointment, by=deposit.appointment.patient.user, now=timezone.now())
    assert state(deposit) == ("refunded", [("payment", Decimal("30.00")), ("refund", Decimal("30.00"))])
    [call] = responses.calls
    assert "payment_intent=" + INTENT in call.request.body and "amount=3000" in call.request.body
    refund = Payment.objects.get(kind="refund")
    assert call.request.headers["Idempotency-Key"] == f"refund-{refund.pk}"
    # Stripe's own charge.refunded for it then changes nothing.
    send(client, refunded(3000, "evt_refund_ours"))
    assert Payment.objects.filter(kind="refund").count() == 1


def package_checkout_done(course_id: int, amount: int, event_id: str = "evt_package") -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "object": "checkout.session",
                "id": "cs_test_2",
                "payment_intent": "pi_package",
                "amount_total": amount,
                "currency": "gbp",
                "metadata": {"course": str(course_id)},
            }
        },
    }


@responses.activate
def test_a_patient_buys_the_rest_of_their_course_as_a_package_online(online, deposit, client):
    from billing.models import Invoice, Package

    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        json={"id": "cs_test_2", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_2"},
    )
    course = deposit.appointment.course
    client.force_login(deposit.appointment.patient.user)
    offer = client.get("/me/appointments/").content.decode()
    sessions = course.sessions_planned
    price = Decimal("120.00") * sessions * Decimal("0.9")
    assert (
        f"{sessions} sessions for £{price:,.2f}" in offer and f'action="/me/courses/{course.pk}/package/pay/"' in offer
    )
    going = client.post(f"/me/courses/{course.pk}/package/pay/")
    assert going.status_code == 303 and going["Location"] == "https://checkout.stripe.com/c/pay/cs_test_2"
    assert f"metadata[course]={course.pk}" in responses.calls[0].request.body
    amount = int(price * 100)
    assert send(client, package_checkout_done(course.pk, amount)).status_code == 200
    assert send(client, package_checkout_done(course.pk, amount)).status_code == 200  # a replay
    package = Package.objects.get(course=course)
    assert (package.sessions_paid, package.price, package.invoice.appointment) == (sessions, price, deposit.appointment)
    online_payment = Payment.objects.get(provider_ref="pi_package")
    assert (online_payment.amount, online_payment.invoice) == (price, package.invoice)
    assert Invoice.objects.count() == 1
    assert "sessions paid, 0 used" in client.get("/me/appointments/").content.decode()


def test_without_online_payment_the_package_is_bought_at_reception(deposit, client):
    course = deposit.appointment.course
    client.force_login(deposit.appointment.patient.user)
    offer = client.get("/me/appointments/").content.decode()
    assert "Ask at reception at your next visit." in offer and "/package/pay/" not in offer
    assert client.post(f"/me/courses/{course.pk}/package/pay/").status_code == 404
