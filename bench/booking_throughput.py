"""Booking throughput against a bare exclusion-constraint insert, measured side by side.

Seeds a throwaway PostgreSQL database: one location (Europe/London) with 20 practitioners and
20 rooms performing skin rejuvenation, working every day 08:00-20:00, and --bookings patients
(default 800), each with the Patient role and an API token; and a table `bench_slot` with an
exclusion constraint (resource WITH =, during WITH &&), the shape of the appointment constraints.
Starts gunicorn (gthread, 2 workers x 4 threads) on the application's URLs plus a bare endpoint
(bench/throughput_urls.py: one INSERT, nothing else) with DEBUG off, and then, with 8 clients:

1. bare: each request inserts a distinct range into bench_slot;
2. API: each request is a new patient's `POST /api/appointments/` (a first booking: course,
   questionnaire, audit rows, outbox rows), each for a distinct free slot (practitioner, hour).

Prints requests per second, median and p95 latency for each, the ratio API / bare (issue 16's
target: at least 0.5), and the SQL statements one booking runs in process.

    .venv/bin/python bench/booking_throughput.py [--bookings 800]
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from _setup import PROJECT_ROOT, argument_parser, bench_database, p95
from booking_race import HOST, free_port, wait_healthy
from chaos import redis_server

CLIENTS = 8
WORKERS, THREADS = 2, 4
PRACTITIONERS = 20
HOURS = range(8, 20)  # a booking on each hour: 30 minutes plus the buffer never meet the next
TARGET_RATIO = 0.5


def seed(count: int) -> dict:
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from bookings.models import BookingRules, WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from clinic.roles import Role, user_set_roles
    from treatments.models import Treatment

    skin = Treatment.objects.get(slug="skin-rejuvenation")
    location = Location.objects.create(name="Busy Clinic", slug="busy", address="1 Busy Street")
    Room.objects.bulk_create(Room(location=location, name=f"Room {n:02d}") for n in range(PRACTITIONERS))
    users = User.objects.bulk_create(
        User(email=f"p{n}@busy.example", first_name="Dr", last_name=f"Busy {n}", password="!")
        for n in range(PRACTITIONERS)
    )
    practitioners = Practitioner.objects.bulk_create(
        Practitioner(user=u, display_name=f"Dr Busy {n:02d}", registration_number=f"BUSY{n:04d}")
        for n, u in enumerate(users)
    )
    for p in practitioners:
        p.locations.add(location)
    skin.practitioners.add(*practitioners)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=p, location=location, weekday=d, start=time(8), end=time(20))
        for p in practitioners
        for d in range(7)
    )
    patient_users = User.objects.bulk_create(
        User(email=f"patient{n:05d}@busy.example", first_name="Busy", last_name=f"Patient {n}", password="!")
        for n in range(count)
    )
    Patient.objects.bulk_create(
        Patient(user=u, first_name="Busy", last_name=f"Patient {n}", date_of_birth=date(1985, 5, 5), email=u.email)
        for n, u in enumerate(patient_users)
    )
    tokens = []
    for user in patient_users:
        user_set_roles(user=user, roles=[Role.PATIENT])
        tokens.append(Token.objects.create(user=user).key)
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cursor.execute(
            "CREATE TABLE bench_slot (id bigserial PRIMARY KEY, resource int NOT NULL, during tstzrange NOT NULL, "
            "EXCLUDE USING gist (resource WITH =, during WITH &&))"
        )
    BookingRules.current()
    return {"location": location, "practitioners": [p.pk for p in practitioners], "tokens": tokens}


def slots(practitioners: list[int], count: int) -> list[tuple[int, datetime]]:
    """Distinct free (practitioner, start) pairs from two days ahead, in the location's zone."""
    from zoneinfo import ZoneInfo

    zone, first = ZoneInfo("Europe/London"), datetime.now(UTC).date() + timedelta(days=2)
    out = []
    day = 0
    while len(out) < count:
        for hour in HOURS:
            for pid in practitioners:
                out.append((pid, datetime.combine(first + timedelta(days=day), time(hour), tzinfo=zone)))
        day += 1
    return out[:count]


def cpu_seconds(names: tuple[str, ...]) -> float:
    """User + system CPU seconds so far of every live process whose command name is one of names
    (PostgreSQL's backends, gunicorn's workers), read from /proc: what a phase cost the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name in names or any(name.startswith(n) for n in names):
            total += int(rest[11]) + int(rest[12])  # utime, stime (fields 14 and 15)
    return total / tick


def metered(port: int, requests):
    """drive() with the CPU the database and the web server spent on it."""
    db0, web0 = cpu_seconds(("postgres",)), cpu_seconds(("gunicorn",))
    seconds, latencies, statuses = drive(port, requests)
    db, web = cpu_seconds(("postgres",)) - db0, cpu_seconds(("gunicorn",)) - web0
    return seconds, latencies, statuses, db, web


def drive(port: int, requests: list[tuple[str, dict, dict]]) -> tuple[float, list[float], dict[int, int]]:
    """Send the requests with CLIENTS keep-alive connections; (seconds, latencies ms, statuses)."""
    chunks = [requests[n::CLIENTS] for n in range(CLIENTS)]

    def client(chunk):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        latencies, statuses = [], {}
        for path, body, headers in chunk:
            t = clock.perf_counter()
            conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers})
            response = conn.getresponse()
            response.read()
            latencies.append((clock.perf_counter() - t) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
        return latencies, statuses

    started = clock.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, chunks))
    seconds = clock.perf_counter() - started
    latencies = [x for lat, _ in results for x in lat]
    statuses: dict[int, int] = {}
    for _, s in results:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return seconds, latencies, statuses


def statements_per_booking(world: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.appointments.services import appointment_book
    from bookings.models import MessageSettings
    from clinic.models import Location, Patient, Practitioner, User
    from clinic.roles import roles_of
    from treatments.models import Treatment

    MessageSettings.current()  # made on first use, then cached, as in a running server
    user = User.objects.create_user("counted@busy.example", first_name="Counted", last_name="Patient")
    patient = Patient.objects.create(
        user=user, first_name="Counted", last_name="Patient", date_of_birth=date(1985, 1, 1)
    )
    skin = Treatment.objects.get(slug="skin-rejuvenation")
    start = datetime.combine(datetime.now(UTC).date() + timedelta(days=80), time(12), tzinfo=UTC)
    booking = {
        "patient": patient,
        "treatment": skin,
        "area": skin.areas.get(slug="face"),
        "location": Location.objects.get(slug="busy"),
        "start": start,
        "by": user,
        "practitioner": Practitioner.objects.get(pk=world["practitioners"][0]),
    }
    roles_of(user)  # read once per request: the API view has done it before the booking
    with CaptureQueriesContext(connection) as ctx:
        appointment_book(**booking)
    return len([q for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=1)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_throughput_bench")
    parser.add_argument("--bookings", type=int, default=800)
    args = parser.parse_args()
    redis_port = free_port()
    redis = redis_server(redis_port, Path(tempfile.mkstemp(prefix="meso-throughput-redis-", suffix=".log")[1]))
    with bench_database(args.database_url, allowed_hosts=HOST) as env:
        world = seed(args.bookings)
        from django.db import connections

        connections.close_all()
        port = free_port()
        log = Path(tempfile.mkstemp(prefix="meso-throughput-", suffix=".log")[1])
        server_env = {
            **env,
            "PYTHONPATH": f"{PROJECT_ROOT / 'bench'}:{PROJECT_ROOT}",
            "DJANGO_SETTINGS_MODULE": "throughput_settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "FIELD_ENCRYPTION_KEYS": "Y2xpbmljLWJlbmNoLWtleS0wMDAwMDAwMDAwMDAwMDA=",
            "API_THROTTLE_BOOKING": "100000/hour",
            # As in production: Redis for the cache (throttles, settings rows) and the broker
            # (each booking's confirmation asks for a dispatch after its commit). A private server.
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        }
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--bind",
            f"{HOST}:{port}",
        ]
        # DEBUG off serves static files from the manifest (and /healthz checks it is there).
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=PROJECT_ROOT,
            env=server_env,
            check=True,
        )
        with log.open("wb") as output:
            server = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            wait_healthy(port, server, log)
            n = args.bookings
            base = datetime.now(UTC) + timedelta(days=1)
            bare = [
                (
                    "/bench/bare-insert/",
                    {
                        "resource": k % 50,
                        "start": (base + timedelta(hours=k)).isoformat(),
                        "end": (base + timedelta(hours=k, minutes=30)).isoformat(),
                    },
                    {},
                )
                for k in range(n)
            ]
            drive(port, bare[: CLIENTS * 4])  # warm-up: every thread connected
            bare_s, bare_lat, bare_status, bare_db, bare_web = metered(port, bare[CLIENTS * 4 :])
            api = [
                (
                    "/api/appointments/",
                    {
                        "treatment": "skin-rejuvenation",
                        "area": "face",
                        "location": "busy",
                        "start": start.isoformat(),
                        "practitioner": pid,
                    },
                    {"Authorization": f"Token {token}"},
                )
                for (pid, start), token in zip(slots(world["practitioners"], n), world["tokens"], strict=True)
            ]
            drive(port, api[: CLIENTS * 4])
            api_s, api_lat, api_status, api_db, api_web = metered(port, api[CLIENTS * 4 :])
        finally:
            server.terminate()
            server.wait(timeout=30)
            redis.terminate()
        statements = statements_per_booking(world)
    bare_rate, api_rate = len(bare_lat) / bare_s, len(api_lat) / api_s
    print(f"gunicorn {WORKERS} workers x {THREADS} threads, {CLIENTS} clients, DEBUG off, PostgreSQL")
    cores = os.cpu_count() or 1
    for label, rate, lat, status, db, web in (
        ("bare exclusion-constraint insert", bare_rate, bare_lat, bare_status, bare_db, bare_web),
        ("POST /api/appointments/ (first bookings)", api_rate, api_lat, api_status, api_db, api_web),
    ):
        n = len(lat)
        print(f"  {label}")
        print(f"    {rate:7.1f} requests/s   median {statistics.median(lat):.1f} ms   p95 {p95(lat):.1f} ms   {status}")
        # CPU per request bounds the rate on this machine whatever the code does around it: the
        # database's share alone caps it at cores / (database CPU per request).
        print(
            f"    CPU per request: PostgreSQL {1000 * db / n:.2f} ms, web server {1000 * web / n:.2f} ms; "
            f"ceiling on {cores} cores: {cores * n / (db + web):.0f}/s, PostgreSQL alone {cores * n / db:.0f}/s"
        )
    ratio = api_rate / bare_rate
    print(f"  ratio API / bare: {ratio:.2f}   (target {TARGET_RATIO})")
    print(f"  statements per booking (service, in process): {statements}   (target 15)")
    ok = api_status.get(201, 0) == len(api_lat) and ratio >= TARGET_RATIO
    print("  target met" if ok else "  target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
