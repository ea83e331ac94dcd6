"""Chaos benchmark of the outbox: 10,000 due messages sent by the real beat and two real workers
while one worker is killed and the broker is cut.

A private Redis (its own port), a throwaway PostgreSQL database, `celery beat` and two
`celery worker --pool solo` processes (file email backend, one file per mail connection) are
started. Once a quarter of the messages are sent, worker A is killed with SIGKILL (its claimed
rows stay "sending") and restarted five seconds later; at half, Redis itself is killed and
restarted --broker-cut seconds later (default 30: nothing it held survives, as after a crash).
The script then waits for every row to be sent and prints: sent (distinct messages delivered),
lost (never delivered), duplicated (deliveries beyond one per message) and the time from the
broker's return to the last delivery. Target: 0 lost, 0 duplicated, all sent within 60 s of the
broker returning. Exits non-zero when the target is missed.

    .venv/bin/python bench/chaos.py [--notifications 10000] [--broker-cut 30]
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from _setup import PROJECT_ROOT, argument_parser, bench_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meso_chaos_bench"
TARGET_AFTER_BROKER = 60.0
GIVE_UP_AFTER = 240.0
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def redis_server(port: int, log: Path) -> subprocess.Popen:
    return start(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {}, log
    )


def celery(env: dict, log: Path, *args: str) -> subprocess.Popen:
    return start([str(VENV_BIN / "celery"), "-A", "config", *args, "--loglevel", "INFO"], env, log)


def worker(env: dict, log: Path, name: str) -> subprocess.Popen:
    options = ["--pool", "solo", "-n", f"{name}@chaos", "--include", "chaos_kinds"]
    return celery(env, log, "worker", *options, "--without-gossip", "--without-mingle", "--without-heartbeat")


def seed(count: int) -> None:
    from django.utils import timezone

    from clinic.models import Notification

    now = timezone.now()
    Notification.objects.bulk_create(
        (
            Notification(
                kind="bench.chaos",
                channel="email",
                subject_type="bench.appointment",
                subject_id=n,
                due_at=now - timedelta(seconds=n % 600),
                idempotency_key=f"bench.appointment:{n}:bench.chaos:email",
            )
            for n in range(1, count + 1)
        ),
        batch_size=2000,
    )


def sent_rows() -> int:
    from clinic.models import Notification

    return Notification.objects.filter(status=Notification.Status.SENT).count()


def deliveries(folder: Path) -> Counter:
    """Messages per notification id in the files the workers' email backend wrote."""
    per_id: Counter = Counter()
    for path in folder.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Subject: Chaos "):
                per_id[line.split()[2].rstrip(":")] += 1
    return per_id


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=1)
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--broker-cut", type=float, default=30.0, help="seconds the broker stays down")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="meso-chaos-"))
    port = free_port()
    logs = {name: tmp / f"{name}.log" for name in ("redis", "beat", "a", "b")}
    procs: dict[str, subprocess.Popen] = {"redis": redis_server(port, logs["redis"])}
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
            return run(args, env, tmp, port, logs, procs)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)
            connections.close_all()


def run(args, env: dict, tmp: Path, port: int, logs: dict, procs: dict) -> int:
    count = args.notifications
    started = time.monotonic()
    procs["beat"] = celery(env, logs["beat"], "beat", "-s", str(tmp / "beat-schedule"))
    procs["a"] = worker(env, logs["a"], "a")
    procs["b"] = worker(env, logs["b"], "b")

    wait_until(lambda: sent_rows() >= count // 4, GIVE_UP_AFTER)
    procs["a"].send_signal(signal.SIGKILL)  # mid-batch: its claimed rows stay "sending"
    procs["a"].wait()
    killed_at = sent_rows()
    time.sleep(5)
    procs["a"] = worker(env, logs["a"], "a")

    wait_until(lambda: sent_rows() >= count // 2, GIVE_UP_AFTER)
    procs["redis"].send_signal(signal.SIGKILL)
    procs["redis"].wait()
    cut_at = sent_rows()
    time.sleep(args.broker_cut)
    procs["redis"] = redis_server(port, logs["redis"])
    back = time.monotonic()

    wait_until(lambda: sent_rows() >= count, GIVE_UP_AFTER)
    drain = time.monotonic() - back  # 0 when everything went while the broker was down
    if sent_rows() >= count and drain > 0:
        drain = max(0.0, drain)
    per_id = deliveries(tmp / "mail")
    sent, duplicated = len(per_id), sum(n - 1 for n in per_id.values())
    lost = count - sent
    marked = sent_rows()
    ok = lost == 0 and duplicated == 0 and marked == count and drain <= TARGET_AFTER_BROKER

    print(f"{count:,} due messages; beat + 2 workers (solo pool) on a private Redis; file email backend")
    print(f"  worker A killed (SIGKILL) at   {killed_at:>7,} sent, restarted 5 s later")
    print(f"  broker killed at               {cut_at:>7,} sent, back after {args.broker_cut:.0f} s")
    print(f"  sent                           {sent:>7,}   (rows marked sent {marked:,})")
    print(f"  lost                           {lost:>7,}")
    print(f"  duplicated                     {duplicated:>7,}")
    print(f"  drained after the broker       {drain:>7.1f} s   (target {TARGET_AFTER_BROKER:.0f} s)")
    print(f"  whole run                      {time.monotonic() - started:>7.1f} s")
    print(f"  {'OK' if ok else 'FAILED'}   (logs in {tmp})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
