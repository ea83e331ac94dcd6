"""With the broker down, nothing a request does fails or is lost.

The web process is pointed at a dead broker: booking and submitting the questionnaire still
answer 201/200 (their effects are rows written in their own transactions), /healthz says the
broker is down, and once a worker runs on the right broker, the beat's two sweeps (what beat
queues every minute) book the course and send the confirmation: nothing was lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Appointment, Course
from bookings.tasks import schedule_pending_courses
from clinic.models import Notification
from clinic.tasks import dispatch_outbox
from intake.consent import consent_record
from intake.services import intake_save_answers
from tests.bookings.worker import (
    READY,
    READY_TIMEOUT,
    clean_answers,
    isolated_broker_url,
    log_tail,
    mail_about,
    publishing_to,
    start_worker,
    stop_worker,
    wait_for,
)

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs CELERY_BROKER_URL=redis://... (.ci/run sets it)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_down_requests_succeed_and_a_worker_does_the_work_later(
    clinic, tmp_path, monkeypatch, settings, caplog
):
    settings.OUTBOX_DISPATCH_AFTER_COMMIT = True  # as in production: ask for a dispatch after commit
    broker_url = isolated_broker_url(settings.CELERY_BROKER_URL)  # where the worker will listen
    zone = clinic.location.zone
    start = datetime.combine(timezone.now().astimezone(zone).date() + timedelta(days=2), clock_time(10), tzinfo=zone)
    patient = clinic.patient
    api = APIClient()
    api.force_authenticate(patient.user)

    with publishing_to(DEAD_BROKER, monkeypatch):
        settings.CELERY_BROKER_URL = DEAD_BROKER
        assert api.get("/healthz").json()["broker"] == "down"
        booked = api.post(
            "/api/appointments/",
            {
                "treatment": clinic.treatment.slug,
                "area": clinic.area.slug,
                "location": clinic.location.slug,
                "start": start.isoformat(),
                "practitioner": clinic.practitioner.pk,
            },
            format="json",
        )
        assert booked.status_code == 201, booked.content
        appointment = Appointment.objects.get(pk=booked.json()["id"])
        intake = appointment.course.intake
        intake_save_answers(intake=intake, answers=clean_answers(intake), by=patient.user)
        consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address=None, now=timezone.now())
        submitted = api.post(f"/api/intakes/{intake.pk}/submit/")
        assert submitted.status_code == 200 and submitted.json() == {"status": "cleared"}
    assert "could not queue" in caplog.text  # the after-commit requests were lost, the requests were not

    course = Course.objects.get(pk=appointment.course_id)
    assert course.status == Course.Status.AWAITING_INTAKE and course.appointments.count() == 1
    confirmation = Notification.objects.get(kind="appointment.confirmation", subject_id=appointment.pk)
    assert confirmation.status == Notification.Status.PENDING

    # The broker is back. The sweep waits two minutes for the task queued at clearance: it is lost.
    Course.objects.filter(pk=course.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()
    worker, log_path = start_worker(tmp_path, broker_url)
    try:
        wait_for(
            "the worker",
            lambda: READY.search(log_path.read_text(errors="replace")),
            worker=worker,
            timeout=READY_TIMEOUT,
        )
        with publishing_to(broker_url, monkeypatch):
            schedule_pending_courses.delay()
            wait_for(
                "the course booked by the sweep",
                lambda: Course.objects.filter(pk=course.pk, status=Course.Status.SCHEDULED).exists(),
                worker=worker,
            )
            dispatch_outbox.delay()
            mail = wait_for(
                "the confirmation",
                lambda: mail_about(tmp_path / "mail", "appointment on", patient.email),
                worker=worker,
            )
        assert str(mail["subject"]).startswith(f"Your {clinic.treatment.name} appointment")
        course.refresh_from_db()
        assert course.appointments.count() == course.sessions_planned
        confirmation.refresh_from_db()
        assert confirmation.status == Notification.Status.SENT
    except BaseException:
        print(log_tail(log_path))
        raise
    finally:
        stop_worker(worker)
        broker.flushdb()
