"""The diary: working hours, time off, closures, booking rules and appointments."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bookings import availability
from clinic.fields import EncryptedTextField
from clinic.models import Location, Patient, Practitioner, Room, SettingsRow
from treatments.models import Area, Ingredient, Treatment


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """A weekly block of local wall-clock time; several blocks in a day make breaks.

    Stored as local times (not UTC) on purpose: 09:00 stays 09:00 across a DST change.
    """

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="bookings_hours_start_before_end"
            ),
            models.CheckConstraint(condition=models.Q(weekday__gte=0, weekday__lte=6), name="bookings_hours_weekday"),
        ]
        indexes = [models.Index(fields=["location", "weekday"], name="bookings_hours_loc_day_idx")]

    def __str__(self) -> str:
        return f"{self.practitioner} {self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "The block must end after it starts."})
        if self.practitioner_id and self.start and self.end:
            # A practitioner is in one place at a time, whichever location the block is for.
            clash = (
                WorkingHours.objects.filter(
                    practitioner_id=self.practitioner_id, weekday=self.weekday, start__lt=self.end, end__gt=self.start
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                raise ValidationError(f"This overlaps another block of the same day: {clash}.")


class TimeOff(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="bookings_timeoff_order")
        ]
        indexes = [models.Index(fields=["practitioner", "start"], name="bookings_timeoff_prac_idx")]

    def __str__(self) -> str:
        return f"{self.practitioner} off {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "Time off must end after it starts."})


class LocationClosure(models.Model):
    """Whole local days a location is closed (bank holidays, refurbishment)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")), name="bookings_closure_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location} closed {self.first_day} to {self.last_day}"

    def clean(self) -> None:
        super().clean()
        if self.first_day and self.last_day and self.first_day > self.last_day:
            raise ValidationError({"last_day": "The last day cannot be before the first day."})


class BookingRules(SettingsRow):
    """The clinic's booking rules: one row, edited by a clinic manager in the admin."""

    slot_granularity_minutes = models.PositiveSmallIntegerField(default=15)
    min_notice_hours = models.PositiveSmallIntegerField(default=12)
    horizon_days = models.PositiveSmallIntegerField(default=90)
    buffer_minutes = models.PositiveSmallIntegerField(default=10, help_text="Kept free after every appointment.")
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Patients cannot cancel or move online later than this before the appointment."
    )
    numbing_cream_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="Added to a visit when the patient opts for numbing cream."
    )

    class Meta:
        verbose_name = verbose_name_plural = "booking rules"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="bookings_rules_singleton"),
            models.CheckConstraint(
                condition=models.Q(slot_granularity_minutes__gte=5, horizon_days__gte=1),
                name="bookings_rules_sane",
            ),
        ]

    def __str__(self) -> str:
        return "Booking rules"

    def as_availability_rules(self) -> availability.Rules:
        return availability.Rules(
            granularity=timedelta(minutes=self.slot_granularity_minutes),
            min_notice=timedelta(hours=self.min_notice_hours),
            horizon=timedelta(days=self.horizon_days),
            buffer=timedelta(minutes=self.buffer_minutes),
        )

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


# No appointment is longer than this; availability searches look back this far for
# appointments that started before the window and still run into it.
MAX_APPOINTMENT = timedelta(hours=8)


class CourseQuerySet(models.QuerySet["Course"]):
    def open(self) -> CourseQuerySet:
        return self.exclude(status__in=[Course.Status.COMPLETED, Course.Status.CANCELLED])


class Course(models.Model):
    """A patient's course of 4-10 sessions of one treatment on one area.

    It starts with the first booking (awaiting intake); the rest of the sessions are booked
    only once the intake is cleared.
    """

    class Status(models.TextChoices):
        AWAITING_INTAKE = "awaiting_intake", "Awaiting intake"
        SCHEDULED = "scheduled", "Scheduled"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="courses")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="courses")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="courses")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="courses")
    intake = models.ForeignKey("intake.Intake", on_delete=models.PROTECT, null=True, blank=True, related_name="courses")
    sessions_planned = models.PositiveSmallIntegerField()
    interval_days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_INTAKE)
    maintenance_due = models.DateField(null=True, blank=True)
    unplaced = models.JSONField(
        default=list, blank=True, help_text="Sessions the scheduler could not place: [{number, target, reason}]."
    )
    schedule_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    recall_contacted_at = models.DateTimeField(
        null=True, blank=True, help_text="When reception last called about maintenance."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    sessions_planned__gte=settings.CLINIC_COURSE_MIN_SESSIONS,
                    sessions_planned__lte=settings.CLINIC_COURSE_MAX_SESSIONS,
                ),
                name="bookings_course_sessions_in_bounds",
            ),
            models.CheckConstraint(condition=models.Q(interval_days__gte=1), name="bookings_course_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.treatment} course for {self.patient}"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)

    def overlapping(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        # The start__gte bound lets the (practitioner_id, start) index do the work.
        return self.filter(start__lt=end, end__gt=start, start__gte=start - MAX_APPOINTMENT)

    def for_patient_user(self, user) -> AppointmentQuerySet:
        return self.filter(patient__user=user)


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

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="appointments")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TREATMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    numbing_cream = models.BooleanField(default=False)
    course = models.ForeignKey("Course", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    is_override = models.BooleanField(
        default=False, help_text="Booked by reception over a conflict; exempt from the no-overlap rule."
    )
    override_reason = models.CharField(max_length=300, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

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
                condition=models.Q(status__in=["booked", "arrived", "completed", "cancelled", "no_show"]),
                name="bookings_appt_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(is_override=False) | ~models.Q(override_reason=""),
                name="bookings_appt_override_has_reason",
            ),
            # The no-overlap exclusion constraints are PostgreSQL-only and live in migration
            # 0003 (they cannot be declared here without breaking SQLite's table rebuilds).
        ]

    def __str__(self) -> str:
        return f"{self.treatment} for {self.patient} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class CalendarFeed(models.Model):
    """A patient's private calendar subscription: the unguessable token is the only credential.

    Revoking deletes the row; a new one gets a new token, so an old URL stops working at once.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"


class MessageSettings(SettingsRow):
    """Which patient messages the clinic sends, and their lead times: one row, edited by a manager."""

    intake_request = models.BooleanField("Ask for the health questionnaire after booking", default=True)
    intake_nudge_hours = models.PositiveSmallIntegerField(
        "Nudge if the questionnaire is not sent after (hours; 0 = never)", default=48
    )
    precare = models.BooleanField("Pre-care advice before a session", default=True)
    precare_days = models.PositiveSmallIntegerField("Pre-care: days before (sent at 10:00 local)", default=7)
    reminder = models.BooleanField("Reminder before a session", default=True)
    reminder_hours = models.PositiveSmallIntegerField("Reminder: hours before", default=48)
    aftercare = models.BooleanField("Aftercare after a session", default=True)
    checkin = models.BooleanField("Check-in after the first session", default=True)
    checkin_hours = models.PositiveSmallIntegerField("Check-in: hours after the session", default=48)
    cancellation = models.BooleanField("Cancellation confirmation", default=True)
    course_end = models.BooleanField("Course completion", default=True)
    maintenance_recall = models.BooleanField("Maintenance recall", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "message settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="bookings_message_settings_singleton")]

    def __str__(self) -> str:
        return "Message settings"


# A sensible ceiling for one mesotherapy session's total injected volume; anything above is a typo.
SESSION_MAX_VOLUME_ML = Decimal("30")


class SessionRecord(models.Model):
    """What was done at one completed appointment: products, batch, areas, anaesthetic, events.

    Clinical data: read and written only through the audited practitioner pages
    (bookings/practice_views.py); deliberately not in the admin.
    """

    class Anaesthetic(models.TextChoices):
        NONE = "none", "None"
        TOPICAL = "topical", "Topical numbing cream"
        OTHER = "other", "Other"

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="session_record")
    ingredients = models.ManyToManyField(Ingredient, blank=True, related_name="session_records")
    product_name = models.CharField(max_length=200, blank=True, help_text="A product not in the list, by name.")
    batch_number = models.CharField("batch / lot number", max_length=60)
    expiry_date = models.DateField()
    areas = models.ManyToManyField(Area, related_name="session_records")
    volume_ml = models.DecimalField(
        "volume (ml)",
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), message="The volume must be more than 0 ml."),
            MaxValueValidator(
                SESSION_MAX_VOLUME_ML,
                message=f"More than {SESSION_MAX_VOLUME_ML} ml in one session is not plausible: check the figure.",
            ),
        ],
    )
    anaesthetic = models.CharField(max_length=10, choices=Anaesthetic.choices, default=Anaesthetic.NONE)
    anaesthetic_other = models.CharField("other anaesthetic", max_length=200, blank=True)
    adverse_event_occurred = models.BooleanField(default=False)
    # --- Clinical free text: may hold anything the practitioner writes about the patient, so it is
    # encrypted at rest (clinic/fields.py), and erasure blanks exactly these (bookings/data_rights.py
    # SESSION_FREE_TEXT).
    technique_notes = EncryptedTextField(blank=True)
    adverse_events = EncryptedTextField("adverse events", blank=True)
    advice_given = EncryptedTextField(blank=True)
    # --- end of clinical free text
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(volume_ml__gt=0, volume_ml__lte=SESSION_MAX_VOLUME_ML),
                name="bookings_session_volume_in_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(anaesthetic__in=["none", "topical", "other"]),
                name="bookings_session_anaesthetic_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Session record for appointment #{self.appointment_id}"
