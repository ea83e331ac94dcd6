"""The notification outbox: rows scheduled once, claimed by one dispatcher, sent exactly once."""

from __future__ import annotations

import logging
import smtplib
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.db import connection
from django.urls import reverse

from clinic import sms
from clinic.models import Notification, Patient
from clinic.outbox import (
    Drop,
    Message,
    Retime,
    dispatch,
    notification_drop,
    notification_schedule,
    notifications_for_patient_drop,
    outbox_dispatch,
    register,
)
from clinic.tasks import dispatch_outbox
from config.celery import app as celery_app
from tests.factories import LocationFactory, PatientFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
Status = Notification.Status

# --- test renderers -----------------------------------------------------------------------------

MOVED_TO: dict[int, datetime] = {}  # notification id -> when what it is about now happens


def _to(row: Notification) -> str:
    return str(row.patient.phone) if row.channel == "sms" else row.patient.email  # E.164


@register("test.ping")
def render_ping(row: Notification, now: datetime) -> Message:
    # The id in the subject lets the tests count emails per notification.
    return Message(
        to=_to(row),
        subject=f"ping {row.pk}",
        text=f"Ping {row.pk}",
        html=f"<p>Ping {row.pk}</p>",
        attachments=(("note.pdf", b"%PDF-1.4 ping", "application/pdf"),),
    )


@register("test.cancelled")
def render_cancelled(row: Notification, now: datetime) -> Drop:
    return Drop("appointment cancelled")


@register("test.moved")
def render_moved(row: Notification, now: datetime) -> Message | Retime:
    target = MOVED_TO[row.pk]
    if row.due_at != target:
        return Retime(target)
    return Message(to=_to(row), subject=f"moved {row.pk}", text="Your appointment moved")


@register("test.flaky")
def render_flaky(row: Notification, now: datetime) -> Message:
    return Message(to=_to(row), subject=f"flaky {row.pk}", text="Sent after all")


@register("test.broken")
def render_broken(row: Notification, now: datetime) -> Message:
    raise KeyError("template_variable")


class FlakyEmailBackend(LocmemEmailBackend):
    """The locmem backend behind a mail server that is down for the next `failures` sends."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise FlakyEmailBackend.error
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.SMS_BACKEND = "clinic.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyEmailBackend"
    FlakyEmailBackend.failures = 0
    FlakyEmailBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    yield FlakyEmailBackend
    FlakyEmailBackend.failures = 0


def schedule(kind: str = "test.ping", *, subject=None, patient=None, due_at: datetime = NOW, channel: str = "email"):
    patient = patient or PatientFactory()
    return notification_schedule(kind=kind, channel=channel, subject=subject or patient, patient=patient, due_at=due_at)


def sent_subjects() -> Counter:
    return Counter(message.subject for message in mail.outbox)


# --- scheduling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduling_twice_with_the_same_key_makes_one_row_and_retimes_a_pending_one():
    patient = PatientFactory()
    location = LocationFactory()
    first = schedule(subject=location, patient=patient, due_at=NOW)
    again = schedule(subject=location, patient=patient, due_at=NOW + timedelta(hours=2))

    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    row = Notification.objects.get()
    assert row.due_at == NOW + timedelta(hours=2) and row.status == Status.PENDING
    assert row.idempotency_key == f"clinic.location:{location.pk}:test.ping:email"
    assert (row.subject_type, row.subject_id, row.patient) == ("clinic.location", location.pk, patient)
    # Another channel or kind about the same thing is another message.
    schedule(subject=location, patient=patient, channel="sms")
    schedule("test.cancelled", subject=location, patient=patient)
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_a_sent_notification_is_never_sent_again_even_if_scheduled_again():
    patient = PatientFactory()
    row = schedule(patient=patient, due_at=NOW)
    assert outbox_dispatch(now=NOW).sent == 1

    again = schedule(patient=patient, due_at=NOW + timedelta(days=1))
    assert again.pk == row.pk and again.status == Status.SENT and again.due_at == NOW
    assert outbox_dispatch(now=NOW + timedelta(days=2)).total == 0
    assert sent_subjects() == {f"ping {row.pk}": 1}


@pytest.mark.django_db
def test_scheduling_refuses_naive_times_and_unknown_channels():
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule(due_at=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="channel"):
        schedule(channel="pigeon")


def test_a_kind_has_one_renderer():
    with pytest.raises(ValueError, match="already has a renderer"):

        @register("test.ping")
        def another_ping(row, now):  # pragma: no cover - never registered
            raise AssertionError

    # The same function again (a module imported twice) is not a conflict.
    assert register("test.ping")(render_ping) is render_ping


# --- dispatching --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_rows_are_sent_once_and_rows_not_yet_due_wait():
    with time_machine.travel(NOW, tick=False) as clock:
        due = schedule(due_at=NOW - MINUTE)
        later = schedule(due_at=NOW + timedelta(hours=1))

        assert dispatch_outbox.delay().get() == {"sent": 1, "dropped": 0, "retimed": 0, "retried": 0, "dead": 0}
        assert dispatch_outbox.delay().get()["sent"] == 0
        assert sent_subjects() == {f"ping {due.pk}": 1}
        due.refresh_from_db()
        assert due.status == Status.SENT and due.sent_at == NOW and due.recipient == due.patient.email
        assert Notification.objects.get(pk=later.pk).status == Status.PENDING

        clock.move_to(NOW + timedelta(hours=1))
        assert dispatch_outbox.delay().get()["sent"] == 1
        assert dispatch_outbox.delay().get()["sent"] == 0
    assert sent_subjects() == {f"ping {due.pk}": 1, f"ping {later.pk}": 1}


@pytest.mark.django_db
def test_an_email_carries_its_html_and_attachments_from_the_clinic_address():
    row = schedule()
    outbox_dispatch(now=NOW)
    [message] = mail.outbox
    assert message.to == [row.patient.email]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.body == f"Ping {row.pk}"
    assert message.alternatives[0][0] == f"<p>Ping {row.pk}</p>"
    assert message.attachments[0] == ("note.pdf", b"%PDF-1.4 ping", "application/pdf")


@pytest.mark.django_db
def test_the_sms_channel_goes_through_the_configured_sms_backend():
    patient = PatientFactory(phone="07700 900123")
    row = schedule(patient=patient, channel="sms")

    assert outbox_dispatch(now=NOW).sent == 1
    assert sms.outbox == [sms.SMS(to="+447700900123", text=f"Ping {row.pk}")]  # E.164
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == Status.SENT and row.recipient == "+447700900123"


@pytest.mark.django_db
def test_an_sms_gateway_failure_is_retried(settings, monkeypatch):
    def down(to, text):
        raise sms.SMSError("gateway unavailable")

    monkeypatch.setattr(sms.LocmemBackend, "send", lambda self, to, text: down(to, text))
    row = schedule(channel="sms")
    assert outbox_dispatch(now=NOW).retried == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.due_at) == (Status.PENDING, 1, NOW + MINUTE)
    assert row.last_error == "SMSError: sending failed"


@pytest.mark.django_db
def test_a_notification_about_something_no_longer_current_is_dropped():
    row = schedule("test.cancelled")
    assert outbox_dispatch(now=NOW).dropped == 1
    row.refresh_from_db()
    assert row.status == Status.DROPPED and row.last_error == "appointment cancelled"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_moved_notification_is_retimed_and_sent_at_its_new_time():
    row = schedule("test.moved", due_at=NOW)
    MOVED_TO[row.pk] = NOW + timedelta(hours=2)

    assert outbox_dispatch(now=NOW).retimed == 1
    row.refresh_from_db()
    assert (row.status, row.due_at, row.claimed_at) == (Status.PENDING, NOW + timedelta(hours=2), None)
    assert outbox_dispatch(now=NOW + timedelta(hours=1)).total == 0
    assert outbox_dispatch(now=NOW + timedelta(hours=2)).sent == 1
    assert sent_subjects() == {f"moved {row.pk}": 1}


@pytest.mark.django_db
def test_a_notification_moved_into_the_past_is_sent_now():
    row = schedule("test.moved", due_at=NOW)
    MOVED_TO[row.pk] = NOW - timedelta(minutes=30)

    result = outbox_dispatch(now=NOW)
    assert (result.sent, result.retimed) == (1, 0)
    row.refresh_from_db()
    assert row.status == Status.SENT and row.due_at == NOW - timedelta(minutes=30)
    assert sent_subjects() == {f"moved {row.pk}": 1}


@pytest.mark.django_db
def test_dropping_by_subject_and_kind_and_for_an_erased_patient():
    patient = PatientFactory()
    location = LocationFactory()
    ping = schedule(subject=location, patient=patient)
    moved = schedule("test.moved", subject=location, patient=patient)
    other = schedule(patient=patient, due_at=NOW + timedelta(days=1))

    assert notification_drop(subject=location, kinds=["test.ping"], reason="appointment cancelled") == 1
    assert Notification.objects.get(pk=ping.pk).status == Status.DROPPED
    assert Notification.objects.get(pk=moved.pk).status == Status.PENDING

    MOVED_TO[moved.pk] = moved.due_at
    outbox_dispatch(now=NOW)  # the moved one is sent: its recipient is recorded
    assert Notification.objects.get(pk=moved.pk).recipient == patient.email

    assert notifications_for_patient_drop(patient=patient) == 1
    assert Notification.objects.get(pk=other.pk).status == Status.DROPPED
    # Erasure leaves no contact detail behind in the rows that were sent.
    assert not Notification.objects.filter(patient=patient).exclude(recipient="").exists()
    assert notification_drop(subject=location) == 0


@pytest.mark.django_db
def test_a_sender_that_fails_twice_then_succeeds_sends_one_email_later_with_backoff(flaky_mail):
    flaky_mail.failures = 2
    row = schedule("test.flaky", due_at=NOW)

    assert outbox_dispatch(now=NOW).retried == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.due_at) == (Status.PENDING, 1, NOW + MINUTE)
    assert row.last_error == "SMTPServerDisconnected: sending failed"
    assert outbox_dispatch(now=NOW + timedelta(seconds=59)).total == 0  # backoff respected

    assert outbox_dispatch(now=NOW + MINUTE).retried == 1
    row.refresh_from_db()
    assert (row.attempts, row.due_at) == (2, NOW + 6 * MINUTE)  # 1 minute, then 5
    assert outbox_dispatch(now=NOW + 5 * MINUTE).total == 0

    assert outbox_dispatch(now=NOW + 6 * MINUTE).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (Status.SENT, 2, NOW + 6 * MINUTE, "")
    assert sent_subjects() == {f"flaky {row.pk}": 1}
    assert outbox_dispatch(now=NOW + timedelta(days=1)).total == 0


@pytest.mark.django_db
def test_five_failures_make_a_dead_notification_listed_for_staff_in_the_admin(flaky_mail, client, manager_user):
    flaky_mail.failures = 99
    row = schedule("test.flaky", due_at=NOW)
    waiting = schedule(due_at=NOW + timedelta(days=7))
    gaps = []
    for attempt in range(1, 6):
        before = Notification.objects.get(pk=row.pk).due_at
        result = outbox_dispatch(now=before)
        after = Notification.objects.get(pk=row.pk)
        assert after.attempts == attempt
        if attempt < 5:
            assert result.retried == 1
            gaps.append(after.due_at - before)
        else:
            assert result.dead == 1
    assert gaps == [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE]
    row.refresh_from_db()
    assert row.status == Status.DEAD and row.last_error.startswith("SMTPServerDisconnected")
    assert outbox_dispatch(now=NOW + timedelta(days=1)).total == 0
    assert mail.outbox == []

    client.force_login(manager_user)
    changelist = reverse("admin:clinic_notification_changelist")
    response = client.get(changelist, {"status__exact": "dead"})
    assert response.status_code == 200
    assert [n.pk for n in response.context["cl"].result_list] == [row.pk]
    assert waiting.pk in [n.pk for n in client.get(changelist).context["cl"].result_list]
    # Read-only: the outbox is the only writer.
    assert client.get(reverse("admin:clinic_notification_add")).status_code == 403
    assert client.post(reverse("admin:clinic_notification_delete", args=[row.pk])).status_code == 403


@pytest.mark.django_db
def test_the_error_kept_for_staff_never_holds_the_address(flaky_mail):
    patient = PatientFactory(email="jane.doe@example.org")
    flaky_mail.failures = 1
    flaky_mail.error = smtplib.SMTPRecipientsRefused({patient.email: (550, b"mailbox unavailable")})
    row = schedule("test.flaky", patient=patient)

    outbox_dispatch(now=NOW)
    row.refresh_from_db()
    assert row.last_error == "SMTPRecipientsRefused: sending failed"


@pytest.mark.django_db
def test_a_failing_renderer_is_retried_and_logged_by_id_and_kind_only(caplog):
    patient = PatientFactory(first_name="Zelda", last_name="Quartermaine", email="zq@example.org")
    row = schedule("test.broken", patient=patient)

    with caplog.at_level(logging.ERROR, logger="clinic.outbox"):
        assert outbox_dispatch(now=NOW).retried == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.due_at) == (Status.PENDING, 1, NOW + MINUTE)
    assert row.last_error.startswith("KeyError")
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.getMessage() == f"notification {row.pk} (test.broken): attempt 1 failed"
    for detail in ("Zelda", "Quartermaine", "zq@example.org"):
        assert detail not in caplog.text and detail not in row.last_error


@pytest.mark.django_db
def test_a_kind_without_a_renderer_goes_dead_at_once():
    row = schedule("test.unregistered")
    assert outbox_dispatch(now=NOW).dead == 1
    row.refresh_from_db()
    assert row.status == Status.DEAD and row.last_error == "no renderer"


@pytest.mark.django_db
def test_rows_left_sending_by_a_dead_dispatcher_are_reclaimed_within_about_a_minute():
    row = schedule(due_at=NOW)
    # A dispatcher claimed it at NOW and died before sending.
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=NOW)

    assert outbox_dispatch(now=NOW + 50 * SECOND).total == 0  # it may still be alive
    assert Notification.objects.get(pk=row.pk).status == Status.SENDING
    assert outbox_dispatch(now=NOW + 61 * SECOND).sent == 1
    assert sent_subjects() == {f"ping {row.pk}": 1}


class FakeClock:
    """dispatch's `time` module with a monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


@register("test.slow")
def render_slow(row: Notification, now: datetime) -> Message:
    SLOW_CLOCK.now += 20  # each send takes twenty seconds of the dispatcher's time
    return Message(to=_to(row), subject=f"slow {row.pk}", text="Slow")


SLOW_CLOCK = FakeClock()


@pytest.mark.django_db
def test_a_slow_dispatcher_keeps_its_claim_fresh_so_nobody_reclaims_its_rows(monkeypatch):
    rows = [schedule(due_at=NOW, kind="test.slow") for _ in range(6)]
    SLOW_CLOCK.now = 0.0
    monkeypatch.setattr(dispatch, "time", SLOW_CLOCK)
    stolen: list[int] = []
    real_process = dispatch._process

    def process_and_let_another_dispatcher_look(row, *, now, mailer):
        # Another dispatcher's sweep at this moment of the slow one's run (two minutes in, at the end).
        stolen.append(dispatch._reclaim_stale(now=NOW + timedelta(seconds=SLOW_CLOCK.now)))
        return real_process(row, now=now, mailer=mailer)

    monkeypatch.setattr(dispatch, "_process", process_and_let_another_dispatcher_look)
    monkeypatch.setattr(dispatch, "SEND_BUDGET_SECONDS", 1000.0)
    assert outbox_dispatch(now=NOW).sent == 6  # 120 s of sending, twice the stale limit
    assert stolen == [0] * 6
    assert sent_subjects() == {f"slow {row.pk}": 1 for row in rows}


@pytest.mark.django_db
def test_one_run_claims_batch_after_batch_until_nothing_is_due():
    rows = [schedule(due_at=NOW) for _ in range(250)]
    result = outbox_dispatch(now=NOW, limit=100)
    assert result.sent == 250
    assert Notification.objects.filter(pk__in=[r.pk for r in rows], status=Status.SENT).count() == 250


@pytest.mark.django_db
def test_a_dispatcher_out_of_time_hands_its_unsent_rows_back(monkeypatch):
    rows = [schedule(due_at=NOW) for _ in range(3)]
    monkeypatch.setattr(dispatch, "SEND_BUDGET_SECONDS", -1.0)
    assert outbox_dispatch(now=NOW).total == 0
    assert set(Notification.objects.values_list("status", "claimed_at")) == {(Status.PENDING, None)}

    monkeypatch.setattr(dispatch, "SEND_BUDGET_SECONDS", 120.0)
    assert outbox_dispatch(now=NOW).sent == 3
    assert sent_subjects() == {f"ping {row.pk}": 1 for row in rows}


@pytest.mark.django_db
def test_the_conditional_claim_takes_each_due_row_once():
    # The SQLite path (no SKIP LOCKED); called directly so it also runs on PostgreSQL.
    rows = [schedule(due_at=NOW - n * MINUTE) for n in range(3)]
    schedule(due_at=NOW + MINUTE)  # not due

    first = dispatch._claim_conditional(now=NOW, limit=2)
    assert [r.pk for r in first] == [rows[2].pk, rows[1].pk]  # oldest first
    assert {r.status for r in first} == {Status.SENDING}
    second = dispatch._claim_conditional(now=NOW, limit=10)
    assert [r.pk for r in second] == [rows[0].pk]
    assert dispatch._claim_conditional(now=NOW, limit=10) == []
    # Another dispatcher's claim between our read and our update: the update matches nothing.
    assert dispatch._claim_one(rows[0].pk, now=NOW) is False


@pytest.mark.django_db
def test_a_row_retimed_after_the_claim_read_is_not_claimed_early():
    row = schedule(due_at=NOW)
    notification_schedule(
        kind="test.ping", channel="email", subject=row.patient, patient=row.patient, due_at=NOW + timedelta(hours=1)
    )
    assert dispatch._claim_one(row.pk, now=NOW) is False


def test_beat_runs_the_dispatcher_every_fifteen_seconds_without_etas():
    entry = celery_app.conf.beat_schedule["dispatch-outbox"]
    assert (entry["task"], entry["schedule"]) == ("clinic.tasks.dispatch_outbox", 15.0)
    assert entry["options"] == {"expires": 14}  # a backlog of ticks never piles up
    assert dispatch_outbox.name == "clinic.tasks.dispatch_outbox"
    assert dispatch_outbox.acks_late is True


# --- concurrency (PostgreSQL: SKIP LOCKED) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("dispatchers", [2, 4])
def test_concurrent_dispatchers_send_each_message_exactly_once(dispatchers):
    patients = Patient.objects.bulk_create(
        Patient(first_name="P", last_name=f"{n:03d}", date_of_birth=NOW.date(), email=f"p{n}@example.org")
        for n in range(200)
    )
    rows = [schedule(patient=p, due_at=NOW - n * timedelta(seconds=1)) for n, p in enumerate(patients)]
    barrier = threading.Barrier(dispatchers)
    lock = threading.Lock()
    sent_by: list[int] = []
    errors: list[str] = []

    def dispatcher():
        sent = 0
        try:
            barrier.wait(timeout=10)
            while (result := outbox_dispatch(now=NOW, limit=10)).total:
                sent += result.sent
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()
        with lock:
            sent_by.append(sent)

    threads = [threading.Thread(target=dispatcher) for _ in range(dispatchers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    counts = sent_subjects()
    assert counts == {f"ping {row.pk}": 1 for row in rows}  # every one, none twice
    assert sum(sent_by) == 200
    assert Notification.objects.filter(status=Status.SENT).count() == 200
