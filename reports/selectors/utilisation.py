"""Utilisation of practitioners and rooms: booked hours / working hours, by week.

Booked hours are appointments that held the time (booked, arrived, completed and no-shows: a
no-show's slot could not be sold again); cancelled ones are not. Working hours are the weekly
blocks on each open local day, less time off (reports/domain/capacity.py); a room's hours are the
hours its location is staffed (the union of its practitioners' blocks).

Queries: blocks (with names) 1, time off 1, closures and holiday openings 1, booked time 1, rooms 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import CharField, DurationField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import TruncWeek

from bookings.models import Appointment, HolidayOpening, LocationClosure, TimeOff, WorkingHours
from clinic.holidays import public_holidays
from clinic.models import Room
from reports.domain.capacity import Block, capacity
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope

HELD = (
    Appointment.Status.BOOKED,
    Appointment.Status.ARRIVED,
    Appointment.Status.COMPLETED,
    Appointment.Status.NO_SHOW,
)


def _hours(value: timedelta | None) -> float:
    return (value or timedelta(0)).total_seconds() / 3600


def closed_days(scope: Scope) -> dict[int, set[date]]:
    """Each location's closed days in the period (closures, and public holidays it does not open
    on), in one query for every location."""
    first, last = scope.period.first, scope.period.last
    rows = (
        LocationClosure.objects.filter(location__in=scope.location_ids, first_day__lte=last, last_day__gte=first)
        .order_by()
        .annotate(kind=Value("closed", output_field=CharField()))
        .values_list("kind", "location_id", "first_day", "last_day")
        .union(
            HolidayOpening.objects.filter(location__in=scope.location_ids, day__gte=first, day__lte=last)
            .order_by()
            .annotate(kind=Value("open", output_field=CharField()), last=F("day"))
            .values_list("kind", "location_id", "day", "last"),
            all=True,
        )
    )
    closed: dict[int, set[date]] = defaultdict(set)
    opened: dict[int, set[date]] = defaultdict(set)
    for kind, location_id, start, end in rows:
        days = {start + timedelta(days=n) for n in range((end - start).days + 1)}
        (opened if kind == "open" else closed)[location_id].update(d for d in days if first <= d <= last)
    for location in scope.locations:
        holidays = public_holidays(
            country=location.country, subdivision=location.subdivision, first_day=first, last_day=last
        )
        closed[location.pk].update(set(holidays) - opened[location.pk])
    return closed


def utilisation_report(*, scope: Scope) -> Report:
    first, after = scope.period.bounds(scope.zone)
    names: dict[int, str] = {}
    blocks = []
    for *row, name in WorkingHours.objects.filter(location__in=scope.location_ids).values_list(
        "practitioner_id", "location_id", "weekday", "start", "end", "practitioner__display_name"
    ):
        blocks.append(Block(*row))
        names[row[0]] = name
    # Time off a day either side of the period: the zones' local days reach that far.
    time_off = defaultdict(list)
    for pid, start, end in TimeOff.objects.filter(
        start__lt=after + timedelta(days=1), end__gt=first - timedelta(days=1)
    ).values_list("practitioner_id", "start", "end"):
        time_off[pid].append((start, end))
    hours = capacity(
        period=scope.period,
        blocks=blocks,
        zones={location.pk: location.zone for location in scope.locations},
        closed=closed_days(scope),
        time_off=time_off,
    )
    booked = (
        Appointment.objects.filter(scope.window("start"), status__in=HELD)
        .annotate(week=scope.local(TruncWeek, "start"))
        .values("week", "practitioner_id", "practitioner__display_name", "room_id", "location_id")
        .annotate(time=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())))
        .order_by()
    )
    by_practitioner: dict[tuple[int, date], float] = defaultdict(float)
    by_room: dict[tuple[int, date], float] = defaultdict(float)
    for row in booked:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        by_practitioner[(row["practitioner_id"], week)] += _hours(row["time"])
        by_room[(row["room_id"], week)] += _hours(row["time"])
        names[row["practitioner_id"]] = row["practitioner__display_name"]
    rooms = list(Room.objects.filter(location__in=scope.location_ids).select_related("location"))
    return _report(scope, hours, by_practitioner, by_room, names, rooms)


def _sums(values: dict, position: int) -> dict:
    """Totals of a {(id, week): value} dict by its id (position 0) or week (position 1)."""
    sums: dict = defaultdict(float)
    for key, value in values.items():
        sums[key[position]] += _hours(value) if isinstance(value, timedelta) else value
    return sums


def _report(scope, hours, by_practitioner, by_room, names, rooms) -> Report:
    weeks = scope.period.weeks()
    room_capacity = {
        (room.pk, week): _hours(hours.location_weeks.get((room.location_id, week))) for room in rooms for week in weeks
    }
    p_booked, p_hours = _sums(by_practitioner, 1), _sums(hours.practitioner_weeks, 1)
    r_booked, r_hours = _sums(by_room, 1), _sums(room_capacity, 1)
    week_rows = [
        [f"{w:%d %b %Y}", p_booked[w], p_hours[w], ratio(p_booked[w], p_hours[w]), ratio(r_booked[w], r_hours[w])]
        for w in weeks
    ]
    each_booked, each_hours = _sums(by_practitioner, 0), _sums(hours.practitioner_weeks, 0)
    practitioner_rows = [
        [names[pid], each_booked[pid], each_hours[pid], ratio(each_booked[pid], each_hours[pid])]
        for pid in sorted(names, key=lambda pid: names[pid])
    ]
    room_booked, room_hours = _sums(by_room, 0), _sums(room_capacity, 0)
    room_rows = [
        [str(room), room_booked[room.pk], room_hours[room.pk], ratio(room_booked[room.pk], room_hours[room.pk])]
        for room in rooms
    ]
    total_b = sum(r[1] for r in week_rows)
    total_h = sum(r[2] for r in week_rows)
    overall = ratio(total_b, total_h)
    said = f"{100 * overall:.0f} %" if overall is not None else "no data"
    return Report(
        slug="utilisation",
        title="Utilisation",
        intro="Booked hours as a share of working hours, per week, for practitioners and for rooms.",
        figures=[
            Figure(
                slug="by-week",
                title="Utilisation by week",
                summary=f"Practitioners were booked for {total_b:.1f} of {total_h:.1f} working hours ({said}), "
                f"at {scope.where}, over {len(weeks)} week{'s' if len(weeks) != 1 else ''}.",
                chart="line",
                labels=[row[0] for row in week_rows],
                series=[("Practitioners", [row[3] for row in week_rows]), ("Rooms", [row[4] for row in week_rows])],
                unit="percent",
                table=Table(
                    [
                        Column("Week beginning", "text"),
                        Column("Booked", "hours"),
                        Column("Working", "hours"),
                        Column("Practitioners' utilisation", "percent"),
                        Column("Rooms' utilisation", "percent"),
                    ],
                    week_rows,
                ),
            ),
            Figure(
                slug="by-practitioner",
                title="Utilisation by practitioner",
                summary=f"Each practitioner's booked hours over their working hours at {scope.where}.",
                chart="hbar",
                labels=[row[0] for row in practitioner_rows],
                series=[("Utilisation", [row[3] for row in practitioner_rows])],
                unit="percent",
                table=Table(
                    [
                        Column("Practitioner", "text"),
                        Column("Booked", "hours"),
                        Column("Working", "hours"),
                        Column("Utilisation", "percent"),
                    ],
                    practitioner_rows,
                ),
            ),
            Figure(
                slug="by-room",
                title="Utilisation by room",
                summary="Each room's booked hours over the hours its location is staffed.",
                chart="hbar",
                labels=[row[0] for row in room_rows],
                series=[("Utilisation", [row[3] for row in room_rows])],
                unit="percent",
                table=Table(
                    [
                        Column("Room", "text"),
                        Column("Booked", "hours"),
                        Column("Staffed", "hours"),
                        Column("Utilisation", "percent"),
                    ],
                    room_rows,
                ),
            ),
        ],
    )
