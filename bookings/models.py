"""The diary: practitioners' working hours (and, with the availability issue, appointments)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from clinic.models import Location, Practitioner


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
