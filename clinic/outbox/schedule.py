"""Planning messages: called by services inside their own transactions."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
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


# Rows planned inside `notifications_batch()`, written by one statement when the block ends.
_batch: contextvars.ContextVar[list[Notification] | None] = contextvars.ContextVar("outbox_batch", default=None)


def notification_schedule(
    *, kind: str, channel: str, subject: models.Model, patient: Any, due_at: datetime, about: str = ""
) -> Notification | None:
    """Plan one message about `subject`; scheduling it again re-times it while still pending.

    A row already sent, dropped or dead is left untouched: the key is what guarantees a
    reminder is never sent twice, however often a service re-plans. `about` tells apart several
    messages of one kind about one subject (which start time a move confirms, which practitioner
    an alert goes to) and becomes part of the key. Returns the row as it now stands, or None
    inside `notifications_batch()` (the row is written when the batch ends).
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    if subject.pk is None:
        raise ValueError("the subject must be saved first")
    row = Notification(
        kind=kind,
        channel=channel,
        patient=patient,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        due_at=due_at,
        about=about,
        idempotency_key=idempotency_key(kind=kind, channel=channel, subject=subject, about=about),
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(row)
        return None
    return notifications_write([row])[0]


@contextmanager
def notifications_batch() -> Iterator[None]:
    """Messages planned inside are written together, in one statement, when the block ends.

    A booking plans up to five messages; one upsert instead of five savepointed get-or-creates
    is most of what made a booking cost 53 statements. Use it inside the service's transaction;
    an exception inside discards the plans with the rest of the transaction. Nested batches join
    the outermost."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        rows = _batch.get() or []
    finally:
        _batch.reset(token)
    notifications_write(rows)


def notifications_write(rows: list[Notification]) -> list[Notification]:
    """Insert the rows, or re-time those whose key exists and is still pending: one statement.

    `ON CONFLICT ... DO UPDATE ... WHERE status = 'pending'` takes the existing row's lock, so a
    re-time waits for a dispatcher's claim in progress and then leaves the claimed row alone,
    as the locking get-or-create it replaces did. Returns the rows as stored."""
    latest = {row.idempotency_key: row for row in rows}  # the last plan for a key wins
    if not latest:
        return []
    stored = _upsert(list(latest.values()))
    if settings.OUTBOX_DISPATCH_AFTER_COMMIT:
        soon = timezone.now() + NUDGE_WITHIN
        if any(row.status == Status.PENDING and row.due_at <= soon for row in stored):
            dispatch_after_commit()
    return stored


def _upsert(rows: list[Notification]) -> list[Notification]:
    opts = Notification._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values, params = [], []
    for row in rows:
        values.append("(" + ", ".join(["%s"] * len(fields)) + ")")
        params.extend(f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    # PostgreSQL's upsert (SQLite has the same syntax since 3.35); the WHERE keeps a sent, dropped
    # or claimed row as it is. Run through raw() so the returned rows get the fields' converters.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} "  # noqa: S608 - names from the model, values bound
        f"ON CONFLICT (idempotency_key) DO UPDATE SET due_at = EXCLUDED.due_at "
        f"WHERE {table}.status = 'pending' "
        f"RETURNING {', '.join(connection.ops.quote_name(f.column) for f in opts.concrete_fields)}"
    )
    returned = {row.idempotency_key: row for row in Notification.objects.raw(sql, params)}
    missing = [row.idempotency_key for row in rows if row.idempotency_key not in returned]
    if missing:
        # Rows the WHERE left alone return nothing: read them as they stand.
        returned.update((row.idempotency_key, row) for row in Notification.objects.filter(idempotency_key__in=missing))
    return [returned[row.idempotency_key] for row in rows]


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
