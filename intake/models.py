"""Intake: the contraindication catalogue (versioned data), questionnaires, consent, review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Max

from clinic.fields import EncryptedJSONField, EncryptedTextField
from clinic.models import Patient, Practitioner, SettingsRow
from treatments.models import Area, Treatment


class Severity(models.TextChoices):
    ABSOLUTE = "ABSOLUTE", "Absolute: do not treat (or defer)"
    RELATIVE = "RELATIVE", "Relative: a practitioner must review"
    CAUTION = "CAUTION", "Caution: noted, no hold"


class CatalogueVersion(models.Model):
    """Every change to the catalogue makes a new version; a submitted intake records the one it used."""

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Catalogue v{self.number}"

    @classmethod
    def current(cls) -> CatalogueVersion | None:
        return cls.objects.order_by("-number").first()

    @classmethod
    def next_number(cls) -> int:
        return (cls.objects.aggregate(n=Max("number"))["n"] or 0) + 1


class ContraindicationItem(models.Model):
    """One screening rule. The lists are JSON so a clinic can edit them in the admin."""

    code = models.SlugField(max_length=40, unique=True, allow_unicode=False)
    question = models.TextField(help_text="Shown to the patient.")
    applies_to = models.JSONField(default=list, help_text='Indication codes, or ["ALL"].')
    areas = models.JSONField(default=list, blank=True, help_text="Area slugs; empty = every area.")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    severity_by_indication = models.JSONField(default=dict, blank=True, help_text='e.g. {"FAT": "ABSOLUTE"}')
    defer = models.BooleanField(default=False, help_text="Resolves with time: defer rather than decline.")
    scope = models.CharField(max_length=10, blank=True, help_text='"agent": applies when the treatment uses it.')
    ingredients = models.JSONField(default=list, blank=True)
    always_used = models.BooleanField(default=False, help_text="An agent used around every treatment.")
    allergens = models.JSONField(default=list, blank=True)
    medication_classes = models.JSONField(default=list, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)
    escalate_to = models.CharField(max_length=8, blank=True, choices=Severity.choices)
    basis = models.CharField(max_length=1, blank=True, help_text="E = evidence or label, C = convention.")
    rationale = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    def as_rule(self) -> dict:
        """The shape intake.screening.Item.from_dict reads."""
        return {
            "code": self.code,
            "question": self.question,
            "applies_to": self.applies_to,
            "areas": self.areas,
            "severity": self.severity,
            "severity_by_indication": self.severity_by_indication,
            "defer": self.defer,
            "scope": self.scope or None,
            "ingredients": self.ingredients,
            "always_used": self.always_used,
            "allergens": self.allergens,
            "medication_classes": self.medication_classes,
            "thresholds": self.thresholds,
            "escalate_to": self.escalate_to or None,
            "rationale": self.rationale,
        }


class MedicationClass(models.Model):
    name = models.SlugField(max_length=40, unique=True)
    names = models.JSONField(default=list, help_text="Generic and brand names, as patients write them.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "medication classes"

    def __str__(self) -> str:
        return self.name


class IntakeSettings(SettingsRow):
    """The clinic's intake policy: one row."""

    require_signoff_for_all = models.BooleanField(
        default=False, help_text="A practitioner signs off every intake, even with nothing flagged."
    )
    validity_days = models.PositiveSmallIntegerField(default=182, help_text="Reconfirm before maintenance after this.")

    class Meta:
        verbose_name = verbose_name_plural = "intake settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="intake_settings_singleton")]

    def __str__(self) -> str:
        return "Intake settings"


class Intake(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Not submitted"
        SUBMITTED = "submitted", "Submitted"
        CLEARED = "cleared", "Cleared"
        NEEDS_REVIEW = "needs_review", "Needs review"
        NOT_SUITABLE = "not_suitable", "Not suitable"
        DECLINED = "declined", "Declined"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="intakes")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="intakes")
    # Set by bookings when a course asks for this questionnaire (intake never reads bookings): the
    # start of the first session it is needed for, which orders the practitioners' review queue.
    needed_by = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Clinical free text is encrypted at rest (clinic/fields.py): the database cannot query inside it.
    answers = EncryptedJSONField(default=dict, blank=True)
    step = models.PositiveSmallIntegerField(default=1)
    # Findings quote the patient's own words (a finding's "trigger": "Eliquis 5mg").
    findings = EncryptedJSONField(default=list, blank=True)
    snapshot = EncryptedJSONField(default=dict, blank=True, help_text="Questions, answers and findings as submitted.")
    catalogue_version = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="intakes"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="intake_status_idx")]
        constraints = [
            # One questionnaire being filled in per treatment and area: opening it twice at once
            # (two tabs, a double click, two bookings) finds the same draft.
            models.UniqueConstraint(
                fields=["patient", "treatment", "area"],
                condition=models.Q(status="draft"),
                name="intake_one_draft_per_treatment_area",
            )
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} ({self.get_status_display()})"


# What a practitioner decides on each finding of an intake they review.
FINDING_DECISIONS = [("proceed", "Proceed"), ("defer", "Defer"), ("decline", "Decline")]


class Review(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        DECLINE = "decline", "Decline"

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="reviews")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    finding_decisions = EncryptedJSONField(
        default=dict, blank=True, help_text='{code: {"decision": ..., "notes": ...}}'
    )
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = EncryptedTextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.practitioner} on {self.at:%Y-%m-%d}"


class ConsentText(models.Model):
    """Treatment-specific consent wording; a new version is a new row, never an edit."""

    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="consent_texts")
    version = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["treatment", "-version"]
        constraints = [models.UniqueConstraint(fields=["treatment", "version"], name="intake_consent_text_version")]

    def __str__(self) -> str:
        return f"{self.treatment} consent v{self.version}"


class Consent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="consents")
    # The area(s) the patient chose and the wording named. Empty on consents signed before areas
    # were recorded: their wording listed every area of the treatment.
    areas = models.ManyToManyField(Area, blank=True, related_name="consents")
    typed_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Consent by {self.typed_name} to {self.text}"


class PhotoConsent(models.Model):
    """Granular and revocable: one row per purpose granted; revoking stamps revoked_at."""

    class Purpose(models.TextChoices):
        CLINICAL_RECORD = "clinical_record", "My clinical record"
        TEACHING = "teaching", "Teaching and training (anonymised)"
        MARKETING = "marketing", "Marketing (website, social media)"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photo_consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "purpose"],
                condition=models.Q(revoked_at__isnull=True),
                name="intake_one_live_photo_consent_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'revoked' if self.revoked_at else 'granted'})"
