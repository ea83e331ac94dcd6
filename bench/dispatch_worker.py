"""Outbox dispatch through the real beat and worker: 10,000 due messages, one worker.

A private Redis (its own port), a throwaway PostgreSQL database with --notifications due email
rows (default 10,000, of bench/chaos_kinds.py's kind), then `celery beat` and one
`celery worker --pool solo` (file email backend), started together as `make run` starts them.
Prints the time from starting the processes to the last row marked sent, the messages per
second, and how many were sent, lost and duplicated. Target (issue 16): all 10,000 within 30 s.

    .venv/bin/python bench/dispatch_worker.py [--notifications 10000]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _setup import PROJECT_ROOT, argument_parser, bench_database
from chaos import celery, deliveries, free_port, redis_server, seed, sent_rows, wait_until, worker

TARGET_SECONDS = 30.0
GIVE_UP_AFTER = 180.0


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=1)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_dispatch_worker_bench")
    parser.add_argument("--notifications", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="meso-dispatch-"))
    port = free_port()
    logs = {name: tmp / f"{name}.log" for name in ("redis", "beat", "worker")}
    procs = {"redis": redis_server(port, logs["redis"])}
    with bench_database(args.database_url) as env:
        from django.db import connections

        seed(args.notifications)
        connections.close_all()
        env = {
            **env,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp / "mail"),
            "PYTHONPATH": f"{PROJECT_ROOT / 'bench'}:{PROJECT_ROOT}",
            "PYTHONUNBUFFERED": "1",
        }
        try:
            started = time.monotonic()
            procs["beat"] = celery(env, logs["beat"], "beat", "-s", str(tmp / "beat-schedule"))
            procs["worker"] = worker(env, logs["worker"], "one")
            done = wait_until(lambda: sent_rows() >= args.notifications, GIVE_UP_AFTER)
            seconds = time.monotonic() - started
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=30)
        mail = deliveries(tmp / "mail")
    sent, lost = len(mail), args.notifications - len(mail)
    duplicated = sum(n - 1 for n in mail.values() if n > 1)
    print(f"{args.notifications:,} due messages; beat + 1 worker (solo pool) on a private Redis; file email backend")
    print(f"  all marked sent after   {seconds:6.1f} s   (from starting beat and the worker)")
    print(f"  target                  {TARGET_SECONDS:6.0f} s")
    print(f"  messages per second     {args.notifications / seconds:6.0f}")
    print(f"  sent {sent:,}   lost {lost}   duplicated {duplicated}")
    ok = done and lost == 0 and duplicated == 0 and seconds < TARGET_SECONDS
    print("  target met" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
