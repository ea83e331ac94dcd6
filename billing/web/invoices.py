"""An invoice or credit note: the printable page and the PDF (the patient's own; reception's and
managers' at their locations; everyone else a 404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from billing.access import get_invoice_for, get_payment_for
from billing.models import ClinicDetails
from billing.pdf import invoice_pdf, receipt_pdf
from billing.selectors import invoice_payments
from clinic.roles import Role, role_required

READERS = (Role.PATIENT, Role.RECEPTION, Role.MANAGER)


@role_required(*READERS)
def invoice_page(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for(request.user, pk)
    context = {"invoice": invoice, "payments": invoice_payments(invoice)}
    response = render(request, "billing/invoice.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*READERS)
def invoice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for(request.user, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.kind}-{invoice.display_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*READERS)
def receipt_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt for one payment or refund (a deposit taken before any invoice has one too)."""
    payment = get_payment_for(request.user, pk)
    details = ClinicDetails.objects.filter(location=payment.location).first()
    if request.GET.get("format") == "pdf":
        response = HttpResponse(receipt_pdf(payment, details), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{payment.pk}.pdf"'
    else:
        response = render(request, "billing/receipt.html", {"payment": payment, "details": details})
    response["Cache-Control"] = "private, no-store"
    return response
