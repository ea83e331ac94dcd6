"""The report pages: managers only, the filters' bad input as form errors, CSV, bounded queries."""

from __future__ import annotations

import csv
import io
from datetime import time

import pytest
import time_machine

from bookings.models import Appointment
from clinic.roles import Role, user_set_roles
from reports.web.manager.views import REPORTS
from tests.factories import UserFactory
from tests.reports.conftest import AUTUMN, hours, local, utc

pytestmark = pytest.mark.django_db
PAGES = ["/staff/reports/", *(f"/staff/reports/{slug}/" for slug in REPORTS)]
S = Appointment.Status


@pytest.fixture
def busy(diary):
    """A week of the autumn diary in both locations, a bit of everything."""
    for weekday in range(7):
        hours(diary.a, diary.london, weekday, time(9), time(17))
        hours(diary.b, diary.paris, weekday, time(9), time(17))
    for hour, status in ((9, S.COMPLETED), (10, S.NO_SHOW), (11, S.CANCELLED), (12, S.BOOKED)):
        diary.appointment(local(AUTUMN, hour))
        diary.appointment(local(AUTUMN, hour, zone=diary.paris.zone), practitioner=diary.b, status=status)
    return diary


@pytest.fixture
def manager_client(client, busy):
    """Signed in a fortnight after the busy day, so its appointments have all happened."""
    with time_machine.travel(utc(2027, 11, 14, 12), tick=False):
        client.force_login(busy.manager)
        yield client


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.PRACTITIONER, Role.PATIENT])
def test_it_shows_the_reports_to_managers_only(client, diary, role):
    user = UserFactory()
    user_set_roles(user=user, roles=[role])
    client.force_login(user)
    assert {path: client.get(path).status_code for path in PAGES} == dict.fromkeys(PAGES, 404)
    client.logout()
    assert client.get(PAGES[1]).status_code == 302  # to sign in


def test_it_draws_each_figure_as_an_svg_with_a_name_and_a_table(manager_client):
    response = manager_client.get(
        "/staff/reports/attendance/", {"range": "custom", "date_from": "2027-10-25", "date_to": "2027-10-31"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="img"') == 2  # the trend and the treatments; the heat map is a table
    assert '<title id="attendance-0-title">Rates by week</title>' in page
    assert '<desc id="attendance-0-desc">8 appointments at all locations: 1 no-shows' in page
    assert page.count("<table") == 3 and "<script" not in page.split("<main")[1].split("</main>")[0]
    assert 'class="shade-' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"range": "custom", "date_from": "2027-02-30", "date_to": "2027-03-01"}, "date_from", "Enter a valid date."),
        (
            {"range": "custom", "date_from": "2027-03-02", "date_to": "2027-03-01"},
            "date_to",
            "cannot be before the first",
        ),
        ({"range": "custom", "date_from": "2026-01-01", "date_to": "2027-03-01"}, "date_to", "at most 366 days"),
        ({"range": "custom", "date_from": "0001-01-01", "date_to": "2027-03-01"}, "date_from", "Choose a date from"),
        ({"range": "custom", "date_to": "2027-03-01"}, "date_from", "Give the first day"),
        ({"range": "decade"}, "range", "Select a valid choice"),
        ({"location": "atlantis"}, "location", "Select a valid choice"),
        ({"location": "a\x00b"}, "location", "Select a valid choice"),
    ],
)
def test_it_answers_bad_filters_with_a_form_error(manager_client, query, field, message):
    response = manager_client.get("/staff/reports/utilisation/", query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert "figures" not in response.context
    assert manager_client.get("/staff/reports/utilisation/", {**query, "format": "csv"}).status_code == 400


def test_it_reads_the_presets_around_todays_local_date(manager_client, busy):
    # 23:30 UTC on 31 March 2027 is already 1 April in London: this month is April.
    with time_machine.travel(utc(2027, 3, 31, 23, 30), tick=False):
        manager_client.force_login(busy.manager)  # a fresh session at that time
        response = manager_client.get("/staff/reports/courses/", {"location": "london"})
        assert response.context["period"] == "1 April 2027 to 30 April 2027"
        response = manager_client.get("/staff/reports/courses/", {"location": "london", "range": "quarter"})
        assert response.context["period"] == "1 April 2027 to 30 June 2027"
        response = manager_client.get("/staff/reports/courses/", {"range": "week"})
        assert response.context["period"] == "29 March 2027 to 4 April 2027"


def test_it_exports_a_report_as_csv(manager_client):
    response = manager_client.get(
        "/staff/reports/attendance/",
        {"location": "paris", "date_from": "2027-10-31", "date_to": "2027-10-31", "format": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="attendance-2027-10-31-2027-10-31.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[:4] == [
        ["Report", "No-shows and late cancellations"],
        ["Locations", "Paris"],
        ["From", "2027-10-31"],
        ["To", "2027-10-31"],
    ]
    trend = rows.index(["Rates by week"])
    assert rows[trend + 1] == [
        "Week beginning",
        "Appointments",
        "No-shows",
        "No-show rate (%)",
        "Late cancellations",
        "Late cancellation rate (%)",
    ]
    assert rows[trend + 2] == ["25 Oct 2027", "4", "1", "25.0", "0", "0.0"]


def test_it_keeps_a_formula_out_of_the_csv(manager_client, busy):
    busy.a.display_name = "=HYPERLINK(1)"
    busy.a.save()
    response = manager_client.get(
        "/staff/reports/utilisation/", {"date_from": "2027-10-31", "date_to": "2027-10-31", "format": "csv"}
    )
    assert ["'=HYPERLINK(1)", "4.0", "8.0", "50.0"] in list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("path", PAGES)
def test_each_page_takes_a_bounded_number_of_queries_whatever_the_range(
    manager_client, django_assert_max_num_queries, path
):
    for query in ({"range": "week"}, {"date_from": "2027-01-01", "date_to": "2027-12-31"}):
        with django_assert_max_num_queries(10):
            assert manager_client.get(path, query).status_code == 200


def test_the_managers_navigation_links_the_reports(client, diary):
    client.force_login(diary.manager)
    assert 'href="/staff/reports/"' in client.get("/staff/").content.decode()
    reception = UserFactory()
    user_set_roles(user=reception, roles=[Role.RECEPTION])
    client.force_login(reception)
    assert 'href="/staff/reports/"' not in client.get("/staff/").content.decode()


def test_it_lists_the_money_and_waiting_list_reports_without_a_placeholder(manager_client):
    page = manager_client.get("/staff/reports/").content.decode()
    assert 'href="/staff/reports/waitlist/' in page and 'href="/staff/reports/money/' in page
    assert "appear once" not in page
