"""Invoices and credit notes: numbered without gaps per location, never changed after issue.

The number comes from the location's counter row, locked (`select_for_update`) in the issuing
transaction: a number is taken only if the invoice commits, and two tills issuing at once queue
on the row rather than sharing or skipping a number. On PostgreSQL a trigger (migration 0002)
refuses any UPDATE or DELETE of an issued invoice or its lines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.models.prices import currency_code
from bookings.models import Appointment
from clinic.models import Location, Patient


class ClinicDetails(models.Model):
    """What an invoice says about the seller, per location."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="clinic_details")
    legal_name = models.CharField(max_length=200)
    address = models.TextField()
    vat_number = models.CharField("VAT number", max_length=30, blank=True)
    invoice_prefix = models.CharField(
        max_length=12, blank=True, help_text="Printed before the number, e.g. MAR-. The sequence is per location."
    )

    class Meta:
        verbose_name = verbose_name_plural = "clinic details"

    def __str__(self) -> str:
        return self.legal_name


class InvoiceCounter(models.Model):
    location = models.OneToOneField(Location, on_delete=models.PROTECT, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Invoice counter {self.location_id}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        help_text="The invoice a credit note refunds.",
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="invoices")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3, validators=[currency_code])
    # Sums of the lines (a credit note's are positive: it is the amount given back).
    net = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    # The seller as it was at issue: later edits of the clinic's details do not rewrite history.
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField()
    seller_vat_number = models.CharField(max_length=30, blank=True)
    number_prefix = models.CharField(max_length=12, blank=True)
    # The buyer as it was at issue (a VAT invoice names its customer; kept through erasure).
    buyer_name = models.CharField(max_length=300)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="billing_invoice_number_unique"),
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=models.Q(kind="invoice"),
                name="billing_one_invoice_per_appointment",
            ),
            models.CheckConstraint(
                condition=models.Q(gross=models.F("net") + models.F("vat")), name="billing_invoice_sum"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credits=None) | models.Q(kind="credit_note", credits__isnull=False),
                name="billing_credit_note_credits_an_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.number_prefix}{self.number:06d}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(max_length=200)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_gross = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=4)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(gross=models.F("net") + models.F("vat")), name="billing_line_sum")
        ]

    def __str__(self) -> str:
        return self.description
