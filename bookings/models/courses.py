"""Courses: a patient's 4-10 sessions of one treatment on one area."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from clinic.models import Location, Patient, Practitioner
from treatments.models import Area, Treatment

OPEN_STATUSES = ("awaiting_intake", "scheduled", "needs_attention", "in_progress")


class CourseQuerySet(models.QuerySet["Course"]):
    def open(self) -> CourseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


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
            # A patient is on at most one open course of a treatment: two first bookings at the
            # same moment cannot both start one.
            models.UniqueConstraint(
                fields=["patient", "treatment"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="bookings_course_one_open_per_treatment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treatment} course for {self.patient}"
