"""One practitioner's week at a location: a column per day (Monday to Sunday, the location's
wall-clock time), 15-minute rows over the practitioner's working hours that week, widened to
show every appointment.

Each day is laid out from its own local midnight, so a week with a clock change places 10:00
on both sides of it in the 10:00 row. A fixed number of queries whatever the number of
appointments: the location with the practitioner, their working hours (all locations), time off,
the location's closures, the appointments (patient, treatment, area, course joined) and the
intake statuses.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.diary.grids import week_grid, week_hours
from bookings.diary.selectors import week_load
from bookings.web.reception.grid_html import grid_body
from clinic.access import locations_for_staff
from clinic.models import Practitioner
from clinic.params import parse_day
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def diary_week(request: HttpRequest, location: str, practitioner: int) -> HttpResponse:
    # The location and the practitioner in one query: both 404 unless the practitioner works at
    # a location this staff member sees.
    link = get_object_or_404(
        Practitioner.locations.through.objects.select_related("location", "practitioner"),
        location__slug=location,
        location__in=locations_for_staff(request.user),
        practitioner_id=practitioner,
    )
    place = link.location
    today = timezone.now().astimezone(place.zone).date()
    day = parse_day(request, today)
    monday = day - timedelta(days=day.weekday())
    data = week_load(place=place, practitioner=link.practitioner, monday=monday)
    grid, hours, days = week_grid(data), week_hours(data), data.days
    return render(
        request,
        "bookings/diary/week.html",
        {
            "location": place,
            "practitioner": link.practitioner,
            "day": day,
            "today": today,
            "monday": monday,
            "sunday": days[-1],
            "columns": [{"day": d, "hours": hours[d], "is_today": d == today} for d in days],
            "rows": grid.rows,
            "grid_body": grid_body(grid.rows, panel=False),
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "appointment_count": grid.appointment_count,
            "this_week": monday <= today <= days[-1],
        },
    )
