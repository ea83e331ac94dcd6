"""Background work for bookings.

Tasks take ids only: broker messages may sit in Redis or on disk, so no patient data goes in
them. Each task is safe to run twice (acks_late redelivers after a worker dies); the service
it calls decides, under a row lock, whether there is anything left to do.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import OperationalError

from bookings.emails import appointment_confirmation_send, course_schedule_send


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_appointment_confirmation(appointment_id: int) -> bool:
    return appointment_confirmation_send(appointment_id=appointment_id)


@shared_task(acks_late=True, max_retries=3, autoretry_for=(OperationalError,), retry_backoff=True)
def schedule_course(course_id: int) -> int:
    """Book the rest of a cleared course; returns how many sessions it booked (0 when re-run)."""
    from bookings.scheduling import course_schedule

    return len(course_schedule(course_id=course_id).booked)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_course_schedule(course_id: int) -> bool:
    return course_schedule_send(course_id=course_id)
