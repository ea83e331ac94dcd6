"""Reception's day view of a location's diary: a column per practitioner (or room),
a 15-minute grid over the day's opening hours, each appointment placed by its local time.

A fixed number of queries whatever the number of appointments: the location, its
practitioners, its rooms, the day's working hours, the day's time off, the appointments (with
patient, treatment, area and course joined) and the intake statuses of every patient on the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.models import MAX_APPOINTMENT, Appointment, TimeOff, WorkingHours
from clinic.access import locations_for_staff
from clinic.models import Location, Practitioner, Room
from clinic.roles import Role, role_required
from intake.models import Intake

SLOT_MINUTES = 15
DEFAULT_OPENING = (time(8), time(18))
DAY_MINUTES = 24 * 60

# What reception sees of an intake: its status in words, never its answers.
INTAKE_WORDS = {
    Intake.Status.DRAFT: "not submitted",
    Intake.Status.SUBMITTED: "submitted",
    Intake.Status.NEEDS_REVIEW: "needs review",
    Intake.Status.CLEARED: "cleared",
    Intake.Status.NOT_SUITABLE: "not suitable",
    Intake.Status.DECLINED: "declined",
}
NO_INTAKE = "not started"


@dataclass
class Entry:
    """One appointment as the page shows it."""

    pk: int
    start_label: str
    end_label: str
    patient: str
    treatment: str
    area: str
    session: str
    status: str
    status_code: str
    intake: str

    @property
    def text(self) -> str:
        parts = [f"{self.start_label} to {self.end_label}", self.patient, f"{self.treatment}: {self.area}"]
        if self.session:
            parts.append(self.session)
        parts += [self.status, f"intake {self.intake}"]
        return ", ".join(parts)


@dataclass
class Cell:
    kind: str  # "appointment", "free", "outside", "break", "off"
    rowspan: int = 1
    label: str = ""
    entries: list[Entry] = field(default_factory=list)
    # Free cells: the wall-clock time and the column, to prefill the booking form.
    time: str = ""
    column: int = 0
    column_name: str = ""


@dataclass
class Column:
    pk: int
    name: str


def _minute_of_day(moment: datetime, day: date, zone) -> int:
    """Local minutes since midnight of `day`, clamped to the day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < DAY_MINUTES else "24:00"


def _parse_day(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not (date.min + timedelta(days=1) < day < date.max - timedelta(days=1)) or len(raw) != 10:
        messages.warning(request, f"“{raw[:40]}” is not a date like 2026-12-01; showing today instead.")
        return today
    return day


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def diary_day(request: HttpRequest, location: str) -> HttpResponse:
    place = get_object_or_404(locations_for_staff(request.user), slug=location)
    today = timezone.now().astimezone(place.zone).date()
    day = _parse_day(request, today)
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
        blocks[pid].append((_minutes(start), _minutes(end)))

    practitioner_ids = [pid for pid, _ in practitioners]
    time_off: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    if practitioner_ids:  # time off shades practitioner columns only
        for pid, start, end, reason in TimeOff.objects.filter(
            practitioner_id__in=practitioner_ids, start__lt=day_end, end__gt=day_start
        ).values_list("practitioner_id", "start", "end", "reason"):
            time_off[pid].append((_minute_of_day(start, day, zone), _minute_of_day(end, day, zone), reason))

    appointments = list(
        Appointment.objects.filter(
            location=place, start__lt=day_end, end__gt=day_start, start__gte=day_start - MAX_APPOINTMENT
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("patient", "treatment", "area", "course")
        .order_by("start", "id")
    )

    # The latest intake per (patient, treatment) on the page, in one query.
    intake_status: dict[tuple[int, int], str] = {}
    if appointments:
        for patient_id, treatment_id, status in (
            Intake.objects.filter(
                patient_id__in={a.patient_id for a in appointments},
                treatment_id__in={a.treatment_id for a in appointments},
            )
            .order_by("patient_id", "treatment_id", "-created_at", "-id")
            .values_list("patient_id", "treatment_id", "status")
        ):
            intake_status.setdefault((patient_id, treatment_id), status)

    # The grid: opening hours (earliest block to latest end), widened to show every appointment.
    all_blocks = [b for pid_blocks in blocks.values() for b in pid_blocks]
    if all_blocks:
        open_start, open_end = min(b[0] for b in all_blocks), max(b[1] for b in all_blocks)
    else:
        open_start, open_end = _minutes(DEFAULT_OPENING[0]), _minutes(DEFAULT_OPENING[1])
    placed = []
    for appointment in appointments:
        first = _minute_of_day(appointment.start, day, zone)
        last = max(_minute_of_day(appointment.end, day, zone), first + SLOT_MINUTES)
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

    # Each column's state per row, before appointments go on top.
    states: list[list[tuple[str, str]]] = []
    for pk, _ in practitioners if not by_room else rooms:
        row_states = []
        for row in range(n_rows):
            minute = grid_start + row * SLOT_MINUTES
            if by_room:
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

    # Appointments per column: (first row, end row, entry); overlapping ones share one cell.
    spans: list[list[list]] = [[] for _ in columns]
    for appointment, first, last in placed:
        n = column_of.get(getattr(appointment, key))
        if n is None:
            continue
        course = appointment.course
        entry = Entry(
            pk=appointment.pk,
            start_label=f"{appointment.start.astimezone(zone):%H:%M}",
            end_label=f"{appointment.end.astimezone(zone):%H:%M}",
            patient=appointment.patient.full_name,
            treatment=appointment.treatment.name,
            area=appointment.area.name,
            session=(
                f"session {appointment.session_number} of {course.sessions_planned}"
                if course is not None and appointment.session_number
                else ""
            ),
            status=appointment.get_status_display(),
            status_code=appointment.status,
            intake=INTAKE_WORDS.get(intake_status.get((appointment.patient_id, appointment.treatment_id)), NO_INTAKE),
        )
        top, bottom = row_of(first), row_end(last)
        bottom = max(bottom, top + 1)
        column_spans = spans[n]
        if column_spans and top < column_spans[-1][1]:
            column_spans[-1][1] = max(column_spans[-1][1], bottom)
            column_spans[-1][2].append(entry)
        else:
            column_spans.append([top, bottom, [entry]])

    # Build the table rows: a cell starts a span; rows it covers get nothing for that column.
    grid: list[list[Cell | None]] = [[None] * len(columns) for _ in range(n_rows)]
    for n in range(len(columns)):
        covered = [False] * n_rows
        for top, bottom, entries in spans[n]:
            grid[top][n] = Cell("appointment", bottom - top, entries=entries)
            for row in range(top, bottom):
                covered[row] = True
        row = 0
        while row < n_rows:
            if covered[row]:
                row += 1
                continue
            kind, label = states[n][row]
            if kind == "free":
                grid[row][n] = Cell(
                    "free", time=_label(grid_start + row * SLOT_MINUTES), column=columns[n].pk,
                    column_name=columns[n].name,
                )  # fmt: skip
                row += 1
                continue
            run = row
            while run < n_rows and not covered[run] and states[n][run] == (kind, label):
                run += 1
            grid[row][n] = Cell(kind, run - row, label=label)
            row = run

    rows = [
        {
            "label": _label(grid_start + row * SLOT_MINUTES),
            "hour": (grid_start + row * SLOT_MINUTES) % 60 == 0,
            "cells": [cell for cell in grid[row] if cell is not None],
        }
        for row in range(n_rows)
    ]
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
        "opening": (_label(open_start), _label(open_end)) if all_blocks else None,
        "book_url": reverse("diary-book", args=[place.slug]),
        "book_column": "room" if by_room else "practitioner",
    }
