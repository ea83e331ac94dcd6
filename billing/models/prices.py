"""What things cost: VAT rates, prices per treatment and area (and location), deposit rules, and
the clinic's billing settings. Edited by a clinic manager in the admin."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from billing.domain.fees import DepositKind
from billing.domain.money import DEFAULT_CURRENCY
from clinic.models import Location, SettingsRow
from treatments.models import Area, Treatment

currency_code = RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code in capitals, e.g. GBP, EUR.")


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **kwargs)


class VatRate(models.Model):
    """A VAT rate by name ("Standard 20 %", "Exempt (medical)"): prices point at one, so a change
    of rate is one edit. Issued invoices keep the rate they were issued with."""

    name = models.CharField(max_length=60, unique=True)
    rate = models.DecimalField(max_digits=5, decimal_places=4, help_text="0.2000 for 20 %; 0 for exempt or zero-rated.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gte=0, rate__lt=1), name="billing_vat_rate_range")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def percent(self) -> Decimal:
        return (self.rate * 100).normalize()


class Price(models.Model):
    """The VAT-inclusive price of one session of a treatment on an area; a row with a location
    overrides the clinic-wide row (location empty) there."""

    treatment = models.ForeignKey(Treatment, on_delete=models.CASCADE, related_name="prices")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="prices")
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prices",
        help_text="Empty: every location without a price of its own.",
    )
    amount = money_field(help_text="Per session, VAT included.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, validators=[currency_code])
    vat_rate = models.ForeignKey(VatRate, on_delete=models.PROTECT, related_name="prices")

    class Meta:
        ordering = ["treatment", "area", "location"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=models.Q(location=None), name="billing_price_one_clinic_wide"
            ),
            models.UniqueConstraint(fields=["area", "location"], name="billing_price_one_per_location"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="billing_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.amount} {self.currency}"


class DepositRule(models.Model):
    """Whether booking a treatment online asks for a deposit: none, a fixed amount or a percentage
    of the session's price. No row: no deposit."""

    treatment = models.OneToOneField(Treatment, on_delete=models.CASCADE, related_name="deposit_rule")
    kind = models.CharField(
        max_length=8,
        choices=[(k.value, k.name.title()) for k in DepositKind],
        default=DepositKind.NONE,
    )
    value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="The amount (fixed) or the percentage of the price (percent).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["none", "fixed", "percent"]), name="billing_deposit_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100), name="billing_deposit_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Deposit for {self.treatment}"


class BillingSettings(SettingsRow):
    """The clinic's money rules: one row."""

    class EarlyCancel(models.TextChoices):
        REFUND = "refund", "Refund the deposit"
        CREDIT = "credit", "Keep it as credit for the next visit"

    fee_cutoff_hours = models.PositiveSmallIntegerField(
        "Cancellation cut-off (hours)",
        default=24,
        help_text="Cancelling less than this before the start, or not attending, keeps the deposit as the fee.",
    )
    early_cancel = models.CharField(max_length=8, choices=EarlyCancel.choices, default=EarlyCancel.REFUND)
    policy_text = models.TextField(
        "Cancellation policy",
        default=(
            "If you cancel at least {hours} hours before your appointment, your deposit is {early}. If you cancel "
            "later or do not attend, the clinic keeps the deposit as a cancellation fee."
        ),
        help_text="Shown on the booking review page and the confirmation. {hours} and {early} are filled in.",
    )
    package_discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(10), validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = verbose_name_plural = "billing settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="billing_settings_singleton")]

    def __str__(self) -> str:
        return "Billing settings"

    def policy(self) -> str:
        early = "refunded" if self.early_cancel == self.EarlyCancel.REFUND else "kept as credit for your next visit"
        return self.policy_text.replace("{hours}", str(self.fee_cutoff_hours)).replace("{early}", early)
