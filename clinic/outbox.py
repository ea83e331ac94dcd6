"""The notification outbox: messages are rows with a due time, sent by a dispatcher every minute.

Services schedule rows inside their own transactions (`notification_schedule`), so a booking and
its reminders commit or roll back together, and cancel or move them (`notification_drop`, or a
renderer answering `Drop`/`Retime` when the row comes due). The beat task `dispatch_outbox`
calls `outbox_dispatch` every minute; it claims due rows, asks each kind's renderer whether the
message is still current and what it says, sends it and marks the row.

Why rows and not Celery ETAs: Redis redelivers an unacknowledged task after its visibility
timeout, so a far-future ETA task is eventually delivered twice; and a task cannot be "moved"
when the appointment moves. A row can be re-timed, dropped, listed and retried.

Delivery is exactly once per row as far as the database can make it: each row is claimed by one
dispatcher only (row locks or a conditional update), and marked sent straight after its send.
The one window left is a dispatcher that dies between the send and that mark: its row is sent
again after the stale-claim timeout (at least once beats never).

This module is the only writer of Notification rows. Renderers register per kind with
`@register("kind")` in a module imported when Django starts (an app's `ready()`), so the Celery
worker knows them too; a kind without a renderer goes to "dead" for staff to see.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models, transaction

from clinic import sms
from clinic.models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status

# A dispatcher's claim older than this is taken to belong to a dead dispatcher. It must exceed
# the longest a live one can hold a claim: the send budget below plus one slow send, and the
# task's hard time limit (CELERY_TASK_TIME_LIMIT, 300 s) after which Celery kills it anyway.
STALE_CLAIM_AFTER = timedelta(minutes=10)
# Stop starting new sends after this long and hand the rest of the batch back: a slow mail
# server must not keep rows claimed until the task is killed at its time limit.
SEND_BUDGET_SECONDS = 120.0
# Wait before attempt n+1 after n failed attempts; the attempt after the last one is final.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
MAX_ATTEMPTS = len(BACKOFF) + 1
# Failures worth retrying: the mail server, the network or the SMS gateway was unavailable.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    OSError,
    TimeoutError,
    sms.SMSError,
)


# --- what a renderer answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (filename, content, mimetype)


@dataclass(frozen=True)
class Drop:
    """The message is no longer current (the appointment was cancelled, ...)."""

    reason: str


@dataclass(frozen=True)
class Retime:
    """What it is about moved: send at this time instead."""

    due_at: datetime


Renderer = Callable[[Notification, datetime], Message | Drop | Retime]

_renderers: dict[str, Renderer] = {}


def register(kind: str) -> Callable[[Renderer], Renderer]:
    """Decorator: `fn(row, now)` renders rows of this kind. One renderer per kind."""
    if not kind or len(kind) > Notification._meta.get_field("kind").max_length:
        raise ValueError(f"invalid notification kind {kind!r}")

    def decorator(fn: Renderer) -> Renderer:
        existing = _renderers.get(kind)
        # The same function registered again (a module imported twice, or reloaded) is fine;
        # two different renderers for one kind would send whichever was imported last.
        if existing is not None and _identity(existing) != _identity(fn):
            raise ValueError(f"notification kind {kind!r} already has a renderer: {_identity(existing)}")
        _renderers[kind] = fn
        return fn

    return decorator


def _identity(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def renderer_for(kind: str) -> Renderer | None:
    return _renderers.get(kind)


# --- scheduling (called by services, inside their transactions) -------------------------------


def idempotency_key(*, kind: str, channel: str, subject: models.Model) -> str:
    return f"{subject._meta.label_lower}:{subject.pk}:{kind}:{channel}"


def notification_schedule(
    *, kind: str, channel: str, subject: models.Model, patient: Any, due_at: datetime
) -> Notification:
    """Plan one message about `subject`; scheduling it again re-times it while still pending.

    A row already sent, dropped or dead is returned untouched: the key is what guarantees a
    reminder is never sent twice, however often a service re-plans.
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    if subject.pk is None:
        raise ValueError("the subject must be saved first")
    key = idempotency_key(kind=kind, channel=channel, subject=subject)
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
            },
        )
        if not created and row.status == Status.PENDING and row.due_at != due_at:
            Notification.objects.filter(pk=row.pk, status=Status.PENDING).update(due_at=due_at)
            row.due_at = due_at
    return row


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


# --- dispatching (the beat task, every minute) ------------------------------------------------


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0
    dropped: int = 0
    retimed: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.dropped + self.retimed + self.retried + self.dead


def outbox_dispatch(*, now: datetime, limit: int = 500) -> DispatchResult:
    """Send what is due at `now`; safe to run any number of times, concurrently."""
    # 1. A dispatcher that died mid-batch (worker killed, time limit, deploy) left its rows in
    #    "sending"; nobody else would ever pick them up. Celery redelivers the task (acks_late)
    #    but the redelivered run does not know which rows were its own, so age decides.
    _reclaim_stale(now=now)
    # 2. Claim before sending, and commit the claim: beat can start a dispatch while the last
    #    one still runs, and Celery may deliver the same task twice; each row is taken once.
    if connection.features.has_select_for_update_skip_locked:
        rows = _claim_locked(now=now, limit=limit)
    else:
        rows = _claim_conditional(now=now, limit=limit)
    if not rows:
        return DispatchResult()
    # 3. Render and send row by row, marking each straight after its send, so a crash loses
    #    (re-sends) at most the row in flight, never the batch.
    counts = dict.fromkeys(("sent", "dropped", "retimed", "retried", "dead"), 0)
    started = time.monotonic()
    mailer = _Mailer()
    try:
        for index, row in enumerate(rows):
            if time.monotonic() - started > SEND_BUDGET_SECONDS:
                _release([r.pk for r in rows[index:]], now=now)
                break
            counts[_process(row, now=now, mailer=mailer)] += 1
    finally:
        mailer.close()
    return DispatchResult(**counts)


def _reclaim_stale(*, now: datetime) -> int:
    return Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER).update(
        status=Status.PENDING, claimed_at=None
    )


def _due(now: datetime) -> models.QuerySet[Notification]:
    return Notification.objects.filter(status=Status.PENDING, due_at__lte=now).order_by("due_at", "pk")


def _claim_locked(*, now: datetime, limit: int) -> list[Notification]:
    """PostgreSQL: lock due rows nobody else holds, mark them ours, commit at once.

    SKIP LOCKED lets concurrent dispatchers take disjoint batches instead of queueing behind
    each other; the transaction is short so the rows are not locked while we send.
    """
    with transaction.atomic():
        rows = list(_due(now).select_related("patient").select_for_update(skip_locked=True, of=("self",))[:limit])
        if rows:
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(status=Status.SENDING, claimed_at=now)
    for row in rows:
        row.status, row.claimed_at = Status.SENDING, now
    return rows


def _claim_conditional(*, now: datetime, limit: int) -> list[Notification]:
    """SQLite (no SKIP LOCKED): read candidates, then take each with a conditional update.

    Another dispatcher may have taken a candidate since we read it; the update only matches
    a row still pending and due, so exactly one dispatcher gets 1 row updated for it.
    """
    candidates = list(_due(now).values_list("pk", flat=True)[:limit])
    mine = [pk for pk in candidates if _claim_one(pk, now=now)]
    return list(Notification.objects.filter(pk__in=mine).select_related("patient").order_by("due_at", "pk"))


def _claim_one(pk: int, *, now: datetime) -> bool:
    return (
        Notification.objects.filter(pk=pk, status=Status.PENDING, due_at__lte=now).update(
            status=Status.SENDING, claimed_at=now
        )
        == 1
    )


def _release(pks: list[int], *, now: datetime) -> None:
    """Hand claimed rows back unsent (out of time): the next dispatch takes them."""
    Notification.objects.filter(pk__in=pks, status=Status.SENDING, claimed_at=now).update(
        status=Status.PENDING, claimed_at=None
    )


def _mine(row: Notification) -> models.QuerySet[Notification]:
    """The row, if our claim still holds: every write after sending is conditional on it."""
    return Notification.objects.filter(pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at)


def _process(row: Notification, *, now: datetime, mailer: _Mailer) -> str:
    renderer = _renderers.get(row.kind)
    if renderer is None:
        _mine(row).update(status=Status.DEAD, last_error="no renderer")
        logger.error("notification %s (%s): no renderer registered for its kind", row.pk, row.kind)
        return "dead"
    try:
        outcome = renderer(row, now)
        if isinstance(outcome, Retime) and outcome.due_at <= now:
            # Moved to a time already passed (e.g. an appointment brought forward): send now,
            # rendering against the new time so the renderer sees the row as current.
            row.due_at = outcome.due_at
            outcome = renderer(row, now)
            if isinstance(outcome, Retime):
                raise RuntimeError("renderer re-timed the notification twice")
        if isinstance(outcome, Drop):
            _mine(row).update(status=Status.DROPPED, last_error=outcome.reason[:300])
            return "dropped"
        if isinstance(outcome, Retime):
            _mine(row).update(status=Status.PENDING, claimed_at=None, due_at=outcome.due_at)
            return "retimed"
        if not isinstance(outcome, Message):
            raise TypeError(f"renderer returned {type(outcome).__name__}, not Message, Drop or Retime")
        if not outcome.to:
            _mine(row).update(status=Status.DROPPED, last_error="no recipient")
            return "dropped"
        mailer.send(row.channel, outcome)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, retried, and finally dead
        return _failed(row, exc, now=now, mailer=mailer)
    # 4. Marked sent only if our claim still holds; if it does not, a dead-dispatcher reclaim
    #    took it while we were slow, and another dispatcher may send it again.
    marked = _mine(row).update(
        status=Status.SENT, sent_at=now, recipient=outcome.to[:254], due_at=row.due_at, last_error=""
    )
    if not marked:
        logger.warning("notification %s (%s): sent after its claim went stale", row.pk, row.kind)
    return "sent"


def _failed(row: Notification, exc: Exception, *, now: datetime, mailer: _Mailer) -> str:
    attempts = row.attempts + 1
    if isinstance(exc, TRANSIENT_ERRORS):
        # Expected now and then (mail server down, gateway timeout): no traceback, no address.
        mailer.reset()
        logger.warning("notification %s (%s): attempt %s failed: %s", row.pk, row.kind, attempts, type(exc).__name__)
    else:
        # A bug or bad data in a renderer: the traceback is needed, the message names the row
        # by id and kind only, never by patient.
        logger.exception("notification %s (%s): attempt %s failed", row.pk, row.kind, attempts)
    error = _describe(exc)
    if attempts >= MAX_ATTEMPTS:
        _mine(row).update(status=Status.DEAD, attempts=attempts, last_error=error)
        return "dead"
    _mine(row).update(
        status=Status.PENDING,
        claimed_at=None,
        attempts=attempts,
        last_error=error,
        due_at=now + BACKOFF[attempts - 1],
    )
    return "retried"


def _describe(exc: BaseException) -> str:
    """The class and what kind of failure: never str(exc), which can carry an address or name
    (SMTPRecipientsRefused holds the recipients; a renderer's error can hold anything)."""
    name = type(exc).__name__
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return f"{name}: SMTP {code}"[:300]
    if isinstance(exc, OSError) and exc.strerror:
        return f"{name}: {exc.strerror}"[:300]
    if isinstance(exc, TRANSIENT_ERRORS):
        return f"{name}: sending failed"
    return f"{name}: rendering or sending failed (see the log for notification id)"[:300]


class _Mailer:
    """One mail connection for the whole batch: opening an SMTP session (and TLS) per message
    would cost more than sending it."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, channel: str, message: Message) -> None:
        if channel == Notification.Channel.SMS:
            sms.send_sms(message.to, message.text)
            return
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            connection=self._connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for filename, content, mimetype in message.attachments:
            email.attach(filename, content, mimetype)
        email.send()

    def reset(self) -> None:
        """After a failure the session may be broken: the next email opens a fresh one."""
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            mail_connection, self._connection = self._connection, None
            try:
                mail_connection.close()
            except Exception:  # noqa: BLE001 - closing a broken session must not hide the real error
                logger.warning("closing the mail connection failed", exc_info=True)
