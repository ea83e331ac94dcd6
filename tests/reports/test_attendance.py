"""No-shows and late cancellations on the autumn clock change (a 25-hour local day)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine

from bookings.appointments.services import appointment_cancel, appointment_reschedule
from bookings.models import Appointment
from reports.selectors.attendance import attendance_report
from tests.reports.conftest import AUTUMN, hours, local, rows_of, scope_of, utc

pytestmark = pytest.mark.django_db
S = Appointment.Status


def _cancel(appointment, at, by):
    with time_machine.travel(at, tick=False):
        appointment_cancel(appointment=appointment, by=by, now=at)


@pytest.fixture
def autumn_day(diary):
    for weekday in range(7):
        hours(diary.a, diary.london, weekday, time(9), time(17))
    d = diary
    d.appointment(utc(2027, 10, 30, 23, 30), status=S.COMPLETED)  # 00:30 BST on the 31st: in
    d.appointment(utc(2027, 10, 30, 22, 0), status=S.NO_SHOW)  # 23:00 BST on the 30th: out
    d.appointment(local(AUTUMN, 9), status=S.NO_SHOW)
    late = d.appointment(local(AUTUMN, 10), status=S.BOOKED)
    _cancel(late, local(AUTUMN, 8), d.manager)  # two hours before: within the 24-hour cut-off
    early = d.appointment(local(AUTUMN, 11), status=S.BOOKED)
    _cancel(early, local(AUTUMN, 11) - timedelta(hours=49), d.manager)
    d.appointment(utc(2027, 10, 31, 23, 0), status=S.NO_SHOW, treatment=d.cell)  # 23:00 GMT: in
    d.appointment(utc(2027, 11, 1, 0, 30), status=S.NO_SHOW)  # 00:30 on 1 November: out
    # Moved: one out of the day, one into it (each counts where it is now).
    now = utc(2027, 10, 20, 9)
    away = d.appointment(local(AUTUMN, 12), status=S.BOOKED)
    into = d.appointment(local(AUTUMN + timedelta(days=3), 12), status=S.BOOKED)
    with time_machine.travel(now, tick=False):
        appointment_reschedule(appointment=away, start=local(AUTUMN + timedelta(days=7), 12), by=d.manager, now=now)
        appointment_reschedule(appointment=into, start=local(AUTUMN, 14), by=d.manager, now=now)
    return d


def test_it_counts_no_shows_and_late_cancellations_of_the_local_day(autumn_day):
    report = attendance_report(scope=scope_of(autumn_day, AUTUMN, chosen=autumn_day.london))
    # In the day: 00:30 completed, 09:00 no-show, 10:00 late, 11:00 early, 14:00 moved in, 23:00 no-show.
    assert rows_of(report, "trend") == [["25 Oct 2027", 6, 2, 2 / 6, 1, 1 / 6]]
    assert "6 appointments at London: 2 no-shows and 1 late cancellations" in report.figures[0].summary


def test_it_breaks_the_rates_down_by_treatment(autumn_day):
    report = attendance_report(scope=scope_of(autumn_day, AUTUMN, chosen=autumn_day.london))
    assert rows_of(report, "by-treatment") == [
        ["Cellulite reduction", 1, 1, 1.0, 0, 0.0],
        ["Skin rejuvenation", 5, 1, 0.2, 1, 0.2],
    ]


def test_it_maps_them_by_local_weekday_and_hour(autumn_day):
    report = attendance_report(scope=scope_of(autumn_day, AUTUMN, chosen=autumn_day.london))
    figure = next(f for f in report.figures if f.slug == "heat-map")
    assert figure.labels == ["00:00", "09:00", "10:00", "11:00", "14:00", "23:00"]
    rows = {row[0]: row[1:] for row in figure.table.rows}
    assert rows["Sunday"] == [0, 1, 1, 0, 0, 1]
    assert rows["Saturday"] == [0] * 6
    assert "Sunday at 09:00 (1)" in figure.summary


def test_it_leaves_out_the_other_location_when_one_is_chosen_and_adds_it_for_all(autumn_day):
    d = autumn_day
    d.appointment(local(AUTUMN, 9, zone=d.paris.zone), status=S.NO_SHOW, practitioner=d.b)
    assert rows_of(attendance_report(scope=scope_of(d, AUTUMN, chosen=d.london)), "trend")[0][1:3] == [6, 2]
    assert rows_of(attendance_report(scope=scope_of(d, AUTUMN)), "trend")[0][1:3] == [7, 3]


def test_it_leaves_out_the_appointments_still_to_come(autumn_day):
    d = autumn_day
    scope = scope_of(d, AUTUMN, chosen=d.london)
    later = type(scope)(locations=scope.locations, period=scope.period, chosen=d.london, now=local(AUTUMN, 10, 30))
    # By 10:30: the 00:30 completed, the 09:00 no-show and the 10:00 late cancellation.
    assert rows_of(attendance_report(scope=later), "trend") == [["25 Oct 2027", 3, 1, 1 / 3, 1, 1 / 3]]
