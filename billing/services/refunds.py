"""Sending online refunds to the provider, exactly once, whatever happens to the task.

A refund of an online payment is a Payment row plus a RefundRequest row written in the same
transaction (online_refund_request). Two callers send it, through `refund_requests_send` only:
the task queued after the commit (within seconds) and the beat's sweep every minute (for a task
the broker or a killed worker lost). Each request is locked while it is sent, with SKIP LOCKED,
so the task and the sweep (or two sweeps) never both ask for it; the provider's answer is
written in that same transaction. A crash between the provider's answer and our commit leaves the
request pending, and the next try sends the same idempotency key, `refund-<payment id>`: Stripe
answers with the refund it already made instead of making a second one. Stripe keeps a key for
24 hours; every retry below falls well inside that.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import stripe
from django.db import transaction

from billing.models import Payment, RefundRequest
from billing.providers import payment_provider
from billing.providers.base import Provider

logger = logging.getLogger(__name__)

Status = RefundRequest.Status

# Wait before try n+1 after n failed tries; the fifth failure is final (about 81 minutes in all).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
MAX_ATTEMPTS = len(BACKOFF) + 1
# One run stops starting new sends after this long, well inside beat's minute and the task's time
# limit; the next run goes on.
SEND_BUDGET_SECONDS = 45.0
# The network or the provider was unavailable, busy or overloaded: the same call may work later.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    stripe.APIConnectionError,
    stripe.RateLimitError,
    ConnectionError,
    TimeoutError,
)


def refund_key(refund: Payment) -> str:
    """The provider's idempotency key: one refund row is one refund at the provider, however
    many times it is asked for."""
    return f"refund-{refund.pk}"


def refund_requests_send(*, now: datetime, refund_id: int | None = None) -> int:
    """Send the due pending requests (only the one for `refund_id` when given); safe to run any
    number of times, concurrently. Returns how many were tried. With online payment off nothing
    is sent: the requests wait, pending, for the keys to come back."""
    provider = payment_provider()
    if not provider.online:
        return 0
    tried = 0
    started = time.monotonic()
    while time.monotonic() - started <= SEND_BUDGET_SECONDS:
        with transaction.atomic():
            request = _claim(now=now, refund_id=refund_id)
            if request is None:
                break
            _send(request, provider=provider, now=now)
        tried += 1
        if refund_id is not None:
            break
    return tried


def _claim(*, now: datetime, refund_id: int | None) -> RefundRequest | None:
    """The next due request nobody else holds, locked until this transaction ends. The lock is
    held across the provider's call on purpose: whoever else looks skips it, and if we die the
    lock goes with our connection and the request is still pending."""
    due = RefundRequest.objects.filter(status=Status.PENDING, next_try_at__lte=now)
    if refund_id is not None:
        due = due.filter(refund_id=refund_id)
    return (
        due.select_related("refund")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("next_try_at", "pk")
        .first()
    )


def _paid_online(refund: Payment) -> Payment | None:
    """The online payment the refund gives back (its PaymentIntent is what the provider refunds)."""
    return (
        Payment.objects.filter(
            appointment_id=refund.appointment_id, kind=Payment.Kind.PAYMENT, method=Payment.Method.ONLINE
        )
        .exclude(provider_ref="")
        .first()
    )


def _send(request: RefundRequest, *, provider: Provider, now: datetime) -> None:
    refund = request.refund
    paid = _paid_online(refund)
    if paid is None:
        logger.error("refund request %s (payment %s): no online payment to refund", request.pk, refund.pk)
        _give_up(request, error="no online payment to refund")
        return
    try:
        provider_ref = provider.refund(
            payment_ref=paid.provider_ref, amount=refund.amount, currency=refund.currency, key=refund_key(refund)
        )
    except Exception as exc:  # noqa: BLE001 - every failure is counted, retried or given up
        _failed(request, exc, now=now)
        return
    request.status, request.sent_at, request.provider_ref = Status.SENT, now, str(provider_ref)[:120]
    request.attempts += 1
    request.last_error = ""
    request.save(update_fields=["status", "sent_at", "provider_ref", "attempts", "last_error"])
    logger.info("refund request %s (payment %s): sent", request.pk, refund.pk)


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    # Stripe's own trouble (5xx) or a conflicting request still in flight (409): try again later.
    status = getattr(exc, "http_status", None) if isinstance(exc, stripe.StripeError) else None
    return isinstance(status, int) and (status >= 500 or status == 409)


def _failed(request: RefundRequest, exc: Exception, *, now: datetime) -> None:
    request.attempts += 1
    error = _describe(exc)
    if not _transient(exc):
        # Refused for good (an invalid request, a wrong key) or a bug: retrying cannot help.
        logger.error("refund request %s (payment %s): refused: %s", request.pk, request.refund_id, error)
        _give_up(request, error=error)
        return
    if request.attempts >= MAX_ATTEMPTS:
        logger.error(
            "refund request %s (payment %s): gave up after %s tries", request.pk, request.refund_id, request.attempts
        )
        _give_up(request, error=error)
        return
    logger.warning(
        "refund request %s (payment %s): try %s failed: %s", request.pk, request.refund_id, request.attempts, error
    )
    request.next_try_at = now + BACKOFF[request.attempts - 1]
    request.last_error = error
    request.save(update_fields=["attempts", "next_try_at", "last_error"])


def _give_up(request: RefundRequest, *, error: str) -> None:
    request.status, request.last_error = Status.DEAD, error[:200]
    request.save(update_fields=["status", "attempts", "last_error"])


def _describe(exc: BaseException) -> str:
    """The class, the provider's error code and HTTP status: never str(exc) (a provider's message
    can quote what was sent)."""
    name = type(exc).__name__
    if isinstance(exc, stripe.StripeError):
        return f"{name}: {exc.code or 'no code'} ({exc.http_status or 'no answer'})"[:200]
    return name[:200]
