"""Background work for bookings.

Tasks take ids only: broker messages may sit in Redis or on disk, so no patient data goes in
them. Each task is safe to run twice (acks_late redelivers after a worker dies); the service
it calls decides, under a row lock, whether there is anything left to do.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

from bookings.emails import appointment_confirmation_send


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_appointment_confirmation(appointment_id: int) -> bool:
    return appointment_confirmation_send(appointment_id=appointment_id)
