"""Delivery: email through Django's mail backend, text messages through clinic.sms."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from clinic import sms
from clinic.models import Notification
from clinic.outbox.renderers import Message

logger = logging.getLogger(__name__)


class Mailer:
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
