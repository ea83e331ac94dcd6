"""A practitioner's first sign-in, as a person does it in Chromium: enrol an authenticator app
from the key on the page, record a completed session, change their hours and add time off."""

from __future__ import annotations

from base64 import b32decode
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from bookings.models import Appointment, SessionRecord, TimeOff, WorkingHours
from clinic.models import Patient
from tests.clearance import make_clear
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def code_for(secret_on_page: str) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    key = b32decode("".join(secret_on_page.split()))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_a_practitioner_enrols_records_a_session_and_sets_their_hours(page: Page, booking_clinic, page_problems):
    practitioner = booking_clinic.practitioner
    practitioner.user.set_password(PASSWORD)
    practitioner.user.save()
    zone = booking_clinic.location.zone
    yesterday = timezone.now().astimezone(zone).date() - timedelta(days=1)
    start = datetime.combine(yesterday, time(10), tzinfo=zone)
    patient = Patient.objects.create(first_name="Priya", last_name="Phonebook", date_of_birth=date(1979, 3, 4))
    done = Appointment.objects.create(
        patient=patient,
        practitioner=practitioner,
        room=booking_clinic.rooms[0],
        location=booking_clinic.location,
        treatment=booking_clinic.treatment,
        area=booking_clinic.treatment.areas.get(slug="face"),
        status=Appointment.Status.COMPLETED,
        start=start,
        end=start + timedelta(minutes=30),
    )
    make_clear(done)  # cleared for treatment: the gate's own journey is test_clinical_gate.py

    # First sign-in: password, then the authenticator app set up from the key on the page.
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(practitioner.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set up two-factor authentication")).to_be_visible()
    page.get_by_label("Code from the app").fill(code_for(page.locator("#two-factor-secret").inner_text()))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="Your backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()

    # Yesterday's completed session gets its record.
    page.goto(f"/practitioner/day/?date={yesterday.isoformat()}")
    page.get_by_role("link", name="Record session").click()
    page.get_by_label("hyaluronic acid").check()
    page.get_by_label("Batch / lot number").fill("LOT-42A")
    page.get_by_label("Expiry date").fill((yesterday + timedelta(days=200)).isoformat())
    page.get_by_label("Volume (ml)").fill("2.5")
    page.get_by_label("Technique notes").fill("Nappage over the cheeks")
    page.get_by_role("button", name="Save the session record").click()
    expect(page.get_by_text("Recorded").first).to_be_visible()
    record = SessionRecord.objects.get(appointment=done)
    assert record.batch_number == "LOT-42A" and record.technique_notes == "Nappage over the cheeks"

    # Monday starts at 10:00 from now on, and a day off is added.
    page.goto("/staff/hours/")
    page.get_by_role("link", name="Change hours").first.click()
    page.get_by_label("Monday start").first.fill("10:00")
    page.get_by_role("button", name="Save hours").click()
    page.wait_for_load_state("networkidle")
    assert WorkingHours.objects.filter(practitioner=practitioner, weekday=0, start=time(10)).exists()
    page.goto("/staff/hours/")
    off_day = yesterday + timedelta(days=10)
    page.get_by_label("Whole days (from the start of the first day to the end of the last)").check()
    page.get_by_label("From (date)").fill(off_day.isoformat())
    page.get_by_label("Until (date)").fill(off_day.isoformat())
    page.get_by_label("Reason (optional)").fill("Conference")
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_role("cell", name="Conference")).to_be_visible()
    off = TimeOff.objects.get(practitioner=practitioner)
    assert off.start == datetime.combine(off_day, time(0), tzinfo=zone) and off.reason == "Conference"
    assert not page_problems, page_problems
