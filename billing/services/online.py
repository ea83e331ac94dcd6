"""Online payment: a deposit's Checkout, the provider's webhook events, refunds through it.

Exactly once, as the outbox does it: each event is a row under a unique (provider, event id),
written in the transaction that applies it, so a replay (the provider retries until it sees a
2xx) finds the row and changes nothing, and a crash part-way leaves neither. Effects are keyed
too: a payment by its PaymentIntent, the refunds of a PaymentIntent by the charge's cumulative
`amount_refunded`, so events applied in any order end in the same state. A refund event that
arrives before the checkout it refunds waits unprocessed and is applied with that checkout.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import Deposit, Invoice, Package, Payment, ProviderEvent, RefundRequest
from billing.providers.stripe import from_minor
from billing.services.packages import package_buy
from bookings.models import Appointment, Course
from clinic.audit import audit_record
from clinic.jobs import task_after_commit

logger = logging.getLogger(__name__)

CHECKOUT_DONE = "checkout.session.completed"
REFUNDED = "charge.refunded"


def _about(event: dict[str, Any]) -> str:
    obj = event.get("data", {}).get("object", {})
    return str(obj.get("payment_intent") or "")


def provider_event_apply(*, event: dict[str, Any], now: datetime) -> bool:
    """Store and apply one verified event; False when it was seen before (nothing changes)."""
    with transaction.atomic():
        row, created = ProviderEvent.objects.get_or_create(
            provider="stripe",
            event_id=str(event["id"]),
            defaults={"type": str(event.get("type", "")), "about": _about(event), "payload": event, "received_at": now},
        )
        if not created:
            return False
        if row.type == CHECKOUT_DONE:
            _checkout_done(row, now=now)
            for waiting in ProviderEvent.objects.filter(about=row.about, type=REFUNDED, processed_at=None):
                _refunded(waiting, now=now)
        elif row.type == REFUNDED:
            _refunded(row, now=now)
        else:
            row.processed_at = now  # a type the clinic does not act on: seen, nothing to do
            row.save(update_fields=["processed_at"])
    return True


def _checkout_done(row: ProviderEvent, *, now: datetime) -> None:
    obj = row.payload["data"]["object"]
    if "course" in obj.get("metadata", {}):
        _package_paid(row, now=now)
        return
    deposit = Deposit.objects.select_related("appointment").filter(pk=int(obj["metadata"]["deposit"])).first()
    if (
        deposit is not None
        and row.about
        and not Payment.objects.filter(kind="payment", provider_ref=row.about).exists()
    ):
        currency = str(obj.get("currency", deposit.currency)).upper()
        payment = Payment.objects.create(
            patient_id=deposit.appointment.patient_id,
            location_id=deposit.appointment.location_id,
            appointment=deposit.appointment,
            method=Payment.Method.ONLINE,
            amount=from_minor(int(obj["amount_total"]), currency),
            currency=currency,
            taken_at=now,
            provider_ref=row.about,
        )
        if deposit.status == Deposit.Status.DUE:
            deposit.status = Deposit.Status.PAID
            deposit.save(update_fields=["status"])
        audit_record(actor=None, action="payment.online", obj=payment, patient=deposit.appointment.patient)
    row.processed_at = now
    row.save(update_fields=["processed_at"])


def _package_paid(row: ProviderEvent, *, now: datetime) -> None:
    """A course paid upfront online: the package, invoiced on the course's next session, and the
    payment against it. With no session left to carry it the event waits (unprocessed) for staff."""
    obj = row.payload["data"]["object"]
    course = Course.objects.filter(pk=int(obj["metadata"]["course"])).first()
    carrier = (
        course.appointments.filter(status__in=[Appointment.Status.BOOKED, Appointment.Status.ARRIVED])
        .exclude(invoices__kind=Invoice.Kind.INVOICE)
        .select_related("patient", "location", "treatment", "area", "course")
        .order_by("start")
        .first()
        if course is not None
        else None
    )
    if carrier is None or not row.about:
        logger.warning("a paid course package (event %s) has no session to carry it", row.event_id)
        return
    if not Package.objects.filter(course=course).exists():
        package_buy(appointment=carrier, by=None, now=now)
    if not Payment.objects.filter(kind="payment", provider_ref=row.about).exists():
        currency = str(obj.get("currency", "gbp")).upper()
        payment = Payment.objects.create(
            patient_id=carrier.patient_id,
            location_id=carrier.location_id,
            appointment=carrier,
            invoice=Invoice.objects.filter(appointment=carrier, kind=Invoice.Kind.INVOICE).first(),
            method=Payment.Method.ONLINE,
            amount=from_minor(int(obj["amount_total"]), currency),
            currency=currency,
            taken_at=now,
            provider_ref=row.about,
        )
        audit_record(actor=None, action="payment.online", obj=payment, patient=carrier.patient)
    row.processed_at = now
    row.save(update_fields=["processed_at"])


def _refunded(row: ProviderEvent, *, now: datetime) -> None:
    """Bring the refunds recorded for the PaymentIntent up to the charge's `amount_refunded`
    (cumulative: a late or repeated event never refunds twice)."""
    paid = Payment.objects.filter(kind="payment", provider_ref=row.about).first()
    if paid is None:
        return  # the checkout has not arrived yet: applied with it
    obj = row.payload["data"]["object"]
    total = from_minor(int(obj.get("amount_refunded", 0)), paid.currency)
    recorded = _refunded_so_far(paid)
    if total > recorded:
        Payment.objects.create(
            patient_id=paid.patient_id,
            location_id=paid.location_id,
            appointment_id=paid.appointment_id,
            kind=Payment.Kind.REFUND,
            method=Payment.Method.ONLINE,
            amount=min(total, paid.amount) - recorded,
            currency=paid.currency,
            taken_at=now,
            provider_ref=f"{row.about}:{total}",
        )
    row.processed_at = now
    row.save(update_fields=["processed_at"])


def _refunded_so_far(paid: Payment) -> Decimal:
    refunds = Payment.objects.filter(kind="refund", appointment_id=paid.appointment_id, method=Payment.Method.ONLINE)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def online_refund_request(*, refund: Payment) -> None:
    """Ask the provider for an online refund: a pending request written in the refund row's own
    transaction (so it cannot be lost with a task), sent after the commit by a task and, should
    that task be lost, by the beat's sweep (billing/services/refunds.py)."""
    now = timezone.now()
    RefundRequest.objects.create(refund=refund, created_at=now, next_try_at=now)
    task_after_commit("billing.tasks.online_refund_send", refund.pk)
