"""axe-core on the staff pages: diary, week, worklist, practitioner's day, session record, patient
record, hours, recalls, reviews and the two-factor enrolment. A failure lists each serious or
critical violation per page (see AxeAudit)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, HolidayOpening
from clinic.models import Patient
from clinic.roles import Role, user_set_roles
from reports.web.manager.views import REPORTS
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def manager(booking_clinic):
    user = UserFactory(first_name="Max", password=PASSWORD)
    user_set_roles(user=user, roles=[Role.MANAGER])
    booking_clinic.location.staff.add(user)
    return user


def staff_world(clinic, manager) -> dict[str, str]:
    """A patient with a booked and a completed session; every staff page's address, by name."""
    zone = clinic.location.zone
    patient = Patient.objects.create(
        first_name="Priya",
        last_name="Phonebook",
        date_of_birth=date(1979, 3, 4),
        phone="07700 900321",
        email="priya@example.org",
    )
    tomorrow = (datetime.now(zone) + timedelta(days=1)).date()
    yesterday = tomorrow - timedelta(days=2)
    HolidayOpening.objects.get_or_create(location=clinic.location, day=yesterday)  # tomorrow: conftest's
    appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.treatment.areas.first(),
        location=clinic.location,
        practitioner=clinic.practitioner,
        by=manager,
        start=datetime.combine(tomorrow, time(10), tzinfo=zone),
    )
    start = datetime.combine(yesterday, time(10), tzinfo=zone)
    done = Appointment.objects.create(
        patient=patient,
        practitioner=clinic.practitioner,
        room=clinic.rooms[0],
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.treatment.areas.first(),
        status=Appointment.Status.COMPLETED,
        start=start,
        end=start + timedelta(minutes=30),
    )
    booked = Appointment.objects.get(patient=patient, status=Appointment.Status.BOOKED)
    slug, pk = clinic.location.slug, clinic.practitioner.pk
    return {
        "staff home": "/staff/",
        "day view": f"/staff/diary/{slug}/?date={tomorrow.isoformat()}",
        "day view by room": f"/staff/diary/{slug}/?date={tomorrow.isoformat()}&view=rooms",
        "appointment panel (not cleared)": f"/staff/diary/appointments/{booked.pk}/",
        "booking form": f"/staff/diary/{slug}/book/?practitioner={pk}&date={tomorrow.isoformat()}&time=11:00",
        "move form": f"/staff/diary/appointments/{booked.pk}/move/",
        "week view": f"/staff/diary/{slug}/practitioners/{pk}/week/?date={tomorrow.isoformat()}",
        "printable day list": f"/staff/diary/{slug}/print/?date={tomorrow.isoformat()}",
        "worklist": "/staff/worklist/",
        "practitioner's day": f"/practitioner/day/?practitioner={pk}&date={yesterday.isoformat()}",
        "session record form": f"/practitioner/appointments/{done.pk}/session-record/edit/",
        "patient directory": "/staff/patients/",
        "patient record": f"/staff/patients/{patient.pk}/",
        "contact details": f"/staff/patients/{patient.pk}/contact/",
        "data export": f"/staff/patients/{patient.pk}/export/",
        "audit trail": "/staff/audit/",
        "hours list": "/staff/hours/",
        "a practitioner's hours": f"/staff/hours/{pk}/",
        "hours editing": f"/staff/hours/{pk}/at/{slug}/",
        "maintenance recalls": "/staff/recalls/",
        "intake review queue": "/practitioner/reviews/",
        "reports": "/staff/reports/",
        **{f"{slug} report": f"/staff/reports/{slug}/" for slug in REPORTS},
        "attendance report, bad dates": "/staff/reports/attendance/?range=custom&date_from=2027-02-30",
    }


def test_the_staff_pages_pass_axe(page: Page, booking_clinic, manager, confirmations_sent_inline):
    pages = staff_world(booking_clinic, manager)
    audit = AxeAudit(page)

    # A new staff member's first sign-in: the authenticator enrolment page.
    newcomer = UserFactory(password=PASSWORD)
    user_set_roles(user=newcomer, roles=[Role.RECEPTION])
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(newcomer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    audit.check("two-factor enrolment")
    page.context.clear_cookies()

    sign_in(page, manager.email, authenticator_for(manager))
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path} answered {response}"
        audit.check(name)

    everything = audit.report()
    if everything:
        print("\naxe-core findings on the staff pages:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking


def test_every_staff_page_fits_a_phone_390_pixels_wide(page: Page, booking_clinic, manager, confirmations_sent_inline):
    """Nothing scrolls sideways: tables stack into cards, long words wrap (static/css/clinic.css)."""
    pages = staff_world(booking_clinic, manager)
    sign_in(page, manager.email, authenticator_for(manager))
    page.set_viewport_size({"width": 390, "height": 844})  # after signing in: the menu folds away
    too_wide = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path} answered {response}"
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
    assert too_wide == {}, f"pages wider than the phone: {too_wide}"
