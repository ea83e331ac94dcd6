"""Reception's read-only day view: placement by local time, badges, navigation, access, queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment, Course, LocationClosure, TimeOff
from clinic.models import Room
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.factories import LocationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

WINTER_DAY = date(2026, 12, 2)  # a Wednesday, GMT
SUMMER_DAY = date(2026, 7, 15)  # a Wednesday, BST (UTC+1)


def book(clinic, start: datetime, *, practitioner=None, room=None, patient=None, minutes=30, **kwargs) -> Appointment:
    return Appointment.objects.create(
        patient=patient or clinic.patient,
        practitioner=practitioner or clinic.practitioner,
        room=room or clinic.rooms[0],
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=start,
        end=start + timedelta(minutes=minutes),
        **kwargs,
    )


def url(clinic, **params) -> str:
    return reverse("diary-day", args=[clinic.location.slug]), params


def get(client, clinic, **params):
    path, query = url(clinic, **params)
    return client.get(path, query)


def placement(response, pk: int) -> tuple[str, str]:
    """(row time label, column name) of the appointment's cell."""
    columns = [column.name for column in response.context["columns"]]
    covered: dict[int, int] = {}
    for row in response.context["rows"]:
        cells = iter(row["cells"])  # cells spanning down from earlier rows are not repeated
        for n in range(len(columns)):
            if covered.get(n, 0) > 0:
                covered[n] -= 1
                continue
            cell = next(cells)
            covered[n] = cell.rowspan - 1
            if any(entry.pk == pk for entry in cell.entries):
                return row["label"], columns[n]
    raise AssertionError(f"appointment {pk} is not on the page")


@pytest.fixture
def signed_in(client, reception):
    client.force_login(reception)
    return client


def test_shows_the_days_appointments_in_the_practitioners_column_at_local_time(signed_in, clinic):
    winter = book(clinic, datetime(2026, 12, 2, 10, 0, tzinfo=UTC), practitioner=clinic.other)
    response = get(signed_in, clinic, date="2026-12-02")
    assert response.status_code == 200
    assert placement(response, winter.pk) == ("10:00", clinic.other.display_name)
    assert clinic.patient.full_name in response.content.decode()
    assert "10:00–10:30" in response.content.decode()


def test_summer_time_appointments_are_placed_at_london_wall_clock_time(signed_in, clinic):
    summer = book(clinic, datetime(2026, 7, 15, 9, 0, tzinfo=UTC))  # 10:00 BST
    response = get(signed_in, clinic, date=SUMMER_DAY.isoformat())
    assert placement(response, summer.pk) == ("10:00", clinic.practitioner.display_name)
    html = response.content.decode()
    assert "10:00–10:30" in html
    assert "09:00–09:30" not in html


def test_the_grid_spans_the_working_hours_in_fifteen_minute_rows(signed_in, clinic):
    response = get(signed_in, clinic, date="2026-12-02")
    labels = [row["label"] for row in response.context["rows"]]
    assert labels[0] == "09:00" and labels[-1] == "16:45" and len(labels) == 32


def test_without_working_hours_the_grid_is_eight_to_six(signed_in, clinic):
    clinic.practitioner.working_hours.all().delete()
    clinic.other.working_hours.all().delete()
    labels = [row["label"] for row in get(signed_in, clinic, date="2026-12-02").context["rows"]]
    assert labels[0] == "08:00" and labels[-1] == "17:45"


def test_shows_session_k_of_n_for_a_course(signed_in, clinic):
    course = Course.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=6,
        interval_days=14,
    )
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC), course=course, session_number=2)
    assert "session 2 of 6" in get(signed_in, clinic, date="2026-12-02").content.decode()


def test_status_and_treatment_are_in_words(signed_in, clinic):
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC), status=Appointment.Status.ARRIVED)
    html = get(signed_in, clinic, date="2026-12-02").content.decode()
    assert "Status: Arrived" in html
    assert f"{clinic.treatment.name}: {clinic.area.name}" in html


@pytest.mark.parametrize(
    ("statuses", "words"),
    [
        ([], "not started"),
        ([Intake.Status.SUBMITTED], "submitted"),
        ([Intake.Status.NEEDS_REVIEW], "needs review"),
        ([Intake.Status.DECLINED, Intake.Status.CLEARED], "cleared"),  # the latest one counts
        ([Intake.Status.NOT_SUITABLE], "not suitable"),
        ([Intake.Status.DECLINED], "declined"),
    ],
)
def test_the_intake_badge_shows_the_latest_intakes_status_in_words(signed_in, clinic, statuses, words):
    for n, status in enumerate(statuses):
        intake = Intake.objects.create(
            patient=clinic.patient, treatment=clinic.treatment, area=clinic.area, status=status
        )
        Intake.objects.filter(pk=intake.pk).update(created_at=NOW + timedelta(minutes=n))
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    assert f"Intake: {words}<" in get(signed_in, clinic, date="2026-12-02").content.decode()


def test_the_page_never_shows_intake_answers(signed_in, clinic):
    Intake.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        status=Intake.Status.NEEDS_REVIEW,
        answers={"medications": "Isotretinoin 20mg", "allergies": "Lidocaine"},
        snapshot={"answers": {"medications": "Isotretinoin 20mg"}},
    )
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    html = get(signed_in, clinic, date="2026-12-02").content.decode()
    assert "Intake: needs review" in html
    assert "Isotretinoin" not in html and "Lidocaine" not in html


def test_time_off_and_breaks_are_labelled_in_words(signed_in, clinic):
    TimeOff.objects.create(
        practitioner=clinic.other,
        start=datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
        end=datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
        reason="Training",
    )
    response = get(signed_in, clinic, date="2026-12-02")
    html = response.content.decode()
    assert "Off: Training" in html
    off = [cell for row in response.context["rows"] for cell in row["cells"] if cell.kind == "off"]
    assert len(off) == 1 and off[0].rowspan == 8


@pytest.mark.parametrize("view", ["", "rooms"])
def test_a_closed_day_is_closed_in_every_column_with_nothing_to_book(signed_in, clinic, view):
    LocationClosure.objects.create(
        location=clinic.location, first_day=date(2026, 12, 24), last_day=date(2026, 12, 26), reason="Christmas"
    )
    response = get(signed_in, clinic, date="2026-12-25", view=view)
    cells = [cell for row in response.context["rows"] for cell in row["cells"]]
    assert cells and all(cell.kind == "closed" and cell.label == "Closed: Christmas" for cell in cells)
    assert "Free: book" not in response.content.decode()
    assert "Free: book" in get(signed_in, clinic, date="2026-12-23", view=view).content.decode()


def test_cancelled_appointments_are_left_off(signed_in, clinic):
    book(
        clinic,
        datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        status=Appointment.Status.CANCELLED,
        patient=make_patient(first_name="Cancelled", last_name="Person"),
    )
    assert "Cancelled Person" not in get(signed_in, clinic, date="2026-12-02").content.decode()


def test_the_rooms_toggle_gives_a_column_per_room(signed_in, clinic):
    appointment = book(clinic, datetime(2026, 12, 2, 14, 15, tzinfo=UTC), room=clinic.rooms[1])
    response = get(signed_in, clinic, date="2026-12-02", view="rooms")
    assert [c.name for c in response.context["columns"]] == ["Room 1", "Room 2"]
    assert placement(response, appointment.pk) == ("14:15", "Room 2")
    html = response.content.decode()
    assert 'name="view" value="rooms"' in html
    assert "?date=2026-12-03&amp;view=rooms" in html


def test_navigation_links_to_the_previous_and_next_day_and_today(signed_in, clinic, frozen_now):
    html = get(signed_in, clinic, date="2026-12-10").content.decode()
    assert 'href="?date=2026-12-09"' in html
    assert 'href="?date=2026-12-11"' in html
    assert 'href="?date=2026-12-01">Today' in html
    assert 'type="date" id="diary-date" name="date"' in html and 'value="2026-12-10"' in html


def test_the_default_date_is_today_in_the_locations_zone(signed_in, clinic):
    # 23:30 UTC on 30 June is already 1 July in London.
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        response = get(signed_in, clinic)
    assert response.context["day"] == date(2026, 7, 1)


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-02-30", "9999-12-31", "0001-01-01", "2026-1-1"])
def test_a_bad_date_shows_today_with_a_message(signed_in, clinic, frozen_now, bad):
    response = get(signed_in, clinic, date=bad)
    assert response.status_code == 200
    assert response.context["day"] == NOW.date()
    assert "showing today instead" in response.content.decode()


def test_reception_at_another_location_gets_404(client, clinic):
    elsewhere = LocationFactory()
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION])
    elsewhere.staff.add(user)
    client.force_login(user)
    assert get(client, clinic, date="2026-12-02").status_code == 404
    assert client.get(reverse("diary-day", args=[elsewhere.slug])).status_code == 200


def test_a_practitioner_and_a_manager_of_the_location_see_it(client, clinic):
    client.force_login(clinic.practitioner.user)
    assert get(client, clinic, date="2026-12-02").status_code == 200
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    assert get(client, clinic, date="2026-12-02").status_code == 200


def test_a_patient_gets_404(client, clinic):
    client.force_login(clinic.patient.user)
    assert get(client, clinic, date="2026-12-02").status_code == 404


def test_an_unknown_location_is_404(signed_in):
    assert signed_in.get(reverse("diary-day", args=["nowhere"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, clinic):
    response = get(client, clinic, date="2026-12-02")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_table_is_accessible_and_has_no_inline_script(signed_in, clinic):
    book(clinic, datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    html = get(signed_in, clinic, date="2026-12-02").content.decode()
    assert "<caption>" in html and '<th scope="col">' in html and '<th scope="row">' in html
    assert 'tabindex="0"' in html
    assert "<script>" not in html and "onclick" not in html


def fill_day(clinic, count: int) -> None:
    """`count` appointments over three practitioners, each with its own patient, course and intake."""
    third = make_practitioner(clinic.location, clinic.treatment)
    rooms = [*clinic.rooms, RoomFactory(location=clinic.location, name="Room 3")]
    practitioners = [clinic.practitioner, clinic.other, third]
    for n in range(count):
        patient = make_patient()
        course = Course.objects.create(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            practitioner=practitioners[n % 3],
            location=clinic.location,
            sessions_planned=4,
            interval_days=14,
        )
        Intake.objects.create(
            patient=patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.CLEARED
        )
        start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=15 * (n // 3))
        book(
            clinic,
            start,
            practitioner=practitioners[n % 3],
            room=rooms[n % 3],
            patient=patient,
            minutes=15,
            course=course,
            session_number=1,
        )


@pytest.mark.parametrize("count", [30, 60])
def test_the_query_count_does_not_grow_with_appointments(signed_in, clinic, django_assert_max_num_queries, count):
    fill_day(clinic, count)
    assert Room.objects.filter(location=clinic.location).count() == 3
    with django_assert_max_num_queries(10):
        response = get(signed_in, clinic, date="2026-12-02")
    assert response.context["appointment_count"] == count
    assert response.content.decode().count("Intake: cleared") == count
    with django_assert_max_num_queries(10):
        get(signed_in, clinic, date="2026-12-02", view="rooms")
