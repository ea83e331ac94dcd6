"""An invoice or credit note: the printable page and the PDF (the patient's own; reception's and
managers' at their locations; everyone else a 404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from billing.access import get_invoice_for
from billing.pdf import invoice_pdf
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
