"""Phone and walk-in patients claim an online account through an emailed link.

Reception registers such patients without an account (`patient_create_without_account`), yet the
questionnaire and the patient's pages need one. The link carries a signed, expiring token that
names the patient by primary key only (no name or email in it); it stops working once the
patient has an account, or when their email address or record changes (the signature covers a
fingerprint of those), so a link is good for one claim and never for someone else.

The account is created for the email address the clinic already holds: the invitation went to
that address, which is what proves it is theirs. An existing account with that address is never
linked automatically (whoever registered it proved nothing about this patient record).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from clinic.audit import audit_record
from clinic.models import Notification, Patient, User
from clinic.outbox import Drop, Message, notification_schedule
from clinic.roles import Role, user_set_roles

SALT = "clinic.accounts.invites.account-claim"
INVITE_KIND = "patient.invite"
EXISTING_ACCOUNT = (
    "An account with this email address already exists: sign in, or reset your password if you have forgotten it."
)
NO_EMAIL = "The clinic has no email address for this patient."
ALREADY_A_PATIENT = (
    "We already have your details from a booking by phone or in person, so we have emailed you a link to set up "
    "your online account for them: please use that link. It can take a few minutes to arrive."
)
REGISTRATION_INVITE_EVERY = timedelta(hours=1)


def invite_days() -> int:
    return int(getattr(settings, "CLINIC_INVITE_DAYS", 14))


def _fingerprint(patient: Patient) -> str:
    # Anything that should void an outstanding link: an account now exists, the address changed,
    # the record was edited (claiming the account saves it, so a used link is void too).
    state = f"{patient.pk}|{patient.user_id or ''}|{patient.email.lower()}|{patient.updated_at.isoformat()}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:20]


def patient_invite_token(patient: Patient) -> str:
    """A URL-safe token for this patient's claim link, valid for CLINIC_INVITE_DAYS."""
    return signing.TimestampSigner(salt=SALT).sign(f"{int_to_base36(patient.pk)}.{_fingerprint(patient)}")


def patient_from_invite_token(token: str) -> Patient | None:
    """The patient a token names, if it is genuine, in date and still claimable; else None."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=invite_days() * 24 * 3600)
        pk_b36, fingerprint = value.split(".", 1)
        pk = base36_to_int(pk_b36)
    except (signing.BadSignature, ValueError):
        return None
    patient = Patient.objects.filter(pk=pk, user__isnull=True).exclude(email="").first()
    if patient is None or not constant_time_compare(fingerprint, _fingerprint(patient)):
        return None
    return patient


def claim_url(patient: Patient) -> str:
    """The absolute link for emails (the worker has no request to build it from)."""
    return f"{settings.CLINIC_BASE_URL}{reverse('account-claim', args=[patient_invite_token(patient)])}"


def may_claim(patient: Patient) -> bool:
    return patient.user_id is None and bool(patient.email)


def patient_claim_account(*, patient: Patient, password: str, now: datetime) -> User:
    """Create the patient's online account for the email address on their record and link it."""
    with transaction.atomic():
        # The row lock makes a double-submitted form create one account, not two.
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if patient.user_id is not None:
            raise ValidationError({"__all__": ["This patient already has an online account: sign in instead."]})
        if not patient.email:
            raise ValidationError({"__all__": [NO_EMAIL]})
        email = User.objects.normalize_email(patient.email).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": [EXISTING_ACCOUNT]})
        try:
            validate_password(password, User(email=email, first_name=patient.first_name, last_name=patient.last_name))
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, first_name=patient.first_name, last_name=patient.last_name, date_joined=now
                )
        except IntegrityError:  # registered with that address a moment ago
            raise ValidationError({"email": [EXISTING_ACCOUNT]}) from None
        user_set_roles(user=user, roles=[Role.PATIENT])
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
        audit_record(actor=user, action="patient.account_claimed", obj=patient, patient=patient)
    return user


def patient_invite_send(*, patient: Patient, by: Any, now: datetime, via: str = "staff") -> None:
    """Email a fresh invitation (reception's button, or a registration attempt with the patient's
    address): audited, and sent by the outbox within a minute."""
    if patient.user_id is not None:
        raise ValidationError("This patient already has an online account.")
    if not patient.email:
        raise ValidationError(NO_EMAIL)
    with transaction.atomic():
        event = audit_record(actor=by, action="patient.invited", obj=patient, patient=patient, details={"via": via})
        # Each invitation is its own message: its audit row is what the row is about, so a second
        # invitation gets its own idempotency key instead of being taken for the first.
        notification_schedule(kind=INVITE_KIND, channel="email", subject=event, patient=patient, due_at=now)


def patient_invites_for_registration(*, email: str, now: datetime) -> bool:
    """Someone registers with the address of a patient who has no account yet (booked by phone or
    as a walk-in): rather than a second patient record, the owner of the address gets the claim
    link for the record the clinic already has. True when there was such a patient.

    At most one such invitation an hour per patient, so the registration form cannot be used to
    flood someone's inbox."""
    patients = list(Patient.objects.filter(user__isnull=True, email__iexact=email).order_by("pk")[:5])
    for patient in patients:
        recent = Notification.objects.filter(
            kind=INVITE_KIND, patient=patient, created_at__gt=now - REGISTRATION_INVITE_EVERY
        ).exists()
        if not recent:
            patient_invite_send(patient=patient, by=None, now=now, via="registration")
    return bool(patients)


def render_invite(row: Any, now: datetime) -> Message | Drop:
    patient = Patient.objects.filter(pk=row.patient_id).first()
    if patient is None or not may_claim(patient):
        return Drop("no longer needed")
    context = {
        "patient": patient,
        "claim_url": claim_url(patient),
        "invite_days": invite_days(),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
    }
    text = render_to_string("emails/patient_invite.txt", context)
    return Message(
        to=patient.email,
        subject=f"Set up your {settings.CLINIC_NAME} online account",
        text=text,
        html=render_to_string("emails/reminder.html", {**context, "body": text}),
    )
