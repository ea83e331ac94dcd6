"""Background work for the clinic package: the notification dispatcher.

Beat queues `dispatch_outbox` every minute (CELERY_BEAT_SCHEDULE). It takes no arguments and
is safe to run twice or concurrently: rows are claimed one dispatcher at a time (clinic.outbox),
so a redelivered or overlapping run finds nothing left to send twice.
"""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from clinic.idempotency import idempotency_keys_purge
from clinic.outbox import outbox_dispatch


@shared_task(acks_late=True)
def dispatch_outbox() -> dict:
    """Send every notification due now; returns the counts (sent, dropped, retimed, retried, dead)."""
    return asdict(outbox_dispatch(now=timezone.now()))


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Hourly: answers kept for repeated requests are forgotten after 24 hours."""
    return idempotency_keys_purge(now=timezone.now())


@worker_ready.connect
def dispatch_on_worker_start(**_: object) -> None:
    """A worker that starts (a deploy, a restart after a crash) sweeps the outbox at once rather
    than at beat's next tick, up to 15 s later. Expires so a queue with no worker to take it
    soon does not keep it: beat's own ticks carry on from there."""
    dispatch_outbox.apply_async(expires=60)
