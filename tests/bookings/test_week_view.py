"""A practitioner's week at a location: placement by local day and time, shading in words,
clock changes, navigation, access and a constant number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, Course, LocationClosure, TimeOff, WorkingHours
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import make_patient, make_practitioner
from tests.bookings.test_day_view import book
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def get(client, clinic, practitioner=None, **params):
    practitioner = practitioner or clinic.practitioner
    return client.get(reverse("diary-week", args=[clinic.location.slug, practitioner.pk]), params)


def placement(response, pk: int) -> tuple[str, date]:
    """(row time label, column day) of the appointment's cell."""
    days = [column["day"] for column in response.context["columns"]]
    covered: dict[int, int] = {}
    for row in response.context["rows"]:
        cells = iter(row["cells"])
        for n in range(len(days)):
            if covered.get(n, 0) > 0:
                covered[n] -= 1
                continue
            cell = next(cells)
            covered[n] = cell.rowspan - 1
            if any(entry.pk == pk for entry in cell.entries):
                return row["label"], days[n]
    raise AssertionError(f"appointment {pk} is not on the page")


def cells_of(response, day: date) -> list[tuple[str, object]]:
    """(row label, cell) for every cell that starts in the column of `day`."""
    days = [column["day"] for column in response.context["columns"]]
    covered: dict[int, int] = {}
    found = []
    for row in response.context["rows"]:
        cells = iter(row["cells"])
        for n in range(len(days)):
            if covered.get(n, 0) > 0:
                covered[n] -= 1
                continue
            cell = next(cells)
            covered[n] = cell.rowspan - 1
            if days[n] == day:
                found.append((row["label"], cell))
    return found


@pytest.fixture
def signed_in(client, reception):
    client.force_login(reception)
    return client


def test_the_week_runs_monday_to_sunday_around_the_date(signed_in, clinic):
    response = get(signed_in, clinic, date="2026-12-03")  # a Thursday
    assert response.status_code == 200
    assert [c["day"] for c in response.context["columns"]] == [date(2026, 11, 30) + timedelta(days=n) for n in range(7)]


def test_appointments_are_placed_on_their_day_and_time(signed_in, clinic):
    tuesday = book(clinic, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    saturday = book(clinic, datetime(2026, 12, 5, 14, 30, tzinfo=UTC), minutes=60)
    next_week = book(clinic, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    response = get(signed_in, clinic, date="2026-12-03")
    assert placement(response, tuesday.pk) == ("10:00", date(2026, 12, 1))
    assert placement(response, saturday.pk) == ("14:30", date(2026, 12, 5))
    assert response.context["appointment_count"] == 2
    with pytest.raises(AssertionError):
        placement(response, next_week.pk)


def test_only_this_practitioners_appointments_at_this_location_show(signed_in, clinic):
    theirs = book(clinic, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    book(
        clinic,
        datetime(2026, 12, 1, 11, 0, tzinfo=UTC),
        practitioner=clinic.other,
        patient=make_patient(first_name="Other", last_name="Practitioner-Patient"),
    )
    book(
        clinic,
        datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        status=Appointment.Status.CANCELLED,
        patient=make_patient(first_name="Cancelled", last_name="Person"),
    )
    response = get(signed_in, clinic, date="2026-12-01")
    html = response.content.decode()
    assert placement(response, theirs.pk) == ("10:00", date(2026, 12, 1))
    assert "Practitioner-Patient" not in html and "Cancelled Person" not in html


def test_entries_show_course_session_status_and_intake_in_words_never_answers(signed_in, clinic):
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
        status=Intake.Status.NEEDS_REVIEW,
        answers={"medications": "Isotretinoin 20mg"},
    )
    book(
        clinic,
        datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        course=course,
        session_number=3,
        status=Appointment.Status.ARRIVED,
    )
    html = get(signed_in, clinic, date="2026-12-02").content.decode()
    assert clinic.patient.full_name in html
    assert f"{clinic.treatment.name}: {clinic.area.name}, session 3 of 6" in html
    assert "Status: Arrived" in html and "Intake: needs review<" in html
    assert "Isotretinoin" not in html


def test_rows_span_the_weeks_working_hours_widened_for_a_late_appointment(signed_in, clinic):
    WorkingHours.objects.filter(practitioner=clinic.practitioner, weekday=4).update(start=time(8), end=time(12))
    response = get(signed_in, clinic, date="2026-12-02")
    labels = [row["label"] for row in response.context["rows"]]
    assert labels[0] == "08:00" and labels[-1] == "16:45"
    late = book(clinic, datetime(2026, 12, 3, 19, 0, tzinfo=UTC))
    response = get(signed_in, clinic, date="2026-12-02")
    assert response.context["rows"][-1]["label"] == "19:15"
    assert placement(response, late.pk) == ("19:00", date(2026, 12, 3))
    friday = dict(cells_of(response, date(2026, 12, 4)))
    assert friday["12:00"].kind == "outside" and friday["12:00"].label == "Not working"


def test_time_off_breaks_and_closures_are_shaded_and_labelled_in_words(signed_in, clinic):
    # Off from Tuesday 15:00 to Wednesday 11:00: both days are shaded, each over its own hours.
    TimeOff.objects.create(
        practitioner=clinic.practitioner,
        start=datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
        end=datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        reason="Conference",
    )
    WorkingHours.objects.filter(practitioner=clinic.practitioner, weekday=3).delete()
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                practitioner=clinic.practitioner, location=clinic.location, weekday=3, start=time(9), end=time(12)
            ),
            WorkingHours(
                practitioner=clinic.practitioner, location=clinic.location, weekday=3, start=time(13), end=time(17)
            ),
        ]
    )
    LocationClosure.objects.create(
        location=clinic.location, first_day=date(2026, 12, 5), last_day=date(2026, 12, 5), reason="Refurbishment"
    )
    response = get(signed_in, clinic, date="2026-12-01")
    tuesday = dict(cells_of(response, date(2026, 12, 1)))
    assert tuesday["15:00"].kind == "off" and tuesday["15:00"].label == "Off: Conference"
    assert tuesday["15:00"].rowspan == 8  # 15:00 to 17:00
    wednesday = dict(cells_of(response, date(2026, 12, 2)))
    assert wednesday["09:00"].label == "Off: Conference" and wednesday["09:00"].rowspan == 8  # to 11:00
    assert wednesday["11:00"].kind == "free"
    thursday = dict(cells_of(response, date(2026, 12, 3)))
    assert thursday["12:00"].kind == "break" and thursday["12:00"].label == "Break" and thursday["12:00"].rowspan == 4
    saturday = dict(cells_of(response, date(2026, 12, 5)))
    assert saturday["09:00"].kind == "closed" and saturday["09:00"].label == "Closed: Refurbishment"
    html = response.content.decode()
    assert "Off: Conference" in html and "Closed: Refurbishment" in html and ">Break<" in html


def test_hours_at_another_location_are_labelled_with_its_name(signed_in, clinic):
    elsewhere = LocationFactory(name="Harley Street")
    clinic.practitioner.locations.add(elsewhere)
    WorkingHours.objects.filter(practitioner=clinic.practitioner, weekday=0).update(end=time(12))
    WorkingHours.objects.create(
        practitioner=clinic.practitioner, location=elsewhere, weekday=0, start=time(13), end=time(17)
    )
    response = get(signed_in, clinic, date="2026-12-01")
    monday = dict(cells_of(response, date(2026, 11, 30)))
    assert monday["13:00"].kind == "elsewhere" and monday["13:00"].label == "At Harley Street"
    assert monday["12:00"].kind == "outside"


@pytest.mark.parametrize(
    ("week_of", "before", "after"),
    [
        # Clocks go forward on Sunday 29 March 2026: Saturday 10:00 GMT is 10:00 UTC, Sunday 10:00 BST is 09:00 UTC.
        ("2026-03-25", datetime(2026, 3, 28, 10, 0, tzinfo=UTC), datetime(2026, 3, 29, 9, 0, tzinfo=UTC)),
        # Clocks go back on Sunday 25 October 2026: Saturday 10:00 BST is 09:00 UTC, Sunday 10:00 GMT is 10:00 UTC.
        ("2026-10-21", datetime(2026, 10, 24, 9, 0, tzinfo=UTC), datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
    ],
)
def test_a_week_with_a_clock_change_places_both_sides_at_wall_clock_time(signed_in, clinic, week_of, before, after):
    first, second = book(clinic, before), book(clinic, after)
    response = get(signed_in, clinic, date=week_of)
    assert placement(response, first.pk) == ("10:00", before.date())
    assert placement(response, second.pk) == ("10:00", after.date())
    assert "10:00–10:30" in response.content.decode()


def test_the_spring_week_ends_at_local_midnight_on_sunday(signed_in, clinic):
    # Sunday 29 March 2026 23:30 BST is 22:30 UTC: this week. 23:30 UTC is Monday 00:30 BST: next week.
    late_sunday = book(clinic, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))
    monday = book(clinic, datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
    response = get(signed_in, clinic, date="2026-03-29")
    assert placement(response, late_sunday.pk) == ("23:30", date(2026, 3, 29))
    assert response.context["appointment_count"] == 1
    assert placement(get(signed_in, clinic, date="2026-03-30"), monday.pk) == ("00:30", date(2026, 3, 30))


def test_navigation_links_weeks_days_and_a_date_form(signed_in, clinic, frozen_now):
    html = get(signed_in, clinic, date="2026-12-10").content.decode()
    assert 'href="?date=2026-11-30"' in html  # previous week's Monday
    assert 'href="?date=2026-12-14"' in html  # next week's Monday
    assert 'href="?date=2026-12-01">This week' in html
    assert 'type="date" id="week-date" name="date"' in html and 'value="2026-12-10"' in html
    day_url = reverse("diary-day", args=[clinic.location.slug])
    for n in range(7):
        assert f'href="{day_url}?date={date(2026, 12, 7) + timedelta(days=n):%Y-%m-%d}"' in html


def test_the_day_view_links_to_each_practitioners_week(signed_in, clinic):
    html = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-02"}).content.decode()
    week = reverse("diary-week", args=[clinic.location.slug, clinic.practitioner.pk])
    assert f'href="{week}?date=2026-12-02"' in html


def test_a_bad_date_shows_this_week(signed_in, clinic, frozen_now):
    response = get(signed_in, clinic, date="2026-02-30")
    assert response.status_code == 200 and response.context["monday"] == date(2026, 11, 30)


def test_a_practitioner_and_a_manager_see_it(client, clinic):
    client.force_login(clinic.other.user)
    assert get(client, clinic, date="2026-12-02").status_code == 200
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    assert get(client, clinic, date="2026-12-02").status_code == 200


def test_reception_elsewhere_and_patients_get_404(client, clinic):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION])
    LocationFactory().staff.add(user)
    client.force_login(user)
    assert get(client, clinic).status_code == 404
    client.force_login(clinic.patient.user)
    assert get(client, clinic).status_code == 404


def test_a_practitioner_not_working_at_the_location_is_404(signed_in, clinic):
    stranger = make_practitioner(LocationFactory(), clinic.treatment)
    assert get(signed_in, clinic, practitioner=stranger).status_code == 404
    assert signed_in.get(reverse("diary-week", args=[clinic.location.slug, 999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, clinic):
    response = get(client, clinic)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def fill_week(clinic, count: int, offset: int = 0) -> None:
    """`count` appointments for one practitioner over the week of 30 November, each with a course and intake."""
    for n in range(offset, offset + count):
        patient = make_patient()
        course = Course.objects.create(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            practitioner=clinic.practitioner,
            location=clinic.location,
            sessions_planned=4,
            interval_days=14,
        )
        Intake.objects.create(
            patient=patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.CLEARED
        )
        start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(days=n % 7, minutes=15 * (n // 7))
        book(clinic, start, patient=patient, minutes=15, course=course, session_number=1)
    if not offset:
        TimeOff.objects.create(
            practitioner=clinic.practitioner,
            start=datetime(2026, 12, 6, 16, 0, tzinfo=UTC),
            end=datetime(2026, 12, 6, 17, 0, tzinfo=UTC),
            reason="Training",
        )


def test_the_query_count_stays_the_same_with_three_times_the_appointments(signed_in, clinic):
    counts = []
    for total in (20, 60):
        fill_week(clinic, total - (counts and 20 or 0), offset=counts and 20 or 0)
        session = signed_in.session
        session["_staff_seen"] = 0  # the worst case: this request also saves the sliding expiry
        session.save()
        with CaptureQueriesContext(connection) as queries:
            response = get(signed_in, clinic, date="2026-12-02")
        assert response.context["appointment_count"] == total
        assert response.content.decode().count("Intake: cleared") == total
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts


def test_each_appointment_links_to_its_actions(signed_in, clinic):
    appointment = book(clinic, datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    html = get(signed_in, clinic, date="2026-12-02").content.decode()
    assert f'href="/staff/diary/appointments/{appointment.pk}/"' in html
