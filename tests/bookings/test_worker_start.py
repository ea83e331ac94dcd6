"""A worker that starts sweeps the outbox at once (issue 16): a confirmation due while no
worker ran goes out within seconds of one starting, not at beat's next tick. No beat runs here,
so only the worker's own start can send it."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from bookings.appointments.services import appointment_book
from clinic.models import Notification
from tests.bookings.worker import (
    READY,
    READY_TIMEOUT,
    isolated_broker_url,
    mail_about,
    publishing_to,
    start_worker,
    stop_worker,
    wait_for,
)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.skipif(
    not django_settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs CELERY_BROKER_URL=redis://... (.ci/run sets it)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_starting_worker_sends_what_fell_due_while_none_ran(clinic, tmp_path, monkeypatch, settings):
    broker_url = isolated_broker_url(settings.CELERY_BROKER_URL)
    redis.Redis.from_url(broker_url).flushdb()  # nothing queued: no task but the worker's own
    settings.OUTBOX_DISPATCH_AFTER_COMMIT = False  # the booking queues no dispatch of its own
    patient = clinic.patient
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    appointment = appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=clinic.practitioner,
    )
    row = Notification.objects.get(kind="appointment.confirmation", subject_id=appointment.pk)
    assert row.status == Notification.Status.PENDING
    worker: subprocess.Popen | None = None
    try:
        with publishing_to(broker_url, monkeypatch):
            worker, log_path = start_worker(tmp_path, broker_url)
            wait_for(
                "'ready' in the worker log",
                lambda: READY.search(log_path.read_text(errors="replace")),
                worker=worker,
                timeout=READY_TIMEOUT,
            )

            def settled() -> Notification | None:
                row.refresh_from_db()
                return row if row.status == Notification.Status.SENT else None

            wait_for("the row dispatched by the starting worker", settled, worker=worker)
        assert "clinic.tasks.dispatch_outbox" in log_path.read_text(errors="replace")
    finally:
        if worker is not None:
            stop_worker(worker)
    assert row.status == Notification.Status.SENT
    assert mail_about(tmp_path / "mail", "", patient.email) is not None
