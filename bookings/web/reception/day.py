"""Reception's day view of a location's diary: a column per practitioner (or room),
a 15-minute grid over the day's opening hours, each appointment placed by its local time.

A fixed number of queries whatever the number of appointments: the location, its
practitioners, its rooms, the day's working hours, the day's time off, the appointments (with
patient, treatment, area and course joined) and the intake statuses of every patient on the page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.diary.selectors import latest_intake_statuses
from bookings.diary.words import diary_entry
from bookings.domain.grid import (
    DAY_MINUTES,
    DEFAULT_OPENING,
    SLOT_MINUTES,
    Column,
    grid_rows,
    minute_label,
    minute_of_day,
    minutes_of,
    stack_spans,
)
from bookings.models import MAX_APPOINTMENT, Appointment, LocationClosure, TimeOff, WorkingHours
from clinic.access import locations_for_staff
from clinic.models import Location, Practitioner, Room
from clinic.params import parse_day
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def diary_day(request: HttpRequest, location: str) -> HttpResponse:
    place = get_object_or_404(locations_for_staff(request.user), slug=location)
    today = timezone.now().astimezone(place.zone).date()
    day = parse_day(request, today)
    context = day_context(place=place, day=day, by_room=request.GET.get("view") == "rooms", today=today)
    return render(request, "bookings/diary/day.html", context)


def day_url(place: Location, day: date, view: str = "") -> str:
    query = {"date": day.isoformat(), **({"view": "rooms"} if view == "rooms" else {})}
    return f"{reverse('diary-day', args=[place.slug])}?{urlencode(query)}"


def day_context(*, place: Location, day: date, by_room: bool, today: date | None = None) -> dict:
    """Everything the grid needs (the page and the `_grid.html` partial the actions re-render)."""
    zone = place.zone
    today = today or timezone.now().astimezone(zone).date()

    day_start = datetime.combine(day, time(0), tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)

    # Only the columns of the chosen view are loaded: one query either way.
    if by_room:
        practitioners = []
        rooms = list(
            Room.objects.filter(location=place, is_active=True).order_by("name", "id").values_list("id", "name")
        )
    else:
        practitioners = list(
            Practitioner.objects.filter(locations=place, is_active=True)
            .order_by("display_name", "id")
            .values_list("id", "display_name")
        )
        rooms = []

    blocks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pid, start, end in (
        WorkingHours.objects.filter(location=place, weekday=day.weekday(), practitioner__is_active=True)
        .order_by("practitioner_id", "start")
        .values_list("practitioner_id", "start", "end")
    ):
        blocks[pid].append((minutes_of(start), minutes_of(end)))

    practitioner_ids = [pid for pid, _ in practitioners]
    time_off: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    if practitioner_ids:  # time off shades practitioner columns only
        for pid, start, end, reason in TimeOff.objects.filter(
            practitioner_id__in=practitioner_ids, start__lt=day_end, end__gt=day_start
        ).values_list("practitioner_id", "start", "end", "reason"):
            time_off[pid].append((minute_of_day(start, day, zone), minute_of_day(end, day, zone), reason))

    appointments = list(
        Appointment.objects.filter(
            location=place, start__lt=day_end, end__gt=day_start, start__gte=day_start - MAX_APPOINTMENT
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("patient", "treatment", "area", "course")
        .order_by("start", "id")
    )

    intake_status = latest_intake_statuses(appointments)  # one query

    # The grid: opening hours (earliest block to latest end), widened to show every appointment.
    all_blocks = [b for pid_blocks in blocks.values() for b in pid_blocks]
    if all_blocks:
        open_start, open_end = min(b[0] for b in all_blocks), max(b[1] for b in all_blocks)
    else:
        open_start, open_end = minutes_of(DEFAULT_OPENING[0]), minutes_of(DEFAULT_OPENING[1])
    placed = []
    for appointment in appointments:
        first = minute_of_day(appointment.start, day, zone)
        last = max(minute_of_day(appointment.end, day, zone), first + SLOT_MINUTES)
        placed.append((appointment, first, last))
    grid_start = min([open_start, *(first for _, first, _ in placed)])
    grid_end = max([open_end, *(last for _, _, last in placed)])
    grid_start -= grid_start % SLOT_MINUTES
    grid_end += -grid_end % SLOT_MINUTES
    grid_end = min(grid_end, DAY_MINUTES)
    n_rows = max(1, (grid_end - grid_start) // SLOT_MINUTES)

    def row_of(minute: int) -> int:
        return min(max((minute - grid_start) // SLOT_MINUTES, 0), n_rows - 1)

    def row_end(minute: int) -> int:  # exclusive, rounding up
        return min(max(-(-(minute - grid_start) // SLOT_MINUTES), 1), n_rows)

    if by_room:
        columns = [Column(pk, name) for pk, name in rooms]
        column_of = {pk: n for n, (pk, _) in enumerate(rooms)}
        key = "room_id"
    else:
        columns = [Column(pk, name) for pk, name in practitioners]
        column_of = {pk: n for n, (pk, _) in enumerate(practitioners)}
        key = "practitioner_id"

    # A closed day (bank holiday, refurbishment) closes every column: nothing on it is bookable.
    closure = (
        LocationClosure.objects.filter(location=place, first_day__lte=day, last_day__gte=day)
        .values_list("reason", flat=True)
        .first()
    )
    closed_label = (f"Closed: {closure}" if closure else "Closed") if closure is not None else ""

    # Each column's state per row, before appointments go on top.
    states: list[list[tuple[str, str]]] = []
    for pk, _ in practitioners if not by_room else rooms:
        row_states = []
        for row in range(n_rows):
            minute = grid_start + row * SLOT_MINUTES
            if closed_label:
                state = ("closed", closed_label)
            elif by_room:
                working = open_start <= minute < open_end
                state = ("free", "") if working else ("outside", "Closed")
            else:
                own = blocks.get(pk, [])
                if any(s <= minute < e for s, e in own):
                    state = ("free", "")
                elif own and min(s for s, _ in own) <= minute < max(e for _, e in own):
                    state = ("break", "Break")
                else:
                    state = ("outside", "Not working")
                off = next((r for s, e, r in time_off.get(pk, []) if s <= minute < e), None)
                if off is not None:
                    state = ("off", f"Off: {off}" if off else "Off")
            row_states.append(state)
        states.append(row_states)

    # Appointments per column, in start order; overlapping ones share one cell.
    per_column: list[list] = [[] for _ in columns]
    for appointment, first, last in placed:
        n = column_of.get(getattr(appointment, key))
        if n is not None:
            per_column[n].append((row_of(first), row_end(last), diary_entry(appointment, zone, intake_status)))
    spans = [stack_spans(placed_here) for placed_here in per_column]
    rows = grid_rows(grid_start=grid_start, n_rows=n_rows, states=states, spans=spans, bookable=columns)
    view = "rooms" if by_room else ""
    return {
        "location": place,
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "view": view,
        "by_room": by_room,
        "columns": columns,
        "rows": rows,
        "appointment_count": len(placed),
        "opening": (minute_label(open_start), minute_label(open_end)) if all_blocks else None,
        "closed": closed_label,
        "book_url": reverse("diary-book", args=[place.slug]),
        "book_column": "room" if by_room else "practitioner",
    }
