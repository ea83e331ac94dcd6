"""Course packages: sold on the till at the clinic's discount, used by each completed session
instead of its invoice, the balance shown to reception and the patient, and a cancelled package
refunding the unused sessions (used ones at the full price)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.models import Invoice, Package, Payment
from billing.selectors import appointment_account
from billing.services.packages import package_buy, package_cancel
from billing.services.payments import payment_take
from bookings.appointments.services import appointment_book, appointment_set_status
from clinic.models import AuditEvent
from tests.billing.conftest import NOW
from tests.clearance import make_clear

pytestmark = pytest.mark.usefixtures("frozen_now")

START = (NOW + timedelta(days=3)).replace(hour=10)


@pytest.fixture
def first_session(priced, reception):
    return appointment_book(
        patient=priced.patient,
        treatment=priced.treatment,
        area=priced.area,
        location=priced.location,
        start=START,
        by=reception,
        now=NOW,
    )


def complete(appointment, reception):
    with time_machine.travel(appointment.start + timedelta(minutes=40), tick=False):
        appointment_set_status(appointment=appointment, status="arrived", by=reception)
        make_clear(appointment)
        return appointment_set_status(appointment=appointment, status="completed", by=reception)


def test_a_package_is_the_rest_of_the_course_at_the_clinics_discount(first_session, reception):
    sessions = first_session.course.sessions_planned
    package = package_buy(appointment=first_session, by=reception, now=timezone.now())
    full = Decimal("120.00") * sessions
    assert (package.sessions_paid, package.price) == (sessions, full - full / 10)  # 10 % off by default
    invoice = package.invoice
    assert (invoice.appointment, invoice.gross) == (first_session, package.price)
    assert "Course package" in invoice.lines.get().description
    assert appointment_account(first_session).owed == package.price
    assert AuditEvent.objects.filter(action="package.buy").exists()
    with pytest.raises(ValidationError):
        package_buy(appointment=first_session, by=reception, now=timezone.now())


def test_completed_sessions_use_the_package_instead_of_being_invoiced(first_session, reception):
    package = package_buy(appointment=first_session, by=reception, now=timezone.now())
    complete(first_session, reception)
    package.refresh_from_db()
    assert (package.sessions_used, package.sessions_left) == (1, package.sessions_paid - 1)
    assert list(Invoice.objects.values_list("pk", flat=True)) == [package.invoice_id]


def test_a_cancelled_package_refunds_the_unused_sessions_by_the_rule(first_session, reception):
    package = package_buy(appointment=first_session, by=reception, now=timezone.now())
    payment_take(appointment=first_session, amount=package.price, method="card", by=reception, now=timezone.now())
    complete(first_session, reception)
    package_cancel(package=package, by=reception, now=timezone.now())
    expected = package.price - Decimal("120.00")  # the used session at its full price
    note = Invoice.objects.get(kind="credit_note")
    assert (note.gross, note.credits_id) == (expected, package.invoice_id)
    assert Payment.objects.get(kind="refund").amount == expected
    assert Package.objects.get().status == "cancelled"


def test_a_package_cannot_be_sold_on_an_invoiced_session(priced, reception):
    from tests.bookings.practice import appointment_at

    appointment = appointment_at(priced, status="booked", start=START)
    with pytest.raises(ValidationError):  # a consultation-like visit without a course
        package_buy(appointment=appointment, by=reception, now=timezone.now())


def test_reception_sells_and_the_patient_sees_the_balance(first_session, priced, reception, client):
    client.force_login(reception)
    panel = client.get(f"/staff/diary/appointments/{first_session.pk}/").content.decode()
    assert "Sell the course as a package" in panel
    answer = client.post(f"/staff/diary/appointments/{first_session.pk}/package/")
    assert answer.status_code == 302
    package = Package.objects.get()
    panel = client.get(answer["Location"]).content.decode()
    assert f"{package.sessions_paid} sessions paid, 0 used, {package.sessions_paid} left" in panel
    again = client.post(f"/staff/diary/appointments/{first_session.pk}/package/", follow=True)
    assert "already a package" in again.content.decode()
    client.force_login(priced.patient.user)
    mine = client.get("/me/appointments/").content.decode()
    assert f"{package.sessions_paid} sessions paid, 0 used, {package.sessions_paid} left" in mine


def test_a_course_that_ends_by_cancellation_refunds_its_package(first_session, reception):
    from bookings.appointments.services import appointment_cancel

    package = package_buy(appointment=first_session, by=reception, now=timezone.now())
    payment_take(appointment=first_session, amount=package.price, method="cash", by=reception, now=timezone.now())
    appointment_cancel(appointment=first_session, by=reception, reason="Moving abroad")  # its only booked session
    first_session.course.refresh_from_db()
    assert first_session.course.status == "cancelled"
    assert Package.objects.get().status == "cancelled"
    assert Payment.objects.get(kind="refund").amount == package.price  # nothing used: all of it back
    assert Invoice.objects.get(kind="credit_note").gross == package.price
