"""Shared plumbing for the database benchmarks: a throwaway PostgreSQL database, Django set up
against it, and small timing helpers.

`bench_database(url)` creates the database (dropping any leftover of the same name), points
Django at it through DATABASE_URL before `django.setup()`, migrates it, and drops it again on
the way out, whatever happened. It refuses a database whose name does not contain "bench" or
a server that is not on this machine, so a mistyped --database-url cannot drop real data.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meso_bench"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def argument_parser(description: str, *, runs: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs, help=f"timed repetitions (default {runs})")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="throwaway PostgreSQL database to create, use and drop; its name must contain 'bench' "
        f"(default {DEFAULT_DATABASE_URL})",
    )
    return parser


def _parts(url: str) -> dict[str, str | int | None]:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"--database-url must be a postgres:// URL, not {url!r}")
    name = unquote(parts.path.lstrip("/"))
    if "bench" not in name:
        raise SystemExit(f"refusing to drop and recreate database {name!r}: its name must contain 'bench'")
    if (parts.hostname or "127.0.0.1") not in LOCAL_HOSTS:
        raise SystemExit(f"refusing a database server that is not on this machine: {parts.hostname!r}")
    return {
        "name": name,
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else "postgres",
        "password": unquote(parts.password) if parts.password else None,
    }


def _admin(url: str, sql: str) -> None:
    """Run one statement in the server's "postgres" database, outside a transaction."""
    import psycopg2
    from psycopg2 import sql as pgsql

    p = _parts(url)
    conn = psycopg2.connect(
        dbname="postgres", host=p["host"], port=p["port"], user=p["user"], password=p["password"], connect_timeout=10
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(pgsql.SQL(sql).format(name=pgsql.Identifier(p["name"])))
    finally:
        conn.close()


@contextmanager
def bench_database(url: str, *, allowed_hosts: str = "localhost,127.0.0.1") -> Iterator[dict[str, str]]:
    """Create the database, set Django up on it and migrate; drop it afterwards.

    Yields the environment a subprocess (gunicorn) needs to run against the same database.
    """
    _admin(url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(url, "CREATE DATABASE {name}")
    var_dir = tempfile.mkdtemp(prefix="meso-bench-var-")
    try:
        env = {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": allowed_hosts,
            "DJANGO_DEBUG": "1",  # the development defaults: no HTTPS redirect, no secret key needed
            # Everything else embedded and private to this run: files under a temporary
            # directory, the local-memory cache, the filesystem broker.
            "CLINIC_VAR_DIR": var_dir,
        }
        os.environ.update(env)
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SECURE_SSL_REDIRECT"):
            os.environ.pop(name, None)

        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield dict(os.environ)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not have got as far as setting up
            pass
        try:
            _admin(url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values_ms: list[float]) -> str:
    return f"median {statistics.median(values_ms):.1f} ms   p95 {p95(values_ms):.1f} ms"


def pack_quarters(rng, candidates, *, target: int, rooms_of, p_busy: dict | None = None):
    """Greedy, overlap-free packing of bench appointments on a 15-minute grid.

    Takes shuffled (practitioner, day offset, first quarter, length in quarters) candidates in
    order, keeping each whose quarters are free for the practitioner and for one of their rooms
    (tried in random order), until `target` are taken; yields (practitioner, day, quarter, length,
    room). Nothing overlaps per practitioner or room, so PostgreSQL's exclusion constraints accept
    every row. `p_busy` may come pre-filled (time off the practitioner is not bookable in).
    """
    p_busy = p_busy if p_busy is not None else defaultdict(set)
    r_busy: dict[int, set[tuple[int, int]]] = defaultdict(set)
    taken = 0
    for p, d, q, length in candidates:
        if taken >= target:
            return
        quarters = {(d, q + i) for i in range(length)}
        if quarters & p_busy[p.pk]:
            continue
        choices = rooms_of(p)
        room = next((r for r in rng.sample(choices, len(choices)) if not quarters & r_busy[r.pk]), None)
        if room is None:
            continue
        p_busy[p.pk] |= quarters
        r_busy[room.pk] |= quarters
        taken += 1
        yield p, d, q, length, room


class PatientPicker:
    """A random patient for each bench appointment who is not already booked then.

    The patient exclusion constraint (issue 13) refuses a patient in two places at once, so the
    seeded diaries give each appointment a patient free at its time: random choices, retried
    past the few that clash, with each patient's appointments kept here as (start, end) pairs.
    """

    def __init__(self, rng, patients) -> None:
        self.rng = rng
        self.patients = list(patients)
        self.busy: dict[int, list[tuple]] = {}

    def pick(self, start, end):
        for _ in range(1000):
            patient = self.rng.choice(self.patients)
            taken = self.busy.setdefault(patient.pk, [])
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                return patient
        raise RuntimeError("no free patient: seed more patients")
