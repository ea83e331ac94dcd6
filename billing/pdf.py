"""An invoice as PDF (WeasyPrint), from the same template body as the printable page."""

from __future__ import annotations

from django.template.loader import render_to_string

from billing.models import ClinicDetails, Invoice, Payment
from billing.selectors import invoice_payments


def _weasyprint_html():
    """WeasyPrint's HTML class, imported on first use (it loads pango, which only PDFs need).

    Importing weasyprint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True, after
    which every damaged photo upload in this process would be decoded with grey filling the
    missing half instead of being refused (photos/domain/images.py). Our documents embed no image,
    so Pillow's own default is put back at once."""
    from PIL import ImageFile

    strict = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = strict
    return HTML


def receipt_pdf(payment: Payment, details: ClinicDetails | None) -> bytes:
    document = _weasyprint_html()
    html = render_to_string("billing/receipt_pdf.html", {"payment": payment, "details": details})
    return document(string=html).write_pdf()


def invoice_pdf(invoice: Invoice) -> bytes:
    document = _weasyprint_html()
    html = render_to_string("billing/invoice_pdf.html", {"invoice": invoice, "payments": invoice_payments(invoice)})
    # No base_url: the document names no file or address, so nothing is fetched while rendering.
    return document(string=html).write_pdf()
