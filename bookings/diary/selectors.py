"""Queries the diary pages share: a location's day, a practitioner's week, the latest intakes.

Each loads in a fixed number of queries whatever the number of appointments; laying the rows
out is bookings/diary/grids.py's (and the maths bookings/domain/grid.py's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, DateTimeField, F, TimeField, Value
from django.utils import timezone

from bookings.diary.closures import closed_days
from bookings.domain.grid import Column, Span, minute_of_day, minutes_of
from bookings.models import MAX_APPOINTMENT, Appointment, TimeOff, WorkingHours
from clinic.models import Location, Practitioner, Room
from intake.models import Intake

_NO_TIME = Value(None, output_field=TimeField())
_NO_INSTANT = Value(None, output_field=DateTimeField())
_NO_TEXT = Value(None, output_field=CharField())
Off = tuple[int, int, str]  # local minutes [start, end) and the reason
# What a grid entry shows (bookings/diary/words.py), read as plain rows: model instances (five
# per appointment with the patient, treatment, area and course) were half a 300-appointment
# day's time, and whole patients parsed every phone number and email for nothing.
GRID_FIELDS = (
    "pk",
    "start",
    "end",
    "status",
    "session_number",
    "patient_id",
    "practitioner_id",
    "room_id",
    "treatment_id",
    "patient__first_name",
    "patient__last_name",
    "treatment__name",
    "area__name",
    "course__sessions_planned",
    "held_until",
)


@dataclass(frozen=True, slots=True)
class GridAppointment:
    """An appointment as the diary grids place and word it."""

    pk: int
    start: datetime
    end: datetime
    status: str
    session_number: int | None
    patient_id: int
    practitioner_id: int
    room_id: int | None
    treatment_id: int
    first_name: str
    last_name: str
    treatment_name: str
    area_name: str
    sessions_planned: int | None
    held_until: datetime | None  # a waitlist offer's hold: shown for what it is, until then


def _grid_appointments(rows) -> list[GridAppointment]:
    return [GridAppointment(*row) for row in rows.order_by("start", "id").values_list(*GRID_FIELDS)]


@dataclass
class DayData:
    """A location's day: the columns (practitioners, or rooms), their hours and time off in local
    minutes, the day's appointments and their intake statuses, and the closure if it is closed."""

    location: Location
    day: date
    by_room: bool
    columns: list[Column]
    blocks: dict[int, list[Span]] = field(default_factory=dict)
    time_off: dict[int, list[Off]] = field(default_factory=dict)
    appointments: list[GridAppointment] = field(default_factory=list)
    statuses: dict[tuple[int, int], str] = field(default_factory=dict)
    closure: str | None = None  # the reason ("" when none was given); None: open


def local_day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    return datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def day_load(*, place: Location, day: date, by_room: bool) -> DayData:
    """Five queries: columns, hours with time off, appointments, intake statuses, closure."""
    zone = place.zone
    day_start, day_end = local_day_bounds(day, zone)
    if by_room:
        rooms = Room.objects.filter(location=place, is_active=True).order_by("name", "id").values_list("id", "name")
        columns = [Column(pk, name) for pk, name in rooms]
    else:
        people = Practitioner.objects.filter(locations=place, is_active=True).order_by("display_name", "id")
        columns = [Column(pk, name) for pk, name in people.values_list("id", "display_name")]
    data = DayData(location=place, day=day, by_room=by_room, columns=columns)
    # The hours and (for practitioner columns) the time off in one UNION ALL: a round trip fewer
    # keeps the day view within issue 16's ten queries with the waitlist's badges on it.
    hours = (
        WorkingHours.objects.filter(location=place, weekday=day.weekday(), practitioner__is_active=True)
        .order_by()
        .annotate(hs=F("start"), he=F("end"), os=_NO_INSTANT, oe=_NO_INSTANT, why=_NO_TEXT)
        .values_list("practitioner_id", "hs", "he", "os", "oe", "why")
    )
    if not by_room and columns:  # time off shades practitioner columns only
        off_rows = (
            TimeOff.objects.filter(practitioner_id__in=[c.pk for c in columns], start__lt=day_end, end__gt=day_start)
            .order_by()
            .annotate(hs=_NO_TIME, he=_NO_TIME, os=F("start"), oe=F("end"), why=F("reason"))
            .values_list("practitioner_id", "hs", "he", "os", "oe", "why")
        )
        hours = hours.union(off_rows, all=True)
    blocks: dict[int, list[Span]] = defaultdict(list)
    off: dict[int, list[Off]] = defaultdict(list)
    for pid, hour_start, hour_end, off_start, off_end, reason in hours:
        if off_start is None:
            blocks[pid].append((minutes_of(hour_start), minutes_of(hour_end)))
        else:
            off[pid].append((minute_of_day(off_start, day, zone), minute_of_day(off_end, day, zone), reason))
    for spans in blocks.values():
        spans.sort()
    data.blocks = blocks
    if not by_room and columns:
        data.time_off = off
    # A live waitlist hold is shown ("held for a waitlist offer until 14:05"): its slot is not free.
    data.appointments = _grid_appointments(
        Appointment.with_holds.filter(
            location=place, start__lt=day_end, end__gt=day_start, start__gte=day_start - MAX_APPOINTMENT
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .exclude(status=Appointment.HELD, held_until__lte=timezone.now())
    )
    data.statuses = latest_intake_statuses(data.appointments)
    data.closure = closed_days(place, day, day).get(day)  # closures and public holidays
    return data


@dataclass
class WeekData:
    """One practitioner's week at a location, Monday to Sunday."""

    location: Location
    practitioner: Practitioner
    monday: date
    own: dict[int, list[Span]]  # weekday -> blocks here
    elsewhere: dict[int, list[Off]]  # weekday -> blocks at other locations, with the location's name
    time_off: list[tuple[datetime, datetime, str]]
    closures: list[tuple[date, date, str]]
    appointments: list[GridAppointment]
    statuses: dict[tuple[int, int], str]

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]


def week_load(*, place: Location, practitioner: Practitioner, monday: date) -> WeekData:
    """Five queries: hours (all locations), time off, closures, appointments, intake statuses."""
    zone = place.zone
    week_start, _ = local_day_bounds(monday, zone)
    week_end, _ = local_day_bounds(monday + timedelta(days=7), zone)
    own: dict[int, list[Span]] = defaultdict(list)
    elsewhere: dict[int, list[Off]] = defaultdict(list)
    hours = WorkingHours.objects.filter(practitioner=practitioner).order_by("weekday", "start")
    for location_id, name, weekday, start, end in hours.values_list(
        "location_id", "location__name", "weekday", "start", "end"
    ):
        if location_id == place.pk:
            own[weekday].append((minutes_of(start), minutes_of(end)))
        else:
            elsewhere[weekday].append((minutes_of(start), minutes_of(end), name))
    off = TimeOff.objects.filter(practitioner=practitioner, start__lt=week_end, end__gt=week_start)
    closures = closed_days(place, monday, monday + timedelta(days=6))
    appointments = _grid_appointments(
        Appointment.objects.filter(
            practitioner=practitioner,
            location=place,
            start__lt=week_end,
            end__gt=week_start,
            start__gte=week_start - MAX_APPOINTMENT,
        ).exclude(status=Appointment.Status.CANCELLED)
    )
    return WeekData(
        location=place,
        practitioner=practitioner,
        monday=monday,
        own=own,
        elsewhere=elsewhere,
        time_off=list(off.values_list("start", "end", "reason")),
        closures=[(day, day, reason) for day, reason in sorted(closures.items())],
        appointments=appointments,
        statuses=latest_intake_statuses(appointments),
    )


def latest_intakes(appointments: Sequence[Appointment | GridAppointment], *fields: str) -> dict[tuple[int, int], tuple]:
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


def latest_intake_statuses(appointments: Sequence[Appointment | GridAppointment]) -> dict[tuple[int, int], str]:
    """The latest intake's status per (patient, treatment) of the appointments, in one query."""
    return {key: status for key, (status,) in latest_intakes(appointments, "status").items()}
