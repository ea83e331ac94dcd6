"""Password reset by email, as an outbox row like every other message.

Django's PasswordResetForm would call the mail server inside the request (a slow or dead server
turns "Forgotten your password?" into a hang or a 500). Here the form only plans the message; the
dispatcher renders it, minting the reset link then (the token is valid for
PASSWORD_RESET_TIMEOUT from that moment), and sends it once. The page answers the same whether or
not the address has an account.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.models import Notification, Patient, User
from clinic.outbox import Drop, Message, notification_schedule

RESET_KIND = "account.password_reset"


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **_: Any) -> None:
        user = context["user"]
        notification_schedule(
            kind=RESET_KIND,
            channel="email",
            subject=user,
            patient=Patient.objects.filter(user=user).first(),
            due_at=timezone.now(),
            about=secrets.token_hex(8),  # every request is its own message
        )


def render_password_reset(row: Notification, now: datetime) -> Message | Drop:
    user = User.objects.filter(pk=row.subject_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return Drop("no account to reset")
    protocol, _, domain = settings.CLINIC_BASE_URL.partition("://")
    context = {
        "user": user,
        "email": user.email,
        "site_name": settings.CLINIC_NAME,
        "domain": domain,
        "protocol": protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
    return Message(
        to=user.email, subject=subject, text=render_to_string("registration/password_reset_email.html", context)
    )
