"""Billing's part of a patient's export and erasure (privacy/ composes the parts).

Invoices and credit notes are kept through erasure, unchanged: the clinic must retain its VAT
records (six years in the UK) and an issued invoice names its customer. What may go goes: the
references reception typed against payments are blanked. The patient row they point at is
anonymised by clinic's part.
"""

from __future__ import annotations

from typing import Any

from billing.models import Deposit, Invoice, Payment
from clinic.models import Patient


def patient_export_part(patient: Patient) -> dict[str, Any]:
    invoices = Invoice.objects.filter(patient=patient).prefetch_related("lines").select_related("location", "credits")
    return {
        "invoices": [
            {
                "id": i.pk,
                "number": i.display_number,
                "kind": i.kind,
                "credits": i.credits.display_number if i.credits else None,
                "location": i.location.slug,
                "appointment": i.appointment_id,
                "issued_at": i.issued_at.isoformat(),
                "currency": i.currency,
                "net": str(i.net),
                "vat": str(i.vat),
                "gross": str(i.gross),
                "lines": [
                    {
                        "description": line.description,
                        "quantity": line.quantity,
                        "gross": str(line.gross),
                        "vat_rate": str(line.vat_rate),
                        "vat": str(line.vat),
                    }
                    for line in i.lines.all()
                ],
            }
            for i in invoices.order_by("issued_at", "pk")
        ],
        "payments": [
            {
                "id": p.pk,
                "appointment": p.appointment_id,
                "kind": p.kind,
                "method": p.method,
                "amount": str(p.amount),
                "currency": p.currency,
                "taken_at": p.taken_at.isoformat(),
                "reference": p.reference,
            }
            for p in Payment.objects.filter(patient=patient).order_by("taken_at", "pk")
        ],
        "deposits": [
            {"appointment": d.appointment_id, "amount": str(d.amount), "currency": d.currency, "status": d.status}
            for d in Deposit.objects.filter(appointment__patient=patient).order_by("created_at", "pk")
        ],
    }


def patient_erase_part(patient: Patient) -> int:
    return Payment.objects.filter(patient=patient).exclude(reference="").update(reference="")
