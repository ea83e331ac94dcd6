"""Billing's Celery tasks: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from billing.services.refunds import refund_requests_send


@shared_task(acks_late=True)
def online_refund_send(refund_id: int) -> int:
    """Queued after the commit of an online refund: send its request now rather than at the
    sweep's next tick. A second run (a redelivered task) or the sweep finds it sent or locked;
    a failure is recorded on the request and retried by the sweep, not by Celery."""
    return refund_requests_send(now=timezone.now(), refund_id=refund_id)


@shared_task(acks_late=True)
def sweep_refunds() -> int:
    """Beat, every minute: the online refunds whose task was lost, and those due a retry."""
    return refund_requests_send(now=timezone.now())


@worker_ready.connect
def sweep_refunds_on_worker_start(**_: object) -> None:
    """A worker that starts (a deploy, a restart after a crash) sends the refunds left waiting at
    once, as it does the outbox; expires so a queue with no worker soon does not keep it."""
    sweep_refunds.apply_async(expires=60)
