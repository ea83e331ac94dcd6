"""No treatment without clearance, in the browser: reception tries to complete the session of a
patient whose questionnaire was never sent, is refused with the reasons in words, and emails the
questionnaire from the same panel; axe-core on the panel and on the practitioner's way past it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.models import Notification, Patient
from clinic.roles import Role, user_set_roles
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import UserFactory
from tests.two_factor import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def receptionist(booking_clinic):
    user = UserFactory(email="rita.reception@example.org")
    user_set_roles(user=user, roles=[Role.RECEPTION])
    booking_clinic.location.staff.add(user)
    return user


@pytest.fixture
def in_the_chair(booking_clinic, receptionist) -> Appointment:
    """A phone patient booked (a course, a questionnaire never sent), arrived 20 minutes ago."""
    clinic = booking_clinic
    patient = Patient.objects.create(
        first_name="Priya",
        last_name="Phonebook",
        date_of_birth=date(1979, 3, 4),
        phone="07700 900321",
        email="priya@example.org",
    )
    later = (timezone.now().astimezone(clinic.location.zone) + timedelta(days=3)).date()
    appointment = appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.treatment.areas.get(slug="face"),
        location=clinic.location,
        practitioner=clinic.practitioner,
        start=datetime.combine(later, time(10), tzinfo=clinic.location.zone),
        by=receptionist,
    )
    # The session started a while ago: it could be completed, clinically it must not be.
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=20)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=start, end=start + timedelta(minutes=30), status=Appointment.Status.ARRIVED
    )
    appointment.refresh_from_db()
    return appointment


def test_reception_cannot_complete_an_uncleared_session_and_sees_why(
    page: Page, booking_clinic, receptionist, in_the_chair, confirmations_sent_inline
):
    audit = AxeAudit(page)
    sign_in(page, receptionist.email, authenticator_for(receptionist))
    page.goto(f"/staff/diary/appointments/{in_the_chair.pk}/")
    expect(page.get_by_role("heading", name="Not cleared for treatment", exact=False)).to_be_visible()
    expect(
        page.get_by_text("The health questionnaire for skin rejuvenation (face) has not been sent yet.")
    ).to_be_visible()
    expect(
        page.get_by_text("Consent to skin rejuvenation on the face has not been signed", exact=False)
    ).to_be_visible()
    audit.check("appointment panel, not cleared")

    page.get_by_role("button", name="Mark completed").click()
    alert = page.get_by_role("alert").filter(has_text="cannot be completed or recorded yet")
    expect(alert).to_contain_text("has not been sent yet")
    expect(alert).to_contain_text("A practitioner may proceed only with a recorded clinical reason")
    in_the_chair.refresh_from_db()
    assert in_the_chair.status == Appointment.Status.ARRIVED

    # The way forward, from the same panel.
    page.goto(f"/staff/diary/appointments/{in_the_chair.pk}/")
    page.get_by_role("button", name="Email the questionnaire to the patient").click()
    expect(page.get_by_text("The health questionnaire will be emailed to Priya Phonebook")).to_be_visible()
    assert Notification.objects.filter(kind="course.intake_request", about__startswith="resend:").exists()
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking


def test_from_the_day_view_the_refusal_replaces_the_grid_in_place(
    page: Page, booking_clinic, receptionist, in_the_chair
):
    sign_in(page, receptionist.email, authenticator_for(receptionist))
    day = in_the_chair.start.astimezone(booking_clinic.location.zone).date()
    page.goto(f"/staff/diary/marylebone/?date={day.isoformat()}")
    local = in_the_chair.start.astimezone(booking_clinic.location.zone)
    page.get_by_role("link", name=f"Actions for {local:%H:%M} Priya Phonebook").click()
    panel = page.locator("#diary-panel")
    expect(panel.get_by_text("has not been sent yet")).to_be_visible()
    panel.get_by_role("button", name="Mark completed").click()
    expect(page.locator("#diary-grid")).to_contain_text("cannot be completed or recorded yet")
    in_the_chair.refresh_from_db()
    assert in_the_chair.status == Appointment.Status.ARRIVED


def test_the_practitioner_goes_ahead_with_a_reason_and_the_page_passes_axe(page: Page, booking_clinic, in_the_chair):
    practitioner = booking_clinic.practitioner
    audit = AxeAudit(page)
    sign_in(page, practitioner.user.email, authenticator_for(practitioner.user))
    page.goto(f"/practitioner/appointments/{in_the_chair.pk}/proceed/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Go ahead without full clearance")
    audit.check("going ahead without clearance")
    page.get_by_label("Clinical reason for going ahead").fill("Known patient; paper questionnaire reviewed in clinic")
    page.get_by_role("button", name="Record the reason and go ahead").click()
    expect(page.get_by_text("Your reason is recorded")).to_be_visible()
    in_the_chair.refresh_from_db()
    assert in_the_chair.clearance_override_reason.startswith("Known patient")
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
