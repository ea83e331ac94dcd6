"""Reception's unfinished work: missing questionnaires, courses needing attention, this week's
no-shows; who is on each list and who is not, per location, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from bookings.models import Appointment, Course
from clinic.roles import Role, user_set_roles
from intake.models import Intake
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.factories import LocationFactory, RoomFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

TOMORROW = NOW + timedelta(days=1, hours=2)  # Wednesday 2 December, 10:00


def book(clinic, start, *, patient=None, practitioner=None, room=None, location=None, **kwargs) -> Appointment:
    return Appointment.objects.create(
        patient=patient or clinic.patient,
        practitioner=practitioner or clinic.practitioner,
        room=room or clinic.rooms[0],
        location=location or clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=start,
        end=start + timedelta(minutes=30),
        **kwargs,
    )


def course_for(clinic, *, patient=None, planned=4, status=Course.Status.SCHEDULED, **kwargs) -> Course:
    return Course.objects.create(
        patient=patient or make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=planned,
        interval_days=14,
        status=status,
        **kwargs,
    )


def intake(clinic, patient, status, treatment=None):
    return Intake.objects.create(
        patient=patient, treatment=treatment or clinic.treatment, area=clinic.area, status=status
    )


@pytest.fixture
def signed_in(client, reception):
    client.force_login(reception)
    return client


def lists(client):
    response = client.get(reverse("worklist"))
    assert response.status_code == 200
    return response


def missing(response) -> list[int]:
    return [item["appointment"].pk for item in response.context["missing_intakes"]]


def courses(response) -> list[int]:
    return [item["course"].pk for item in response.context["courses"]]


def no_shows(response) -> list[int]:
    return [item["appointment"].pk for item in response.context["no_shows"]]


class TestMissingIntakes:
    def test_lists_appointments_in_the_next_week_without_a_submitted_questionnaire(self, signed_in, clinic):
        none = book(clinic, TOMORROW)
        drafted_patient = make_patient(
            first_name="Draft", last_name="Person", phone="07700 900555", email="draft@example.org"
        )
        intake(clinic, drafted_patient, Intake.Status.DRAFT)
        drafted = book(clinic, TOMORROW + timedelta(hours=1), patient=drafted_patient)
        response = lists(signed_in)
        assert missing(response) == [none.pk, drafted.pk]
        words = {item["appointment"].pk: item["intake"] for item in response.context["missing_intakes"]}
        assert words == {none.pk: "not started", drafted.pk: "started, not submitted"}
        html = response.content.decode()
        assert "Draft Person" in html and "07700 900555" in html and "draft@example.org" in html
        assert "Wed 2 Dec 11:00" in html
        assert f'href="{reverse("diary-day", args=[clinic.location.slug])}?date=2026-12-02"' in html

    @pytest.mark.parametrize(
        "status",
        [
            Intake.Status.SUBMITTED,
            Intake.Status.NEEDS_REVIEW,
            Intake.Status.CLEARED,
            Intake.Status.NOT_SUITABLE,
            Intake.Status.DECLINED,
        ],
    )
    def test_a_submitted_or_later_questionnaire_takes_the_appointment_off(self, signed_in, clinic, status):
        intake(clinic, clinic.patient, status)
        book(clinic, TOMORROW)
        assert missing(lists(signed_in)) == []

    def test_a_questionnaire_for_another_treatment_does_not_count(self, signed_in, clinic):
        from treatments.models import Treatment

        other = Treatment.objects.exclude(pk=clinic.treatment.pk).first()
        Intake.objects.create(
            patient=clinic.patient, treatment=other, area=other.areas.first(), status=Intake.Status.CLEARED
        )
        appointment = book(clinic, TOMORROW)
        assert missing(lists(signed_in)) == [appointment.pk]

    def test_past_later_than_a_week_cancelled_and_no_show_appointments_are_left_off(self, signed_in, clinic):
        book(clinic, NOW - timedelta(hours=1))
        book(clinic, NOW + timedelta(days=7, minutes=1))
        book(clinic, TOMORROW, status=Appointment.Status.CANCELLED)
        book(clinic, TOMORROW + timedelta(hours=1), status=Appointment.Status.NO_SHOW)
        last = book(clinic, NOW + timedelta(days=6, hours=23))
        assert missing(lists(signed_in)) == [last.pk]


class TestCourses:
    def test_a_course_with_unplaced_sessions_is_listed_with_the_reason(self, signed_in, clinic):
        unplaced = [{"number": 3, "target": "2026-12-16T10:00:00+00:00", "reason": "no free time"}]
        course = course_for(clinic, status=Course.Status.NEEDS_ATTENTION, unplaced=unplaced)
        for n in (1, 2, 4):
            book(
                clinic, TOMORROW + timedelta(days=14 * (n - 1)), patient=course.patient, course=course, session_number=n
            )
        response = lists(signed_in)
        assert courses(response) == [course.pk]
        html = response.content.decode()
        assert "Session 3 not placed" in html and "no free time" in html and "3 of 4" in html
        assert f"{reverse('diary-day', args=[clinic.location.slug])}?date=2026-12-16" in html

    def test_an_active_course_with_fewer_sessions_booked_than_planned_is_listed(self, signed_in, clinic):
        short = course_for(clinic, status=Course.Status.IN_PROGRESS)
        book(
            clinic,
            NOW - timedelta(days=14),
            patient=short.patient,
            course=short,
            session_number=1,
            status=Appointment.Status.COMPLETED,
        )
        book(
            clinic,
            NOW - timedelta(days=1),
            patient=short.patient,
            course=short,
            session_number=2,
            status=Appointment.Status.NO_SHOW,
        )
        book(clinic, TOMORROW, patient=short.patient, course=short, session_number=3)
        full = course_for(clinic)
        for n in range(4):
            book(
                clinic,
                TOMORROW + timedelta(days=14 * n, hours=2),
                patient=full.patient,
                course=full,
                session_number=n + 1,
            )
        response = lists(signed_in)
        assert courses(response) == [short.pk]
        assert "2 sessions not booked" in response.content.decode()

    @pytest.mark.parametrize(
        "status", [Course.Status.AWAITING_INTAKE, Course.Status.COMPLETED, Course.Status.CANCELLED]
    )
    def test_courses_awaiting_intake_finished_or_cancelled_are_left_off(self, signed_in, clinic, status):
        unplaced = [] if status == Course.Status.AWAITING_INTAKE else [{"number": 2, "target": "x", "reason": "r"}]
        course = course_for(clinic, status=status, unplaced=unplaced)
        book(clinic, TOMORROW, patient=course.patient, course=course, session_number=1)
        assert courses(lists(signed_in)) == []


class TestNoShows:
    def test_lists_this_weeks_no_shows_from_monday(self, signed_in, clinic):
        monday = book(clinic, datetime(2026, 11, 30, 10, 0, tzinfo=UTC), status=Appointment.Status.NO_SHOW)
        book(clinic, datetime(2026, 11, 29, 10, 0, tzinfo=UTC), status=Appointment.Status.NO_SHOW)  # Sunday
        book(clinic, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), status=Appointment.Status.COMPLETED)
        book(clinic, datetime(2026, 11, 30, 14, 0, tzinfo=UTC), status=Appointment.Status.CANCELLED)
        response = lists(signed_in)
        assert no_shows(response) == [monday.pk]
        html = response.content.decode()
        assert "Mon 30 Nov 10:00" in html and "07700 900000" in html and 'href="tel:+447700900000"' in html

    def test_each_location_counts_the_week_from_its_own_monday(self, client, clinic):
        # NOW is Tuesday 21:00 in Auckland; its Monday began at 11:00 UTC on Sunday 29 November.
        auckland = LocationFactory(timezone="Pacific/Auckland")
        room = RoomFactory(location=auckland)
        practitioner = make_practitioner(auckland, clinic.treatment)
        sunday_noon_utc = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
        there = book(
            clinic,
            sunday_noon_utc,
            location=auckland,
            room=room,
            practitioner=practitioner,
            status=Appointment.Status.NO_SHOW,
        )
        book(clinic, sunday_noon_utc, status=Appointment.Status.NO_SHOW)  # London: still last week
        manager = UserFactory()
        user_set_roles(user=manager, roles=[Role.MANAGER])
        client.force_login(manager)
        response = lists(client)
        assert no_shows(response) == [there.pk]
        assert "Mon 30 Nov 01:00" in response.content.decode()  # Auckland's wall clock


def other_location_work(clinic):
    """One item for each list at a location the reception fixture does not work at."""
    elsewhere = LocationFactory()
    room = RoomFactory(location=elsewhere)
    practitioner = make_practitioner(elsewhere, clinic.treatment)
    kwargs = {"location": elsewhere, "room": room, "practitioner": practitioner}
    upcoming = book(clinic, TOMORROW, patient=make_patient(), **kwargs)
    no_show = book(
        clinic, NOW - timedelta(hours=2), patient=make_patient(), status=Appointment.Status.NO_SHOW, **kwargs
    )
    course = course_for(
        clinic,
        status=Course.Status.NEEDS_ATTENTION,
        unplaced=[{"number": 2, "target": "2026-12-20T10:00:00+00:00", "reason": "r"}],
    )
    Course.objects.filter(pk=course.pk).update(location=elsewhere, practitioner=practitioner)
    return upcoming, course, no_show


def test_reception_sees_only_its_locations_and_a_manager_all(client, clinic, reception):
    upcoming, course, no_show = other_location_work(clinic)
    client.force_login(reception)
    response = lists(client)
    assert missing(response) == [] and courses(response) == [] and no_shows(response) == []
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    response = lists(client)
    assert missing(response) == [upcoming.pk] and courses(response) == [course.pk]
    assert no_shows(response) == [no_show.pk]


def test_practitioners_and_patients_get_404_and_anonymous_visitors_sign_in(client, clinic):
    client.force_login(clinic.practitioner.user)
    assert client.get(reverse("worklist")).status_code == 404
    client.force_login(clinic.patient.user)
    assert client.get(reverse("worklist")).status_code == 404
    client.logout()
    response = client.get(reverse("worklist"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def fill(clinic, count: int, offset: int) -> None:
    """`count` items on each of the three lists."""
    for n in range(offset, offset + count):
        patient = make_patient()
        book(clinic, TOMORROW + timedelta(minutes=30 * n), patient=patient)
        book(clinic, NOW - timedelta(hours=1, minutes=30 * n), patient=patient, status=Appointment.Status.NO_SHOW)
        course = course_for(
            clinic,
            patient=patient,
            status=Course.Status.NEEDS_ATTENTION,
            unplaced=[{"number": 2, "target": "2026-12-20T10:00:00+00:00", "reason": "r"}],
        )
        book(
            clinic,
            TOMORROW + timedelta(days=1, minutes=30 * n),  # a patient is in one place at a time
            patient=patient,
            practitioner=clinic.other,
            room=clinic.rooms[1],
            course=course,
            session_number=1,
        )


def test_the_query_count_stays_the_same_with_three_times_the_rows(signed_in, clinic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for total, offset in ((4, 0), (12, 4)):
        fill(clinic, total - offset, offset)
        session = signed_in.session
        session["_staff_seen"] = 0  # the worst case: this request also saves the sliding expiry
        session.save()
        with CaptureQueriesContext(connection) as queries:
            response = lists(signed_in)
        assert len(response.context["no_shows"]) == total and len(response.context["courses"]) == total
        assert len(response.context["missing_intakes"]) == 2 * total  # the course's first session too
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 11, counts  # the fourth list (phone numbers to check) is one query
