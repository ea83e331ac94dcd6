"""Benchmark of the notification outbox: 10,000 due messages, one dispatcher, then four at once.

Seeds a throwaway PostgreSQL database with --notifications due email notifications (default
10,000) of a kind registered here ("bench.reminder", rendering a small text + HTML email),
then sends them all with Django's locmem email backend by calling outbox_dispatch in a loop:

1. one dispatcher (one worker calling it until nothing is left);
2. --threads concurrent dispatchers (default 4) over a fresh set of the same size, each on its
   own database connection, as several Celery workers would run it.

Each run prints the total time, messages per second, and the duplicates: emails per
notification id above 1 (the id is in each subject), which must be 0, with every notification
sent exactly once and marked sent. The target is all of them sent within 30 s per run.
Exits non-zero on a duplicate, a message not sent, or a missed target.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/dispatch.py [--notifications 10000] [--threads 4] [--limit 500]

The database (default meso_outbox_bench) is created at the start and dropped at the end.
"""

from __future__ import annotations

import os
import sys
import threading
import time as clock
from collections import Counter
from datetime import datetime, timedelta

from _setup import argument_parser, bench_database

KIND = "bench.reminder"
TARGET_SECONDS = 30.0
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meso_outbox_bench"


def register_renderer() -> None:
    from clinic.outbox import Message, register

    @register(KIND)
    def render(row, now: datetime) -> Message:
        when = f"{row.due_at:%A %d %B at %H:%M}"
        return Message(
            to=f"patient{row.subject_id}@bench.example",
            subject=f"Reminder {row.pk}: your appointment on {when}",
            text=f"Hello,\n\nThis is a reminder of your appointment on {when}.\n\nMeso Clinic\n",
            html=f"<p>Hello,</p><p>This is a reminder of your appointment on <b>{when}</b>.</p><p>Meso Clinic</p>",
        )


def seed(count: int, now: datetime) -> None:
    """Rows straight into the table (the bench measures sending, not scheduling)."""
    from clinic.models import Notification

    Notification.objects.all().delete()
    Notification.objects.bulk_create(
        (
            Notification(
                kind=KIND,
                channel="email",
                subject_type="bench.appointment",
                subject_id=n,
                due_at=now - timedelta(seconds=n % 3600),
                idempotency_key=f"bench.appointment:{n}:{KIND}:email",
            )
            for n in range(1, count + 1)
        ),
        batch_size=2000,
    )


def dispatch_until_empty(now: datetime, limit: int) -> tuple[int, int]:
    """One dispatcher: call outbox_dispatch until a call finds nothing. Returns (sent, calls)."""
    from clinic.outbox import outbox_dispatch

    sent = calls = 0
    while True:
        result = outbox_dispatch(now=now, limit=limit)
        calls += 1
        sent += result.sent
        if result.total == 0:
            return sent, calls


def run(label: str, *, count: int, threads: int, limit: int) -> bool:
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from clinic.models import Notification

    now = timezone.now()
    seed(count, now)
    mail.outbox = []
    barrier = threading.Barrier(threads)
    per_thread: list[tuple[int, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def dispatcher() -> None:
        try:
            barrier.wait(timeout=30)
            outcome = dispatch_until_empty(now, limit)
            with lock:
                per_thread.append(outcome)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    started = clock.perf_counter()
    if threads == 1:
        dispatcher()
    else:
        workers = [threading.Thread(target=dispatcher) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    elapsed = clock.perf_counter() - started

    per_id = Counter(message.subject.split(":", 1)[0] for message in mail.outbox)
    duplicates = sum(n - 1 for n in per_id.values() if n > 1)
    marked = Notification.objects.filter(status=Notification.Status.SENT).count()
    missing = count - len(per_id)
    ok = not errors and duplicates == 0 and missing == 0 and marked == count and elapsed <= TARGET_SECONDS

    print(f"\n{label}")
    print(f"  emails sent            {len(mail.outbox):>8,}   (notifications {count:,}, marked sent {marked:,})")
    print(f"  total time             {elapsed:>8.2f} s   (target {TARGET_SECONDS:.0f} s)")
    print(f"  throughput             {len(mail.outbox) / elapsed:>8,.0f} messages/s")
    print(f"  duplicates             {duplicates:>8}   (emails per notification id > 1; must be 0)")
    print(f"  not sent               {missing:>8}")
    calls = ", ".join(f"{sent:,} sent in {n} calls" for sent, n in sorted(per_thread, reverse=True))
    print(f"  per dispatcher         {calls}")
    for error in errors:
        print(f"  ERROR {error}")
    print(f"  {'OK' if ok else 'FAILED'}")
    return ok


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=1)
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    parser.add_argument("--notifications", type=int, default=10_000, help="due notifications to send (default 10000)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent dispatchers in the second run (default 4)")
    parser.add_argument("--limit", type=int, default=500, help="rows one outbox_dispatch call claims (default 500)")
    args = parser.parse_args()
    # Read by settings at django.setup(): messages go to django.core.mail.outbox, not a server.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    with bench_database(args.database_url):
        from django.test.utils import override_settings

        register_renderer()
        print(f"{args.notifications:,} due notifications, outbox_dispatch(limit={args.limit}), locmem email backend")
        with override_settings(DEBUG=False):  # no query log growing by 10,000 entries
            ok = all(
                [
                    run("1 dispatcher", count=args.notifications, threads=1, limit=args.limit),
                    run(
                        f"{args.threads} concurrent dispatchers",
                        count=args.notifications,
                        threads=args.threads,
                        limit=args.limit,
                    ),
                ]
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
