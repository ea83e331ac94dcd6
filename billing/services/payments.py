"""Taking payments and giving refunds at the clinic: the only writers of Payment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.domain import money
from billing.models import Deposit, Invoice, Payment
from billing.selectors import appointment_account, patient_credit
from bookings.models import Appointment
from clinic.audit import audit_record


def _amount(raw: Decimal, currency: str) -> Decimal:
    try:
        amount = money.quantize(Decimal(raw), currency)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"amount": "Enter an amount, e.g. 45.00."}) from exc
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount above zero."})
    return amount


def payment_take(
    *, appointment: Appointment, amount: Decimal, method: str, by: Any, now: datetime, reference: str = ""
) -> Payment:
    """Record a payment against what the appointment owes (part payments allowed, never more)."""
    # Online payments are recorded from the provider's events (billing/services/online.py) only.
    if method not in Payment.Method.values or method == Payment.Method.ONLINE:
        raise ValidationError({"method": "Choose card, cash, bank transfer or credit."})
    with transaction.atomic():
        # One till at a time per appointment: two payments cannot both fit under what is owed.
        appointment = (
            Appointment.objects.select_for_update(of=("self",)).select_related("patient").get(pk=appointment.pk)
        )
        account = appointment_account(appointment)
        amount = _amount(amount, account.currency)
        if account.owed <= 0:
            raise ValidationError({"amount": "Nothing is owed for this appointment."})
        if amount > account.owed:
            raise ValidationError({"amount": f"At most {account.owed} {account.currency} is owed."})
        if method == Payment.Method.CREDIT and amount > patient_credit(appointment.patient):
            raise ValidationError({"method": "The patient has not that much credit."})
        payment = Payment.objects.create(
            patient=appointment.patient,
            location_id=appointment.location_id,
            appointment=appointment,
            invoice=_open_invoice(account.invoices),
            method=method,
            amount=amount,
            currency=account.currency,
            taken_at=now,
            taken_by=by if getattr(by, "is_authenticated", False) else None,
            reference=reference.strip()[:100],
        )
        deposit = account.deposit
        if deposit is not None and deposit.status == Deposit.Status.DUE and account.paid + amount >= deposit.amount:
            deposit.status = Deposit.Status.PAID
            deposit.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="payment.take",
            obj=payment,
            patient=appointment.patient,
            details={"amount": str(amount), "currency": account.currency, "method": method},
        )
    return payment


def _open_invoice(invoices: list[Invoice]) -> Invoice | None:
    return next((i for i in reversed(invoices) if i.kind == Invoice.Kind.INVOICE), None)


def payment_refund(
    *, appointment: Appointment, amount: Decimal, method: str, by: Any, now: datetime, reason: str
) -> Payment | None:
    """Give back up to what was paid for the appointment and not yet refunded. With method
    "credit" the money stays with the clinic as the patient's credit."""
    payments = list(Payment.objects.filter(appointment=appointment))
    paid = sum((p.amount for p in payments if p.kind == Payment.Kind.PAYMENT), money.ZERO)
    refunded = sum((p.amount for p in payments if p.kind == Payment.Kind.REFUND), money.ZERO)
    amount = money.refundable(paid=paid, refunded=refunded, asked=amount)
    if amount <= 0:
        return None
    # The refund row and its request to the provider (online) commit together or not at all; a
    # caller's transaction (a cancellation) is that transaction, with no savepoint of its own.
    with transaction.atomic(savepoint=False):
        payment = Payment.objects.create(
            patient_id=appointment.patient_id,
            location_id=appointment.location_id,
            appointment=appointment,
            kind=Payment.Kind.REFUND,
            method=method,
            amount=amount,
            currency=payments[0].currency,
            taken_at=now,
            taken_by=by if getattr(by, "is_authenticated", False) else None,
            reference=reason[:100],
        )
        if method == Payment.Method.ONLINE:
            from billing.services.online import online_refund_request

            online_refund_request(refund=payment)
        audit_record(
            actor=by,
            action="payment.refund",
            obj=payment,
            patient=appointment.patient,
            details={"amount": str(amount), "method": method},
        )
    return payment


def refund_method(appointment: Appointment) -> str:
    """A refund goes back the way the money came (the last payment's method)."""
    payments = Payment.objects.filter(appointment=appointment, kind=Payment.Kind.PAYMENT)
    last = payments.order_by("-taken_at", "-pk").first()
    return last.method if last else Payment.Method.CASH
