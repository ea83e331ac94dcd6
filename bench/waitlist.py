"""Benchmark of offering a freed slot to the waiting list (waitlist.offers.slot_offer_next) on PostgreSQL.

Seeds a throwaway database (random.Random(42)): one location (Europe/London, no quiet hours so the
run does not depend on the hour) with 2 rooms, 2 practitioners performing skin rejuvenation every
day 09:00-17:00, and --entries patients (default 1,000) each waiting for skin rejuvenation (face)
at that location over the next four weeks, for anyone, some on chosen weekdays or in a time window,
joined over the last 60 days: every one of them passes the SQL filter and is ranked in Python.

Then, --runs times (default 30): a patient's booking three or more days ahead is cancelled
(appointment_cancel, which records the freed slot in its transaction), and once that has committed
the worker's job runs (slot_offer_next: rank the entries, hold the slot, write the offer and its two
outbox rows). Timed from the cancellation's commit to the offer row existing, as the worker runs it
(without the broker's hop: the task is a message of one id). Its queries are counted on the same
kind of slot under CaptureQueriesContext.

    .venv/bin/python bench/waitlist.py [--runs 30] [--entries 1000]

The database (default meso_wl_bench) is created at the start and dropped at the end.
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import datetime, time, timedelta

from _setup import argument_parser, bench_database, summary

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meso_wl_bench"


def main() -> None:
    parser = argument_parser(__doc__.splitlines()[0], runs=30)
    parser.add_argument("--entries", type=int, default=1000, help="patients waiting (default 1000)")
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    with bench_database(args.database_url):
        run(args.runs, args.entries)


def run(runs: int, entries: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import waitlist.offers
    from bookings.appointments.services import appointment_book, appointment_cancel
    from bookings.models import HolidayOpening, WorkingHours
    from clinic.holidays import public_holidays
    from clinic.models import Location, Patient, Practitioner, Room, User
    from treatments.models import Treatment
    from waitlist.models import Entry, FreedSlot, Offer, WaitlistSettings

    waitlist.offers.task_after_commit = lambda *args: None  # the bench is the worker: no broker
    rng = random.Random(42)
    location = Location.objects.create(name="Bench", slug="bench", address="1 Bench Street", timezone="Europe/London")
    WaitlistSettings.objects.create(location=location, quiet_start=time(0), quiet_end=time(0))
    for n in (1, 2):
        Room.objects.create(location=location, name=f"Room {n}")
    skin = Treatment.objects.get(indication="SKIN")
    face = skin.areas.get(slug="face")
    practitioners = []
    for n in (1, 2):
        user = User.objects.create_user(email=f"p{n}@bench.example", password=None)
        practitioner = Practitioner.objects.create(
            user=user,
            display_name=f"Practitioner {n}",
            registration_body=Practitioner.RegistrationBody.GMC,
            registration_number=f"WLBENCH{n}",
        )
        practitioner.locations.add(location)
        skin.practitioners.add(practitioner)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, location=location, weekday=d, start=time(9), end=time(17))
            for d in range(7)
        )
        practitioners.append(practitioner)
    now = timezone.now()
    today = now.astimezone(location.zone).date()
    # Open on the public holidays of the weeks it books into, whatever the date it runs.
    holidays = public_holidays(country="GB", subdivision="ENG", first_day=today, last_day=today + timedelta(days=60))
    HolidayOpening.objects.bulk_create(HolidayOpening(location=location, day=day) for day in holidays)
    patients = Patient.objects.bulk_create(
        Patient(
            first_name=f"W{n}",
            last_name="Waiting",
            date_of_birth=datetime(1980, 1, 1).date(),
            email=f"w{n}@bench.example",
        )
        for n in range(entries)
    )
    Entry.objects.bulk_create(
        Entry(
            patient=patient,
            treatment=skin,
            area=face,
            location=location,
            earliest=today,
            latest=today + timedelta(days=28),
            weekdays=sorted(rng.sample(range(7), 5)) if rng.random() < 0.3 else [],
            times=[["09:00", "13:00"]] if rng.random() < 0.3 else [],
            created_at=now - timedelta(days=rng.uniform(0, 60)),
        )
        for patient in patients
    )
    booker_user = User.objects.create_user(email="booker@bench.example", password=None)
    booker = Patient.objects.create(
        first_name="Booked", last_name="Patient", date_of_birth=datetime(1980, 1, 1).date(), user=booker_user
    )

    def freed_slot(n: int) -> FreedSlot:
        day = today + timedelta(days=3 + n // 7)
        start = datetime.combine(day, time(9 + n % 7), tzinfo=location.zone)
        appointment = appointment_book(
            patient=booker,
            treatment=skin,
            area=face,
            location=location,
            start=start,
            by=None,
            practitioner=practitioners[n % 2],
            now=timezone.now(),
        )
        appointment_cancel(appointment=appointment, by=None, now=timezone.now())  # commits here
        return FreedSlot.objects.get(appointment=appointment)

    timings, queries = [], []
    for n in range(runs):
        slot = freed_slot(n)
        committed = clock.perf_counter()
        offer = waitlist.offers.slot_offer_next(slot_id=slot.pk, now=timezone.now())
        timings.append((clock.perf_counter() - committed) * 1000)
        assert offer is not None and Offer.objects.filter(slot=slot).exists()
        # The same work again, counted: a second slot at the same hour the next week.
        counted = freed_slot(n + 100)
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            waitlist.offers.slot_offer_next(slot_id=counted.pk, now=timezone.now())
        queries.append(len(captured.captured_queries))
    print(f"waiting entries: {entries}, runs: {runs}")
    print(f"cancellation's commit -> offer row (slot_offer_next): {summary(timings)}")
    print(f"queries per offer: median {statistics.median(queries):.0f}, max {max(queries)}")


if __name__ == "__main__":
    main()
