"""Stripe: Checkout for deposits, refunds, and the webhook's signature check.

Keys come from the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); with either missing,
billing/providers/__init__.py falls back to "at the clinic". Every call passes the key itself
(never stripe.api_key, a process global) and an idempotency key where a retry could double it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import stripe

from billing.domain.money import minor_unit


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount / minor_unit(currency))


def from_minor(amount: int, currency: str) -> Decimal:
    return Decimal(amount) * minor_unit(currency)


class StripeProvider:
    name = "stripe"
    online = True

    def __init__(self, *, secret_key: str, webhook_secret: str) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret

    def checkout_url(
        self, *, what: str, about: dict[str, str], amount: Decimal, currency: str, success_url: str, cancel_url: str
    ) -> str:
        session = stripe.checkout.Session.create(
            api_key=self.secret_key,
            mode="payment",
            line_items=[
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": to_minor(amount, currency),
                        "product_data": {"name": what},
                    },
                }
            ],
            # Ids only: no name, email or treatment leaves for the provider.
            metadata=about,
            payment_intent_data={"metadata": about},
            success_url=success_url,
            cancel_url=cancel_url,
            # The same thing at the same price is the same session (a double click, a retry).
            idempotency_key="-".join(f"{k}-{v}" for k, v in sorted(about.items())) + f"-{to_minor(amount, currency)}",
        )
        return session.url

    def refund(self, *, payment_ref: str, amount: Decimal, currency: str, key: str) -> str:
        refund = stripe.Refund.create(
            api_key=self.secret_key,
            payment_intent=payment_ref,
            amount=to_minor(amount, currency),
            idempotency_key=key,
            # No retries inside the call: billing/services/refunds.py retries with backoff, and
            # holds the request's row lock during this call, which sleeping retries would prolong.
            max_network_retries=0,
        )
        return refund.id

    def event_from(self, *, payload: bytes, signature: str) -> dict[str, Any]:
        """The verified event (stripe's own check: HMAC and a five-minute tolerance), or ValueError."""
        try:
            stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise ValueError("not a signed Stripe event") from exc
        # The verified bytes as plain JSON (StripeObject.to_dict is deprecated).
        return json.loads(payload)
