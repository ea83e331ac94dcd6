"""Deposits and the cancellation policy, driven by bookings' signals (billing/receivers.py).

Every function here runs inside the booking service's transaction: the deposit, the fee
invoice, the refund commit or roll back with the booking change that caused them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.domain.fees import deposit_amount, fee_for_cancellation
from billing.domain.money import ZERO
from billing.models import BillingSettings, Deposit, Invoice, Payment
from billing.selectors import appointment_account, tariff
from billing.services.invoices import credit_note_issue, invoice_for_fee, invoice_for_session
from billing.services.packages import package_use
from billing.services.payments import payment_refund, refund_method
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.roles import is_staff_member

Status = Deposit.Status


def deposit_open(*, appointment: Appointment, by: Any, now: datetime) -> Deposit | None:
    """A booking the patient makes online asks for the treatment's deposit (reception's bookings
    by phone do not: the clinic decides then and there). No rule, no price: no statement."""
    if by is None or is_staff_member(by):
        return None
    rates = tariff()
    rule = rates.deposits.get(appointment.treatment_id)
    if rule is None:
        return None
    fact = rates.price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    currency = fact.currency if fact else "GBP"
    amount = deposit_amount(kind=rule[0], value=rule[1], price=fact.amount if fact else None, currency=currency)
    if amount <= 0:
        return None
    return Deposit.objects.create(appointment=appointment, amount=amount, currency=currency, created_at=now)


def deposit_settle(
    *, appointment: Appointment, by: Any, now: datetime, no_show: bool = False, in_time: bool = False
) -> Deposit | None:
    """Cancelled or not attended: inside the cut-off (or a no-show) the deposit is kept as the fee
    and invoiced; before it, what was paid goes back as the settings say (refund or credit)."""
    deposit = Deposit.objects.select_for_update().filter(appointment=appointment).first()
    if deposit is None or deposit.status not in (Status.DUE, Status.PAID):
        return deposit
    rules = BillingSettings.current()
    account = appointment_account(appointment)
    decision = fee_for_cancellation(
        start=appointment.start,
        cancelled_at=appointment.cancelled_at or now,
        cut_off_hours=rules.fee_cutoff_hours,
        zone=appointment.location.zone,
        deposit_paid=max(account.paid, ZERO),
        fee=deposit.amount,
        no_show=no_show,
    )
    late = decision.late and not in_time
    returned = max(account.paid, ZERO) if in_time else decision.returned
    if late:
        # The fee is the deposit, paid or not: an unpaid one is then owed at the till.
        invoice_for_fee(appointment=appointment, amount=deposit.amount, currency=deposit.currency, by=by, now=now)
        deposit.status = Status.KEPT
    elif returned > 0:
        credit = rules.early_cancel == BillingSettings.EarlyCancel.CREDIT
        method = Payment.Method.CREDIT if credit else refund_method(appointment)
        payment_refund(
            appointment=appointment,
            amount=returned,
            method=method,
            by=by,
            now=now,
            reason="Deposit returned: cancelled in time",
        )
        deposit.status = Status.CREDITED if credit else Status.REFUNDED
    else:
        deposit.status = Status.RELEASED
    deposit.decided_at = now
    deposit.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=by,
        action="deposit.settle",
        obj=deposit,
        patient=appointment.patient,
        details={"status": deposit.status, "late": late, "cut_off_at": decision.cut_off_at.isoformat()},
    )
    return deposit


def session_complete(*, appointment: Appointment, by: Any, now: datetime) -> Invoice | None:
    """The completed session's invoice (none when a package pays for it); a deposit paid for it
    counts towards it."""
    invoice = (
        None if package_use(appointment=appointment) else invoice_for_session(appointment=appointment, by=by, now=now)
    )
    Deposit.objects.filter(appointment=appointment, status__in=[Status.DUE, Status.PAID]).update(
        status=Status.APPLIED, decided_at=now
    )
    return invoice


def deposit_waive(*, appointment: Appointment, by: Any, reason: str, now: datetime) -> Deposit:
    """Reception waives a kept fee, with a reason (audited): the fee invoice is credited and what
    was paid goes back as the settings say."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the fee is waived."})
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().filter(appointment=appointment).first()
        if deposit is None or deposit.status != Status.KEPT:
            raise ValidationError({"reason": "There is no kept fee to waive for this appointment."})
        fee = Invoice.objects.filter(appointment=appointment, kind=Invoice.Kind.INVOICE).first()
        if fee is not None:
            credit_note_issue(invoice=fee, by=by, now=now, reason=f"Fee waived: {reason}")
        credit = BillingSettings.current().early_cancel == BillingSettings.EarlyCancel.CREDIT
        method = Payment.Method.CREDIT if credit else refund_method(appointment)
        payment_refund(
            appointment=appointment, amount=deposit.amount, method=method, by=by, now=now, reason="Fee waived"
        )
        deposit.status, deposit.waive_reason, deposit.decided_at = Status.WAIVED, reason[:300], now
        deposit.save(update_fields=["status", "waive_reason", "decided_at"])
        audit_record(
            actor=by, action="deposit.waive", obj=deposit, patient=appointment.patient, details={"reason": reason[:300]}
        )
    return deposit
