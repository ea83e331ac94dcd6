"""New and returning patients and booking lead time, on the spring clock change (a 23-hour day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings.models import Appointment
from reports.selectors.patients import patients_report
from tests.factories import PatientFactory
from tests.reports.conftest import SPRING, local, rows_of, scope_of, utc

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def spring_day(diary):
    d = diary
    first_timer = PatientFactory()  # first visit ever that day (and a later session the same day)
    d.appointment(local(SPRING, 10), patient=first_timer, created=local(SPRING, 8))
    d.appointment(local(SPRING, 15), patient=first_timer, session=2, created=local(SPRING, 8) - timedelta(days=90))
    regular = PatientFactory()  # came in January
    d.appointment(local(date(2027, 1, 10), 10), patient=regular)
    d.appointment(local(SPRING, 11), patient=regular, created=local(SPRING, 11) - timedelta(days=8))
    rebooked = PatientFactory()  # a January booking cancelled: the spring visit is the first
    d.appointment(local(date(2027, 1, 11), 10), patient=rebooked, status=S.CANCELLED)
    d.appointment(local(SPRING, 12), patient=rebooked, status=S.BOOKED, created=local(SPRING, 12) - timedelta(days=2))
    d.appointment(local(SPRING, 13), status=S.CANCELLED)  # not seen
    d.appointment(utc(2027, 3, 28, 23, 15))  # 00:15 BST on the 29th: not this day
    return d


def test_it_counts_new_and_returning_patients_of_the_local_day(spring_day):
    report = patients_report(scope=scope_of(spring_day, SPRING))
    assert rows_of(report, "patients-by-week") == [["22 Mar 2027", 2, 1, 3]]
    assert report.figures[0].summary.startswith("3 patients seen at all locations: 2 new to the clinic and 1 returning")


def test_it_bands_the_lead_time_of_the_bookings_people_chose(spring_day):
    report = patients_report(scope=scope_of(spring_day, SPRING))
    # Two hours, two days and eight days ahead; the course's second session is not a choice.
    bands = {row[0]: row[1] for row in rows_of(report, "lead-time")}
    assert bands == {
        "Less than a day": 1,
        "1 to 2 days": 1,
        "3 to 7 days": 0,
        "8 to 14 days": 1,
        "15 to 30 days": 0,
        "More than 30 days": 0,
    }
    assert report.figures[1].note == "Median lead time: 2.0 days."


def test_it_counts_a_patient_by_the_week_of_their_first_visit(spring_day):
    d = spring_day
    report = patients_report(scope=scope_of(d, date(2027, 1, 4), SPRING))
    by_week = {row[0]: row[1:] for row in rows_of(report, "patients-by-week")}
    assert by_week["04 Jan 2027"] == [1, 0, 1]  # the regular's first visit
    assert by_week["22 Mar 2027"] == [2, 1, 3]
    assert sum(row[0] for row in by_week.values()) == 3
