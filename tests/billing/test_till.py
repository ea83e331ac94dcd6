"""Reception's till on the diary's appointment panel, and a location's day of takings (page and CSV)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Payment
from billing.services.payments import payment_refund
from bookings.appointments.services import appointment_book
from clinic.models import AuditEvent
from tests.billing.conftest import NOW, make_patient

pytestmark = pytest.mark.usefixtures("frozen_now")

START = (NOW + timedelta(days=3)).replace(hour=10)


@pytest.fixture
def booked(deposit_rule):
    return appointment_book(
        patient=deposit_rule.patient,
        treatment=deposit_rule.treatment,
        area=deposit_rule.area,
        location=deposit_rule.location,
        start=START,
        by=deposit_rule.patient.user,
        now=NOW,
    )


def test_the_appointment_panel_shows_reception_what_is_owed(booked, reception, client):
    client.force_login(reception)
    page = client.get(f"/staff/diary/appointments/{booked.pk}/").content.decode()
    assert "data-till" in page and "£30.00: due" in page and 'action="/staff/diary/appointments/' in page


def test_the_practitioner_sees_no_till(booked, deposit_rule, client):
    client.force_login(deposit_rule.practitioner.user)
    page = client.get(f"/staff/diary/appointments/{booked.pk}/").content.decode()
    assert "data-till" not in page


def test_reception_takes_part_payments_until_nothing_is_owed(booked, reception, client):
    client.force_login(reception)
    url = f"/staff/diary/appointments/{booked.pk}/payments/"
    first = client.post(url, {"amount": "10.00", "method": "cash"})
    assert first.status_code == 302 and first["Location"] == f"/staff/diary/appointments/{booked.pk}/"
    assert "£20.00" in client.get(first["Location"]).content.decode()
    client.post(url, {"amount": "20.00", "method": "card", "reference": "terminal 2"})
    assert sorted(Payment.objects.filter(appointment=booked).values_list("method", "amount")) == [
        ("card", Decimal("20.00")),
        ("cash", Decimal("10.00")),
    ]
    assert AuditEvent.objects.filter(action="payment.take").count() == 2
    refused = client.post(url, {"amount": "5.00", "method": "card"})
    assert refused.status_code == 400 and "Nothing is owed" in refused.content.decode()


@pytest.mark.parametrize(
    ("data", "field_words"),
    [
        ({"amount": "31.00", "method": "card"}, "At most 30.00 GBP is owed."),
        ({"amount": "-3", "method": "card"}, "greater than or equal to 0.01"),
        ({"amount": "ten", "method": "card"}, "Enter a number."),
        ({"amount": "5", "method": "cheque"}, "Select a valid choice."),
        ({"amount": "5", "method": "credit"}, "not that much credit"),
    ],
)
def test_a_payment_reception_cannot_take_is_a_form_error_naming_why(booked, reception, client, data, field_words):
    client.force_login(reception)
    answer = client.post(f"/staff/diary/appointments/{booked.pk}/payments/", data)
    assert answer.status_code == 400 and field_words in answer.content.decode()
    assert not Payment.objects.exists()


def test_waiving_needs_a_kept_fee_and_a_reason(booked, reception, client):
    client.force_login(reception)
    answer = client.post(f"/staff/diary/appointments/{booked.pk}/waive/", {"reason": "Kind"})
    assert answer.status_code == 400 and "no kept fee" in answer.content.decode()
    assert client.post(f"/staff/diary/appointments/{booked.pk}/waive/", {"reason": ""}).status_code == 400


def test_reception_elsewhere_cannot_take_a_payment(booked, client):
    from clinic.roles import Role, user_set_roles
    from tests.factories import LocationFactory, UserFactory

    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    client.force_login(elsewhere)
    answer = client.post(f"/staff/diary/appointments/{booked.pk}/payments/", {"amount": "10", "method": "cash"})
    assert answer.status_code == 404 and not Payment.objects.exists()


def test_the_days_takings_add_up_by_method_and_download_formula_safe(booked, deposit_rule, reception, client):
    booked.patient.first_name = "=HYPERLINK(evil)"
    booked.patient.save()
    client.force_login(reception)
    url = f"/staff/diary/appointments/{booked.pk}/payments/"
    client.post(url, {"amount": "10.00", "method": "cash"})
    client.post(url, {"amount": "20.00", "method": "card"})
    payment_refund(
        appointment=booked,
        amount=Decimal("5.00"),
        method="cash",
        by=reception,
        now=timezone.now(),
        reason="Change given wrongly",
    )
    today = timezone.now().date().isoformat()
    page = client.get(f"/staff/takings/{deposit_rule.location.slug}/?date={today}").content.decode()
    assert "£5.00" in page and "£20.00" in page  # cash 10 - 5, card 20
    download = client.get(f"/staff/takings/{deposit_rule.location.slug}/?date={today}&format=csv")
    assert download["Content-Type"].startswith("text/csv") and download["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:5] == ["Time", "Patient", "Kind", "Method", "Amount"]
    assert [r[4] for r in rows[1:]] == ["10.00", "20.00", "-5.00"]
    assert all(r[1].startswith("'=HYPERLINK") for r in rows[1:])
    other_day = client.get(f"/staff/takings/{deposit_rule.location.slug}/?date=2026-11-01").content.decode()
    assert "Nothing taken on this day." in other_day


def test_a_bad_takings_date_is_not_a_server_error(deposit_rule, reception, client):
    client.force_login(reception)
    assert client.get(f"/staff/takings/{deposit_rule.location.slug}/?date=99999-1-1").status_code in (200, 400)


def test_patients_see_their_credit_and_invoices_link_under_my_appointments(deposit_rule, client):
    client.force_login(deposit_rule.patient.user)
    page = client.get("/me/appointments/").content.decode()
    assert 'href="/me/invoices/"' in page
    client.force_login(make_patient().user)
    assert client.get("/me/invoices/").status_code == 200


def test_the_staff_area_links_reception_to_each_locations_takings(deposit_rule, reception, client):
    client.force_login(reception)
    assert f'href="/staff/takings/{deposit_rule.location.slug}/"' in client.get("/staff/").content.decode()
    client.force_login(deposit_rule.practitioner.user)
    assert "/staff/takings/" not in client.get("/staff/").content.decode()


def test_reception_issues_a_receipt_for_each_payment_and_the_patient_sees_it(booked, deposit_rule, reception, client):
    client.force_login(reception)
    client.post(f"/staff/diary/appointments/{booked.pk}/payments/", {"amount": "30.00", "method": "cash"})
    payment = Payment.objects.get()
    panel = client.get(f"/staff/diary/appointments/{booked.pk}/").content.decode()
    assert f'href="/receipts/{payment.pk}/"' in panel
    receipt = client.get(f"/receipts/{payment.pk}/").content.decode()
    assert f"Receipt R-{payment.pk}" in receipt and "£30.00" in receipt and "Meso Clinic Ltd" in receipt
    assert booked.patient.full_name in receipt and "Cash" in receipt
    pdf = client.get(f"/receipts/{payment.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    client.force_login(deposit_rule.patient.user)
    assert client.get(f"/receipts/{payment.pk}/").status_code == 200
    client.force_login(make_patient().user)
    assert client.get(f"/receipts/{payment.pk}/").status_code == 404
    client.force_login(deposit_rule.practitioner.user)
    assert client.get(f"/receipts/{payment.pk}/").status_code == 404


def test_reception_cannot_record_an_online_payment_by_hand(booked, reception, client):
    client.force_login(reception)
    answer = client.post(f"/staff/diary/appointments/{booked.pk}/payments/", {"amount": "30.00", "method": "online"})
    assert answer.status_code == 400 and not Payment.objects.exists()
