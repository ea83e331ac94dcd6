"""Money in the browser: a patient books a treatment that asks for a deposit, to be paid at the
clinic (the default), and reception records that payment on the diary's appointment panel;
axe-core on the pages billing adds (prices, the review's deposit, the confirmation, the till, the
takings, the patient's invoices and an invoice)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from billing.domain.money import Line
from billing.models import ClinicDetails, Deposit, DepositRule, Payment, Price, VatRate
from billing.services.invoices import invoice_issue
from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.roles import Role, user_set_roles
from tests.browser import journey
from tests.browser.journey import NewPatient
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def priced(booking_clinic):
    standard = VatRate.objects.get(name="Standard (20 %)")
    area = booking_clinic.treatment.areas.get(slug="face")
    Price.objects.create(treatment=booking_clinic.treatment, area=area, amount=Decimal("120.00"), vat_rate=standard)
    DepositRule.objects.create(treatment=booking_clinic.treatment, kind="fixed", value=Decimal("30.00"))
    ClinicDetails.objects.create(
        location=booking_clinic.location,
        legal_name="Meso Clinic Ltd",
        address="1 Harley Street, London",
        vat_number="GB123456789",
        invoice_prefix="MAR-",
    )
    return booking_clinic


def finish(audit: AxeAudit, page_problems) -> None:
    everything = audit.report()
    if everything:
        print("\naxe-core findings on billing's pages:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
    assert not page_problems, page_problems


def test_a_patient_books_with_a_deposit_to_pay_at_the_clinic(
    page: Page, priced, confirmations_sent_inline, page_problems
):
    audit = AxeAudit(page)
    journey.open_treatment_page(page)
    prices = page.get_by_role("region", name="Prices")
    expect(prices).to_contain_text("£120.00")
    expect(prices).to_contain_text("deposit of £30.00")
    audit.check("treatment page with prices")
    journey.click_book(page)
    journey.choose_area(page)
    journey.choose_location(page, "Marylebone")
    journey.choose_practitioner(page, "Dr Amara Okafor")
    journey.choose_first_open_day(page)
    journey.choose_last_time(page)
    journey.create_account(page, NewPatient())
    money = page.get_by_role("region", name="Price and deposit")
    expect(money).to_contain_text("£120.00, VAT included")
    expect(money).to_contain_text("£30.00, paid at the clinic")
    expect(money).to_contain_text("the clinic keeps the deposit as a cancellation fee")
    audit.check("review with a deposit")
    journey.confirm_booking(page)
    expect(page.get_by_role("region", name="Your deposit")).to_contain_text("£30.00")
    audit.check("confirmation with a deposit")
    deposit = Deposit.objects.get()
    assert (deposit.amount, deposit.status, deposit.appointment.status) == (Decimal("30.00"), "due", "booked")
    finish(audit, page_problems)


def test_reception_records_a_payment_on_the_appointment_panel(page: Page, priced, page_problems):
    from clinic.models import Patient
    from tests.bookings.conftest import make_patient

    receptionist = UserFactory(email="rita.reception@example.org")
    user_set_roles(user=receptionist, roles=[Role.RECEPTION])
    priced.location.staff.add(receptionist)
    patient: Patient = make_patient(first_name="Olu", last_name="Adeyemi")
    day = (timezone.now().astimezone(priced.location.zone) + timedelta(days=3)).date()
    appointment = appointment_book(
        patient=patient,
        treatment=priced.treatment,
        area=priced.treatment.areas.get(slug="face"),
        location=priced.location,
        start=datetime.combine(day, time(10), tzinfo=priced.location.zone),
        by=patient.user,
    )
    audit = AxeAudit(page)
    sign_in(page, receptionist.email, authenticator_for(receptionist))
    page.goto(f"/staff/diary/marylebone/?date={day.isoformat()}")
    page.get_by_role("link", name="Actions for 10:00 Olu Adeyemi").click()
    till = page.get_by_role("region", name="Payments")
    expect(till).to_contain_text("£30.00: due")
    audit.check("appointment panel with the till")
    till.get_by_label("Amount").fill("10.00")
    till.get_by_label("Method").select_option(label="Cash")
    till.get_by_role("button", name="Take payment").click()
    till = page.get_by_role("region", name="Payments")
    expect(till.locator("[data-owed]")).to_have_text("£20.00")
    till.get_by_label("Method").select_option(label="Card")
    till.get_by_role("button", name="Take payment").click()
    expect(page.get_by_role("region", name="Payments").locator("[data-owed]")).to_have_text("£0.00")
    audit.check("appointment panel page after payments")
    assert sorted(Payment.objects.filter(appointment=appointment).values_list("method", "amount")) == [
        ("card", Decimal("20.00")),
        ("cash", Decimal("10.00")),
    ]
    assert Deposit.objects.get(appointment=appointment).status == "paid"
    page.get_by_role("link", name="The day's takings at Marylebone").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Takings: Marylebone")
    expect(page.locator("[data-method-total]").first).to_have_text("£20.00")  # card first, then cash
    audit.check("takings")
    finish(audit, page_problems)
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_the_patients_invoices_pass_axe(page: Page, priced, page_problems):
    from tests.bookings.conftest import make_patient

    patient = make_patient(first_name="Ines", last_name="Moreau")
    patient.user.email = "ines@example.org"
    patient.user.save()
    invoice = invoice_issue(
        location=priced.location,
        patient=patient,
        lines=[Line("Skin rejuvenation: Face", 1, Decimal("120.00"), Decimal("0.20"))],
        currency="GBP",
        by=None,
        now=timezone.now(),
    )
    audit = AxeAudit(page)
    sign_in(page, "ines@example.org", password=PASSWORD)
    page.goto("/me/appointments/")
    page.get_by_role("link", name="My invoices and receipts").click()
    audit.check("my invoices")
    page.get_by_role("link", name="Invoice MAR-000001").click()
    expect(page.get_by_role("heading", level=1, name="Invoice MAR-000001")).to_be_visible()
    expect(page.locator("[data-gross]")).to_have_text("£120.00")
    audit.check("an invoice")
    payment = Payment.objects.create(
        patient=patient,
        location=priced.location,
        invoice=invoice,
        method="card",
        amount=Decimal("120.00"),
        currency="GBP",
        taken_at=timezone.now(),
    )
    page.goto(f"/receipts/{payment.pk}/")
    expect(page.get_by_role("heading", level=1, name=f"Receipt R-{payment.pk}")).to_be_visible()
    audit.check("a receipt")
    finish(audit, page_problems)
