"""Payment providers: "at the clinic" (the default: reception records card, cash or bank
transfer) and Stripe (Checkout for deposits, refunds, webhooks), chosen by the environment."""

from __future__ import annotations

from django.conf import settings

from billing.providers.base import Provider
from billing.providers.clinic import AtTheClinic


def payment_provider() -> Provider:
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET:
        from billing.providers.stripe import StripeProvider

        return StripeProvider(secret_key=settings.STRIPE_SECRET_KEY, webhook_secret=settings.STRIPE_WEBHOOK_SECRET)
    return AtTheClinic()
