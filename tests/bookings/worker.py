"""A real Celery worker as a subprocess, for the tests that need one: starting and stopping it,
pointing the test process at its broker, and reading what it did (its log, the mail it wrote)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pytest
from celery.signals import before_task_publish
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from intake.models import Intake
from intake.selectors import intake_questions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Its own Redis database, so that nothing else using the server sees its queue (override to run two
# suites side by side).
ISOLATED_REDIS_DB = int(os.environ.get("TEST_ISOLATED_REDIS_DB", "15"))
POLL_SECONDS = 0.2
READY_TIMEOUT = 30.0
TASK_TIMEOUT = 45.0  # generous: the machine may be busy (a slow worker is not a failing one)
CELERY_WORKER_ARGS = [
    "-A",
    "config",
    "worker",
    "--pool",
    "solo",
    "--concurrency",
    "1",
    "--loglevel",
    "INFO",
    "--without-heartbeat",
    "--without-gossip",
    "--without-mingle",
]
READY = re.compile(r"celery@\S+ ready\.")
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
AFTERCARE_WORDING = "no make-up for 12-24 hours"

T = TypeVar("T")


def isolated_broker_url(url: str) -> str:
    """The same Redis server, database 15: nothing of CI's db 0 is read, consumed or flushed."""
    return urlsplit(url)._replace(path=f"/{ISOLATED_REDIS_DB}").geturl()


def worker_database_url() -> str:
    """The test database (not the one DATABASE_URL names) as a URL for the worker."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{quote(db['NAME'], safe='')}"


@contextmanager
def publishing_to(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the test process's Celery app at `url`, not eager, for the duration; then restore it.

    Celery prefers the CELERY_BROKER_URL environment variable to conf.broker_url, so both are set;
    the app's connection and producer pools were made for the old URL, so they are set aside.
    """
    conf = celery_app.conf
    saved = {"broker_url": conf.get("broker_url"), "task_always_eager": conf.task_always_eager}
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    conf.broker_url = url
    conf.task_always_eager = False
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        for pool in (celery_app.amqp._producer_pool, celery_app._pool):
            if pool is not None:
                pool.force_close_all()
        # kombu keeps producer pools in a global registry keyed by the connection, and reset()
        # closes every one of them, the app's earlier pools included: the app makes new ones.
        kombu_pools.reset()
        celery_app._pool, celery_app.amqp._producer_pool = None, None
        conf.broker_url = saved["broker_url"]
        conf.task_always_eager = saved["task_always_eager"]


@contextmanager
def published_tasks() -> Iterator[list[tuple[str, tuple, dict]]]:
    """(task name, args, kwargs) of every task this process puts on the broker."""
    published: list[tuple[str, tuple, dict]] = []

    def record(sender: str | None = None, body: Any = None, headers: dict | None = None, **_: Any) -> None:
        args, kwargs, _embed = body  # task protocol 2
        published.append((sender or (headers or {}).get("task", "?"), tuple(args), dict(kwargs)))

    before_task_publish.connect(record, weak=False)
    try:
        yield published
    finally:
        before_task_publish.disconnect(record)


def wait_for(what: str, condition: Callable[[], T], *, worker: subprocess.Popen, timeout: float = TASK_TIMEOUT) -> T:
    """Poll `condition` every POLL_SECONDS until it is truthy; fail if the worker dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if worker.poll() is not None:
            pytest.fail(f"the worker exited (code {worker.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:.0f} s")
        time.sleep(POLL_SECONDS)


def mails(folder: Path) -> list[email.message.EmailMessage]:
    """Every message the file-based backend wrote (one file per connection, messages separated)."""
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.is_dir() else []:
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def text_of(message: email.message.EmailMessage) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type() == "text/plain")


def mail_about(folder: Path, subject_part: str, to: str) -> email.message.EmailMessage | None:
    return next(
        (m for m in mails(folder) if subject_part in str(m["subject"]) and to in str(m["to"])),
        None,
    )


def clean_answers(intake: Intake) -> dict:
    answers: dict[str, Any] = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=[],
        allergies=[],
        height_cm=170,
        weight_kg=65,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
        expectations="Fresher skin",
    )
    return answers


def start_worker(tmp_path: Path, broker_url: str) -> tuple[subprocess.Popen, Path]:
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CLINIC_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)  # the worker's cache is its own (local memory), gone with it
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [sys.executable, "-m", "celery", *CELERY_WORKER_ARGS],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return worker, log_path


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


def log_tail(log_path: Path, lines: int = 60) -> str:
    if not log_path.exists():
        return "(no worker log)"
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
