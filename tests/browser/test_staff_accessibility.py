"""axe-core on the staff pages: diary, week, worklist, practitioner's day, session record, patient
record, hours, recalls, reviews and the two-factor enrolment. A failure lists each serious or
critical violation per page (see AxeAudit)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.models import Patient
from clinic.roles import Role, user_set_roles
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


def test_the_staff_pages_pass_axe(page: Page, booking_clinic, manager, confirmations_sent_inline):
    clinic = booking_clinic
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
    slug, pk = clinic.location.slug, clinic.practitioner.pk
    pages = {
        "staff home": "/staff/",
        "day view": f"/staff/diary/{slug}/?date={tomorrow.isoformat()}",
        "day view by room": f"/staff/diary/{slug}/?date={tomorrow.isoformat()}&view=rooms",
        "week view": f"/staff/diary/{slug}/practitioners/{pk}/week/?date={tomorrow.isoformat()}",
        "printable day list": f"/staff/diary/{slug}/print/?date={tomorrow.isoformat()}",
        "worklist": "/staff/worklist/",
        "practitioner's day": f"/practitioner/day/?practitioner={pk}&date={yesterday.isoformat()}",
        "session record form": f"/practitioner/appointments/{done.pk}/session-record/edit/",
        "patient record": f"/staff/patients/{patient.pk}/",
        "hours list": "/staff/hours/",
        "a practitioner's hours": f"/staff/hours/{pk}/",
        "hours editing": f"/staff/hours/{pk}/at/{slug}/",
        "maintenance recalls": "/staff/recalls/",
        "intake review queue": "/practitioner/reviews/",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path} answered {response}"
        audit.check(name)

    everything = audit.report()
    if everything:
        print("\naxe-core findings on the staff pages:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
