"""The waiting list end to end in the browser: patient B waits, patient A cancels, B follows the
offer's link and books. axe-core checks the waiting list's pages (the patient's and reception's)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.roles import Role, user_set_roles
from tests.bookings.conftest import make_patient
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import UserFactory
from tests.two_factor import authenticator_for
from waitlist.models import WaitlistSettings

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_patient_b_waits_patient_a_cancels_and_b_books_from_the_link(
    page: Page, booking_clinic, confirmations_sent_inline, page_problems
):
    location = booking_clinic.location
    # The live server runs on the real clock: no quiet hours, so the test passes at any hour.
    WaitlistSettings.objects.create(location=location, quiet_start=time(0), quiet_end=time(0))
    area = booking_clinic.treatment.areas.get(slug="face")
    local_today = datetime.now(location.zone).date()
    start = datetime.combine(local_today + timedelta(days=3), time(10), tzinfo=location.zone)
    patient_a, patient_b = make_patient(), make_patient()
    appointment_book(
        patient=patient_a,
        treatment=booking_clinic.treatment,
        area=area,
        location=location,
        start=start,
        by=patient_a.user,
        practitioner=booking_clinic.practitioner,
        now=datetime.now(location.zone),
    )
    audit = AxeAudit(page)

    # Patient B joins the waiting list from My appointments.
    sign_in(page, patient_b.user.email)
    page.get_by_role("link", name="My appointments").click()
    page.get_by_role("link", name="My waiting list").click()
    expect(page.get_by_role("heading", level=1, name="My waiting list")).to_be_visible()
    audit.check("my waiting list")
    page.get_by_label("Treatment").select_option(label="Skin rejuvenation: Face")
    page.get_by_label("Where").select_option(label="Marylebone")
    page.get_by_label("Until").fill(str(local_today + timedelta(days=14)))
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are on the waiting list.")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Skin rejuvenation: face")).to_be_visible()

    # Reception sees B waiting.
    page.context.clear_cookies()
    reception = UserFactory()
    user_set_roles(user=reception, roles=[Role.RECEPTION])
    location.staff.add(reception)
    sign_in(page, reception.email, authenticator_for(reception))
    page.goto(f"/staff/waitlist/{location.slug}/")
    expect(page.get_by_role("row", name=re.compile(patient_b.last_name))).to_be_visible()
    audit.check("reception's waiting list")

    # Patient A cancels: the slot is offered to B at once, by email (and text).
    page.context.clear_cookies()
    sign_in(page, patient_a.user.email)
    page.get_by_role("link", name="My appointments").click()
    page.get_by_role("link", name=re.compile(r"^Cancel the ")).click()
    page.get_by_role("button", name="Yes, cancel it").click()
    offers = [m for m in confirmations_sent_inline if m.subject.startswith("A time has come free")]
    assert [m.to for m in offers] == [[patient_b.email]]
    link = re.search(r"https?://\S+(/waitlist/offers/\S+/)", offers[0].body).group(1)

    # B follows the link, signs in, and books the held time.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.get_by_label("Email address").press_sequentially(patient_b.user.email)
    page.get_by_label("Password").press_sequentially("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="A time has come free")).to_be_visible()
    expect(page.get_by_text(f"{start:%A %-d %B %Y} at 10:00")).to_be_visible()
    audit.check("the offer")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1, name="My appointments")).to_be_visible()
    expect(page.get_by_text("Booked. Your confirmation is on its way.")).to_be_visible()
    booked = Appointment.objects.get(patient=patient_b)
    assert (booked.start, booked.status) == (start, Appointment.Status.BOOKED)

    assert not page_problems, page_problems
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
