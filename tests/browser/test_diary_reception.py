"""Reception in the browser: sign in, book a phone patient into a free cell of the day view, move
the appointment, and axe-core on the day view and the booking form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Appointment
from clinic.models import Patient
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
def phone_patient(booking_clinic) -> Patient:
    return Patient.objects.create(
        first_name="Priya", last_name="Phonebook", date_of_birth=date(1979, 3, 4), phone="07700 900321"
    )


def a_day_ahead(booking_clinic) -> date:
    # Three days on: well past the notice period, whatever the time the test runs.
    return (timezone.now().astimezone(booking_clinic.location.zone) + timedelta(days=3)).date()


def open_day(page: Page, day: date) -> None:
    page.goto(f"/staff/diary/marylebone/?date={day.isoformat()}")
    expect(page.get_by_role("heading", level=1, name="Diary: Marylebone")).to_be_visible()


def test_reception_books_a_phone_patient_and_moves_the_appointment(
    page: Page, live_server, booking_clinic, receptionist, phone_patient, confirmations_sent_inline, page_problems
):
    zone = booking_clinic.location.zone
    day = a_day_ahead(booking_clinic)
    sign_in(page, receptionist.email, authenticator_for(receptionist))
    open_day(page, day)

    page.get_by_role("link", name="Free: book 14:00, Dr Amara Okafor").click()
    panel = page.locator("#diary-panel")
    expect(panel.get_by_role("heading", name="Book an appointment at Marylebone")).to_be_visible()
    panel.get_by_label("Find by phone").fill("07700900321")
    panel.get_by_role("button", name="Search patients").click()
    panel.get_by_label("Priya Phonebook, born 4 March 1979 (phone ending 321)").check()
    panel.get_by_role("button", name="Book", exact=True).click()

    grid = page.locator("#diary-grid")
    expect(grid.get_by_role("status")).to_contain_text("Booked Priya Phonebook")
    expect(grid.get_by_role("group", name="14:00 to 14:30, Priya Phonebook", exact=False)).to_be_visible()
    appointment = Appointment.objects.get(patient=phone_patient)
    assert appointment.start == datetime.combine(day, time(14), tzinfo=zone)
    assert appointment.created_by == receptionist

    grid.get_by_role("link", name="Actions for 14:00 Priya Phonebook").click()
    expect(panel.get_by_role("heading", name="Priya Phonebook", exact=False)).to_be_visible()
    panel.get_by_role("link", name="Move").click()
    expect(panel.get_by_role("heading", name="Move Priya Phonebook’s appointment")).to_be_visible()
    panel.get_by_role("button", name="15:00 with Dr Amara Okafor").click()

    expect(grid.get_by_role("status")).to_contain_text("Moved Priya Phonebook")
    expect(grid.get_by_role("group", name="15:00 to 15:30, Priya Phonebook", exact=False)).to_be_visible()
    expect(grid.get_by_role("group", name="14:00 to 14:30, Priya Phonebook", exact=False)).to_have_count(0)
    appointment.refresh_from_db()
    assert appointment.start == datetime.combine(day, time(15), tzinfo=zone)
    assert not page_problems, page_problems


def test_the_day_view_and_the_booking_form_pass_axe(
    page: Page, live_server, booking_clinic, receptionist, phone_patient
):
    from bookings.appointments.services import appointment_book

    day = a_day_ahead(booking_clinic)
    area = booking_clinic.treatment.areas.first()
    appointment_book(
        patient=phone_patient,
        treatment=booking_clinic.treatment,
        area=area,
        location=booking_clinic.location,
        start=datetime.combine(day, time(10), tzinfo=booking_clinic.location.zone),
        by=receptionist,
    )
    audit = AxeAudit(page)
    sign_in(page, receptionist.email, authenticator_for(receptionist))
    open_day(page, day)
    expect(page.get_by_role("group", name="10:00", exact=False)).to_be_visible()
    audit.check("day view with an appointment")
    page.get_by_role("link", name="Free: book 11:00, Dr Amara Okafor").click()
    expect(page.get_by_role("heading", name="Book an appointment at Marylebone")).to_be_visible()
    audit.check("booking form in the day view")
    page.get_by_role("button", name="Book", exact=True).click()  # nobody chosen: the form explains
    expect(page.locator("#diary-panel").get_by_text("Find the patient and choose them")).to_be_visible()
    audit.check("booking form with errors")
    page.goto(f"/staff/diary/marylebone/book/?date={day.isoformat()}&time=11:00")
    audit.check("booking form page")
    everything = audit.report()
    if everything:
        print("\naxe-core findings on the diary:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
