"""Courses started that day, how far they got, and the maintenance recalls due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bookings.models import Appointment, Course
from reports.selectors.courses import courses_report
from tests.reports.conftest import SPRING, local, rows_of, scope_of, utc

pytestmark = pytest.mark.django_db
S, C = Appointment.Status, Course.Status


def _sessions(diary, course, statuses, hour):
    for number, status in enumerate(statuses, start=1):
        diary.appointment(
            local(SPRING + timedelta(days=14 * number), hour),
            patient=course.patient,
            treatment=course.treatment,
            course=course,
            session=number,
            status=status,
        )


@pytest.fixture
def started(diary):
    d = diary
    done = d.course(local(SPRING, 9), status=C.COMPLETED, maintenance_due=SPRING, recall_contacted_at=timezone.now())
    _sessions(d, done, [S.COMPLETED] * 4, 9)
    dropped = d.course(local(SPRING, 10), status=C.CANCELLED)
    _sessions(d, dropped, [S.COMPLETED, S.CANCELLED], 11)
    going = d.course(local(SPRING, 11), status=C.IN_PROGRESS, treatment=d.cell)
    _sessions(d, going, [S.COMPLETED, S.COMPLETED, S.BOOKED], 13)
    d.course(utc(2027, 3, 27, 23, 30), status=C.COMPLETED)  # 23:30 GMT on the 27th
    d.course(utc(2027, 3, 28, 23, 30), status=C.COMPLETED)  # 00:30 BST on the 29th
    return d


def test_it_counts_courses_started_completed_and_dropped_out(started):
    report = courses_report(scope=scope_of(started, SPRING))
    assert rows_of(report, "by-treatment") == [["Cellulite reduction", 1, 0, 0, 1], ["Skin rejuvenation", 2, 1, 1, 0]]


def test_it_funnels_the_courses_by_the_sessions_completed(started):
    report = courses_report(scope=scope_of(started, SPRING))
    assert rows_of(report, "funnel") == [
        ["Session 1", 3, 1.0],
        ["Session 2", 2, 2 / 3],
        ["Session 3", 1, 1 / 3],
        ["Session 4", 1, 1 / 3],
    ]


def test_it_counts_recalls_due_contacted_and_booked(started):
    d = started
    done = Course.objects.get(status=C.COMPLETED, maintenance_due=SPRING)
    d.appointment(local(date(2027, 9, 1), 10), patient=done.patient, status=S.BOOKED)  # the maintenance visit
    quiet = d.course(local(date(2026, 9, 1), 9), status=C.COMPLETED, maintenance_due=SPRING)
    d.appointment(local(date(2027, 9, 2), 10), patient=quiet.patient, status=S.CANCELLED)  # not a booking
    d.course(local(date(2026, 9, 1), 9), status=C.COMPLETED, maintenance_due=SPRING + timedelta(days=1))
    report = courses_report(scope=scope_of(d, SPRING))
    assert rows_of(report, "recalls") == [["Due", 2, 1.0], ["Contacted", 1, 0.5], ["Booked", 1, 0.5]]
