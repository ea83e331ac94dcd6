"""The waiting list: who waits for what, the slots that freed up, and the offers made for them.

A patient's entry waits for a treatment and area at a location (a practitioner or any, a date
range, weekdays and time windows, or "earlier than my current appointment"). A freed slot is a
row written in the transaction that freed it (a cancellation or a move); offering it is the
worker's job, and the row stays until it is refilled or nobody is left to ask, so a lost task is
picked up by the beat's sweep. An offer holds the slot (a `held` appointment row in bookings) for
the patient it went to until it expires.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models

from bookings.models import Appointment
from clinic.models import Location, Patient, Practitioner
from treatments.models import Area, Treatment


class WaitlistSettings(models.Model):
    """Per location (clinic's Location gets no fields for it): how long an offer holds its slot,
    and the quiet hours (local wall-clock) during which no offer is sent."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="+", primary_key=True)
    hold_minutes = models.PositiveSmallIntegerField(
        "Minutes a patient has to answer an offer", default=15, help_text="The slot is held for them meanwhile."
    )
    quiet_start = models.TimeField("Quiet hours from", default=time(21))
    quiet_end = models.TimeField("Quiet hours until", default=time(8), help_text="Equal to 'from': no quiet hours.")

    class Meta:
        verbose_name = verbose_name_plural = "waitlist settings"
        constraints = [models.CheckConstraint(condition=models.Q(hold_minutes__gte=1), name="waitlist_hold_positive")]

    def __str__(self) -> str:
        return f"Waitlist settings of {self.location}"

    @classmethod
    def for_location(cls, location: Location) -> WaitlistSettings:
        return cls.objects.filter(location=location).first() or cls(location=location)


class Entry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a time"
        BOOKED = "booked", "Booked"
        EXPIRED = "expired", "Expired"
        LEFT = "left", "Left the list"

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist_entries")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    earliest = models.DateField()
    latest = models.DateField()
    weekdays = models.JSONField(default=list, blank=True)  # 0 = Monday; empty: any day
    times = models.JSONField(default=list, blank=True)  # [["09:00", "12:00"], ...] local; empty: any time
    # "Earlier than my current appointment": an offer moves it instead of adding one.
    current_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["location", "status", "latest"], name="waitlist_entry_open_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(earliest__lte=models.F("latest")), name="waitlist_entry_range"),
            models.CheckConstraint(
                condition=models.Q(status__in=["waiting", "offered", "booked", "expired", "left"]),
                name="waitlist_entry_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treatment} ({self.area}) at {self.location}, {self.earliest}-{self.latest}"


class FreedSlot(models.Model):
    class Cause(models.TextChoices):
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved"
        RECEPTION = "reception", "Offered by reception"
        HOURS = "hours", "New working hours"

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    cause = models.CharField(max_length=10, choices=Cause.choices)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    freed_at = models.DateTimeField()
    # Not before then (the location's quiet hours); the sweep picks up what is due.
    offer_after = models.DateTimeField()
    # No more offers: refilled, nobody left to ask, or too close to offer.
    done_at = models.DateTimeField(null=True, blank=True)
    refilled_at = models.DateTimeField(null=True, blank=True)
    refilled_by = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["done_at", "offer_after"], name="waitlist_slot_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="waitlist_slot_range"),
        ]

    def __str__(self) -> str:
        return f"Freed slot at {self.start:%Y-%m-%d %H:%M} ({self.location})"


class Offer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="offers")
    slot = models.ForeignKey(FreedSlot, on_delete=models.CASCADE, related_name="offers")
    # The bookings row keeping the slot for this patient while the offer is open.
    hold = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            # Exactly once: an entry is offered a slot at most once, whatever the workers do...
            models.UniqueConstraint(fields=["entry", "slot"], name="waitlist_offer_once_per_entry_and_slot"),
            # ...and a slot has at most one open offer (one hold) at a time.
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(status="offered"), name="waitlist_offer_one_open_per_slot"
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(status="offered"), name="waitlist_offer_one_open_per_entry"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["offered", "accepted", "declined", "expired", "withdrawn"]),
                name="waitlist_offer_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of {self.start:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def is_open(self, now) -> bool:
        return self.status == self.Status.OFFERED and self.expires_at > now
