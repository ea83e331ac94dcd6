"""The working-hours and time-off screens: practitioners edit their own, managers everyone's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from bookings.appointments.services import appointment_book
from bookings.diary.hours import Block, time_off_add, working_hours_replace
from bookings.diary.loading import availability_search
from bookings.models import Appointment, TimeOff, WorkingHours
from clinic.models import AuditEvent
from clinic.params import NonexistentLocalTime, local_instant
from tests.bookings.conftest import NOW
from tests.factories import LocationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

WEDNESDAY = date(2026, 12, 2)  # tomorrow; Europe/London is on UTC in December
NINE_TO_FIVE = [(time(9), time(17))]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def week_post(week: dict[int, list[tuple[str, str]]]) -> dict[str, str]:
    """What the weekly table posts: each day's blocks, then an empty row for the day."""
    rows: list[tuple[int, str, str]] = []
    for weekday in range(7):
        rows += [(weekday, start, end) for start, end in week.get(weekday, [])]
        rows.append((weekday, "", ""))
    data = {"blocks-TOTAL_FORMS": str(len(rows)), "blocks-INITIAL_FORMS": str(len(rows))}
    for n, (weekday, start, end) in enumerate(rows):
        data |= {f"blocks-{n}-weekday": str(weekday), f"blocks-{n}-start": start, f"blocks-{n}-end": end}
    return data


def every_day(*blocks: tuple[str, str], **changes: list[tuple[str, str]]) -> dict[int, list[tuple[str, str]]]:
    week = {weekday: list(blocks) for weekday in range(7)}
    for name, day_blocks in changes.items():
        week[["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(name)] = day_blocks
    return week


def edit_url(practitioner, location) -> str:
    return f"/staff/hours/{practitioner.pk}/at/{location.slug}/"


def wednesday_starts(clinic) -> list[str]:
    response = APIClient().get(
        "/api/availability/",
        {
            "treatment": clinic.treatment.slug,
            "area": clinic.area.slug,
            "location": clinic.location.slug,
            "start": "2026-12-02",
            "end": "2026-12-02",
            "practitioner": clinic.practitioner.pk,
        },
    )
    assert response.status_code == 200
    return [slot["start"][11:16] for slot in response.json()["slots"]]


def book(clinic, start: datetime) -> Appointment:
    return appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=clinic.practitioner.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )


def time_off_post(clinic, **fields) -> dict[str, str]:
    return {"location": str(clinic.location.pk), "reason": "", **fields}


def hours_of(practitioner, location, weekday: int) -> list[tuple[time, time]]:
    return list(
        WorkingHours.objects.filter(practitioner=practitioner, location=location, weekday=weekday)
        .order_by("start")
        .values_list("start", "end")
    )


def test_a_practitioner_splits_their_own_day_and_availability_follows(client, clinic):
    client.force_login(clinic.practitioner.user)
    assert "12:00" in wednesday_starts(clinic)
    page = client.get("/staff/hours/")
    assert page.status_code == 200 and "Your working hours" in page.text

    week = every_day(("09:00", "17:00"), wed=[("09:00", "12:00"), ("14:00", "17:00")])
    response = client.post(edit_url(clinic.practitioner, clinic.location), week_post(week))

    assert response.status_code == 302 and response.url == f"/staff/hours/{clinic.practitioner.pk}/"
    assert hours_of(clinic.practitioner, clinic.location, 2) == [(time(9), time(12)), (time(14), time(17))]
    starts = wednesday_starts(clinic)
    assert "11:30" in starts and "14:00" in starts
    assert not {"11:45", "12:00", "13:00", "13:45"} & set(starts)
    event = AuditEvent.objects.get(action="working_hours.replace")
    assert event.actor == clinic.practitioner.user and event.object_id == str(clinic.practitioner.pk)
    assert "Wednesday 14:00-17:00" in event.details["after"]


def test_the_edit_page_shows_the_week_monday_to_sunday(client, clinic):
    client.force_login(clinic.practitioner.user)
    page = client.get(edit_url(clinic.practitioner, clinic.location))
    assert page.status_code == 200
    text = page.text
    assert text.index(">Monday</th>") < text.index(">Tuesday</th>") < text.index(">Sunday</th>")
    assert 'value="09:00"' in text and 'value="17:00"' in text


def test_it_refuses_overlapping_blocks_on_the_same_day(client, clinic):
    client.force_login(clinic.practitioner.user)
    week = every_day(("09:00", "17:00"), mon=[("09:00", "13:00"), ("12:00", "18:00")])
    response = client.post(edit_url(clinic.practitioner, clinic.location), week_post(week))
    assert response.status_code == 200
    assert "Monday: Overlaps 09:00-13:00 on the same day." in response.text
    assert hours_of(clinic.practitioner, clinic.location, 0) == [(time(9), time(17))]
    assert not AuditEvent.objects.filter(action="working_hours.replace").exists()


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (("17:00", "09:00"), "The block must end after it starts"),
        (("09:00", "09:00"), "The block must end after it starts"),
        (("09:00", ""), "Give both a start and an end"),
        (("9 o'clock", "17:00"), "Enter a valid time."),
    ],
)
def test_it_explains_a_bad_block(client, clinic, block, message):
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(clinic.practitioner, clinic.location), week_post(every_day(block)))
    assert response.status_code == 200 and message in response.text
    assert hours_of(clinic.practitioner, clinic.location, 0) == [(time(9), time(17))]


def test_blocks_may_touch(client, clinic):
    client.force_login(clinic.practitioner.user)
    week = every_day(("09:00", "13:00"), ("13:00", "18:00"))
    response = client.post(edit_url(clinic.practitioner, clinic.location), week_post(week))
    assert response.status_code == 302
    assert hours_of(clinic.practitioner, clinic.location, 4) == [(time(9), time(13)), (time(13), time(18))]


def test_it_refuses_hours_that_clash_with_another_location(client, clinic):
    elsewhere = LocationFactory(name="Chelsea")
    clinic.practitioner.locations.add(elsewhere)
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(clinic.practitioner, elsewhere), week_post({0: [("16:00", "19:00")]}))
    assert response.status_code == 200 and "Overlaps the hours at" in response.text
    assert not WorkingHours.objects.filter(location=elsewhere).exists()
    # The service refuses too (a request racing another edit gets here past the form).
    with pytest.raises(ValidationError, match="overlaps the hours at"):
        working_hours_replace(
            practitioner=clinic.practitioner,
            location=elsewhere,
            blocks=[Block(0, time(16), time(19))],
            by=clinic.practitioner.user,
            now=NOW,
        )
    ok = client.post(edit_url(clinic.practitioner, elsewhere), week_post({0: [("17:00", "19:00")]}))
    assert ok.status_code == 302 and hours_of(clinic.practitioner, elsewhere, 0) == [(time(17), time(19))]


def test_hours_only_at_a_location_the_practitioner_works_at(client, clinic):
    elsewhere = LocationFactory()
    client.force_login(clinic.practitioner.user)
    assert client.get(edit_url(clinic.practitioner, elsewhere)).status_code == 404
    with pytest.raises(ValidationError, match="does not work at"):
        working_hours_replace(
            practitioner=clinic.practitioner, location=elsewhere, blocks=[], by=clinic.practitioner.user, now=NOW
        )


def test_new_hours_keep_booked_appointments_and_list_them(client, clinic):
    late = book(clinic, utc(2026, 12, 2, 15))
    early = book(clinic, utc(2026, 12, 2, 10))
    client.force_login(clinic.practitioner.user)
    week = every_day(("09:00", "17:00"), wed=[("09:00", "12:00")])

    response = client.post(edit_url(clinic.practitioner, clinic.location), week_post(week), follow=True)

    late.refresh_from_db()
    assert late.status == Appointment.Status.BOOKED
    assert "1 booked appointment is now outside working time" in response.text
    assert "Booked appointments outside working time" in response.text
    assert "Wed 2 Dec 2026 15:00" in response.text and clinic.patient.full_name in response.text
    assert "Wed 2 Dec 2026 10:00" not in response.text
    assert AuditEvent.objects.get(action="working_hours.replace").details["booked_outside"] == [late.pk]
    # The service returns them as well.
    outside = working_hours_replace(
        practitioner=clinic.practitioner,
        location=clinic.location,
        blocks=[Block(2, time(11), time(12))],
        by=clinic.practitioner.user,
        now=NOW,
    )
    assert outside == [early, late]


def test_time_off_in_local_time_across_the_spring_change_is_stored_as_the_right_instants(client, clinic):
    client.force_login(clinic.practitioner.user)
    # Saturday 10:00 GMT to Monday 10:00 BST: the clocks go forward on Sunday 28 March 2027.
    data = time_off_post(
        clinic, first_day="2027-03-27", start_time="10:00", last_day="2027-03-29", end_time="10:00", reason="Holiday"
    )
    response = client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", data)
    assert response.status_code == 302
    off = TimeOff.objects.get(practitioner=clinic.practitioner)
    assert (off.start, off.end, off.reason) == (utc(2027, 3, 27, 10), utc(2027, 3, 29, 9), "Holiday")
    event = AuditEvent.objects.get(action="time_off.add")
    assert event.object_id == str(off.pk) and "Holiday" not in str(event.details)


def test_whole_day_time_off_on_the_change_day_lasts_23_hours(client, clinic):
    client.force_login(clinic.practitioner.user)
    data = time_off_post(clinic, whole_days="on", first_day="2027-03-28", last_day="2027-03-28")
    assert client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", data).status_code == 302
    off = TimeOff.objects.get(practitioner=clinic.practitioner)
    assert (off.start, off.end) == (utc(2027, 3, 28, 0), utc(2027, 3, 28, 23))


def test_whole_day_time_off_takes_the_day_out_of_availability(client, clinic):
    client.force_login(clinic.practitioner.user)
    data = time_off_post(clinic, whole_days="on", first_day="2026-12-02", last_day="2026-12-02")
    assert client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", data).status_code == 302
    assert wednesday_starts(clinic) == []
    thursday = availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=date(2026, 12, 3),
        last_day=date(2026, 12, 3),
        now=NOW,
        practitioner_id=clinic.practitioner.pk,
    )
    assert thursday[0].start == utc(2026, 12, 3, 9)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"first_day": "2027-03-28", "start_time": "01:30", "last_day": "2027-03-28", "end_time": "05:00"},
            "01:30 on 28 March 2027 does not exist in Europe/London",
        ),
        (
            {"first_day": "2026-12-03", "start_time": "14:00", "last_day": "2026-12-03", "end_time": "10:00"},
            "Time off must end after it starts.",
        ),
        ({"first_day": "2026-12-03", "start_time": "14:00", "last_day": "2026-12-03"}, "Give a time, or tick whole"),
        ({"whole_days": "on", "first_day": "2026-12-04", "last_day": "2026-12-03"}, "cannot be before the first day"),
        (
            {"first_day": "2026-11-30", "start_time": "09:00", "last_day": "2026-11-30", "end_time": "10:00"},
            "already over",
        ),
        ({"whole_days": "on", "first_day": "9999-12-31", "last_day": "9999-12-31"}, "Choose a day from"),
        ({"first_day": "yesterday", "last_day": "2026-12-03"}, "Enter a valid date."),
    ],
)
def test_bad_time_off_is_explained_not_saved(client, clinic, fields, message):
    client.force_login(clinic.practitioner.user)
    response = client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", time_off_post(clinic, **fields))
    assert response.status_code == 200 and message in response.text
    assert not TimeOff.objects.exists()


def test_time_off_needs_a_location_the_practitioner_works_at(client, clinic):
    client.force_login(clinic.practitioner.user)
    data = time_off_post(clinic, whole_days="on", first_day="2026-12-03", last_day="2026-12-03")
    data["location"] = str(LocationFactory().pk)
    response = client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", data)
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not TimeOff.objects.exists()


def test_time_off_over_a_booking_keeps_it_and_lists_it(client, clinic):
    booked = book(clinic, utc(2026, 12, 2, 11))
    client.force_login(clinic.practitioner.user)
    data = time_off_post(clinic, first_day="2026-12-02", start_time="10:00", last_day="2026-12-02", end_time="13:00")
    response = client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/", data, follow=True)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert "1 booked appointment is now outside working time" in response.text
    assert "Wed 2 Dec 2026 11:00" in response.text and clinic.patient.full_name in response.text
    added = time_off_add(
        practitioner=clinic.practitioner,
        start=utc(2026, 12, 2, 11, 15),
        end=utc(2026, 12, 2, 12),
        reason="",
        by=clinic.practitioner.user,
        now=NOW,
    )
    assert added.affected == [booked]


def test_a_practitioner_removes_upcoming_time_off(client, clinic):
    added = time_off_add(
        practitioner=clinic.practitioner,
        start=utc(2026, 12, 2, 0),
        end=utc(2026, 12, 3, 0),
        reason="Course",
        by=clinic.practitioner.user,
        now=NOW,
    )
    past = TimeOff.objects.create(practitioner=clinic.practitioner, start=utc(2026, 11, 1), end=utc(2026, 11, 2))
    client.force_login(clinic.practitioner.user)
    assert wednesday_starts(clinic) == []
    page = client.get(f"/staff/hours/{clinic.practitioner.pk}/")
    assert "Wed 2 Dec 2026 00:00" in page.text and "Course" in page.text

    url = f"/staff/hours/{clinic.practitioner.pk}/time-off/{{}}/remove/"
    assert client.post(url.format(added.time_off.pk)).status_code == 302
    assert client.post(url.format(past.pk)).status_code == 404  # the past is the record

    assert list(TimeOff.objects.all()) == [past]
    assert wednesday_starts(clinic)[0] == "09:00"
    event = AuditEvent.objects.get(action="time_off.remove")
    assert event.object_id == str(added.time_off.pk) and event.actor == clinic.practitioner.user


def test_another_practitioners_hours_are_404(client, clinic):
    other = clinic.other
    other_off = TimeOff.objects.create(practitioner=other, start=utc(2026, 12, 5), end=utc(2026, 12, 6))
    client.force_login(clinic.practitioner.user)
    assert client.get(f"/staff/hours/{other.pk}/").status_code == 404
    assert client.get(edit_url(other, clinic.location)).status_code == 404
    assert client.post(edit_url(other, clinic.location), week_post({})).status_code == 404
    data = time_off_post(clinic, whole_days="on", first_day="2026-12-03", last_day="2026-12-03")
    assert client.post(f"/staff/hours/{other.pk}/time-off/", data).status_code == 404
    assert client.post(f"/staff/hours/{other.pk}/time-off/{other_off.pk}/remove/").status_code == 404
    # Someone else's time off through one's own pk is not found either.
    assert client.post(f"/staff/hours/{clinic.practitioner.pk}/time-off/{other_off.pk}/remove/").status_code == 404
    assert TimeOff.objects.count() == 1 and hours_of(other, clinic.location, 0) == [(time(9), time(17))]


def test_a_manager_lists_everyone_and_edits_anyones_hours(client, clinic, manager_user):
    client.force_login(manager_user)
    listing = client.get("/staff/hours/")
    assert listing.status_code == 200
    assert clinic.practitioner.display_name in listing.text and f"/staff/hours/{clinic.other.pk}/" in listing.text

    week = every_day(("10:00", "16:00"))
    assert client.post(edit_url(clinic.other, clinic.location), week_post(week)).status_code == 302
    assert hours_of(clinic.other, clinic.location, 3) == [(time(10), time(16))]
    data = time_off_post(clinic, whole_days="on", first_day="2026-12-03", last_day="2026-12-04")
    assert client.post(f"/staff/hours/{clinic.other.pk}/time-off/", data).status_code == 302
    assert TimeOff.objects.get().practitioner == clinic.other
    assert set(AuditEvent.objects.filter(actor=manager_user).values_list("action", flat=True)) == {
        "working_hours.replace",
        "time_off.add",
    }


@pytest.mark.parametrize("who", ["reception", "patient"])
def test_reception_and_patients_get_404(client, clinic, reception, who):
    client.force_login(reception if who == "reception" else clinic.patient.user)
    pk = clinic.practitioner.pk
    for url in ("/staff/hours/", f"/staff/hours/{pk}/", edit_url(clinic.practitioner, clinic.location)):
        assert client.get(url).status_code == 404
    assert client.post(edit_url(clinic.practitioner, clinic.location), week_post({})).status_code == 404
    assert hours_of(clinic.practitioner, clinic.location, 0) == [(time(9), time(17))]


def test_the_staff_home_links_practitioners_and_managers_to_the_hours(client, clinic, reception, manager_user):
    for user, linked in ((clinic.practitioner.user, True), (manager_user, True), (reception, False)):
        client.force_login(user)
        assert ('href="/staff/hours/"' in client.get("/staff/").text) is linked
    client.force_login(clinic.practitioner.user)
    assert "your weekly hours" in client.get("/staff/").text  # not "yours weekly hours"


def test_the_hours_page_reads_in_a_bounded_number_of_queries(client, clinic, django_assert_max_num_queries):
    for hour in (9, 10, 11, 12):
        book(clinic, utc(2026, 12, 2, hour))
    TimeOff.objects.create(practitioner=clinic.practitioner, start=utc(2026, 12, 2, 9), end=utc(2026, 12, 2, 13))
    client.force_login(clinic.practitioner.user)
    # Session, user, roles, practitioner, locations (twice: tables and form), hours (twice), time off
    # (twice), appointments with their patients, and the session save: none grows with the rows.
    with django_assert_max_num_queries(15):
        page = client.get(f"/staff/hours/{clinic.practitioner.pk}/")
    assert page.text.count(clinic.patient.full_name) == 4


def test_a_time_that_happens_twice_is_read_widely_for_time_off():
    # 01:30 happens twice on 31 October 2027 in London: time off starts at the first and ends
    # at the second, so it never covers less than asked.
    london = ZoneInfo("Europe/London")
    assert local_instant(date(2027, 10, 31), time(1, 30), london) == utc(2027, 10, 31, 0, 30)
    assert local_instant(date(2027, 10, 31), time(1, 30), london, later=True) == utc(2027, 10, 31, 1, 30)
    with pytest.raises(NonexistentLocalTime):
        local_instant(date(2027, 3, 28), time(1, 0), london)


@pytest.mark.parametrize(
    "data",
    [{}, {"blocks-TOTAL_FORMS": "2000", "blocks-INITIAL_FORMS": "0"}, {"blocks-TOTAL_FORMS": "x"}],
)
def test_a_mangled_week_is_an_error_not_a_crash(client, clinic, data):
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(clinic.practitioner, clinic.location), data)
    assert response.status_code == 200 and "The hours were not saved" in response.text
    assert hours_of(clinic.practitioner, clinic.location, 0) == [(time(9), time(17))]
