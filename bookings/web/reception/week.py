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

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.diary.selectors import latest_intake_statuses
from bookings.diary.words import diary_entry
from bookings.domain.grid import (
    DAY_MINUTES,
    DEFAULT_OPENING,
    SLOT_MINUTES,
    grid_rows,
    minute_label,
    minute_of_day,
    minutes_of,
    stack_spans,
)
from bookings.models import MAX_APPOINTMENT, Appointment, LocationClosure, TimeOff, WorkingHours
from clinic.access import locations_for_staff
from clinic.models import Practitioner
from clinic.params import parse_day
from clinic.roles import Role, role_required


def _state(minute: int, own: list[tuple[int, int]], elsewhere: list[tuple[int, int, str]]) -> tuple[str, str]:
    """What a row of a day is before time off, closures and appointments go on top."""
    if any(s <= minute < e for s, e in own):
        return ("free", "")
    away = next((name for s, e, name in elsewhere if s <= minute < e), None)
    if away is not None:
        return ("elsewhere", f"At {away}")
    if own and min(s for s, _ in own) <= minute < max(e for _, e in own):
        return ("break", "Break")
    return ("outside", "Not working")


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
    place, person = link.location, link.practitioner
    zone = place.zone
    today = timezone.now().astimezone(zone).date()
    day = parse_day(request, today)
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=n) for n in range(7)]
    week_start = datetime.combine(monday, time(0), tzinfo=zone)
    week_end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)

    own: dict[int, list[tuple[int, int]]] = defaultdict(list)  # weekday -> blocks here
    elsewhere: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # weekday -> blocks at other places
    for location_id, location_name, weekday, start, end in (
        WorkingHours.objects.filter(practitioner=person)
        .order_by("weekday", "start")
        .values_list("location_id", "location__name", "weekday", "start", "end")
    ):
        if location_id == place.pk:
            own[weekday].append((minutes_of(start), minutes_of(end)))
        else:
            elsewhere[weekday].append((minutes_of(start), minutes_of(end), location_name))

    time_off = list(
        TimeOff.objects.filter(practitioner=person, start__lt=week_end, end__gt=week_start).values_list(
            "start", "end", "reason"
        )
    )
    closures = list(
        LocationClosure.objects.filter(location=place, first_day__lte=days[-1], last_day__gte=monday).values_list(
            "first_day", "last_day", "reason"
        )
    )
    appointments = list(
        Appointment.objects.filter(
            practitioner=person,
            location=place,
            start__lt=week_end,
            end__gt=week_start,
            start__gte=week_start - MAX_APPOINTMENT,
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("patient", "treatment", "area", "course")
        .order_by("start", "id")
    )
    statuses = latest_intake_statuses(appointments)

    # Each appointment in the column of the local day it starts on (one that started the Sunday
    # before and runs past midnight shows from Monday 00:00).
    placed: list[tuple[int, int, int, object]] = []  # (column, first minute, last minute, appointment)
    for appointment in appointments:
        column_day = max(appointment.start.astimezone(zone).date(), monday)
        first = minute_of_day(appointment.start, column_day, zone)
        last = max(minute_of_day(appointment.end, column_day, zone), first + SLOT_MINUTES)
        placed.append(((column_day - monday).days, first, min(last, DAY_MINUTES), appointment))

    all_blocks = [block for blocks in own.values() for block in blocks]
    if all_blocks:
        open_start, open_end = min(s for s, _ in all_blocks), max(e for _, e in all_blocks)
    else:
        open_start, open_end = minutes_of(DEFAULT_OPENING[0]), minutes_of(DEFAULT_OPENING[1])
    grid_start = min([open_start, *(first for _, first, _, _ in placed)])
    grid_end = max([open_end, *(last for _, _, last, _ in placed)])
    grid_start -= grid_start % SLOT_MINUTES
    grid_end = min(grid_end + -grid_end % SLOT_MINUTES, DAY_MINUTES)
    n_rows = max(1, (grid_end - grid_start) // SLOT_MINUTES)

    def row_of(minute: int) -> int:
        return min(max((minute - grid_start) // SLOT_MINUTES, 0), n_rows - 1)

    def row_end(minute: int) -> int:  # exclusive, rounding up
        return min(max(-(-(minute - grid_start) // SLOT_MINUTES), 1), n_rows)

    states: list[list[tuple[str, str]]] = []
    for column_day in days:
        weekday = column_day.weekday()
        closed = next((r for first, last, r in closures if first <= column_day <= last), None)
        off = [
            (minute_of_day(start, column_day, zone), minute_of_day(end, column_day, zone), reason)
            for start, end, reason in time_off
        ]
        column = []
        for row in range(n_rows):
            minute = grid_start + row * SLOT_MINUTES
            state = _state(minute, own.get(weekday, []), elsewhere.get(weekday, []))
            away = next((r for s, e, r in off if s <= minute < e), None)
            if away is not None:
                state = ("off", f"Off: {away}" if away else "Off")
            if closed is not None:
                state = ("closed", f"Closed: {closed}" if closed else "Location closed")
            column.append(state)
        states.append(column)

    spans = [
        stack_spans(
            (row_of(first), row_end(last), diary_entry(appointment, zone, statuses))
            for n, first, last, appointment in placed
            if n == column
        )
        for column in range(7)
    ]
    hours = {
        d: ", ".join(f"{minute_label(s)}–{minute_label(e)}" for s, e in own.get(d.weekday(), [])) or "not working"
        for d in days
    }
    return render(
        request,
        "bookings/diary/week.html",
        {
            "location": place,
            "practitioner": person,
            "day": day,
            "today": today,
            "monday": monday,
            "sunday": days[-1],
            "columns": [{"day": d, "hours": hours[d], "is_today": d == today} for d in days],
            "rows": grid_rows(grid_start=grid_start, n_rows=n_rows, states=states, spans=spans),
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "appointment_count": len(placed),
            "this_week": monday <= today <= days[-1],
        },
    )
