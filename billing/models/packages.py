"""A course bought upfront as a package: the sessions paid, used and left."""

from __future__ import annotations

from django.db import models

from billing.models.invoices import Invoice
from billing.models.prices import currency_code
from bookings.models import Course


class Package(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        USED = "used", "All sessions used"
        CANCELLED = "cancelled", "Cancelled (unused sessions refunded)"

    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="package")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="package")
    sessions_paid = models.PositiveSmallIntegerField()
    sessions_used = models.PositiveSmallIntegerField(default=0)
    per_session = models.DecimalField(max_digits=12, decimal_places=2, help_text="The full price of one session.")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2)
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="What the package cost.")
    currency = models.CharField(max_length=3, validators=[currency_code])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    bought_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sessions_used__lte=models.F("sessions_paid")), name="billing_package_balance"
            ),
        ]

    def __str__(self) -> str:
        return f"Package of {self.sessions_paid} sessions"

    @property
    def sessions_left(self) -> int:
        return self.sessions_paid - self.sessions_used
