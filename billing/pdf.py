"""An invoice as PDF (WeasyPrint), from the same template body as the printable page."""

from __future__ import annotations

from django.template.loader import render_to_string

from billing.models import Invoice
from billing.selectors import invoice_payments


def invoice_pdf(invoice: Invoice) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which only this needs

    html = render_to_string("billing/invoice_pdf.html", {"invoice": invoice, "payments": invoice_payments(invoice)})
    # No base_url: the document names no file or address, so nothing is fetched while rendering.
    return HTML(string=html).write_pdf()
