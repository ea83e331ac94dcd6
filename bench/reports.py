"""Benchmark of the manager's report pages (GET /staff/reports/<report>/) against PostgreSQL.

Seeds a throwaway database (random.Random(42)) with a year of a clinic's life, 2026: three
locations in three time zones (London, Dublin, Paris: the worst case, one CASE branch per zone),
6 practitioners and 6 rooms each, working Monday to Saturday 09:00-18:00; about 60,000 appointments
(11 a day per practitioner, 30 minutes on a 45-minute grid, so nothing overlaps), past ones
completed (85 %), no-shows (5 %) or cancelled (10 %, each with its audit record and `cancelled_at`, a
third of them late), the rest booked; 8,000 patients; the appointments grouped into courses of up to 6 sessions
per patient and treatment, each with a questionnaire (screened: cleared, reviewed, declined or not
suitable, with findings, and a practitioner's review); a confirmation and a 48-hour reminder per
appointment (some failed, some dead), and maintenance recalls.

Money (billing), seeded as its services would have written it, final values in bulk (a trigger
refuses UPDATE and DELETE of invoices and payments), each location's invoice numbers 1..N in the
order of issue: London in GBP at 20 % VAT, Dublin in EUR at 23 %, Paris in EUR at 20 %; an invoice
(sometimes with a second line) for each completed session, paid by card, cash or bank transfer,
some in two parts, some left unpaid, 1.5 % credited and refunded; a 50.00 deposit for about 30 % of
bookings (made online, most paid online): applied to the session's invoice, kept as the fee on a
no-show or a cancellation within 24 hours (a fee invoice), refunded or kept as credit otherwise;
about 300 course packages of 6 sessions bought at the first session at 10 % off, used, active, or
cancelled with the unused sessions credited and refunded. The waiting list: 2,500 entries over the
year, a freed slot for each cancellation (offered from 08:00 local when freed in the quiet hours,
not offered under 3 hours ahead), offered in turn to up to 4 matching entries (accepted, declined,
expired, withdrawn) until one accepts; the booking an accepted offer makes is not seeded, so the
other pages' figures stay those of the appointments above.

Measures every report page (waitlist and money included) through django.test.Client (in process,
a signed-in manager, DEBUG off), for the whole year at all locations, this month (the default) at
all locations and this quarter at one location: --runs times after 2 warm-ups, the median and
p95 in ms, and the query count of one request.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/reports.py [--runs 15]

The database (default meso_bench_reports) is created at the start and dropped at the end.
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from _setup import argument_parser, bench_database, summary
from reports_money_waitlist import NOW, YEAR, seed_money, seed_waitlist

ZONES = (
    ("London", "Europe/London", "GB", "ENG"),
    ("Dublin", "Europe/Dublin", "IE", ""),
    ("Paris", "Europe/Paris", "FR", ""),
)
PRACTITIONERS = 6
PER_DAY = 11
PATIENTS = 8000
WARMUPS = 2
TARGET_MS = 300
MAX_QUERIES = 10
FINDINGS = ["ANTITHROMBOTIC", "PREG", "HSV_ACTIVE", "DIABETES", "KELOID", "ISOTRETINOIN"]


def seed(rng: random.Random) -> dict:
    from django.db import connection

    from bookings.models import Appointment, Course, WorkingHours
    from clinic.models import AuditEvent, Location, Notification, Patient, Practitioner, Room, User
    from clinic.roles import Role, user_set_roles
    from intake.models import Intake, Review
    from treatments.models import Treatment

    treatments = list(Treatment.objects.prefetch_related("areas"))
    areas = {t.pk: list(t.areas.all()) for t in treatments}
    patients = Patient.objects.bulk_create(
        Patient(
            first_name="Bench", last_name=f"Patient {n:05d}", date_of_birth=date(1960, 1, 1) + timedelta(days=n % 15000)
        )
        for n in range(PATIENTS)
    )
    practitioners_of, rooms_of, zone_of = {}, {}, {}
    for name, tz, country, subdivision in ZONES:
        location = Location.objects.create(
            name=name,
            slug=name.lower(),
            address=f"1 {name} Street",
            timezone=tz,
            country=country,
            subdivision=subdivision,
        )
        zone_of[location.pk] = ZoneInfo(tz)
        rooms_of[location.pk] = Room.objects.bulk_create(
            Room(location=location, name=f"Room {n}") for n in range(PRACTITIONERS)
        )
        users = User.objects.bulk_create(
            User(email=f"p{n}@{location.slug}.bench.example", first_name="P", last_name=f"{n}", password="!")
            for n in range(PRACTITIONERS)
        )
        practitioners = Practitioner.objects.bulk_create(
            Practitioner(
                user=u,
                display_name=f"Dr {name} {n}",
                registration_body="GMC",
                registration_number=f"{location.slug}{n}",
            )
            for n, u in enumerate(users)
        )
        location.practitioners.add(*practitioners)
        for treatment in treatments:
            treatment.practitioners.add(*practitioners)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=p, location=location, weekday=d, start=time(9), end=time(18))
            for p in practitioners
            for d in range(6)
        )
        practitioners_of[location.pk] = practitioners

    appointments = []
    taken: set[tuple[int, date]] = set()  # one visit a day per patient: never two at once
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        if day.weekday() < 6:
            for location_id, practitioners in practitioners_of.items():
                zone = zone_of[location_id]
                for index, practitioner in enumerate(practitioners):
                    for k in range(PER_DAY):
                        start = (datetime.combine(day, time(9), tzinfo=zone) + timedelta(minutes=45 * k)).astimezone(
                            UTC
                        )
                        patient = rng.choice(patients)
                        while (patient.pk, day) in taken:
                            patient = rng.choice(patients)
                        taken.add((patient.pk, day))
                        treatment = treatments[patient.pk % len(treatments)]
                        roll = rng.random()
                        if start > NOW:
                            status = "booked"
                        else:
                            status = "completed" if roll < 0.85 else "no_show" if roll < 0.90 else "cancelled"
                        appointments.append(
                            Appointment(
                                patient=patient,
                                practitioner=practitioner,
                                room=rooms_of[location_id][index],
                                location_id=location_id,
                                treatment=treatment,
                                area=areas[treatment.pk][patient.pk % len(areas[treatment.pk])],
                                start=start,
                                end=start + timedelta(minutes=30),
                                status=status,
                            )
                        )
        day += timedelta(days=1)

    # Courses: each patient's appointments of a treatment, in order, in runs of up to 6 sessions.
    runs = defaultdict(list)
    for a in sorted(appointments, key=lambda a: a.start):
        runs[(a.patient_id, a.treatment_id)].append(a)
    courses, chunks = [], []
    for (patient_id, treatment_id), visits in runs.items():
        for i in range(0, len(visits), 6):
            chunk = visits[i : i + 6]
            done = [v for v in chunk if v.status == "completed"]
            status = (
                "completed" if len(done) == len(chunk) == 6 else "cancelled" if rng.random() < 0.1 else "in_progress"
            )
            courses.append(
                Course(
                    patient_id=patient_id,
                    treatment_id=treatment_id,
                    area=chunk[0].area,
                    practitioner=chunk[0].practitioner,
                    location_id=chunk[0].location_id,
                    sessions_planned=6,
                    interval_days=14,
                    status=status,
                    maintenance_due=(chunk[-1].start + timedelta(days=180)).date() if status == "completed" else None,
                    recall_contacted_at=NOW if status == "completed" and rng.random() < 0.5 else None,
                )
            )
            chunks.append(chunk)
    # The unique open course per patient and treatment: only the last run of each may be open.
    for n, chunk in enumerate(chunks):
        if (
            courses[n].status == "in_progress"
            and n + 1 < len(chunks)
            and chunks[n + 1][0].patient_id == chunk[0].patient_id
            and chunks[n + 1][0].treatment_id == chunk[0].treatment_id
        ):
            courses[n].status = "cancelled"
    intakes = []
    for course, chunk in zip(courses, chunks, strict=True):
        roll = rng.random()
        status = (
            "cleared"
            if roll < 0.7
            else "cleared"
            if roll < 0.85
            else "declined"
            if roll < 0.9
            else "needs_review"
            if roll < 0.95
            else "not_suitable"
        )
        flagged = roll >= 0.7
        intakes.append(
            Intake(
                patient_id=course.patient_id,
                treatment_id=course.treatment_id,
                area=course.area,
                status=status,
                submitted_at=chunk[0].start - timedelta(days=rng.randint(1, 20)),
                findings=[{"code": code, "severity": "RELATIVE"} for code in rng.sample(FINDINGS, rng.randint(1, 2))]
                if flagged
                else [],
                answers={"medications": ["Bench-secret-medication"]},
            )
        )
    Intake.objects.bulk_create(intakes, batch_size=2000)
    for course, intake in zip(courses, intakes, strict=True):
        course.intake = intake
    Course.objects.bulk_create(courses, batch_size=2000)
    reviews = [
        Review(
            intake=intake,
            practitioner=course.practitioner,
            decision="decline" if intake.status == "declined" else "approve",
        )
        for course, intake in zip(courses, intakes, strict=True)
        if intake.findings and intake.status in ("cleared", "declined")
    ]
    Review.objects.bulk_create(reviews, batch_size=2000)
    for course, chunk in zip(courses, chunks, strict=True):
        for number, visit in enumerate(chunk, start=1):
            visit.course, visit.session_number = course, number
    Appointment.objects.bulk_create(appointments, batch_size=5000)
    with connection.cursor() as cursor:  # booked 0-40 days ahead (auto_now_add stamped them "now")
        cursor.execute("UPDATE bookings_appointment SET created_at = start - random() * interval '40 days'")
        cursor.execute(
            "UPDATE bookings_course c SET created_at = a.first - interval '2 days' FROM (SELECT course_id, "
            "min(created_at) AS first FROM bookings_appointment GROUP BY course_id) a WHERE a.course_id = c.id"
        )
        cursor.execute(
            "UPDATE intake_review r SET at = i.submitted_at + random() * interval '72 hours' "
            "FROM intake_intake i WHERE i.id = r.intake_id"
        )

    events, messages, cancelled_at = [], [], {}
    for a in appointments:
        if a.status == "cancelled":
            ahead = timedelta(hours=rng.choice([2, 12, 30, 72, 200, 400]))
            cancelled_at[a.pk] = a.start - ahead
            events.append(
                AuditEvent(
                    at=a.start - ahead,
                    action="appointment.cancel",
                    object_type="bookings.appointment",
                    object_id=str(a.pk),
                )
            )
        for kind, due in (
            ("appointment.confirmation", a.start - timedelta(days=10)),
            ("appointment.reminder_48h", a.start - timedelta(hours=48)),
        ):
            roll = rng.random()
            status = "pending" if due > NOW else "sent" if roll < 0.97 else "dead"
            messages.append(
                Notification(
                    kind=kind,
                    channel="email",
                    patient_id=a.patient_id,
                    subject_type="bookings.appointment",
                    subject_id=a.pk,
                    due_at=due,
                    status=status,
                    attempts=1 if roll < 0.95 else 3,
                    last_error="" if roll < 0.95 else "SMTPServerDisconnected",
                    idempotency_key=f"{kind}:{a.pk}",
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    with connection.cursor() as cursor:  # the appointment's own record of when (migration 0014)
        cursor.execute(
            "UPDATE bookings_appointment a SET cancelled_at = e.at FROM clinic_auditevent e "
            "WHERE e.action = 'appointment.cancel' AND e.object_id = a.id::text"
        )
    Notification.objects.bulk_create(messages, batch_size=5000)
    money = seed_money(rng, appointments, courses, chunks, cancelled_at)
    waiting = seed_waitlist(rng, appointments, patients, cancelled_at, zone_of)

    manager = User.objects.create_user("manager@bench.example", "bench-password", first_name="Manager")
    user_set_roles(user=manager, roles=[Role.MANAGER])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "manager": manager,
        "appointments": len(appointments),
        "patients": PATIENTS,
        "courses": len(courses),
        "intakes": len(intakes),
        "messages": len(messages),
        "cancel events": len(events),
        **money,
        **waiting,
    }


def run(args) -> None:
    import time_machine
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from reports.web.manager.views import REPORTS
    from tests.two_factor import session_pass_second_factor

    t0 = clock.perf_counter()
    world = seed(random.Random(42))
    print(
        f"seeded in {clock.perf_counter() - t0:.1f} s: 3 locations (3 zones), {3 * PRACTITIONERS} practitioners, "
        + ", ".join(f"{v} {k}" for k, v in world.items() if k != "manager")
    )
    failures = []
    with time_machine.travel(NOW, tick=True), override_settings(DEBUG=False):
        client = Client()
        client.force_login(world["manager"])
        session_pass_second_factor(client, world["manager"])
        for label, params in (
            ("the whole year, all locations", {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"}),
            ("this month (the page's default), all locations", {}),
            ("this quarter, London", {"location": "london", "range": "quarter"}),
        ):
            print(label)
            for slug in ["", *REPORTS]:
                path = f"/staff/reports/{slug}/" if slug else "/staff/reports/"

                def get(path=path, params=params):
                    response = client.get(path, params)
                    if response.status_code != 200:
                        raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:2000]!r}")
                    return response

                for _ in range(WARMUPS):
                    get()
                timings = []
                for _ in range(args.runs):
                    started = clock.perf_counter()
                    get()
                    timings.append((clock.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as ctx:
                    response = get()
                queries = len(ctx.captured_queries)
                assert "Bench-secret-medication" not in response.content.decode(), "questionnaire answers leaked"
                print(f"  GET {path:32} {summary(timings)}   queries {queries:2}   {len(response.content) // 1024} KiB")
                if statistics.median(timings) >= TARGET_MS:
                    failures.append(f"{path} ({label}): median {statistics.median(timings):.1f} ms >= {TARGET_MS} ms")
                if queries > MAX_QUERIES:
                    failures.append(f"{path} ({label}): {queries} queries > {MAX_QUERIES}")
    print(
        f"target: median under {TARGET_MS} ms, at most {MAX_QUERIES} queries per page: "
        + ("; ".join(failures) or "met")
    )


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=15)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_bench_reports")
    args = parser.parse_args()
    with bench_database(args.database_url, allowed_hosts="testserver,localhost,127.0.0.1"):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
