"""Before-and-after photographs of a session, and the clinic's rules for them.

A photo row names its encrypted file (and thumbnail) in the "photos" storage by a random name:
nothing in a file name or path says whose picture it is. The pixels are never in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bookings.models import Appointment
from clinic.models import Patient, SettingsRow
from intake.models import PhotoConsent
from treatments.models import Area


class PhotoSettings(SettingsRow):
    """The clinic's photo policy: one row, edited by a clinic manager in the admin."""

    patients_may_view = models.BooleanField(
        "Patients may see their own photos",
        default=False,
        help_text="Under My photos, once signed in. Off: only practitioners and managers see them.",
    )
    retention_days_after_withdrawal = models.PositiveSmallIntegerField(
        "Keep photos after consent is withdrawn (days)",
        default=30,
        help_text="Hidden at once; the files and rows are deleted this many days later (0: at the next sweep).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "photo settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="photos_settings_singleton")]

    def __str__(self) -> str:
        return "Photo settings"


class PhotoQuerySet(models.QuerySet):
    def consented(self) -> PhotoQuerySet:
        """Only photos whose patient's consent to photos in the clinical record is live: a withdrawal
        hides them at once, before the retention sweep deletes them."""
        live = PhotoConsent.objects.filter(
            patient=models.OuterRef("patient"), purpose=PhotoConsent.Purpose.CLINICAL_RECORD, revoked_at=None
        )
        return self.filter(models.Exists(live))


class Photo(models.Model):
    class View(models.TextChoices):
        FRONT = "front", "Front"
        LEFT = "left", "Left side"
        RIGHT = "right", "Right side"
        BACK = "back", "Back"
        TOP = "top", "Top of the scalp"
        CLOSE_UP = "close_up", "Close-up"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photos")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="photos")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="photos")
    view = models.CharField(max_length=10, choices=View.choices)
    # Names in the "photos" storage: random, Fernet tokens inside (photos/storage.py).
    file_name = models.CharField(max_length=200, unique=True)
    thumbnail_name = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    source_format = models.CharField(max_length=10, help_text="What the phone sent (JPEG, HEIF...); stored as JPEG.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    objects = PhotoQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["appointment", "area", "view"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(view__in=["front", "left", "right", "back", "top", "close_up"]),
                name="photos_view_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Photo #{self.pk} ({self.get_view_display()})"
