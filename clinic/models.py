"""The clinic's people and places: users, locations, rooms, practitioners, patients."""

from __future__ import annotations

import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from clinic.holidays import subdivision_errors, validate_country
from clinic.phones import ClinicPhoneNumberField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are stored lower-case; people type them any way.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: patients and staff. Roles are Django groups (clinic.roles)."""

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("admin access", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="clinic_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/London).") from exc


def default_time_zone() -> str:
    return settings.CLINIC_TIME_ZONE


# Settings rows as this process last read them: (when, row). A booking reads the rules and the
# message settings a dozen times; each read from the shared cache was a Redis round trip.
_settings_memo: dict[str, tuple[float, Any]] = {}
SETTINGS_MEMO_SECONDS = 5.0


def settings_memo_clear() -> None:
    _settings_memo.clear()


class SettingsRow(models.Model):
    """Clinic-wide settings kept in one row (pk 1), read on hot paths: cached for five minutes
    and dropped from the cache whenever the row is saved, so an edit applies at once here and
    within SETTINGS_MEMO_SECONDS in the other processes (each keeps its last read that long)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.cache_key())
        _settings_memo.pop(self.cache_key(), None)

    @classmethod
    def cache_key(cls) -> str:
        return f"settings-row:{cls._meta.label_lower}:v1"

    @classmethod
    def current(cls):
        key = cls.cache_key()
        memo = _settings_memo.get(key)
        if memo is not None and time.monotonic() - memo[0] < SETTINGS_MEMO_SECONDS:
            return memo[1]
        row = cache.get(key)
        if row is None:
            row, _ = cls.objects.get_or_create(pk=1)
            cache.set(key, row, 300)
        _settings_memo[key] = (time.monotonic(), row)
        return row


class Location(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    address = models.TextField()
    phone = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    # Where its public holidays come from (the location is closed on them unless it opens on one).
    country = models.CharField(
        max_length=2, default="GB", validators=[validate_country], help_text="ISO country code, e.g. GB, IE, FR."
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        default="ENG",
        help_text="Region with its own public holidays, e.g. ENG, SCT, WLS, NIR for GB; empty for the country's.",
    )
    is_active = models.BooleanField(default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staff_locations",
        help_text="Reception and other staff who run this location's diary.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def clean(self) -> None:
        super().clean()
        if error := subdivision_errors(self.country, self.subdivision):
            raise ValidationError({"subdivision": error})


class Room(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location", "name"]
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="clinic_room_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class Practitioner(models.Model):
    class RegistrationBody(models.TextChoices):
        GMC = "GMC", "General Medical Council"
        NMC = "NMC", "Nursing and Midwifery Council"
        GDC = "GDC", "General Dental Council"
        GPHC = "GPhC", "General Pharmaceutical Council"
        HCPC = "HCPC", "Health and Care Professions Council"
        OTHER = "OTHER", "Other"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner")
    display_name = models.CharField(max_length=120)
    registration_body = models.CharField(max_length=8, choices=RegistrationBody.choices)
    registration_number = models.CharField(max_length=40)
    locations = models.ManyToManyField(Location, related_name="practitioners", blank=True)
    is_active = models.BooleanField(default=True)
    # The treatments they perform: Treatment.practitioners (related name "treatments"), kept on
    # the treatments side because clinic must not import treatments (see DESIGN.md).

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_body", "registration_number"], name="clinic_practitioner_unique_registration"
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class Patient(models.Model):
    """A person the clinic treats. `user` is empty for phone and walk-in patients."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="patient"
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    # E.164 (+447700900123): read in the region of the location where it was typed (clinic/phones.py).
    phone = ClinicPhoneNumberField(blank=True)
    # A number on record from before numbers were checked that could not be read as one: kept so
    # that reception can ask the patient, and flagged to them (worklist, patient record).
    phone_unchecked = models.CharField(max_length=40, blank=True)
    # Where the patient has been booked (bookings adds them): staff of these locations may see the
    # patient's record and questionnaires. A clinic-level fact, so intake never reads bookings.
    locations = models.ManyToManyField(Location, blank=True, related_name="patients")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="clinic_patient_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (someone born on 29 February turns a year older on 1 March)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("The audit trail is append-only.")

    def delete(self):  # type: ignore[override]
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One audited action. Append-only: the application never updates or deletes a row."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    patient = models.ForeignKey(Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="clinic_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class Notification(models.Model):
    """One message to send at `due_at`: a row, not a far-future Celery task (DESIGN.md).

    clinic.outbox is the only writer. The idempotency key makes scheduling the same reminder
    twice a no-op, so a message is sent at most once per subject, kind and channel.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DROPPED = "dropped", "Dropped"
        DEAD = "dead", "Failed"

    kind = models.CharField(max_length=40, help_text="What the message is, e.g. appointment.reminder_48h.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    patient = models.ForeignKey(Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    subject_type = models.CharField(max_length=60, help_text="Model label of what it is about.")
    subject_id = models.PositiveBigIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception class and a short message: never patient data.
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient = models.CharField(max_length=254, blank=True, help_text="Where it went, filled in when sent.")
    about = models.CharField(
        max_length=60,
        blank=True,
        help_text="Which of several messages of one kind about the subject (part of the key).",
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The dispatcher's claim: pending rows with due_at <= now, oldest first.
            models.Index(fields=["status", "due_at"], name="clinic_notif_due_idx"),
            # Cancelling or moving an appointment drops or re-times the rows about it.
            models.Index(fields=["subject_type", "subject_id"], name="clinic_notif_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "dropped", "dead"]),
                name="clinic_notification_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="clinic_notification_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.channel}) {self.subject_type}#{self.subject_id} {self.status}"


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an Idempotency-Key, kept for 24 hours.

    Written in the same transaction as what the request did, so the answer exists exactly when
    its effect does; the unique (owner, key) makes a concurrent repeat wait for the first and
    then answer as it did. clinic/idempotency.py is the only writer.
    """

    owner = models.CharField(max_length=80, help_text="user:<id>, or anonymous.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="clinic_idempotency_owner_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key[:20]}"
