"""Load a location's diary into the pure availability engine, in a fixed number of queries.

Three queries whatever the number of practitioners or days: working hours with the rooms (which
also name the practitioners), busy appointments together with time off (each one UNION ALL over
the window), and closures. Booking rules come from the cache.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import BigIntegerField, F, Func, Q, TimeField, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from bookings.diary.closures import closed_days
from bookings.domain import availability as av
from bookings.models import MAX_APPOINTMENT, Appointment, BookingRules, TimeOff, WorkingHours
from clinic.models import Location, Room
from treatments.models import Area, Treatment


@dataclass(frozen=True)
class Diary:
    practitioners: list[av.PractitionerDiary]
    rooms: list[av.RoomDiary]
    closures: frozenset[date]
    rules: av.Rules
    location: Location
    # Per practitioner, how many of their appointments in the window are in each room: a booking
    # prefers the room they are already in (bookings/appointments/slots.py).
    rooms_used: dict[int, Counter] = field(default_factory=dict)


def diary_load(
    *,
    location: Location,
    treatment: Treatment,
    first_day: date,
    last_day: date,
    practitioner_id: int | None = None,
    exclude_appointment_id: int | None = None,
    rules: BookingRules | None = None,
    count_rooms: bool = False,
    now: datetime | None = None,
) -> Diary:
    """`now` decides which waitlist holds are still live (busy); an expired hold is free."""
    rules = rules or BookingRules.current()
    engine_rules = rules.as_availability_rules()
    window = av.busy_window(
        first_day=first_day,
        last_day=last_day,
        tz=location.zone,
        max_duration=MAX_APPOINTMENT,
        buffer=engine_rules.buffer,
    )

    blocks, room_ids = _shape(location, treatment, practitioner_id)
    ids = list(blocks)

    busy: dict[int, list[av.Interval]] = defaultdict(list)
    time_off: dict[int, list[av.Interval]] = defaultdict(list)
    room_busy: dict[int, list[av.Interval]] = defaultdict(list)
    rooms_used: dict[int, Counter] = defaultdict(Counter)
    rows = _busy_rows(ids, location, window, exclude_appointment_id, now)
    # The hot loop of a large search (30,000 rows): each distinct instant becomes a datetime once,
    # each row a tuple, with no function call per row.
    moments = {m: _EPOCH + timedelta(microseconds=m) for m in {r[1] for r in rows} | {r[2] for r in rows}}
    new_interval, interval_type = tuple.__new__, av.Interval
    for pid, start, end, room_id in rows:
        interval = new_interval(interval_type, (moments[start], moments[end]))
        if room_id is None:
            time_off[pid].append(interval)
            continue
        busy[pid].append(interval)
        room_busy[room_id].append(interval)
    if count_rooms:  # a booking's room preference (slots.py); a search does not need it
        for pid, _, _, room_id in rows:
            if room_id is not None:
                rooms_used[pid][room_id] += 1

    # Closures and public holidays (less the ones the location opens on): one query.
    closed = closed_days(location, first_day, last_day)

    return Diary(
        practitioners=[
            av.PractitionerDiary(practitioner_id=pid, blocks=blocks[pid], time_off=time_off[pid], busy=busy[pid])
            for pid in ids
        ],
        rooms=[av.RoomDiary(room_id=rid, busy=room_busy[rid]) for rid in room_ids],
        closures=frozenset(closed),
        rules=engine_rules,
        location=location,
        rooms_used=rooms_used,
    )


def _shape(
    location: Location, treatment: Treatment, practitioner_id: int | None
) -> tuple[dict[int, list[av.WorkingBlock]], list[int]]:
    """Who works when (the working hours also name the practitioners) and the rooms, in one
    UNION ALL: a room is a row with only its id and its place in the name order."""
    # Hours left behind by a practitioner who no longer works here do not count.
    hours = WorkingHours.objects.filter(
        location=location,
        practitioner__is_active=True,
        practitioner__treatments=treatment,
        practitioner__locations=location,
    )
    if practitioner_id is not None:
        hours = hours.filter(practitioner_id=practitioner_id)
    nothing = Value(None, output_field=BigIntegerField())
    no_time = Value(None, output_field=TimeField())
    rooms = (
        Room.objects.filter(location=location, is_active=True)
        .order_by()
        .annotate(
            who=nothing, position=Window(RowNumber(), order_by=[F("name").asc(), F("id").asc()]), a=no_time, b=no_time
        )
        .values_list("who", "position", "a", "b", "id")
    )
    rows = (
        hours.order_by()
        .annotate(room=nothing)
        .values_list("practitioner_id", "weekday", "start", "end", "room")
        .union(rooms, all=True)
    )
    blocks: dict[int, list[av.WorkingBlock]] = defaultdict(list)
    placed_rooms = []
    # Ordered by practitioner id: "first available" then prefers practitioners consistently.
    for pid, weekday, start, end, room_id in sorted(rows, key=lambda r: (r[4] is not None, r[0] or 0, r[1], r[2] or 0)):
        if room_id is not None:
            placed_rooms.append(room_id)
        else:
            blocks[pid].append(av.WorkingBlock(weekday=weekday, start=start, end=end))
    return blocks, placed_rooms


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Micros(Func):
    """A timestamp as whole microseconds since the epoch.

    Integers cross the wire and parse twice as fast as timestamptz values, and the
    30,000 rows of a large diary carry only a few thousand distinct instants (the 15-minute
    grid), each turned into a datetime once (diary_load)."""

    # date_part is float8 (EXTRACT's numeric is slower to compute): 53 bits hold today's
    # microseconds since 1970 exactly enough that rounding gives them back.
    template = "(date_part('epoch', %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):  # development only: seconds are enough
        # '%%%%s': the template's own formatting halves it, then the SQLite cursor's '%s' -> '?'.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) * 1000000"
        return self.as_sql(compiler, connection, template=template)


def _busy_rows(
    ids: list[int],
    location: Location,
    window: av.Interval,
    exclude_appointment_id: int | None,
    now: datetime | None = None,
):
    """Appointments and live waitlist holds (room set) and time off (room NULL) in one round trip."""
    # Override bookings still occupy the practitioner and room, so they count as busy here; so
    # does a waitlist hold until its held_until (the constraints hold it; the engine agrees).
    appointments = Appointment.with_holds.busy_at(now or timezone.now()).filter(
        Q(practitioner_id__in=ids) | Q(location=location),
        start__lt=window.end,
        end__gt=window.start,
        start__gte=window.start - MAX_APPOINTMENT,
    )
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    off = TimeOff.objects.filter(practitioner_id__in=ids, start__lt=window.end, end__gt=window.start)
    rows = (
        appointments.order_by()
        .annotate(busy_room=F("room_id"), s=_Micros("start"), e=_Micros("end"))
        .values_list("practitioner_id", "s", "e", "busy_room")
        .union(
            off.order_by()
            .annotate(busy_room=Value(None, output_field=BigIntegerField()), s=_Micros("start"), e=_Micros("end"))
            .values_list("practitioner_id", "s", "e", "busy_room"),
            all=True,
        )
    )
    # Integers only, so the cursor's rows are used as they come: Django's per-row converters
    # cost more than the query on a 30,000-row diary.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def visit_length(*, area: Area, numbing_cream: bool, rules: BookingRules | None = None) -> timedelta:
    """Area minutes, plus numbing-cream time at the start of the visit when the patient wants it."""
    rules = rules or BookingRules.current()
    extra = rules.numbing_cream_minutes if numbing_cream else 0
    return timedelta(minutes=area.minutes + extra)


def staff_rules(rules: av.Rules) -> av.Rules:
    """The engine's rules for a booking made by staff: no minimum notice (the past stays closed)."""
    return replace(rules, min_notice=timedelta(0))


def availability_search(
    *,
    treatment: Treatment,
    area: Area,
    location: Location,
    first_day: date,
    last_day: date,
    now: datetime,
    practitioner_id: int | None = None,
    numbing_cream: bool = False,
    for_staff: bool = False,
) -> list[av.Slot]:
    """Free slots; with no practitioner given, one per start time ("first available").

    `for_staff` drops the minimum notice: it keeps patients from booking online at short notice,
    but reception must be able to put a walk-in into the next free quarter hour."""
    rules = BookingRules.current()
    diary = diary_load(
        location=location,
        treatment=treatment,
        first_day=first_day,
        last_day=last_day,
        practitioner_id=practitioner_id,
        rules=rules,
        now=now,
    )
    slots = av.find_slots(
        practitioners=diary.practitioners,
        rooms=diary.rooms,
        tz=location.zone,
        first_day=first_day,
        last_day=last_day,
        duration=visit_length(area=area, numbing_cream=numbing_cream, rules=rules),
        rules=staff_rules(diary.rules) if for_staff else diary.rules,
        now=now,
        closures=diary.closures,
        first_only=practitioner_id is None,
    )
    return slots


def slot_still_free(
    *,
    treatment: Treatment,
    area: Area,
    location: Location,
    start: datetime,
    now: datetime,
    practitioner_id: int | None = None,
    numbing_cream: bool = False,
    exclude_appointment_id: int | None = None,
) -> bool:
    """Whether a start the patient was shown is still bookable (anyone, or that practitioner):
    the engine's own check (`slot_is_free`) over the day's diary, so it agrees with the times page.
    The appointment being moved does not block its own new time."""
    day = start.astimezone(location.zone).date()
    rules = BookingRules.current()
    diary = diary_load(
        location=location,
        treatment=treatment,
        first_day=day,
        last_day=day,
        practitioner_id=practitioner_id,
        exclude_appointment_id=exclude_appointment_id,
        rules=rules,
        now=now,
    )
    duration = visit_length(area=area, numbing_cream=numbing_cream, rules=rules)
    return any(
        av.slot_is_free(
            slot_start=start,
            duration=duration,
            practitioner=practitioner,
            rooms=diary.rooms,
            tz=location.zone,
            rules=diary.rules,
            now=now,
            closures=diary.closures,
        )
        for practitioner in diary.practitioners
    )
