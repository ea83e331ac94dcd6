"""Session records: what was done at a completed appointment (clinical data)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bookings.models.appointments import Appointment
from clinic.fields import EncryptedTextField
from treatments.models import Area, Ingredient

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
