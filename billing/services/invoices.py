"""Issuing invoices and credit notes: the only writers of Invoice and InvoiceLine.

Issued rows are never updated or deleted (a PostgreSQL trigger refuses it too): a wrong invoice
is answered by a credit note, which takes the next number of the same location's sequence.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from billing.domain import money
from billing.models import ClinicDetails, Invoice, InvoiceCounter, InvoiceLine
from billing.selectors import tariff
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.models import Location, Patient


def _next_number(location: Location) -> int:
    """The location's next number, under a row lock held until the issuing transaction ends: a
    rolled-back issue gives its number back, and concurrent issues queue here."""
    InvoiceCounter.objects.bulk_create([InvoiceCounter(location=location)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(location=location)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def invoice_issue(
    *,
    location: Location,
    patient: Patient,
    lines: list[money.Line],
    currency: str,
    by: Any,
    now: datetime,
    appointment: Appointment | None = None,
    credits: Invoice | None = None,
    reason: str = "",
) -> Invoice:
    if not lines:
        raise ValueError("an invoice has at least one line")
    totals = money.totals(lines, currency)
    with transaction.atomic():
        details = ClinicDetails.objects.filter(location=location).first()
        invoice = Invoice.objects.create(
            location=location,
            number=_next_number(location),
            kind=Invoice.Kind.CREDIT_NOTE if credits else Invoice.Kind.INVOICE,
            credits=credits,
            patient=patient,
            appointment=appointment,
            issued_at=now,
            issued_by=by if getattr(by, "is_authenticated", False) else None,
            currency=currency,
            net=totals.net,
            vat=totals.vat,
            gross=totals.gross,
            seller_name=details.legal_name if details else location.name,
            seller_address=details.address if details else location.address,
            seller_vat_number=details.vat_number if details else "",
            number_prefix=details.invoice_prefix if details else "",
            buyer_name=patient.full_name,
            reason=reason[:300],
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                description=line.description[:200],
                quantity=line.quantity,
                unit_gross=money.quantize(line.unit_gross, currency),
                vat_rate=line.vat_rate,
                net=line.net(currency),
                vat=line.vat(currency),
                gross=line.gross(currency),
            )
            for line in lines
        )
        audit_record(
            actor=by,
            action="invoice.credit_note" if credits else "invoice.issue",
            obj=invoice,
            patient=patient,
            details={"number": invoice.display_number, "gross": str(invoice.gross), "currency": currency},
        )
    return invoice


def invoice_for_session(*, appointment: Appointment, by: Any, now: datetime) -> Invoice | None:
    """The completed session's invoice, at its price; none when the clinic has set no price, and
    the same invoice again if one was issued already."""
    existing = Invoice.objects.filter(appointment=appointment, kind=Invoice.Kind.INVOICE).first()
    if existing is not None:
        return existing
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    if fact is None:
        return None
    session = f" (session {appointment.session_number})" if appointment.session_number else ""
    line = money.Line(
        description=f"{appointment.treatment.name}: {appointment.area.name}{session}",
        quantity=1,
        unit_gross=fact.amount,
        vat_rate=fact.vat_rate,
    )
    return invoice_issue(
        location=appointment.location,
        patient=appointment.patient,
        appointment=appointment,
        lines=[line],
        currency=fact.currency,
        by=by,
        now=now,
    )


def invoice_for_fee(*, appointment: Appointment, amount: Decimal, currency: str, by: Any, now: datetime) -> Invoice:
    """The cancellation or no-show fee (the deposit kept), at the session's VAT rate."""
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    what = "Missed appointment" if appointment.status == Appointment.Status.NO_SHOW else "Late cancellation"
    line = money.Line(
        description=f"{what} fee: {appointment.treatment.name}, {appointment.area.name}",
        quantity=1,
        unit_gross=amount,
        vat_rate=fact.vat_rate if fact else Decimal(0),
    )
    return invoice_issue(
        location=appointment.location,
        patient=appointment.patient,
        appointment=appointment,
        lines=[line],
        currency=currency,
        by=by,
        now=now,
    )


def credit_note_issue(*, invoice: Invoice, by: Any, now: datetime, reason: str) -> Invoice:
    """A credit note for the whole invoice (its lines again, as the amount given back)."""
    lines = [
        money.Line(
            description=f"Credit: {line.description}",
            quantity=line.quantity,
            unit_gross=line.unit_gross,
            vat_rate=line.vat_rate,
        )
        for line in invoice.lines.all()
    ]
    return invoice_issue(
        location=invoice.location,
        patient=invoice.patient,
        appointment=invoice.appointment,
        lines=lines,
        currency=invoice.currency,
        by=by,
        now=now,
        credits=invoice,
        reason=reason,
    )


def credit_note_part_issue(*, invoice: Invoice, amount: Decimal, by: Any, now: datetime, reason: str) -> Invoice:
    """A credit note for part of a one-rate invoice (a package's unused sessions)."""
    rate = invoice.lines.first().vat_rate
    line = money.Line(description=f"Credit: {reason}", quantity=1, unit_gross=amount, vat_rate=rate)
    return invoice_issue(
        location=invoice.location,
        patient=invoice.patient,
        appointment=invoice.appointment,
        lines=[line],
        currency=invoice.currency,
        by=by,
        now=now,
        credits=invoice,
        reason=reason,
    )
