"""What the diary pages share (the day and week views, the day list, the practitioner's day):
local time on a 15-minute grid, intake statuses in one query, an appointment in words, and
per-row states plus appointment spans turned into table cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest

from bookings.models import Appointment
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


def minute_of_day(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Local minutes since midnight of `day`, clamped to the day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


def parse_day(request: HttpRequest, today: date) -> date:
    """The page's ?date=YYYY-MM-DD, or today with a message saying why the given one was ignored."""
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


def latest_intakes(appointments: Sequence[Appointment], *fields: str) -> dict[tuple[int, int], tuple]:
    """The latest intake's `fields` per (patient, treatment) of the appointments, in one query."""
    latest: dict[tuple[int, int], tuple] = {}
    if not appointments:
        return latest
    for patient_id, treatment_id, *values in (
        Intake.objects.filter(
            patient_id__in={a.patient_id for a in appointments},
            treatment_id__in={a.treatment_id for a in appointments},
        )
        .order_by("patient_id", "treatment_id", "-created_at", "-id")
        .values_list("patient_id", "treatment_id", *fields)
    ):
        latest.setdefault((patient_id, treatment_id), tuple(values))
    return latest


def latest_intake_statuses(appointments: Sequence[Appointment]) -> dict[tuple[int, int], str]:
    """The latest intake's status per (patient, treatment) of the appointments, in one query."""
    return {key: status for key, (status,) in latest_intakes(appointments, "status").items()}


def intake_words(statuses: dict[tuple[int, int], str], appointment: Appointment) -> str:
    """The intake status in words, never its answers."""
    return INTAKE_WORDS.get(statuses.get((appointment.patient_id, appointment.treatment_id)), NO_INTAKE)


def session_words(appointment: Appointment) -> str:
    """"session k of n" for a course session (the course must be joined), else ""."""
    course = appointment.course
    if course is None or not appointment.session_number:
        return ""
    return f"session {appointment.session_number} of {course.sessions_planned}"


@dataclass
class DiaryEntry:
    """One appointment as a diary grid shows it."""

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


def diary_entry(appointment: Appointment, zone: ZoneInfo, statuses: dict[tuple[int, int], str]) -> DiaryEntry:
    return DiaryEntry(
        pk=appointment.pk,
        start_label=f"{appointment.start.astimezone(zone):%H:%M}",
        end_label=f"{appointment.end.astimezone(zone):%H:%M}",
        patient=appointment.patient.full_name,
        treatment=appointment.treatment.name,
        area=appointment.area.name,
        session=session_words(appointment),
        status=appointment.get_status_display(),
        status_code=appointment.status,
        intake=intake_words(statuses, appointment),
    )


@dataclass
class GridCell:
    kind: str  # "appointment", "free", "outside", "break", "off", "closed", "elsewhere"
    rowspan: int = 1
    label: str = ""
    entries: list[DiaryEntry] = field(default_factory=list)
    # Free cells of a bookable grid: the wall-clock time and the column, to prefill the booking form.
    time: str = ""
    column: int = 0
    column_name: str = ""


@dataclass
class Column:
    pk: int
    name: str


def stack_spans(placed: Iterable[tuple[int, int, DiaryEntry]]) -> list[list]:
    """[top row, end row (exclusive), entries] per cell; overlapping appointments share one cell.

    `placed` must be in start order.
    """
    spans: list[list] = []
    for top, bottom, entry in placed:
        bottom = max(bottom, top + 1)
        if spans and top < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], bottom)
            spans[-1][2].append(entry)
        else:
            spans.append([top, bottom, [entry]])
    return spans


def grid_rows(
    *,
    grid_start: int,
    n_rows: int,
    states: list[list[tuple[str, str]]],
    spans: list[list[list]],
    bookable: Sequence[Column] = (),
) -> list[dict]:
    """Table rows for columns of per-row (kind, label) states with appointment spans on top.

    A cell starts a run (rowspan); rows it covers get no cell for that column. Runs of the same
    non-free state merge, so "Not working" reads once per stretch, not once per 15 minutes.
    With `bookable` columns, each free cell carries its time and column for the booking link.
    """
    columns = len(states)
    grid: list[list[GridCell | None]] = [[None] * columns for _ in range(n_rows)]
    for n in range(columns):
        covered = [False] * n_rows
        for top, bottom, entries in spans[n]:
            grid[top][n] = GridCell("appointment", bottom - top, entries=entries)
            for row in range(top, bottom):
                covered[row] = True
        row = 0
        while row < n_rows:
            if covered[row]:
                row += 1
                continue
            kind, label = states[n][row]
            if kind == "free":
                cell = GridCell("free")
                if bookable:
                    cell.time = minute_label(grid_start + row * SLOT_MINUTES)
                    cell.column, cell.column_name = bookable[n].pk, bookable[n].name
                grid[row][n] = cell
                row += 1
                continue
            run = row
            while run < n_rows and not covered[run] and states[n][run] == (kind, label):
                run += 1
            grid[row][n] = GridCell(kind, run - row, label=label)
            row = run
    return [
        {
            "label": minute_label(grid_start + row * SLOT_MINUTES),
            "hour": (grid_start + row * SLOT_MINUTES) % 60 == 0,
            "cells": [cell for cell in grid[row] if cell is not None],
        }
        for row in range(n_rows)
    ]


def minute_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < DAY_MINUTES else "24:00"


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"
