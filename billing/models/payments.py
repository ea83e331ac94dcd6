"""Money in and out: payments and refunds (append-only rows), and the deposit a booking asks for."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.models.invoices import Invoice
from billing.models.prices import currency_code
from bookings.models import Appointment
from clinic.models import Location, Patient


class Deposit(models.Model):
    """The deposit one appointment asks for. Its status is the one mutable fact in billing: what
    became of the deposit. The money itself moves only as Payment rows."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        KEPT = "kept", "Kept as the cancellation fee"
        REFUNDED = "refunded", "Refunded"
        CREDITED = "credited", "Kept as credit"
        WAIVED = "waived", "Fee waived"
        RELEASED = "released", "Not needed (cancelled in time)"
        APPLIED = "applied", "Applied to the session's invoice"

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="deposit")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, validators=[currency_code])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    waive_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_deposit_positive")]

    def __str__(self) -> str:
        return f"Deposit {self.amount} {self.currency}"


class Payment(models.Model):
    """A payment taken or a refund given: never updated (a mistake is put right by a refund)."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        CASH = "cash", "Cash"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CREDIT = "credit", "Credit"
        ONLINE = "online", "Online (Stripe)"

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="payments")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    method = models.CharField(max_length=16, choices=Method.choices)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive; a refund's kind says it goes out."
    )
    currency = models.CharField(max_length=3, validators=[currency_code])
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What reception typed (a bank reference, "paid by partner"): blanked by erasure.
    reference = models.CharField(max_length=100, blank=True)
    # The payment provider's id (a Stripe PaymentIntent for a payment, a Refund or the charge's
    # cumulative refund marker for a refund): what makes a replayed webhook change nothing.
    provider_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["taken_at", "pk"]
        indexes = [models.Index(fields=["location", "taken_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_payment_positive"),
            models.CheckConstraint(
                condition=models.Q(method__in=["card", "cash", "bank_transfer", "credit", "online"]),
                name="billing_payment_method",
            ),
            models.UniqueConstraint(
                fields=["kind", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="billing_payment_provider_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def signed(self):
        return self.amount if self.kind == self.Kind.PAYMENT else -self.amount


class ProviderEvent(models.Model):
    """A payment provider's webhook event, stored once by its id (a replay finds it and changes
    nothing) in the transaction that applies it. An event that arrives before what it is about (a
    refund before the checkout's completion) waits unprocessed and is applied when that arrives."""

    provider = models.CharField(max_length=20, default="stripe")
    event_id = models.CharField(max_length=120)
    type = models.CharField(max_length=80)
    about = models.CharField(max_length=120, blank=True, help_text="The PaymentIntent it concerns.")
    payload = models.JSONField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="billing_provider_event_once")]
        indexes = [models.Index(fields=["about", "processed_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
