"""A refund of an online payment on its way to the provider: the row a lost task cannot lose."""

from __future__ import annotations

from django.db import models

from billing.models.payments import Payment


class RefundRequest(models.Model):
    """Asking the provider for one online refund. The refund itself is a Payment row (never
    updated: a trigger refuses it), so what became of the asking lives here: written in the
    refund's own transaction, then sent by the after-commit task or, if that task is lost, by the
    beat's sweep (billing/services/refunds.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        DEAD = "dead", "Not sent (gave up)"

    refund = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="refund_request")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_try_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField(max_length=120, blank=True, help_text="The provider's refund id.")
    # The error's class and the provider's code (e.g. "InvalidRequestError: charge_already_refunded
    # (400)"), never its message, which may quote what was sent.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["next_try_at", "pk"]
        indexes = [models.Index(fields=["status", "next_try_at"])]

    def __str__(self) -> str:
        return f"Refund request {self.pk} ({self.status})"
