"""Dispatching: the beat task claims due rows, renders, sends and marks each one."""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, models, transaction

from clinic import sms
from clinic.models import Notification
from clinic.outbox.renderers import Drop, Message, Retime, renderer_for
from clinic.outbox.transports import Mailer

logger = logging.getLogger(__name__)

Status = Notification.Status

# A claim older than this belongs to a dead dispatcher (killed worker, deploy, time limit): its
# rows are claimed again. A live dispatcher never lets its claim get this old: it refreshes the
# claim on the rows it still holds every HEARTBEAT, and claims small batches.
STALE_CLAIM_AFTER = timedelta(minutes=1)
HEARTBEAT = timedelta(seconds=15)
# One run claims batches of BATCH until nothing is due, but stops starting new sends after this
# long (and hands the rest of its batch back), well inside beat's minute and the task's time
# limit (CELERY_TASK_TIME_LIMIT, 300 s); the next run, or another worker, goes on.
SEND_BUDGET_SECONDS = 45.0
BATCH = 100
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


def outbox_dispatch(*, now: datetime, limit: int = BATCH) -> DispatchResult:
    """Send everything due at `now`, a batch of `limit` at a time, within the send budget; safe
    to run any number of times, concurrently (several workers share the load)."""
    # 1. A dispatcher that died mid-batch left its rows in "sending"; nobody else would ever pick
    #    them up. Celery redelivers its task (acks_late) but the redelivered run does not know
    #    which rows were its own, so the claim's age decides.
    _reclaim_stale(now=now)
    counts = dict.fromkeys(("sent", "dropped", "retimed", "retried", "dead"), 0)
    started = time.monotonic()
    mailer = Mailer()
    try:
        while time.monotonic() - started <= SEND_BUDGET_SECONDS:
            # 2. Claim before sending, and commit the claim: each row is taken by one dispatcher.
            claimed_at = now + timedelta(seconds=time.monotonic() - started)
            rows = _claim(now=now, claimed_at=claimed_at, limit=limit)
            if not rows:
                break
            _send_batch(rows, now=now, started=started, mailer=mailer, counts=counts)
    finally:
        mailer.close()
    return DispatchResult(**counts)


def _claim(*, now: datetime, claimed_at: datetime, limit: int) -> list[Notification]:
    if connection.features.has_select_for_update_skip_locked:
        return _claim_locked(now=now, limit=limit, claimed_at=claimed_at)
    return _claim_conditional(now=now, limit=limit, claimed_at=claimed_at)


def _send_batch(rows: list[Notification], *, now: datetime, started: float, mailer: Mailer, counts: dict) -> None:
    """Render and send row by row, marking each straight after its send, so a crash re-sends at
    most the row in flight, never the batch; keep the claim fresh while sending."""
    beat = time.monotonic()
    for index, row in enumerate(rows):
        elapsed = time.monotonic() - started
        if elapsed > SEND_BUDGET_SECONDS:
            _release(rows[index:])
            return
        if time.monotonic() - beat > HEARTBEAT.total_seconds():
            _refresh_claims(rows[index:], claimed_at=now + timedelta(seconds=elapsed))
            beat = time.monotonic()
        counts[_process(row, now=now, mailer=mailer)] += 1


def _refresh_claims(rows: list[Notification], *, claimed_at: datetime) -> None:
    """Heartbeat: the rows this dispatcher still holds are not a dead dispatcher's."""
    for row in rows:
        if _mine(row).update(claimed_at=claimed_at):
            row.claimed_at = claimed_at


def _reclaim_stale(*, now: datetime) -> int:
    return Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER).update(
        status=Status.PENDING, claimed_at=None
    )


def _due(now: datetime) -> models.QuerySet[Notification]:
    return Notification.objects.filter(status=Status.PENDING, due_at__lte=now).order_by("due_at", "pk")


def _claim_locked(*, now: datetime, limit: int, claimed_at: datetime | None = None) -> list[Notification]:
    """PostgreSQL: lock due rows nobody else holds, mark them ours, commit at once.

    SKIP LOCKED lets concurrent dispatchers take disjoint batches instead of queueing behind
    each other; the transaction is short so the rows are not locked while we send.
    """
    with transaction.atomic():
        rows = list(_due(now).select_related("patient").select_for_update(skip_locked=True, of=("self",))[:limit])
        if rows:
            claimed_at = claimed_at or now
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Status.SENDING, claimed_at=claimed_at
            )
    for row in rows:
        row.status, row.claimed_at = Status.SENDING, claimed_at
    return rows


def _claim_conditional(*, now: datetime, limit: int, claimed_at: datetime | None = None) -> list[Notification]:
    """SQLite (no SKIP LOCKED): read candidates, then take each with a conditional update.

    Another dispatcher may have taken a candidate since we read it; the update only matches
    a row still pending and due, so exactly one dispatcher gets 1 row updated for it.
    """
    candidates = list(_due(now).values_list("pk", flat=True)[:limit])
    mine = [pk for pk in candidates if _claim_one(pk, now=now, claimed_at=claimed_at)]
    return list(Notification.objects.filter(pk__in=mine).select_related("patient").order_by("due_at", "pk"))


def _claim_one(pk: int, *, now: datetime, claimed_at: datetime | None = None) -> bool:
    return (
        Notification.objects.filter(pk=pk, status=Status.PENDING, due_at__lte=now).update(
            status=Status.SENDING, claimed_at=claimed_at or now
        )
        == 1
    )


def _release(rows: list[Notification]) -> None:
    """Hand claimed rows back unsent (out of time): the next dispatch takes them."""
    for row in rows:
        _mine(row).update(status=Status.PENDING, claimed_at=None)


def _mine(row: Notification) -> models.QuerySet[Notification]:
    """The row, if our claim still holds: every write after sending is conditional on it."""
    return Notification.objects.filter(pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at)


def _process(row: Notification, *, now: datetime, mailer: Mailer) -> str:
    renderer = renderer_for(row.kind)
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


def _failed(row: Notification, exc: Exception, *, now: datetime, mailer: Mailer) -> str:
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
