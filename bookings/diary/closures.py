"""The days a location is closed: its own closures, and its public holidays unless it opens on
one (clinic.holidays for the calendar, bookings.HolidayOpening for the exceptions).

One query for both kinds of row, so the diary still loads in a fixed number of queries; the
holidays themselves are computed, not stored.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import CharField, F, Value

from bookings.models import HolidayOpening, LocationClosure, WorkingHours
from clinic.holidays import public_holidays
from clinic.models import Location
from treatments.models import Treatment

CLOSED, OPEN = "closed", "open"


def closed_days(location: Location, first_day: date, last_day: date) -> dict[date, str]:
    """Each closed day from first_day to last_day, with why: the closure's reason ("" when none
    was given) or the holiday's name."""
    closures = LocationClosure.objects.filter(location=location, first_day__lte=last_day, last_day__gte=first_day)
    openings = HolidayOpening.objects.filter(location=location, day__gte=first_day, day__lte=last_day)
    rows = (
        closures.order_by()
        .annotate(kind=Value(CLOSED, output_field=CharField()))
        .values_list("kind", "first_day", "last_day", "reason")
        .union(
            openings.order_by()
            .annotate(kind=Value(OPEN, output_field=CharField()), last=F("day"))
            .values_list("kind", "day", "last", "note"),
            all=True,
        )
    )
    closed: dict[date, str] = {}
    opened: set[date] = set()
    for kind, first, last, reason in rows:
        if kind == OPEN:
            opened.add(first)
            continue
        day = max(first, first_day)
        while day <= min(last, last_day):
            closed.setdefault(day, reason)
            day += timedelta(days=1)
    holidays = public_holidays(
        country=location.country, subdivision=location.subdivision, first_day=first_day, last_day=last_day
    )
    for day, name in holidays.items():
        if day not in opened:
            closed.setdefault(day, f"{name} (public holiday)")
    return closed


def calendar_closed_days(location: Location, treatment: Treatment, first_day: date, last_day: date) -> dict[date, str]:
    """For the patient's month calendar: the closed days, and the days nobody who performs the
    treatment works at the location ("" as the reason). The rest of the days without free times
    are full."""
    closed = closed_days(location, first_day, last_day)
    weekdays = set(
        WorkingHours.objects.filter(
            location=location, practitioner__is_active=True, practitioner__treatments=treatment
        ).values_list("weekday", flat=True)
    )
    day = first_day
    while day <= last_day:
        if day.weekday() not in weekdays:
            closed.setdefault(day, "")
        day += timedelta(days=1)
    return closed
