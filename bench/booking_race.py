"""Race test over real HTTP: N patients book the same slot at once; exactly one may win.

Seeds a throwaway PostgreSQL database with a tiny clinic (1 location, 1 room, 1 practitioner
performing skin rejuvenation, working every day 00:00-23:59) and --patients patient users
(default 100), each with a Patient row, the Patient role and an API token. Starts gunicorn
(gthread, 4 workers x 8 threads) on a free port of 127.0.0.1 against that database, waits for
/healthz, then releases all patients together (threading.Barrier) to POST /api/appointments/
for the same start (UTC today + 2 days, 10:00 UTC, face: 30 minutes), each with their own token.

Prints the count of 201s and 409s, any other status (with one body of each), and the number
of active appointments in the database overlapping that slot. Exits non-zero unless exactly
one request got 201, exactly one row exists, and no request got a 5xx or no answer.

Then two races of one patient against themself, --pairs patients at once each sending two
bookings together: one patient in two places (the same time at two locations, two treatments),
and two first bookings of one treatment (two times, two practitioners). Targets: no patient with
two overlapping appointments, no patient with two open courses of a treatment.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/booking_race.py [--runs 1] [--patients 100]

--runs repeats the race on fresh slots (one day later each time). The database (default
meso_bench) is created at the start and dropped at the end; gunicorn is always stopped.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time as clock
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from _setup import PROJECT_ROOT, argument_parser, bench_database
from booking_self_race import seed_pairs, self_races

HOST = "127.0.0.1"
TIMEOUT = 30.0
WORKERS, THREADS = 4, 8


def seed(patients: int) -> dict:
    from rest_framework.authtoken.models import Token

    from bookings.models import WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from clinic.roles import Role, user_set_roles
    from treatments.models import Treatment

    skin = Treatment.objects.get(slug="skin-rejuvenation")
    location = Location.objects.create(
        name="Race Clinic", slug="race-clinic", address="1 Race Street", timezone="Europe/London"
    )
    Room.objects.create(location=location, name="Room 1")
    practitioner = Practitioner.objects.create(
        user=User.objects.create_user("practitioner@race.example", first_name="Race", last_name="Practitioner"),
        display_name="Dr Race",
        registration_body=Practitioner.RegistrationBody.GMC,
        registration_number="RACE0001",
    )
    user_set_roles(user=practitioner.user, roles=[Role.PRACTITIONER])
    practitioner.locations.add(location)
    skin.practitioners.add(practitioner)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=practitioner, location=location, weekday=day, start=time(0), end=time(23, 59))
        for day in range(7)
    )
    users = User.objects.bulk_create(
        User(email=f"patient{n:03d}@race.example", first_name="Race", last_name=f"Patient {n:03d}", password="!")
        for n in range(patients)
    )
    Patient.objects.bulk_create(
        Patient(
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            date_of_birth=date(1985, 5, 5),
            email=user.email,
            phone="07700 900000",
        )
        for user in users
    )
    tokens = []
    for user in users:
        user_set_roles(user=user, roles=[Role.PATIENT])
        tokens.append(Token.objects.create(user=user).key)
    return {"location": location, "practitioner": practitioner, "tokens": tokens}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = clock.monotonic() + 30
    last = "no answer"
    while clock.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            status, body = request(port, "GET", "/healthz")
            if status == 200:
                return
            last = f"{status} {body[:500]}"
        except OSError as exc:
            last = repr(exc)
        clock.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer GET /healthz with 200 within 30 s (last: {last})")


def warm_up(port: int, tokens: list[str]) -> None:
    """One authenticated GET per patient, all at once: every worker thread has imported the
    views and opened its database connection before the race, so the race is not decided by
    which thread happened to be warm."""

    def get(token: str) -> int:
        status, _ = request(port, "GET", "/api/appointments/", headers={"Authorization": f"Token {token}"})
        return status

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        statuses = Counter(pool.map(get, tokens))
    if set(statuses) != {200}:
        raise SystemExit(f"warm-up GET /api/appointments/ answered {dict(statuses)}")


def race(port: int, tokens: list[str], payload: dict) -> list[tuple[int | str, str]]:
    """Every patient POSTs the same booking at the same moment; returns (status, body) each."""
    barrier = threading.Barrier(len(tokens))
    body = json.dumps(payload).encode()

    def attempt(token: str) -> tuple[int | str, str]:
        conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        try:
            conn.connect()  # connected before the barrier, so the requests leave together
            barrier.wait(timeout=TIMEOUT)
            conn.request(
                "POST",
                "/api/appointments/",
                body=body,
                headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
            )
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except Exception as exc:  # noqa: BLE001 - reported, and it fails the run
            return "no answer", repr(exc)
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(attempt, tokens))


def _detail(body: str) -> str:
    try:
        return str(json.loads(body).get("detail"))
    except (ValueError, AttributeError):
        return body[:200]


def report(results: list[tuple[int | str, str]], rows: int, start: datetime) -> bool:
    counts = Counter(status for status, _ in results)
    print(f"race for {start.isoformat()}: {len(results)} concurrent POST /api/appointments/")
    print(f"  201 Created:  {counts.get(201, 0)}")
    print(f"  409 Conflict: {counts.get(409, 0)}")
    # Which guard refused them: the availability check, or the exclusion constraint (the race).
    for detail, n in Counter(_detail(body) for status, body in results if status == 409).most_common():
        print(f"      {n:3d} x {detail}")
    others = {status: n for status, n in counts.items() if status not in (201, 409)}
    for status, n in sorted(others.items(), key=lambda item: str(item[0])):
        sample = next(body for s, body in results if s == status)
        print(f"  {status}: {n}   e.g. {sample[:1500]}")
    if not others:
        print("  other:        none")
    print(f"  active appointments in the database for that slot: {rows}")
    failed = counts.get(201, 0) != 1 or rows != 1 or any(isinstance(s, str) or s >= 500 for s in counts)
    print(f"  {'FAIL' if failed else 'OK'}: {'not ' if failed else ''}exactly one booking")
    return not failed


def run(args, env: dict[str, str]) -> bool:
    from bookings.models import Appointment

    world = seed(args.patients)
    pairs = seed_pairs(world, args.pairs)
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="meso-bench-gunicorn-", suffix=".log", delete=False) as handle:
        log = Path(handle.name)
    server_env = {**env, "DJANGO_ALLOWED_HOSTS": HOST, "DJANGO_DEBUG": "1"}
    command = [
        str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--worker-class",
        "gthread",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    ok = True
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, server, log)
        print(
            f"gunicorn {WORKERS} workers x {THREADS} threads on {HOST}:{port}; "
            f"{args.patients} patients, 1 practitioner, 1 room"
        )
        warm_up(port, world["tokens"])
        first = datetime.combine(datetime.now(UTC).date() + timedelta(days=2), time(10), tzinfo=UTC)
        for n in range(args.runs):
            start = first + timedelta(days=n)
            payload = {
                "treatment": "skin-rejuvenation",
                "area": "face",
                "location": world["location"].slug,
                "start": start.isoformat(),
            }
            t0 = clock.perf_counter()
            results = race(port, world["tokens"], payload)
            seconds = clock.perf_counter() - t0
            rows = (
                Appointment.objects.active()
                .filter(practitioner=world["practitioner"])
                .overlapping(start, start + timedelta(minutes=30))
                .count()
            )
            ok = report(results, rows, start) and ok
            print(f"  all answers in {seconds:.2f} s")
            if any(isinstance(s, str) or s >= 500 for s, _ in results):
                print("  gunicorn log (tail):")
                print("    " + "\n    ".join(log.read_text(errors="replace").splitlines()[-80:]))
        warm_up(port, pairs["tokens"])
        ok = self_races(port, world, pairs) and ok
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.unlink(missing_ok=True)
    return ok


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=1)
    parser.add_argument("--patients", type=int, default=100, help="concurrent patients (default 100)")
    parser.add_argument("--pairs", type=int, default=20, help="patients in each self-race (default 20)")
    args = parser.parse_args()
    with bench_database(args.database_url, allowed_hosts=HOST) as env:
        ok = run(args, env)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
