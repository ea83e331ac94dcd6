"""Deposits and the cancellation policy: asked for online bookings, kept as the fee inside the
cut-off or for a no-show, returned (refund or credit) before it; reception can waive a fee."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from billing.models import BillingSettings, Deposit, Invoice, Payment
from billing.selectors import appointment_account, patient_credit
from billing.services.deposits import deposit_waive
from billing.services.payments import payment_take
from bookings.appointments.services import appointment_book, appointment_cancel, appointment_set_status
from clinic.models import AuditEvent
from tests.billing.conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen_now")

START = (NOW + timedelta(days=3)).replace(hour=10)


def book(clinic, by=None, start=START):
    return appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=by or clinic.patient.user,
        now=NOW,
    )


def pay(appointment, reception, amount="30.00", method="card"):
    return payment_take(
        appointment=appointment, amount=Decimal(amount), method=method, by=reception, now=timezone.now()
    )


def test_an_online_booking_asks_for_the_treatments_deposit(deposit_rule):
    deposit = book(deposit_rule).deposit
    assert (deposit.amount, deposit.currency, deposit.status) == (Decimal("30.00"), "GBP", "due")


def test_a_booking_by_reception_or_of_a_treatment_without_a_rule_asks_for_none(priced, reception):
    assert not Deposit.objects.filter(appointment=book(priced)).exists()
    from billing.models import DepositRule

    DepositRule.objects.create(treatment=priced.treatment, kind="percent", value=Decimal(25))
    later = book(priced, by=reception, start=START + timedelta(days=1))
    assert not Deposit.objects.filter(appointment=later).exists()


def test_paying_the_deposit_at_the_clinic_marks_it_paid(deposit_rule, reception):
    appointment = book(deposit_rule)
    assert appointment_account(appointment).owed == Decimal("30.00")
    pay(appointment, reception)
    assert Deposit.objects.get(appointment=appointment).status == "paid"
    assert appointment_account(appointment).owed == 0


def test_cancelling_before_the_cut_off_refunds_the_deposit_the_way_it_was_paid(deposit_rule, reception):
    appointment = book(deposit_rule)
    pay(appointment, reception, method="cash")
    with time_machine.travel(START - timedelta(hours=24, seconds=1), tick=False):
        appointment_cancel(appointment=appointment, by=deposit_rule.patient.user)
    assert Deposit.objects.get(appointment=appointment).status == "refunded"
    refund = Payment.objects.get(appointment=appointment, kind="refund")
    assert (refund.amount, refund.method) == (Decimal("30.00"), "cash")
    assert not Invoice.objects.filter(appointment=appointment).exists()


def test_cancelling_before_the_cut_off_can_keep_the_deposit_as_credit(deposit_rule, reception):
    BillingSettings.objects.update_or_create(pk=1, defaults={"early_cancel": "credit"})
    appointment = book(deposit_rule)
    pay(appointment, reception)
    appointment_cancel(appointment=appointment, by=reception)  # three days ahead
    assert Deposit.objects.get(appointment=appointment).status == "credited"
    assert patient_credit(deposit_rule.patient) == Decimal("30.00")
    # The credit pays towards the next visit's deposit.
    later = book(deposit_rule, start=START + timedelta(days=1))
    pay(later, reception, method="credit")
    assert patient_credit(deposit_rule.patient) == 0 and Deposit.objects.get(appointment=later).status == "paid"


def test_an_unpaid_deposit_cancelled_in_time_is_simply_released(deposit_rule):
    appointment = book(deposit_rule)
    appointment_cancel(appointment=appointment, by=deposit_rule.patient.user)
    assert Deposit.objects.get(appointment=appointment).status == "released"
    assert not Payment.objects.exists()


def test_cancelling_at_the_cut_off_keeps_the_deposit_as_an_invoiced_fee(deposit_rule, reception):
    appointment = book(deposit_rule)
    pay(appointment, reception)
    with time_machine.travel(START - timedelta(hours=24), tick=False):  # exactly the cut-off
        appointment_cancel(appointment=appointment, by=reception)
    assert Deposit.objects.get(appointment=appointment).status == "kept"
    fee = Invoice.objects.get(appointment=appointment)
    assert (fee.gross, fee.vat) == (Decimal("30.00"), Decimal("5.00"))
    assert "Late cancellation fee" in fee.lines.get().description
    assert appointment_account(appointment).owed == 0  # the deposit paid it


def test_a_no_show_keeps_the_deposit_and_an_unpaid_one_is_owed(deposit_rule, reception):
    appointment = book(deposit_rule)
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        appointment_set_status(appointment=appointment, status="no_show", by=reception)
    assert Deposit.objects.get(appointment=appointment).status == "kept"
    assert "Missed appointment fee" in Invoice.objects.get(appointment=appointment).lines.get().description
    assert appointment_account(appointment).owed == Decimal("30.00")


def test_reception_waives_a_fee_with_a_reason_and_it_is_audited(deposit_rule, reception):
    appointment = book(deposit_rule)
    pay(appointment, reception)
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        appointment_cancel(appointment=appointment, by=reception)
        deposit_waive(appointment=appointment, by=reception, reason="Hospital admission", now=timezone.now())
    deposit = Deposit.objects.get(appointment=appointment)
    assert (deposit.status, deposit.waive_reason) == ("waived", "Hospital admission")
    note = Invoice.objects.get(appointment=appointment, kind="credit_note")
    assert note.gross == Decimal("30.00") and note.credits.kind == "invoice"
    assert Payment.objects.get(appointment=appointment, kind="refund").amount == Decimal("30.00")
    event = AuditEvent.objects.get(action="deposit.waive")
    assert event.details == {"reason": "Hospital admission"} and event.actor == reception


def test_completing_the_session_invoices_it_and_counts_the_deposit_towards_it(deposit_rule, reception):
    appointment = book(deposit_rule)
    pay(appointment, reception)
    with time_machine.travel(START + timedelta(minutes=40), tick=False):
        appointment_set_status(appointment=appointment, status="arrived", by=reception)
        from tests.clearance import make_clear

        make_clear(appointment)
        appointment_set_status(appointment=appointment, status="completed", by=reception)
    assert Deposit.objects.get(appointment=appointment).status == "applied"
    account = appointment_account(appointment)
    assert (account.invoiced, account.paid, account.owed) == (Decimal("120.00"), Decimal("30.00"), Decimal("90.00"))


def test_the_booking_api_names_the_deposit_due(deposit_rule, client):
    client.force_login(deposit_rule.patient.user)
    answer = client.post(
        "/api/appointments/",
        {
            "treatment": deposit_rule.treatment.slug,
            "area": deposit_rule.area.slug,
            "location": deposit_rule.location.slug,
            "start": START.isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["deposit"] == {"amount": "30.00", "currency": "GBP", "status": "due", "payment_url": None}
    listed = client.get("/api/appointments/").json()
    assert listed[0]["deposit"]["status"] == "due"


def test_erasure_cancelling_a_booking_late_returns_the_deposit(deposit_rule, reception):
    from clinic.roles import Role, user_set_roles
    from privacy.services import patient_erase
    from tests.factories import UserFactory

    appointment = book(deposit_rule)
    pay(appointment, reception)
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    with time_machine.travel(START - timedelta(hours=2), tick=False):  # inside the cut-off
        patient_erase(patient=deposit_rule.patient, by=manager, now=timezone.now())
    assert Deposit.objects.get(appointment=appointment).status == "refunded"
    assert not Invoice.objects.filter(appointment=appointment).exists()


def test_the_confirmation_email_names_the_deposit_and_the_policy(deposit_rule):
    from django.core import mail

    from clinic.outbox import outbox_dispatch

    book(deposit_rule)
    outbox_dispatch(now=NOW)
    [message] = [m for m in mail.outbox if "appointment on" in m.subject]
    assert "Deposit: £30.00, due. Please pay it at the clinic" in message.body
    assert "the clinic keeps the deposit as a cancellation fee" in message.body
    [(html, _)] = message.alternatives
    assert "<strong>£30.00</strong>" in html


def test_a_confirmation_without_a_deposit_says_nothing_of_one(priced):
    from django.core import mail

    from clinic.outbox import outbox_dispatch

    book(priced)
    outbox_dispatch(now=NOW)
    [message] = [m for m in mail.outbox if "appointment on" in m.subject]
    assert "Deposit" not in message.body
