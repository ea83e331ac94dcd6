"""An invoice as PDF (WeasyPrint), from the same template body as the printable page."""

from __future__ import annotations

from django.template.loader import render_to_string

from billing.models import ClinicDetails, Invoice, Payment
from billing.selectors import invoice_payments


def receipt_pdf(payment: Payment, details: ClinicDetails | None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("billing/receipt_pdf.html", {"payment": payment, "details": details})
    return HTML(string=html).write_pdf()


def invoice_pdf(invoice: Invoice) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which only this needs

    html = render_to_string("billing/invoice_pdf.html", {"invoice": invoice, "payments": invoice_payments(invoice)})
    # No base_url: the document names no file or address, so nothing is fetched while rendering.
    return HTML(string=html).write_pdf()
