"""Benchmark of the availability search against PostgreSQL: the diary queries plus the engine.

Seeds a throwaway database (random.Random(42)): 2 locations (Europe/London) with 3 rooms
each, 10 practitioners (5 per location) performing all four treatments, working Monday to
Saturday 09:00-13:00 and 14:00-18:00, a few time-off rows, one closure day, 1,000 patients,
and --appointments appointments (default 5,000) in the table: on the 15-minute grid, 30-60
minutes, inside working hours, in a room of the practitioner's location, never overlapping per
practitioner or per room (so PostgreSQL's exclusion constraints accept every row). They are
spread over --history-days of past diary (completed) plus the 28 days searched, as in a clinic
that has been running for a while: 5,000 appointments cannot all fit in 28 days of 6 rooms
(6 x 24 working days x 8 h = 1,152 room-hours), and a real table holds history the search
must skip cheaply (index on (practitioner_id, start), bounded look-back).

Measures, at the first location, for a 28-day window: availability_search for "any
practitioner" and for one practitioner (--runs timed runs after 3 warm-ups, with DEBUG off so
Django does not log queries), the SQL query count of one search (which must not grow with
days or practitioners), and the HTTP path GET /api/availability/ through django.test.Client
(in process, no server).

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/availability.py [--runs 50] [--http-runs 20] [--appointments 5000] [--history-days 140]

The database (default meso_bench) is created at the start and dropped at the end.
"""

from __future__ import annotations

import random
import sys
import time as clock
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from _setup import PatientPicker, argument_parser, bench_database, pack_quarters, summary

TZ_NAME = "Europe/London"
DAYS = 28
QUARTER = timedelta(minutes=15)
BLOCKS = ((time(9), time(13)), (time(14), time(18)))
WORKING_WEEKDAYS = range(6)  # Monday to Saturday
PATIENTS = 1000
WARMUPS = 3


def dates() -> tuple[datetime, date]:
    """NOW: the next Monday 08:00 UTC after today; the window starts the Monday after.

    Real-time relative, so that the HTTP path (which reads the real clock) sees the same
    bookable window as the direct calls (which get NOW): every searched day is 8 to 41 days
    ahead, past the 12-hour notice and inside the 90-day horizon.
    """
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    now = datetime.combine(monday, time(8), tzinfo=UTC)
    return now, monday + timedelta(days=7)


def seed(rng: random.Random, *, first_day: date, target: int, history_days: int) -> dict:
    from bookings.models import Appointment, LocationClosure, TimeOff, WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from treatments.models import Treatment

    tz = ZoneInfo(TZ_NAME)
    treatments = list(Treatment.objects.prefetch_related("areas"))
    locations = [
        Location.objects.create(name="Bench Central", slug="bench-central", address="1 Bench Street", timezone=TZ_NAME),
        Location.objects.create(name="Bench North", slug="bench-north", address="2 Bench Road", timezone=TZ_NAME),
    ]
    rooms = {
        loc.pk: Room.objects.bulk_create(Room(location=loc, name=f"Room {n}") for n in range(1, 4)) for loc in locations
    }
    users = User.objects.bulk_create(
        User(email=f"practitioner{n}@bench.example", first_name="Bench", last_name=f"P{n:02d}", password="!")
        for n in range(10)
    )
    practitioners = Practitioner.objects.bulk_create(
        Practitioner(
            user=user,
            display_name=f"Dr Bench {n:02d}",
            registration_body=Practitioner.RegistrationBody.GMC,
            registration_number=f"BENCH{n:04d}",
        )
        for n, user in enumerate(users)
    )
    home = {p.pk: locations[n // 5] for n, p in enumerate(practitioners)}
    Practitioner.locations.through.objects.bulk_create(
        Practitioner.locations.through(practitioner_id=p.pk, location_id=home[p.pk].pk) for p in practitioners
    )
    for treatment in treatments:
        treatment.practitioners.add(*practitioners)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=p, location=home[p.pk], weekday=weekday, start=start, end=end)
        for p in practitioners
        for weekday in WORKING_WEEKDAYS
        for start, end in BLOCKS
    )

    def local(day: date, quarter: int) -> datetime:
        return datetime.combine(day, time(0), tzinfo=tz) + quarter * QUARTER  # 09:00-18:00: no DST gap

    # Occupied quarters per practitioner, (day offset, quarter of the local day): time off first.
    p_busy: dict[int, set[tuple[int, int]]] = defaultdict(set)

    # A few time off rows (the practitioner gets no appointments then) and a closure day.
    central = [p for p in practitioners if home[p.pk] == locations[0]]
    north = [p for p in practitioners if home[p.pk] == locations[1]]
    time_off = [
        (central[1], 2, 36, 52),  # day 2, 09:00-13:00
        (central[3], 8, 36, 72),  # day 8, 09:00-18:00
        (north[0], 15, 56, 72),  # day 15, 14:00-18:00
        (north[2], 22, 44, 60),  # day 22, 11:00-15:00
    ]
    TimeOff.objects.bulk_create(
        TimeOff(
            practitioner=p,
            start=local(first_day + timedelta(days=d), q0),
            end=local(first_day + timedelta(days=d), q1),
            reason="Bench time off",
        )
        for p, d, q0, q1 in time_off
    )
    for p, d, q0, q1 in time_off:
        p_busy[p.pk].update((d, q) for q in range(q0, q1))
    closed_day = 9  # a Wednesday
    LocationClosure.objects.create(
        location=locations[0],
        first_day=first_day + timedelta(days=closed_day),
        last_day=first_day + timedelta(days=closed_day),
        reason="Bench closure",
    )

    patients = Patient.objects.bulk_create(
        Patient(first_name="Bench", last_name=f"Patient {n:04d}", date_of_birth=date(1980, 1, 1) + timedelta(days=n))
        for n in range(PATIENTS)
    )

    # Every (practitioner, day, start, length) inside working hours, in random order; take each
    # that still fits the practitioner and one of their location's rooms until the target is met.
    candidates = [
        (p, d, q, length)
        for p in practitioners
        for d in range(-history_days, DAYS)
        if (first_day + timedelta(days=d)).weekday() in WORKING_WEEKDAYS
        and not (home[p.pk] == locations[0] and d == closed_day)
        for start, end in BLOCKS
        for length in (2, 3, 4)
        for q in range(start.hour * 4, end.hour * 4 - length + 1)
    ]
    rng.shuffle(candidates)
    picker = PatientPicker(rng, patients)
    appointments: list[Appointment] = []
    for p, d, q, length, room in pack_quarters(
        rng, candidates, target=target, rooms_of=lambda p: rooms[home[p.pk].pk], p_busy=p_busy
    ):
        location = home[p.pk]
        treatment = rng.choice(treatments)
        day = first_day + timedelta(days=d)
        start, end = local(day, q).astimezone(UTC), local(day, q + length).astimezone(UTC)
        appointments.append(
            Appointment(
                patient=picker.pick(start, end),
                practitioner=p,
                room=room,
                location=location,
                treatment=treatment,
                area=rng.choice(list(treatment.areas.all())),
                start=start,
                end=end,
                status=Appointment.Status.COMPLETED if d < 0 else Appointment.Status.BOOKED,
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=1000)
    return {"locations": locations, "practitioners": practitioners, "central": central}


def timed(fn, runs: int) -> tuple[list[float], object]:
    for _ in range(WARMUPS):
        result = fn()
    timings = []
    for _ in range(runs):
        t0 = clock.perf_counter()
        result = fn()
        timings.append((clock.perf_counter() - t0) * 1000)
    return timings, result


def query_count(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def run(args) -> None:
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings

    from bookings.diary.loading import availability_search
    from bookings.models import Appointment, BookingRules
    from clinic.models import Practitioner, Room
    from treatments.models import Treatment

    now, first_day = dates()
    last_day = first_day + timedelta(days=DAYS - 1)
    t0 = clock.perf_counter()
    world = seed(random.Random(42), first_day=first_day, target=args.appointments, history_days=args.history_days)
    seconds = clock.perf_counter() - t0
    location = world["locations"][0]
    rows = Appointment.objects.active().count()
    in_window = Appointment.objects.filter(start__date__gte=first_day, start__date__lte=last_day)
    at_location = in_window.filter(location=location).count()
    n_practitioners = Practitioner.objects.count()
    n_rooms = Room.objects.count()
    skin = Treatment.objects.get(slug="skin-rejuvenation")
    face = skin.areas.get(slug="face")
    BookingRules.current()  # cached from here on, as in a warm server

    print(
        f"seeded in {seconds:.1f} s: {n_practitioners} practitioners, {n_rooms} rooms, {rows} appointments "
        f"({in_window.count()} in the 28 days searched, the rest over the {args.history_days} days before)"
    )
    if rows < args.appointments:
        print(f"  NOTE: only {rows} of the {args.appointments} appointments asked for fit; raise --history-days")
    print(
        f"  window {first_day} to {last_day} ({TZ_NAME}), now {now:%Y-%m-%d %H:%M} UTC; searching {location.name}: "
        f"5 practitioners, 3 rooms, {at_location} appointments there, 1 closure day"
    )
    print()

    def search(days: int = DAYS, practitioner_id: int | None = None) -> list:
        return availability_search(
            treatment=skin,
            area=face,
            location=location,
            first_day=first_day,
            last_day=first_day + timedelta(days=days - 1),
            now=now,
            practitioner_id=practitioner_id,
        )

    scenario = f"({n_practitioners} practitioners, {n_rooms} rooms, {rows} appointments)"
    one = world["central"][0]
    with override_settings(DEBUG=False):
        any_ms, any_slots = timed(search, args.runs)
        one_ms, one_slots = timed(lambda: search(practitioner_id=one.pk), args.runs)
    print(f"availability search, {DAYS} days, any practitioner {scenario}")
    print(f"  {summary(any_ms)}   slots {len(any_slots)}   queries {query_count(search)}   runs {args.runs}")
    print(f"availability search, {DAYS} days, one practitioner ({one.display_name})")
    print(
        f"  {summary(one_ms)}   slots {len(one_slots)}   "
        f"queries {query_count(lambda: search(practitioner_id=one.pk))}   runs {args.runs}"
    )

    # Queries for a small search (7 days, 2 practitioners: the location's other 3 are made
    # inactive inside a transaction that is rolled back) against the full 28-day one.
    with transaction.atomic():
        Practitioner.objects.filter(pk__in=[p.pk for p in world["central"][2:]]).update(is_active=False)
        small_queries = query_count(lambda: search(days=7))
        small_slots = len(search(days=7))
        transaction.set_rollback(True)
    assert Practitioner.objects.filter(is_active=True).count() == n_practitioners
    print("query count does not grow with days or practitioners")
    print(f"  7 days, 2 practitioners: queries {small_queries} (slots {small_slots})")
    print(f"  {DAYS} days, 5 practitioners: queries {query_count(search)} (slots {len(any_slots)})")

    client = Client()
    params = {
        "treatment": skin.slug,
        "area": face.slug,
        "location": location.slug,
        "start": first_day.isoformat(),
        "end": last_day.isoformat(),
    }

    def get():
        response = client.get("/api/availability/", params)
        if response.status_code != 200:
            raise SystemExit(f"GET /api/availability/ answered {response.status_code}: {response.content[:2000]!r}")
        return response

    with override_settings(DEBUG=False):
        http_ms, response = timed(get, args.http_runs)
    http_slots = len(response.json()["slots"])
    print(f"GET /api/availability/, {DAYS} days, any practitioner (django.test.Client, in process)")
    print(f"  {summary(http_ms)}   slots {http_slots}   queries {query_count(get)}   runs {args.http_runs}")
    if http_slots != len(any_slots):
        print(f"  NOTE: the API found {http_slots} slots, the direct call {len(any_slots)}")


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=50)
    parser.add_argument("--http-runs", type=int, default=20, help="timed GET /api/availability/ requests (default 20)")
    parser.add_argument("--appointments", type=int, default=5000, help="appointments to seed (default 5000)")
    parser.add_argument(
        "--history-days", type=int, default=140, help="days of past diary the appointments spread over (default 140)"
    )
    args = parser.parse_args()
    with bench_database(args.database_url, allowed_hosts="testserver,localhost,127.0.0.1"):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
