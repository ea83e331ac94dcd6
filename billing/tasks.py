"""Billing's Celery tasks: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from billing.models import Payment
from billing.providers import payment_provider


@shared_task(acks_late=True, max_retries=5, retry_backoff=True, autoretry_for=(ConnectionError,))
def online_refund_send(refund_id: int) -> str:
    """Ask the provider for the refund this row records. The idempotency key is the row's id, so
    a second run (a redelivered task) is the same refund, not another."""
    refund = Payment.objects.get(pk=refund_id, kind=Payment.Kind.REFUND, method=Payment.Method.ONLINE)
    paid = (
        Payment.objects.filter(appointment_id=refund.appointment_id, kind="payment", method=Payment.Method.ONLINE)
        .exclude(provider_ref="")
        .first()
    )
    if paid is None:
        return ""
    return payment_provider().refund(
        payment_ref=paid.provider_ref, amount=refund.amount, currency=refund.currency, key=f"refund-{refund.pk}"
    )
