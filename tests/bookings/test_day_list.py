"""A location's day as a CSV download and a printable page: columns, escaping, audit, access."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from bookings.diary.day_list import csv_safe
from bookings.models import Appointment, Course
from clinic.models import AuditEvent
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import make_patient
from tests.bookings.test_day_view import book
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "time",
    "end",
    "practitioner",
    "room",
    "patient",
    "date of birth",
    "phone",
    "treatment",
    "area",
    "session",
    "status",
    "intake status",
]


@pytest.fixture
def signed_in(client, reception):
    client.force_login(reception)
    return client


def download(client, clinic, **params):
    return client.get(reverse("diary-day-csv", args=[clinic.location.slug]), params)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_lists_the_days_appointments_in_time_order(signed_in, clinic):
    course = Course.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=6,
        interval_days=14,
    )
    Intake.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        status=Intake.Status.CLEARED,
        answers={"medications": "Isotretinoin 20mg"},
    )
    later = make_patient(first_name="Later", last_name="Patient", date_of_birth=date(1990, 5, 6), phone="07700 900123")
    book(
        clinic, datetime(2026, 7, 15, 13, 0, tzinfo=UTC), patient=later, practitioner=clinic.other, room=clinic.rooms[1]
    )
    book(
        clinic,
        datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
        course=course,
        session_number=2,
        status=Appointment.Status.ARRIVED,
    )
    book(clinic, datetime(2026, 7, 16, 9, 0, tzinfo=UTC))  # the next day
    response = download(signed_in, clinic, date="2026-07-15")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{clinic.location.slug}-2026-07-15.csv"'
    rows = rows_of(response)
    assert rows[0] == HEADER
    patient = clinic.patient
    assert rows[1] == [
        "10:00",
        "10:30",
        clinic.practitioner.display_name,
        "Room 1",
        patient.full_name,
        patient.date_of_birth.isoformat(),
        "07700 900000",  # as people write it (stored as +447700900000)
        clinic.treatment.name,
        clinic.area.name,
        "session 2 of 6",
        "Arrived",
        "cleared",
    ]  # 10:00 BST
    assert rows[2] == [
        "14:00",
        "14:30",
        clinic.other.display_name,
        "Room 2",
        "Later Patient",
        "1990-05-06",
        "07700 900123",
        clinic.treatment.name,
        clinic.area.name,
        "",
        "Booked",
        "not started",
    ]
    assert len(rows) == 3
    assert "Isotretinoin" not in response.content.decode()


def test_the_csv_leaves_cancelled_appointments_off(signed_in, clinic):
    book(
        clinic,
        datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        status=Appointment.Status.CANCELLED,
        patient=make_patient(first_name="Cancelled", last_name="Person"),
    )
    book(clinic, datetime(2026, 12, 2, 12, 0, tzinfo=UTC), status=Appointment.Status.NO_SHOW)
    rows = rows_of(download(signed_in, clinic, date="2026-12-02"))
    assert len(rows) == 2 and rows[1][10] == "No-show"
    assert "Cancelled Person" not in str(rows)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 7700 900000", "+44 7700 900000"),  # a phone number stays dialable
        ("+44 7700 900000+cmd|' /C calc'!A0", "'+44 7700 900000+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Smith", "Smith"),
        ("O'Brien = ok", "O'Brien = ok"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(value, safe):
    assert csv_safe(value) == safe


def test_formula_like_patient_details_are_defused_in_the_file(signed_in, clinic):
    evil = make_patient(first_name="=cmd|' /C calc'!A0", last_name="Evil", phone="+44 20 7946 0000")
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC), patient=evil)
    row = rows_of(download(signed_in, clinic, date="2026-12-02"))[1]
    assert row[4] == "'=cmd|' /C calc'!A0 Evil"
    assert row[6] == "020 7946 0000"  # stored as E.164, written nationally


def test_each_download_is_audited_with_the_date(signed_in, clinic, reception):
    download(signed_in, clinic, date="2026-12-02")
    event = AuditEvent.objects.get(action="day_list.export")
    assert event.actor == reception
    assert event.object_type == "clinic.location" and event.object_id == str(clinic.location.pk)
    assert event.details == {"date": "2026-12-02"}


def test_the_print_page_has_the_same_columns_and_a_print_stylesheet(signed_in, clinic):
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC), room=clinic.rooms[1])
    book(
        clinic,
        datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
        status=Appointment.Status.CANCELLED,
        patient=make_patient(first_name="Cancelled", last_name="Person"),
    )
    response = signed_in.get(reverse("diary-day-print", args=[clinic.location.slug]), {"date": "2026-12-02"})
    assert response.status_code == 200
    html = response.content.decode()
    for header in HEADER:
        assert f'<th scope="col">{header[0].upper() + header[1:]}</th>' in html
    assert f'<th scope="row" data-label="Patient">{clinic.patient.full_name}</th>' in html
    assert '<td data-label="Room">Room 2</td>' in html
    assert f'<td data-label="Date of birth">{clinic.patient.date_of_birth.isoformat()}</td>' in html
    assert "Cancelled Person" not in html
    assert 'href="/static/css/print.css"' in html or "css/print." in html
    assert "<script>" not in html and "onclick" not in html
    assert not AuditEvent.objects.filter(action="day_list.export").exists()


def test_the_day_view_links_to_the_csv_and_the_print_page(signed_in, clinic):
    html = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-02"}).content.decode()
    assert f'href="{reverse("diary-day-csv", args=[clinic.location.slug])}?date=2026-12-02"' in html
    assert f'href="{reverse("diary-day-print", args=[clinic.location.slug])}?date=2026-12-02"' in html


@pytest.mark.parametrize("name", ["diary-day-csv", "diary-day-print"])
def test_reception_at_another_location_gets_404_and_nothing_is_audited(client, clinic, name):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION])
    LocationFactory().staff.add(user)
    client.force_login(user)
    assert client.get(reverse(name, args=[clinic.location.slug])).status_code == 404
    assert not AuditEvent.objects.filter(action="day_list.export").exists()


@pytest.mark.parametrize("name", ["diary-day-csv", "diary-day-print"])
def test_a_patient_gets_404(client, clinic, name):
    client.force_login(clinic.patient.user)
    assert client.get(reverse(name, args=[clinic.location.slug])).status_code == 404


@pytest.mark.parametrize("name", ["diary-day-csv", "diary-day-print"])
def test_anonymous_visitors_are_sent_to_sign_in(client, clinic, name):
    response = client.get(reverse(name, args=[clinic.location.slug]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("count", [10, 30])
def test_the_csv_query_count_does_not_grow_with_appointments(signed_in, clinic, django_assert_max_num_queries, count):
    for n in range(count):
        patient = make_patient()
        Intake.objects.create(
            patient=patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.SUBMITTED
        )
        book(
            clinic,
            datetime(2026, 12, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=15 * (n // 2)),
            minutes=15,
            practitioner=[clinic.practitioner, clinic.other][n % 2],
            room=clinic.rooms[n % 2],
            patient=patient,
        )
    with django_assert_max_num_queries(10):  # location, 2 for the list, audit row; sign-in and session 6
        response = download(signed_in, clinic, date="2026-12-02")
    rows = rows_of(response)
    assert len(rows) == count + 1 and all(row[11] == "submitted" for row in rows[1:])
