"""At the clinic: reception takes card, cash or bank transfer at the till and records it
(billing/services/payments.py). Nothing is paid online, and a refund is handed over at the desk."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class AtTheClinic:
    name = "clinic"
    online = False

    def checkout_url(
        self, *, what: str, about: dict[str, str], amount: Decimal, currency: str, success_url: str, cancel_url: str
    ) -> str:
        raise LookupError("online payment is off: payment is at the clinic")

    def refund(self, *, payment_ref: str, amount: Decimal, currency: str, key: str) -> str:
        raise LookupError("a payment taken at the clinic is refunded at the clinic")

    def event_from(self, *, payload: bytes, signature: str) -> dict[str, Any]:
        raise ValueError("no provider sends events to the clinic")
