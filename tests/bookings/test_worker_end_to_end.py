"""A real Celery worker, a real Redis broker and a real PostgreSQL database, end to end.

Every other test runs tasks eagerly in the test process (tests/conftest.py). This one starts
`celery -A config worker` as a subprocess against the test database and a private Redis
database (db 15 of CI's broker, flushed before and after), and checks what only a real worker
shows: the task queued on commit by an intake approval reaches the worker, which books the rest
of the course and emails the schedule; the outbox dispatcher, run by the worker, sends the
aftercare email of a completed session; and every message the test process put on the broker
carried ids only, never patient data.

The worker reads the real clock, so the first session is booked three days ahead of a moment
four days ago: it ended yesterday, and completing it now puts the aftercare row due now, which
the worker's dispatcher sends.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from bookings.appointments.services import appointment_book, appointment_set_status
from bookings.models import Appointment, Course
from clinic.models import Notification
from clinic.tasks import dispatch_outbox
from intake.consent import consent_record
from intake.models import Intake
from intake.services import intake_decide, intake_open, intake_save_answers, intake_submit
from tests.bookings.worker import (
    AFTERCARE_WORDING,
    READY,
    READY_TIMEOUT,
    clean_answers,
    isolated_broker_url,
    log_tail,
    mail_about,
    published_tasks,
    publishing_to,
    start_worker,
    stop_worker,
    text_of,
    wait_for,
)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs CELERY_BROKER_URL=redis://... (.ci/run sets it)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_books_the_course_and_sends_a_reminder_after_approval(clinic, tmp_path, monkeypatch):
    broker_url = isolated_broker_url(settings.CELERY_BROKER_URL)
    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()
    mail_dir = tmp_path / "mail"
    worker: subprocess.Popen | None = None
    log_path = tmp_path / "worker.log"
    try:
        with publishing_to(broker_url, monkeypatch), published_tasks() as published:
            # A first session booked three days ahead, four days ago: it ended yesterday.
            zone = clinic.location.zone
            day = (timezone.now().astimezone(zone) - timedelta(days=1)).date()
            start = datetime.combine(day, clock_time(10), tzinfo=zone)
            patient = clinic.patient
            first = appointment_book(
                patient=patient,
                treatment=clinic.treatment,
                area=clinic.area,
                location=clinic.location,
                start=start,
                by=patient.user,
                practitioner=clinic.practitioner,
                now=start - timedelta(days=3),
            )
            course = first.course
            assert course.status == Course.Status.AWAITING_INTAKE and course.intake.status == "draft"

            # An intake that needs a practitioner: warfarin is listed, every question answered no.
            intake = intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)
            intake_save_answers(
                intake=intake, answers={**clean_answers(intake), "medications": ["warfarin"]}, by=patient.user
            )
            consent_record(
                intake=intake, typed_name=patient.full_name, agreed=True, address="127.0.0.1", now=timezone.now()
            )
            intake = intake_submit(intake=intake, by=patient.user)
            assert intake.status == Intake.Status.NEEDS_REVIEW

            worker, log_path = start_worker(tmp_path, broker_url)
            wait_for(
                "'ready' in the worker log",
                lambda: READY.search(log_path.read_text(errors="replace")),
                worker=worker,
                timeout=READY_TIMEOUT,
            )

            # Approval commits (transactional test): on_commit queues schedule_course to Redis.
            intake_decide(
                intake=intake,
                practitioner=clinic.practitioner,
                decision="approve",
                by=clinic.practitioner.user,
                finding_decisions={"ANTITHROMBOTIC": {"decision": "proceed", "notes": "INR stable"}},
            )

            def course_booked() -> Course | None:
                course.refresh_from_db()
                booked = course.appointments.filter(status=Appointment.Status.BOOKED).count()
                if course.status == Course.Status.SCHEDULED and booked == course.sessions_planned:
                    return course
                return None

            wait_for("course booked by the worker", course_booked, worker=worker)
            assert course.intake_id == intake.pk and course.unplaced == []
            sessions = list(course.appointments.order_by("session_number"))
            assert [a.session_number for a in sessions] == list(range(1, course.sessions_planned + 1))
            assert all(a.start > timezone.now() for a in sessions[1:])

            schedule = wait_for(
                "course-schedule email", lambda: mail_about(mail_dir, "all your dates", patient.email), worker=worker
            )
            schedule_text = text_of(schedule)
            for number in range(1, course.sessions_planned + 1):
                assert f"Session {number} of {course.sessions_planned}:" in schedule_text

            # The session is over: arrived, completed now, which puts its aftercare row due now.
            now = timezone.now()
            assert now > first.end
            appointment_set_status(
                appointment=first, status=Appointment.Status.ARRIVED, by=clinic.practitioner.user, now=now
            )
            appointment_set_status(
                appointment=first, status=Appointment.Status.COMPLETED, by=clinic.practitioner.user, now=now
            )
            aftercare = Notification.objects.get(kind="appointment.aftercare", subject_id=first.pk)
            assert aftercare.status == Notification.Status.PENDING and aftercare.due_at <= timezone.now()

            dispatch_outbox.delay()

            def aftercare_sent() -> bool:
                aftercare.refresh_from_db()
                return aftercare.status == Notification.Status.SENT

            wait_for("aftercare row sent", aftercare_sent, worker=worker)
            message = wait_for(
                "aftercare email",
                lambda: mail_about(mail_dir, "Looking after your skin", patient.email),
                worker=worker,
            )
            assert AFTERCARE_WORDING in text_of(message)
            assert aftercare.recipient == patient.email

        # The test process queued the work; every message named rows by id, nothing else.
        names = [name for name, _, _ in published]
        assert "bookings.tasks.schedule_course" in names and "clinic.tasks.dispatch_outbox" in names
        assert ("bookings.tasks.schedule_course", (course.pk,), {}) in published
        for name, args, kwargs in published:
            assert kwargs == {}, (name, kwargs)
            assert all(type(arg) is int for arg in args), (name, args)
    except BaseException:
        print(f"--- worker log (last lines) ---\n{log_tail(log_path)}")
        raise
    finally:
        if worker is not None:
            stop_worker(worker)
        broker.flushdb()
        broker.close()
