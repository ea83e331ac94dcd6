"""How the availability search grows with practitioners and days (issue 16's growth table).

Seeds a throwaway PostgreSQL database (random.Random(7)): three locations (Europe/London) with
10, 50 and 200 practitioners, as many rooms as practitioners (each practitioner usually in their
own room, so the rooms are no bottleneck and every practitioner's grid is searched), everyone
working Monday to Saturday 09:00-18:00, and each working day about half booked (appointments of
30-60 minutes on the 15-minute grid) over the 62 days searched. Then times, in process with DEBUG
off, `availability_search` for each location and 7, 28 and 62 days ("any practitioner": one slot
per start time) and, for the 200-practitioner location over 28 days, a one-practitioner search,
printing medians, p95s, query counts and the rows each search read.

    .venv/bin/python bench/availability_growth.py [--runs 10]

Target (issue 16): 200 practitioners x 28 days under 250 ms, still a fixed number of queries.
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from _setup import PatientPicker, argument_parser, bench_database, p95, summary

TZ = ZoneInfo("Europe/London")
SIZES = (10, 50, 200)
SPANS = (7, 28, 62)
OPEN_Q, CLOSE_Q = 36, 72  # 09:00 and 18:00 as quarters of the day
WARMUPS = 2


def dates() -> tuple[datetime, date]:
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(8), tzinfo=UTC), monday + timedelta(days=1)


def seed(rng: random.Random, first_day: date) -> dict[int, object]:
    from bookings.models import Appointment, WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from treatments.models import Treatment

    skin = Treatment.objects.get(slug="skin-rejuvenation")
    areas = list(skin.areas.all())
    patients = Patient.objects.bulk_create(
        Patient(first_name="Bench", last_name=f"Patient {n:05d}", date_of_birth=date(1980, 1, 1)) for n in range(6000)
    )
    picker = PatientPicker(rng, patients)
    locations = {}
    for size in SIZES:
        location = Location.objects.create(name=f"Bench {size}", slug=f"bench-{size}", address="1 Bench St")
        rooms = Room.objects.bulk_create(Room(location=location, name=f"Room {n:03d}") for n in range(size))
        users = User.objects.bulk_create(
            User(email=f"p{size}-{n}@bench.example", first_name="Bench", last_name=f"P{n}", password="!")
            for n in range(size)
        )
        practitioners = Practitioner.objects.bulk_create(
            Practitioner(user=u, display_name=f"Dr {size}-{n:03d}", registration_number=f"B{size}{n:04d}")
            for n, u in enumerate(users)
        )
        Practitioner.locations.through.objects.bulk_create(
            Practitioner.locations.through(practitioner_id=p.pk, location_id=location.pk) for p in practitioners
        )
        skin.practitioners.add(*practitioners)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=p, location=location, weekday=d, start=time(9), end=time(18))
            for p in practitioners
            for d in range(6)
        )
        appointments = []
        for p, room in zip(practitioners, rooms, strict=True):
            for offset in range(max(SPANS)):
                day = first_day + timedelta(days=offset)
                if day.weekday() == 6:
                    continue
                q = OPEN_Q
                while q < CLOSE_Q:
                    length = rng.choice((2, 3, 4))
                    if rng.random() < 0.5 and q + length <= CLOSE_Q:
                        start = datetime.combine(day, time(0), tzinfo=TZ) + timedelta(minutes=15 * q)
                        end = start + timedelta(minutes=15 * length)
                        start, end = start.astimezone(UTC), end.astimezone(UTC)
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
                                blocked_until=end,
                                status=Appointment.Status.BOOKED,
                            )
                        )
                    q += length
        Appointment.objects.bulk_create(appointments, batch_size=2000)
        locations[size] = (location, practitioners[0], len(appointments))
    return locations


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from bookings.diary.loading import availability_search
    from bookings.models import BookingRules
    from treatments.models import Treatment

    now, first_day = dates()
    t0 = clock.perf_counter()
    locations = seed(random.Random(7), first_day)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # statistics, as a running clinic's tables have them
    print(f"seeded in {clock.perf_counter() - t0:.1f} s; window from {first_day}, now {now:%Y-%m-%d %H:%M} UTC")
    skin = Treatment.objects.get(slug="skin-rejuvenation")
    face = skin.areas.get(slug="face")
    BookingRules.current()

    def search(location, days, practitioner_id=None):
        return availability_search(
            treatment=skin,
            area=face,
            location=location,
            first_day=first_day,
            last_day=first_day + timedelta(days=days - 1),
            now=now,
            practitioner_id=practitioner_id,
        )

    def measure(fn):
        for _ in range(WARMUPS):
            fn()
        times = []
        for _ in range(args.runs):
            t = clock.perf_counter()
            result = fn()
            times.append((clock.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return times, result, len(ctx.captured_queries)

    print(f"\navailability search, any practitioner, {args.runs} runs after {WARMUPS} warm-ups (in process, DEBUG off)")
    print(f"  {'practitioners':>13} {'days':>5} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'slots':>6}")
    with override_settings(DEBUG=False):
        for size in SIZES:
            location, one, count = locations[size]
            for days in SPANS:
                times, slots, queries = measure(lambda location=location, days=days: search(location, days))
                print(
                    f"  {size:>13} {days:>5} {statistics.median(times):>10.1f} {p95(times):>8.1f} "
                    f"{queries:>8} {len(slots):>6}"
                )
        location, one, count = locations[200]
        times, slots, queries = measure(lambda: search(location, 28, one.pk))
    print(f"\none practitioner of 200, 28 days ({one.display_name}; {count} appointments at the location)")
    print(f"  {summary(times)}   queries {queries}   slots {len(slots)}")


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=10)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_growth_bench")
    args = parser.parse_args()
    with bench_database(args.database_url):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
