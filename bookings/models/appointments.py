"""Appointments, and the patient's private calendar feed of them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from bookings.domain.clearance import LABELS as CLEARANCE_LABELS
from clinic.fields import EncryptedTextField
from clinic.models import Location, Patient, Practitioner, Room
from treatments.models import Area, Treatment


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


# No appointment is longer than this; availability searches look back this far for
# appointments that started before the window and still run into it.
MAX_APPOINTMENT = timedelta(hours=8)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def busy_at(self, now: datetime) -> AppointmentQuerySet:
        """What holds a practitioner, a room and a patient: the active appointments and the
        waitlist's holds that are still live at `now` (an expired hold is free)."""
        return self.filter(
            models.Q(status__in=Appointment.ACTIVE_STATUSES) | models.Q(status=Appointment.HELD, held_until__gt=now)
        )

    def active(self) -> AppointmentQuerySet:
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)

    def overlapping(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        # The start__gte bound lets the (practitioner_id, start) index do the work.
        return self.filter(start__lt=end, end__gt=start, start__gte=start - MAX_APPOINTMENT)

    def for_patient_user(self, user) -> AppointmentQuerySet:
        return self.filter(patient__user=user)


class AppointmentManager(models.Manager.from_queryset(AppointmentQuerySet)):  # type: ignore[misc]
    """Appointments, without the waitlist's holds.

    A hold (status `held`) is a row only so that the exclusion constraints keep its slot for the
    patient it is offered to; it is nobody's appointment. Leaving holds out of the default manager
    keeps them out of every diary, list, feed, report, reminder and export that reads
    appointments; the availability engine and the waitlist read them through `with_holds`."""

    def get_queryset(self) -> AppointmentQuerySet:
        return super().get_queryset().exclude(status=Appointment.HELD)


class Appointment(models.Model):
    class Kind(models.TextChoices):
        TREATMENT = "treatment", "Treatment session"
        CONSULTATION = "consultation", "Consultation"
        MAINTENANCE = "maintenance", "Maintenance"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    # Statuses that hold the practitioner and the room (the exclusion constraints' condition).
    ACTIVE_STATUSES = (Status.BOOKED, Status.ARRIVED, Status.COMPLETED)
    # A waitlist offer's hold on a slot (bookings/appointments/holds.py): not one of the statuses
    # an appointment moves between (no service ever changes a hold's status), so not in Status.
    HELD = "held"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="appointments")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The end plus the clinic's buffer at booking time: the practitioner and the room are held
    # until then, and the exclusion constraints compare these ranges (migration 0011), so the
    # buffer is the database's guarantee too, not only the availability engine's.
    blocked_until = models.DateTimeField(null=True, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TREATMENT)
    status = models.CharField(
        max_length=20, choices=[*Status.choices, ("held", "Held for a waitlist offer")], default=Status.BOOKED
    )
    numbing_cream = models.BooleanField(default=False)
    course = models.ForeignKey("Course", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    is_override = models.BooleanField(
        default=False, help_text="Booked by reception over a conflict; exempt from the no-overlap rule."
    )
    override_reason = models.CharField(max_length=300, blank=True)
    # A hold's end: after it the slot is free again whatever the row says (the availability
    # engine reads it; a booking refused by a hold past it deletes the hold and tries again).
    held_until = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # When it was cancelled: whether that was inside the cut-off (a late cancellation, a kept
    # deposit) and how soon a freed slot was refilled are read from here (migration 0014 filled
    # it in from the audit trail for the appointments cancelled before it existed).
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A practitioner went ahead without full clearance (bookings/domain/clearance.py): the reason
    # is clinical free text (encrypted at rest); the codes are the problems it was given for, so a
    # new problem stops the session again.
    clearance_override_reason = EncryptedTextField("clinical reason for proceeding", blank=True)
    clearance_override_codes = models.JSONField(default=list, blank=True)
    clearance_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clearance_override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentManager()
    with_holds = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["practitioner", "start"], name="bookings_appt_prac_start_idx"),
            models.Index(fields=["room", "start"], name="bookings_appt_room_start_idx"),
            models.Index(fields=["location", "start"], name="bookings_appt_loc_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="bookings_appt_start_before_end"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "arrived", "completed", "cancelled", "no_show", "held"]),
                name="bookings_appt_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(is_override=False) | ~models.Q(override_reason=""),
                name="bookings_appt_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(held_until__isnull=False),
                name="bookings_appt_hold_has_end",
            ),
            # The no-overlap exclusion constraints (practitioner and room, buffer included; and the
            # patient, who is never in two places) are PostgreSQL-only and live in migrations
            # 0003 and 0011 (they cannot be declared here without breaking SQLite's table rebuilds).
        ]

    def __str__(self) -> str:
        return f"{self.treatment} for {self.patient} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def clearance_override_missing(self) -> str:
        """What the practitioner went ahead without, in words."""
        return ", ".join(CLEARANCE_LABELS.get(code, code) for code in self.clearance_override_codes or ())


class CalendarFeed(models.Model):
    """A patient's private calendar subscription: the unguessable token is the only credential.

    Revoking deletes the row; a new one gets a new token, so an old URL stops working at once.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"
