"""The treatment catalogue: indications, their areas and protocols, and ingredients."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Indication(models.TextChoices):
    SKIN = "SKIN", "Skin rejuvenation"
    CELL = "CELL", "Cellulite reduction"
    FAT = "FAT", "Localised fat reduction"
    HAIR = "HAIR", "Hair loss"


class Ingredient(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TreatmentQuerySet(models.QuerySet["Treatment"]):
    def active(self) -> TreatmentQuerySet:
        return self.filter(is_active=True)


class Treatment(models.Model):
    """One indication as the clinic offers it, with its course protocol.

    The protocol narrows the clinic's course bounds (4-10 sessions): the database enforces the
    shape with check constraints and `clean()` explains a bad value in words.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    indication = models.CharField(max_length=4, choices=Indication.choices, unique=True)
    summary = models.CharField(max_length=300, help_text="One sentence for the treatment list.")
    what_it_treats = models.TextField()
    downtime = models.TextField()
    results = models.TextField(help_text="What to expect and how long results last.")
    ingredients = models.ManyToManyField(Ingredient, related_name="treatments", blank=True)
    sessions_min = models.PositiveSmallIntegerField()
    sessions_default = models.PositiveSmallIntegerField()
    sessions_max = models.PositiveSmallIntegerField()
    interval_min_days = models.PositiveSmallIntegerField()
    interval_default_days = models.PositiveSmallIntegerField()
    interval_max_days = models.PositiveSmallIntegerField()
    maintenance_every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the treatment needs no maintenance (fat reduction)."
    )
    practitioners = models.ManyToManyField("clinic.Practitioner", related_name="treatments", blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sessions_min__gte=settings.CLINIC_COURSE_MIN_SESSIONS)
                & models.Q(sessions_max__lte=settings.CLINIC_COURSE_MAX_SESSIONS)
                & models.Q(sessions_min__lte=models.F("sessions_default"))
                & models.Q(sessions_default__lte=models.F("sessions_max")),
                name="treatments_protocol_sessions_in_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(interval_min_days__gte=1)
                & models.Q(interval_min_days__lte=models.F("interval_default_days"))
                & models.Q(interval_default_days__lte=models.F("interval_max_days")),
                name="treatments_protocol_interval_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("treatment-detail", args=[self.slug])

    @property
    def shortest_session_minutes(self) -> int | None:
        # Iterates the (usually prefetched) areas instead of a fresh aggregate query.
        return min((area.minutes for area in self.areas.all()), default=None)

    def clean(self) -> None:
        super().clean()
        errors = protocol_errors(
            sessions=(self.sessions_min, self.sessions_default, self.sessions_max),
            interval=(self.interval_min_days, self.interval_default_days, self.interval_max_days),
        )
        if errors:
            raise ValidationError(errors)


def protocol_errors(
    *, sessions: tuple[int | None, int | None, int | None], interval: tuple[int | None, int | None, int | None]
) -> dict[str, str]:
    """Human explanations of what is wrong with a protocol, by field; empty when it is valid."""
    lo, hi = settings.CLINIC_COURSE_MIN_SESSIONS, settings.CLINIC_COURSE_MAX_SESSIONS
    errors: dict[str, str] = {}
    s_min, s_default, s_max = sessions
    if None not in sessions:
        if s_min < lo:
            errors["sessions_min"] = f"A course has at least {lo} sessions (clinic policy); {s_min} is too few."
        if s_max > hi:
            errors["sessions_max"] = f"A course has at most {hi} sessions (clinic policy); {s_max} is too many."
        if not s_min <= s_default <= s_max:
            errors["sessions_default"] = (
                f"The default number of sessions ({s_default}) must lie between the minimum ({s_min}) "
                f"and the maximum ({s_max})."
            )
    i_min, i_default, i_max = interval
    if None not in interval:
        if i_min < 1:
            errors["interval_min_days"] = "Sessions must be at least one day apart."
        if not i_min <= i_default <= i_max:
            errors["interval_default_days"] = (
                f"The default interval ({i_default} days) must lie between the minimum ({i_min}) "
                f"and the maximum ({i_max})."
            )
    return errors


class Area(models.Model):
    treatment = models.ForeignKey(Treatment, on_delete=models.CASCADE, related_name="areas")
    slug = models.SlugField()
    name = models.CharField(max_length=80)
    minutes = models.PositiveSmallIntegerField(help_text="Treatment time, excluding numbing-cream time.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["treatment", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["treatment", "slug"], name="treatments_area_unique_slug"),
            models.CheckConstraint(condition=models.Q(minutes__gte=5), name="treatments_area_minutes_min"),
        ]

    def __str__(self) -> str:
        return f"{self.treatment.name}: {self.name}"
