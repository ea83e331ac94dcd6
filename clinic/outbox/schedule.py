"""Planning messages: called by services inside their own transactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from clinic.jobs import task_after_commit
from clinic.models import Notification

Status = Notification.Status
DISPATCH_TASK = "clinic.tasks.dispatch_outbox"
# A message due this soon is dispatched straight after the commit instead of at the next beat tick.
NUDGE_WITHIN = timedelta(minutes=1)


def idempotency_key(*, kind: str, channel: str, subject: models.Model, about: str = "") -> str:
    key = f"{subject._meta.label_lower}:{subject.pk}:{kind}:{channel}"
    return f"{key}:{about}" if about else key


def notification_schedule(
    *, kind: str, channel: str, subject: models.Model, patient: Any, due_at: datetime, about: str = ""
) -> Notification:
    """Plan one message about `subject`; scheduling it again re-times it while still pending.

    A row already sent, dropped or dead is returned untouched: the key is what guarantees a
    reminder is never sent twice, however often a service re-plans. `about` tells apart several
    messages of one kind about one subject (which start time a move confirms, which practitioner
    an alert goes to) and becomes part of the key.
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    if subject.pk is None:
        raise ValueError("the subject must be saved first")
    key = idempotency_key(kind=kind, channel=channel, subject=subject, about=about)
    with transaction.atomic():
        # The row lock makes a concurrent dispatcher skip the row while it is being re-timed
        # (and makes this wait for a claim in progress, which it then finds "sending").
        row, created = Notification.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "kind": kind,
                "channel": channel,
                "patient": patient,
                "subject_type": subject._meta.label_lower,
                "subject_id": subject.pk,
                "due_at": due_at,
                "about": about,
            },
        )
        if not created and row.status == Status.PENDING and row.due_at != due_at:
            Notification.objects.filter(pk=row.pk, status=Status.PENDING).update(due_at=due_at)
            row.due_at = due_at
    if (
        settings.OUTBOX_DISPATCH_AFTER_COMMIT
        and row.status == Status.PENDING
        and row.due_at <= timezone.now() + NUDGE_WITHIN
    ):
        dispatch_after_commit()
    return row


def dispatch_after_commit() -> None:
    """Ask for a dispatch once the transaction commits, so a confirmation goes within seconds
    rather than at the next beat tick (which sends it anyway if the broker is down now)."""
    task_after_commit(DISPATCH_TASK)


def notification_drop(*, subject: models.Model, kinds: Iterable[str] | None = None, reason: str = "") -> int:
    """Pending rows about `subject` (of these kinds) will not be sent; returns how many."""
    rows = Notification.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk, status=Status.PENDING
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(status=Status.DROPPED, last_error=reason[:300])


def notifications_for_patient_drop(*, patient: Any) -> int:
    """Erasure: nothing more is sent to this patient; returns how many pending rows were dropped.

    Also blanks `recipient` (their address or number) on every row of theirs; the rows stay as
    the record that something was sent, with no contact detail left in them.
    """
    with transaction.atomic():
        dropped = Notification.objects.filter(patient=patient, status=Status.PENDING).update(
            status=Status.DROPPED, last_error="patient erased"
        )
        Notification.objects.filter(patient=patient).exclude(recipient="").update(recipient="")
    return dropped
