"""A manager opens the reports from the navigation, reads a chart and its table, filters by
location and downloads the CSV; axe-core finds nothing serious on the way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from bookings.models import Appointment
from clinic.models import Patient
from clinic.roles import Role, user_set_roles
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_reads_the_dashboard(page: Page, booking_clinic, page_problems):
    clinic = booking_clinic
    manager = UserFactory(first_name="Max", password=PASSWORD)
    user_set_roles(user=manager, roles=[Role.MANAGER])
    today = datetime.now(clinic.location.zone).date()
    last_week = today - timedelta(days=7)  # all three have happened, whatever the time now
    for n, status in enumerate([Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW, Appointment.Status.BOOKED]):
        start = datetime.combine(last_week, time(10 + n), tzinfo=clinic.location.zone)
        Appointment.objects.create(
            patient=Patient.objects.create(first_name="Pat", last_name=f"Ient {n}", date_of_birth=date(1980, 1, 1)),
            practitioner=clinic.practitioner,
            room=clinic.rooms[0],
            location=clinic.location,
            treatment=clinic.treatment,
            area=clinic.treatment.areas.first(),
            start=start,
            end=start + timedelta(minutes=30),
            status=status,
        )
    audit = AxeAudit(page)
    sign_in(page, manager.email, authenticator_for(manager))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    reports = page.get_by_role("navigation", name="Reports")
    expect(reports.get_by_role("link", name="Waiting list")).to_be_visible()
    expect(reports.get_by_role("link", name="Money")).to_be_visible()
    audit.check("reports")

    page.get_by_role("navigation", name="Reports").get_by_role("link", name="No-shows and late cancellations").click()
    page.get_by_label("Range", exact=True).select_option("From and to dates")
    page.get_by_label("From", exact=True).fill(last_week.isoformat())
    page.get_by_label("To", exact=True).fill(last_week.isoformat())
    page.get_by_role("button", name="Show").click()
    chart = page.get_by_role("img", name="Rates by week")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Rates by week: the numbers of the chart above")
    expect(table.get_by_role("row")).to_have_count(2)  # the heading and this week
    expect(table).to_contain_text("33.3 %")  # one no-show of three
    audit.check("attendance report")

    page.get_by_label("Location", exact=True).select_option("Marylebone")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Marylebone, ")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as CSV").click()
    assert download.value.suggested_filename.startswith("attendance-")

    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Utilisation").click()
    expect(page.get_by_role("img", name="Utilisation by week")).to_be_visible()
    audit.check("utilisation report")

    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
    assert not page_problems, page_problems
