"""Utilisation: booked hours over working hours, per practitioner, room and week."""

from __future__ import annotations

from datetime import date, time

import pytest

from bookings.models import Appointment, HolidayOpening, TimeOff
from reports.domain.capacity import Block, capacity
from reports.domain.periods import Period
from reports.selectors.utilisation import utilisation_report
from tests.reports.conftest import AUTUMN, LONDON, SPRING, hours, local, rows_of, scope_of

pytestmark = pytest.mark.django_db
S = Appointment.Status


def _worked(block_start: time, block_end: time, day: date, **extra) -> float:
    weekday = day.weekday()
    result = capacity(
        period=Period(day, day),
        blocks=[Block(1, 1, weekday, block_start, block_end)],
        zones={1: LONDON},
        closed=extra.get("closed", {}),
        time_off=extra.get("time_off", {}),
    )
    return sum(v.total_seconds() for v in result.practitioner_weeks.values()) / 3600


def test_it_counts_the_real_hours_of_a_block_across_the_clock_change():
    assert _worked(time(0), time(4), SPRING) == 3  # 01:00-02:00 never happens
    assert _worked(time(0), time(4), AUTUMN) == 5  # 01:00-02:00 happens twice
    assert _worked(time(9), time(17), SPRING) == 8
    assert _worked(time(9), time(17), AUTUMN) == 8


def test_it_gives_no_working_hours_on_a_closed_day_and_cuts_out_time_off():
    assert _worked(time(9), time(17), SPRING, closed={1: {SPRING}}) == 0
    off = {1: [(local(SPRING, 12), local(SPRING, 13, 30))]}
    assert _worked(time(9), time(17), SPRING, time_off=off) == 6.5


@pytest.fixture
def spring_week(diary):
    """Practitioner A works Sundays and Mondays 09:00-17:00 in London; Monday 29 March 2027 is
    Easter Monday (a public holiday: closed). An hour off on the Sunday."""
    hours(diary.a, diary.london, 6, time(9), time(17))
    hours(diary.a, diary.london, 0, time(9), time(17))
    TimeOff.objects.create(practitioner=diary.a, start=local(SPRING, 12), end=local(SPRING, 13))
    diary.appointment(local(SPRING, 9), minutes=60, status=S.COMPLETED)
    diary.appointment(local(SPRING, 10), minutes=90, status=S.NO_SHOW)
    diary.appointment(local(SPRING, 14), minutes=60, status=S.CANCELLED)  # frees the time
    diary.appointment(local(SPRING, 15), minutes=60, status=S.BOOKED, room=diary.rooms[1])
    return diary


def test_it_divides_booked_hours_by_working_hours_per_week(spring_week):
    diary = spring_week
    report = utilisation_report(scope=scope_of(diary, SPRING, date(2027, 3, 29), chosen=diary.london))
    by_week = rows_of(report, "by-week")
    # Booked 1 + 1.5 + 1 hours of 8 - 1 worked; rooms: the location is staffed 8 hours, 2 rooms.
    assert by_week[0] == ["22 Mar 2027", 3.5, 7.0, 0.5, 3.5 / 16]
    assert by_week[1] == ["29 Mar 2027", 0, 0, None, None]  # Easter Monday: closed, no data
    assert rows_of(report, "by-practitioner") == [[diary.a.display_name, 3.5, 7.0, 0.5]]
    assert rows_of(report, "by-room") == [["Room 1 (London)", 2.5, 8.0, 2.5 / 8], ["Room 2 (London)", 1.0, 8.0, 1 / 8]]


def test_it_counts_a_holiday_the_location_opens_on(spring_week):
    HolidayOpening.objects.create(location=spring_week.london, day=date(2027, 3, 29))
    report = utilisation_report(scope=scope_of(spring_week, SPRING, date(2027, 3, 29), chosen=spring_week.london))
    assert rows_of(report, "by-week")[1][2] == 8.0


def test_it_sums_every_location_each_in_its_own_zone(spring_week):
    diary = spring_week
    hours(diary.b, diary.paris, 6, time(9), time(17))
    diary.appointment(local(SPRING, 9, zone=diary.paris.zone), minutes=120, practitioner=diary.b)
    # 23:30 in Paris on Saturday is 22:30 UTC: not Sunday's, in any zone's reckoning of Paris.
    diary.appointment(local(date(2027, 3, 27), 23, 30, zone=diary.paris.zone), practitioner=diary.b)
    report = utilisation_report(scope=scope_of(diary, SPRING))
    assert rows_of(report, "by-week") == [["22 Mar 2027", 5.5, 15.0, 5.5 / 15, 5.5 / 24]]
    assert {row[0]: row[3] for row in rows_of(report, "by-practitioner")} == {
        diary.a.display_name: 0.5,
        diary.b.display_name: 2 / 8,
    }
