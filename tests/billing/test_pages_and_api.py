"""Prices and the deposit where a patient looks (treatment page, booking review, confirmation),
the treatments API's prices, the invoices API, and billing's part of export and erasure."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Invoice, Payment, Price
from billing.services.payments import payment_take
from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from privacy.services import patient_erase, patient_export
from tests.billing.conftest import NOW, make_patient
from tests.bookings.test_booking_flow import hold
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("frozen_now")

START = (NOW + timedelta(days=1)).replace(hour=10)


def test_the_treatment_page_shows_each_areas_price_and_a_locations_own(priced, standard, client):
    other = LocationFactory(name="Richmond")
    Price.objects.create(
        treatment=priced.treatment, area=priced.area, location=other, amount=Decimal("135.00"), vat_rate=standard
    )
    html = client.get(f"/treatments/{priced.treatment.slug}/").content.decode()
    assert "Prices" in html and "£120.00" in html and "£135.00 at Richmond" in html


def test_the_treatment_page_says_nothing_of_money_when_nothing_is_priced(clinic, client):
    assert 'id="prices-heading"' not in client.get(f"/treatments/{clinic.treatment.slug}/").content.decode()


def test_the_review_page_and_the_confirmation_show_the_deposit_and_the_policy(deposit_rule, client):
    client.force_login(deposit_rule.patient.user)
    hold(client, deposit_rule)
    review = client.get("/booking/review/").content.decode()
    assert "£120.00, VAT included" in review and "£30.00, paid at the clinic" in review
    assert "If you cancel at least 24 hours before your appointment, your deposit is refunded" in review
    done = client.post("/booking/review/", {"accept_policy": "on"})
    confirmed = client.get(done["Location"]).content.decode()
    assert "A deposit of <strong>£30.00</strong> is due" in confirmed and "keeps the deposit" in confirmed


def test_the_treatments_api_gives_prices_per_area(priced, standard, client):
    other = LocationFactory(slug="richmond")
    Price.objects.create(
        treatment=priced.treatment, area=priced.area, location=other, amount=Decimal("135.00"), vat_rate=standard
    )
    treatments = client.get("/api/treatments/").json()
    area = next(
        a for t in treatments if t["slug"] == priced.treatment.slug for a in t["areas"] if a["slug"] == priced.area.slug
    )
    assert area["price"] == {"amount": "120.00", "currency": "GBP", "vat_rate": "0.2000"}
    assert area["location_prices"] == [
        {"amount": "135.00", "currency": "GBP", "vat_rate": "0.2000", "location": "richmond"}
    ]
    unpriced = next(a for t in treatments for a in t["areas"] if a["slug"] != priced.area.slug)
    assert unpriced["price"] is None and unpriced["location_prices"] == []


def completed_invoice(clinic, reception) -> Invoice:
    from billing.services.invoices import invoice_for_session
    from tests.bookings.practice import appointment_at

    appointment = appointment_at(clinic, status=Appointment.Status.COMPLETED, cleared=True)
    return invoice_for_session(appointment=appointment, by=reception, now=timezone.now())


def test_the_invoices_api_gives_a_patient_their_own_only(priced, reception, client):
    invoice = completed_invoice(priced, reception)
    client.force_login(priced.patient.user)
    listed = client.get("/api/invoices/").json()
    assert [i["number"] for i in listed] == ["MAR-000001"]
    detail = client.get(f"/api/invoices/{invoice.pk}/").json()
    assert (detail["gross"], detail["vat"], detail["seller"]["vat_number"]) == ("120.00", "20.00", "GB123456789")
    assert detail["lines"][0]["vat_rate"] == "0.2000" and detail["payments"] == []
    client.force_login(make_patient().user)
    assert client.get("/api/invoices/").json() == []
    assert client.get(f"/api/invoices/{invoice.pk}/").status_code == 404


def test_the_export_includes_invoices_and_erasure_keeps_them_but_blanks_references(priced, reception):
    invoice = completed_invoice(priced, reception)
    payment_take(
        appointment=invoice.appointment,
        amount=Decimal("120.00"),
        method="bank_transfer",
        by=reception,
        now=timezone.now(),
        reference="Ref J SMITH 0042",
    )
    manager = UserFactory()
    from clinic.roles import Role, user_set_roles

    user_set_roles(user=manager, roles=[Role.MANAGER])
    data = patient_export(patient=priced.patient, by=manager)
    assert [i["number"] for i in data["invoices"]] == ["MAR-000001"]
    assert data["payments"][0]["reference"] == "Ref J SMITH 0042"
    patient_erase(patient=priced.patient, by=manager, now=timezone.now())
    kept = Invoice.objects.get(pk=invoice.pk)
    assert kept.gross == Decimal("120.00") and kept.buyer_name == invoice.buyer_name  # legal retention
    assert Payment.objects.get().reference == ""


def test_a_staff_booking_answer_has_no_deposit(priced, reception, client):
    appointment = appointment_book(
        patient=priced.patient,
        treatment=priced.treatment,
        area=priced.area,
        location=priced.location,
        start=START + timedelta(days=1),
        by=reception,
        now=NOW,
    )
    client.force_login(priced.patient.user)
    assert client.get(f"/api/appointments/{appointment.pk}/").json()["deposit"] is None


def test_the_first_booking_step_shows_each_areas_price(priced, client):
    html = client.get(f"/book/{priced.treatment.slug}/").content.decode()
    assert "Price per session, VAT included: face £120.00." in html
