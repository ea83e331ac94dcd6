"""Invoices: issued when a session is completed, numbered per location without gaps, with the
clinic's details and the VAT breakdown, a printable page and a PDF, never changed after issue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.domain import money
from billing.models import Invoice, InvoiceLine
from billing.services.invoices import credit_note_issue, invoice_issue
from bookings.appointments.services import appointment_set_status
from bookings.models import Appointment
from clinic.models import AuditEvent
from tests.bookings.practice import appointment_at
from tests.factories import LocationFactory

pytestmark = pytest.mark.usefixtures("frozen_now")


def complete(clinic, by, **kwargs):
    appointment = appointment_at(clinic, status=Appointment.Status.ARRIVED, cleared=True, **kwargs)
    return appointment_set_status(appointment=appointment, status="completed", by=by)


def test_it_issues_the_sessions_invoice_when_it_is_completed(priced, reception):
    appointment = complete(priced, reception)
    invoice = Invoice.objects.get(appointment=appointment)
    assert (invoice.number, invoice.display_number, invoice.kind) == (1, "MAR-000001", "invoice")
    assert (invoice.net, invoice.vat, invoice.gross, invoice.currency) == (
        Decimal("100.00"),
        Decimal("20.00"),
        Decimal("120.00"),
        "GBP",
    )
    assert (invoice.seller_name, invoice.seller_vat_number) == ("Meso Clinic Ltd", "GB123456789")
    assert invoice.buyer_name == priced.patient.full_name
    line = invoice.lines.get()
    assert (line.vat_rate, line.net, line.vat) == (Decimal("0.2000"), Decimal("100.00"), Decimal("20.00"))
    assert AuditEvent.objects.filter(action="invoice.issue", object_id=str(invoice.pk)).exists()


def test_it_issues_no_invoice_for_a_treatment_without_a_price(clinic, reception):
    complete(clinic, reception)
    assert not Invoice.objects.exists()


def test_it_numbers_each_location_on_its_own(priced, reception, standard):
    other = LocationFactory()
    line = [money.Line("Consultation", 1, Decimal("50.00"), Decimal("0.20"))]
    numbers = [
        invoice_issue(
            location=loc, patient=priced.patient, lines=line, currency="GBP", by=reception, now=priced_now()
        ).number
        for loc in (priced.location, other, priced.location, other, priced.location)
    ]
    assert numbers == [1, 1, 2, 2, 3]


def priced_now():
    from django.utils import timezone

    return timezone.now()


def test_it_gives_a_rolled_back_issue_its_number_back(priced, reception):
    line = [money.Line("Consultation", 1, Decimal("50.00"), Decimal("0.20"))]
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(
            location=priced.location, patient=priced.patient, lines=line, currency="GBP", by=reception, now=priced_now()
        )
        raise RuntimeError("the visit's transaction fails after the invoice")
    again = invoice_issue(
        location=priced.location, patient=priced.patient, lines=line, currency="GBP", by=reception, now=priced_now()
    )
    assert again.number == 1


def test_it_credits_an_invoice_with_the_next_number(priced, reception):
    invoice = Invoice.objects.get(appointment=complete(priced, reception))
    note = credit_note_issue(invoice=invoice, by=reception, now=priced_now(), reason="Charged twice")
    assert (note.kind, note.number, note.credits, note.gross) == ("credit_note", 2, invoice, Decimal("120.00"))


@pytest.mark.postgres
def test_it_refuses_to_change_or_delete_an_issued_invoice_in_the_database(priced, reception):
    invoice = Invoice.objects.get(appointment=complete(priced, reception))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(gross=Decimal("1.00"), net=Decimal("1.00"), vat=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(description="Something else")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).delete()
    assert Invoice.objects.get(pk=invoice.pk).gross == Decimal("120.00")


def test_the_patient_sees_a_printable_page_and_a_pdf_of_their_invoice(priced, reception, client):
    invoice = Invoice.objects.get(appointment=complete(priced, reception))
    client.force_login(priced.patient.user)
    page = client.get(f"/invoices/{invoice.pk}/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    for words in ("Invoice MAR-000001", "Meso Clinic Ltd", "GB123456789", "£100.00", "£20.00", "£120.00", "20 %"):
        assert words in text
    pdf = client.get(f"/invoices/{invoice.pk}/invoice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 1000
    listing = client.get("/me/invoices/").content.decode()
    assert "MAR-000001" in listing


def test_nobody_else_sees_a_patients_invoice(priced, reception, client):
    from tests.billing.conftest import make_patient

    invoice = Invoice.objects.get(appointment=complete(priced, reception))
    client.force_login(make_patient().user)
    assert client.get(f"/invoices/{invoice.pk}/").status_code == 404
    assert client.get(f"/invoices/{invoice.pk}/invoice.pdf").status_code == 404
    assert "MAR-000001" not in client.get("/me/invoices/").content.decode()


def test_a_completed_session_later_in_the_day_gets_the_next_number(priced, reception):
    first = complete(priced, reception)
    second = complete(priced, reception, start=first.start + timedelta(hours=2))
    assert [i.number for i in Invoice.objects.filter(appointment__in=[first, second]).order_by("number")] == [1, 2]
