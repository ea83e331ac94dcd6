"""Background work for bookings.

Tasks take ids only: broker messages may sit in Redis or on disk, so no patient data goes in
them. Each task is safe to run twice (acks_late redelivers after a worker dies); the service
it calls decides, under a row lock, whether there is anything left to do.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from bookings.appointments.scheduling import course_schedule, courses_awaiting_schedule


@shared_task(acks_late=True, max_retries=3, autoretry_for=(OperationalError,), retry_backoff=True)
def schedule_course(course_id: int) -> int:
    """Book the rest of a cleared course; returns how many sessions it booked (0 when re-run)."""
    return len(course_schedule(course_id=course_id).booked)


@shared_task(acks_late=True)
def schedule_pending_courses() -> int:
    """Beat, every minute: courses cleared a while ago and still not booked (the task queued at
    clearance was lost: broker down, worker killed) are booked now. Returns how many."""
    pending = courses_awaiting_schedule(now=timezone.now())
    for course_id in pending:
        course_schedule(course_id=course_id)
    return len(pending)
