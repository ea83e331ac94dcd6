"""Benchmark of booking the rest of a course (bookings.scheduling.course_schedule) on PostgreSQL.

Seeds a throwaway database (random.Random(42)): one location (Europe/London) with 3 rooms, 6
practitioners performing skin rejuvenation, working Monday to Saturday 09:00-18:00, 1,000
patients and --appointments existing appointments (default 5,000) spread over the next 26 weeks:
on the 15-minute grid, 30-60 minutes, inside working hours, never overlapping per practitioner or
per room (so PostgreSQL's exclusion constraints accept every row), generated as
bench/availability.py does (which, like it, leaves no buffer between them). The 3 rooms are the
bottleneck: 5,000 appointments take about 80% of their hours, so free time is scarce.

Then, --runs times (default 30, after --warmups untimed runs): a new patient books a first session
of skin rejuvenation (face, 30 minutes) at a free time in the first 8 weeks (appointment_book,
which starts a course awaiting intake), so that all 10 sessions fall inside the 26 weeks; a
cleared Intake row is created directly and linked to the course, with sessions_planned=10 and
interval_days=14; and course_schedule(course_id=..., now=...) is timed (DEBUG off).

Each run is one transaction, rolled back at its end, so every course is planned against the same
5,000-appointment diary (kept, each course's sessions would fill it: after a handful of courses
no free first-session time would be left). Inside it, course_schedule runs in a savepoint, so it
commits nothing: the COMMIT and the on-commit queueing of the schedule email are not in the time.
It is timed first; then the savepoint is rolled back and it runs again on the identical state
under CaptureQueriesContext, which counts its SQL queries without adding to the timed run.

Prints the median and p95 of course_schedule in ms, its query count, and the sessions booked and
unplaced per run. Target: median under 100 ms.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/course.py [--runs 30] [--warmups 2] [--appointments 5000]

The database (default meso_course_bench) is created at the start and dropped at the end.
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from _setup import PatientPicker, argument_parser, bench_database, p95, pack_quarters, summary

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meso_course_bench"
TZ_NAME = "Europe/London"
WEEKS = 26
DAYS = WEEKS * 7
QUARTER = timedelta(minutes=15)
OPENING, CLOSING = time(9), time(18)
WORKING_WEEKDAYS = range(6)  # Monday to Saturday
PRACTITIONERS = 6
ROOMS = 3
PATIENTS = 1000
SESSIONS_PLANNED = 10
INTERVAL_DAYS = 14
FIRST_SESSION_WEEKS = 8  # first session in the first 8 weeks: + 9 x 14 days stays inside the 26
TARGET_MEDIAN_MS = 100.0


def dates() -> tuple[datetime, date]:
    """NOW: the next Monday 08:00 UTC after today; the diary starts the Monday after."""
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    now = datetime.combine(monday, time(8), tzinfo=UTC)
    return now, monday + timedelta(days=7)


def seed(rng: random.Random, *, first_day: date, target: int) -> dict:
    from bookings.models import Appointment, BookingRules, WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from treatments.models import Treatment

    tz = ZoneInfo(TZ_NAME)
    skin = Treatment.objects.get(slug="skin-rejuvenation")
    areas = list(skin.areas.all())
    location = Location.objects.create(
        name="Bench Clinic", slug="bench-clinic", address="1 Bench Street", timezone=TZ_NAME
    )
    rooms = Room.objects.bulk_create(Room(location=location, name=f"Room {n}") for n in range(1, ROOMS + 1))
    users = User.objects.bulk_create(
        User(email=f"practitioner{n}@bench.example", first_name="Bench", last_name=f"P{n:02d}", password="!")
        for n in range(PRACTITIONERS)
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
    Practitioner.locations.through.objects.bulk_create(
        Practitioner.locations.through(practitioner_id=p.pk, location_id=location.pk) for p in practitioners
    )
    skin.practitioners.add(*practitioners)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=p, location=location, weekday=weekday, start=OPENING, end=CLOSING)
        for p in practitioners
        for weekday in WORKING_WEEKDAYS
    )
    patients = Patient.objects.bulk_create(
        Patient(first_name="Bench", last_name=f"Patient {n:04d}", date_of_birth=date(1980, 1, 1) + timedelta(days=n))
        for n in range(PATIENTS)
    )

    def local(day: date, quarter: int) -> datetime:
        return datetime.combine(day, time(0), tzinfo=tz) + quarter * QUARTER  # 09:00-18:00: no DST gap

    # Every (practitioner, day, start, length) inside working hours, in random order; take each
    # that still fits the practitioner and one of the rooms until the target is met.
    candidates = [
        (p, d, q, length)
        for p in practitioners
        for d in range(DAYS)
        if (first_day + timedelta(days=d)).weekday() in WORKING_WEEKDAYS
        for length in (2, 3, 4)
        for q in range(OPENING.hour * 4, CLOSING.hour * 4 - length + 1)
    ]
    rng.shuffle(candidates)
    picker = PatientPicker(rng, patients)
    appointments: list[Appointment] = []
    for p, d, q, length, room in pack_quarters(rng, candidates, target=target, rooms_of=lambda p: rooms):
        day = first_day + timedelta(days=d)
        start, end = local(day, q).astimezone(UTC), local(day, q + length).astimezone(UTC)
        appointments.append(
            Appointment(
                patient=picker.pick(start, end),
                practitioner=p,
                room=room,
                location=location,
                treatment=skin,
                area=rng.choice(areas),
                start=start,
                end=end,
                status=Appointment.Status.BOOKED,
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=1000)
    BookingRules.current()  # cached from here on, as in a warm worker
    return {"location": location, "skin": skin, "face": skin.areas.get(slug="face"), "rooms": rooms}


def first_session_slots(world: dict, *, now: datetime, first_day: date) -> list:
    """Free times for a 30-minute face session in the first weeks: the same in every run (rolled back)."""
    from bookings.diary.loading import availability_search

    slots = availability_search(
        treatment=world["skin"],
        area=world["face"],
        location=world["location"],
        first_day=first_day,
        last_day=first_day + timedelta(weeks=FIRST_SESSION_WEEKS, days=-1),
        now=now,
    )
    if not slots:
        raise SystemExit(f"no free time for a first session in the first {FIRST_SESSION_WEEKS} weeks")
    return slots


def new_course(world: dict, *, n: int, slot, now: datetime):
    """A new patient's first session at `slot`, and a cleared intake linked to its course."""
    from bookings.appointments.services import appointment_book
    from clinic.models import Patient
    from intake.models import Intake

    skin, face, location = world["skin"], world["face"], world["location"]
    patient = Patient.objects.create(
        first_name="Course",
        last_name=f"Patient {n:03d}",
        date_of_birth=date(1985, 5, 5),
        email=f"course{n:03d}@bench.example",
    )
    first = appointment_book(
        patient=patient, treatment=skin, area=face, location=location, start=slot.start, by=None, now=now
    )
    course = first.course
    course.intake = Intake.objects.create(patient=patient, treatment=skin, area=face, status=Intake.Status.CLEARED)
    course.sessions_planned, course.interval_days = SESSIONS_PLANNED, INTERVAL_DAYS
    course.save(update_fields=["intake", "sessions_planned", "interval_days", "updated_at"])
    return course


def run(args) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    from bookings.appointments.scheduling import course_schedule
    from bookings.models import Appointment

    now, first_day = dates()
    rng = random.Random(42)
    t0 = clock.perf_counter()
    world = seed(rng, first_day=first_day, target=args.appointments)
    seconds = clock.perf_counter() - t0
    rows = Appointment.objects.active().count()
    last_day = first_day + timedelta(days=DAYS - 1)
    print(
        f"seeded in {seconds:.1f} s: 1 location, {ROOMS} rooms, {PRACTITIONERS} practitioners (skin rejuvenation, "
        f"Mon-Sat {OPENING:%H:%M}-{CLOSING:%H:%M}), {rows} appointments from {first_day} to {last_day} ({TZ_NAME})"
    )
    if rows < args.appointments:
        print(f"  NOTE: only {rows} of the {args.appointments} appointments asked for fit in {WEEKS} weeks")
    room_hours = ROOMS * WEEKS * len(WORKING_WEEKDAYS) * (CLOSING.hour - OPENING.hour)
    booked_hours = sum((a.end - a.start).total_seconds() for a in Appointment.objects.only("start", "end")) / 3600
    print(f"  rooms {booked_hours / room_hours:.0%} booked ({booked_hours:.0f} of {room_hours} room-hours)")
    slots = first_session_slots(world, now=now, first_day=first_day)
    print(
        f"  now {now:%Y-%m-%d %H:%M} UTC; each run: a first session (face, 30 min) at one of the {len(slots)} free "
        f"times in the first {FIRST_SESSION_WEEKS} weeks, then {SESSIONS_PLANNED - 1} sessions every "
        f"{INTERVAL_DAYS} days to place; each run rolled back"
    )
    print()

    def one(n: int) -> tuple[float, int, object]:
        with override_settings(DEBUG=False), transaction.atomic():
            course = new_course(world, n=n, slot=rng.choice(slots), now=now)
            before = transaction.savepoint()
            started = clock.perf_counter()
            result = course_schedule(course_id=course.pk, now=now)
            elapsed = (clock.perf_counter() - started) * 1000
            transaction.savepoint_rollback(before)
            with CaptureQueriesContext(connection) as ctx:
                again = course_schedule(course_id=course.pk, now=now)
            if (len(again.booked), again.unplaced) != (len(result.booked), result.unplaced):
                raise SystemExit(f"run {n}: the counted run planned differently from the timed one")
            transaction.set_rollback(True)
        return elapsed, len(ctx.captured_queries), result

    for n in range(args.warmups):
        one(-1 - n)
    timings: list[float] = []
    queries: list[int] = []
    booked: list[int] = []
    unplaced: list[int] = []
    reasons: Counter[str] = Counter()
    print(f"{'run':>4} {'ms':>8} {'queries':>8} {'booked':>7} {'unplaced':>9}")
    for n in range(args.runs):
        elapsed, count, result = one(n)
        timings.append(elapsed)
        queries.append(count)
        booked.append(len(result.booked))
        unplaced.append(len(result.unplaced))
        reasons.update(u["reason"] for u in result.unplaced)
        print(f"{n + 1:>4} {elapsed:>8.1f} {count:>8} {len(result.booked):>7} {len(result.unplaced):>9}")
    print()
    print(
        f"course_schedule, {SESSIONS_PLANNED} sessions every {INTERVAL_DAYS} days ({PRACTITIONERS} practitioners, "
        f"{ROOMS} rooms, {rows} appointments), {args.runs} runs after {args.warmups} warm-ups"
    )
    print(f"  {summary(timings)}   (min {min(timings):.1f}, max {max(timings):.1f})")
    print(
        f"  queries per run: median {statistics.median(queries):.0f}, min {min(queries)}, max {max(queries)}, "
        f"p95 {p95([float(q) for q in queries]):.0f}"
    )
    total = args.runs * (SESSIONS_PLANNED - 1)
    print(
        f"  sessions booked {sum(booked)} of {total}, unplaced {sum(unplaced)}; "
        f"runs with every session placed: {sum(1 for u in unplaced if u == 0)} of {args.runs}"
    )
    for reason, count in reasons.most_common():
        print(f"    unplaced: {count} x {reason}")
    verdict = "met" if statistics.median(timings) < TARGET_MEDIAN_MS else "MISSED"
    print(f"  target median < {TARGET_MEDIAN_MS:.0f} ms: {verdict}")


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=30)
    for action in parser._actions:  # this benchmark's own throwaway database, not meso_bench
        if action.dest == "database_url":
            action.default = DEFAULT_DATABASE_URL
            action.help = action.help.replace("meso_bench", "meso_course_bench")
    parser.add_argument("--warmups", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--appointments", type=int, default=5000, help="appointments to seed (default 5000)")
    args = parser.parse_args()
    with bench_database(args.database_url):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
