"""The diary's shape: working hours, time off, closures, and the clinic's booking and message rules."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models

from bookings.domain import availability
from clinic.models import Location, Practitioner, SettingsRow


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


class HolidayOpening(models.Model):
    """The location opens on one of its public holidays (which otherwise close it)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="holiday_openings")
    day = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["location", "day"], name="bookings_holiday_opening_unique")]

    def __str__(self) -> str:
        return f"{self.location} open on {self.day}"


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
