"""Booking the rest of a course after clearance: DST, idempotence, unplaced sessions, the message."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from icalendar import Calendar

from bookings.appointments.scheduling import course_schedule, courses_awaiting_schedule
from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course, LocationClosure, WorkingHours
from bookings.tasks import schedule_pending_courses
from intake.models import Intake
from tests.bookings.conftest import make_patient

pytestmark = pytest.mark.django_db

FIRST = datetime(2026, 10, 13, 17, 0, tzinfo=UTC)  # Tuesday 13 October 2026, 18:00 BST
NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def course(clinic):
    WorkingHours.objects.filter(practitioner=clinic.practitioner).update(end=time(20))  # evening clinic
    first = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=FIRST,
        by=clinic.patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    course = first.course
    course.intake = Intake.objects.create(
        patient=clinic.patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.CLEARED
    )
    course.sessions_planned, course.interval_days = 4, 7
    course.save()
    return course


def sessions(course) -> list[Appointment]:
    return list(course.appointments.active().order_by("session_number"))


def test_a_tuesday_six_pm_course_stays_at_six_pm_local_across_the_clock_change(course, clinic):
    result = course_schedule(course_id=course.pk, now=NOW)
    assert len(result.booked) == 3 and result.unplaced == []
    booked = sessions(course)
    zone = clinic.location.zone
    assert [a.start.astimezone(zone).time() for a in booked] == [time(18)] * 4
    assert [a.start.astimezone(zone).date() for a in booked] == [
        date(2026, 10, 13),
        date(2026, 10, 20),
        date(2026, 10, 27),
        date(2026, 11, 3),
    ]
    assert [a.start.hour for a in booked] == [17, 17, 18, 18]  # UTC moves, local time does not
    assert all(a.practitioner == clinic.practitioner for a in booked)
    course.refresh_from_db()
    assert course.status == Course.Status.SCHEDULED


def test_running_it_again_books_nothing_twice(course):
    course_schedule(course_id=course.pk, now=NOW)
    again = course_schedule(course_id=course.pk, now=NOW)
    assert again.booked == []
    assert [a.session_number for a in sessions(course)] == [1, 2, 3, 4]


def test_nothing_is_booked_before_the_intake_is_cleared(course):
    Intake.objects.filter(pk=course.intake_id).update(status=Intake.Status.NEEDS_REVIEW)
    assert course_schedule(course_id=course.pk, now=NOW).booked == []
    assert len(sessions(course)) == 1


def test_sessions_that_cannot_be_placed_put_the_course_on_receptions_list(course, clinic):
    # Closed for a fortnight around session 3's date: no time within half the interval.
    LocationClosure.objects.create(location=clinic.location, first_day=date(2026, 10, 21), last_day=date(2026, 11, 2))
    result = course_schedule(course_id=course.pk, now=NOW)
    course.refresh_from_db()
    assert course.status == Course.Status.NEEDS_ATTENTION
    assert [u["number"] for u in course.unplaced] == [3]
    assert "no free time" in course.unplaced[0]["reason"]
    assert len(result.booked) == 2


def test_sessions_are_never_closer_than_the_protocol_minimum(course, clinic):
    # The exact target of session 2 is taken; the nearest free slot may move it, never too close.
    other = appointment_book(
        patient=make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=datetime(2026, 10, 20, 17, 0, tzinfo=UTC),
        by=None,
        practitioner=clinic.practitioner,
        now=NOW,
        kind=Appointment.Kind.CONSULTATION,
    )
    assert other.pk
    course_schedule(course_id=course.pk, now=NOW)
    booked = sessions(course)
    gaps = [(b.start.date() - a.start.date()).days for a, b in zip(booked, booked[1:], strict=False)]
    assert all(gap >= clinic.treatment.interval_min_days for gap in gaps)


def test_the_patient_gets_one_message_with_every_date_and_one_calendar(
    course, clinic, mailoutbox, django_capture_on_commit_callbacks, dispatch_after_commit
):
    with django_capture_on_commit_callbacks(execute=True):
        course_schedule(course_id=course.pk, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        course_schedule(course_id=course.pk, now=NOW)  # a re-run sends nothing more
    messages = [m for m in mailoutbox if "all your dates" in m.subject]
    assert len(messages) == 1
    body = messages[0].body
    for day in ("Tuesday 13 October at 18:00", "Tuesday 20 October at 18:00", "Tuesday 3 November at 18:00"):
        assert day in body
    name, content, _ = messages[0].attachments[0]
    events = Calendar.from_ical(content).walk("VEVENT")
    assert name == "course.ics" and len(events) == 4
    assert {e.decoded("dtstart").astimezone(UTC) for e in events} == {a.start for a in sessions(course)}


def test_the_beat_sweep_books_a_cleared_course_whose_task_was_lost(course, clinic):
    # Cleared a minute ago: the task queued at clearance may still be on its way.
    Course.objects.filter(pk=course.pk).update(updated_at=NOW - timedelta(minutes=1))
    assert courses_awaiting_schedule(now=NOW) == []
    # Three minutes on, still waiting: the task was lost (broker down, worker killed).
    assert courses_awaiting_schedule(now=NOW + timedelta(minutes=2)) == [course.pk]
    Course.objects.filter(pk=course.pk).update(updated_at=NOW - timedelta(minutes=3))
    with time_machine.travel(NOW, tick=False):
        assert schedule_pending_courses() == 1
        assert schedule_pending_courses() == 0  # booked once
    course.refresh_from_db()
    assert course.status == Course.Status.SCHEDULED and len(sessions(course)) == 4


def test_the_sweep_leaves_courses_that_are_not_cleared(course):
    Intake.objects.filter(pk=course.intake_id).update(status=Intake.Status.NEEDS_REVIEW)
    Course.objects.filter(pk=course.pk).update(updated_at=NOW - timedelta(hours=1))
    assert courses_awaiting_schedule(now=NOW) == []
