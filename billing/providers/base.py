"""What a payment provider does for the clinic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol


class Provider(Protocol):
    name: str
    online: bool  # can a patient pay online (a payment link in the booking answer)?

    def checkout_url(
        self, *, what: str, about: dict[str, str], amount: Decimal, currency: str, success_url: str, cancel_url: str
    ) -> str:
        """Where the patient pays `amount` for `what` (a hosted page); `about` names it by ids
        ({"deposit": "12"} or {"course": "7"}), which the provider's events carry back."""
        ...

    def refund(self, *, payment_ref: str, amount: Decimal, currency: str, key: str) -> str:
        """Give money back through the provider; `key` makes a retry the same refund. Its id."""
        ...

    def event_from(self, *, payload: bytes, signature: str) -> dict[str, Any]:
        """The webhook's event once its signature is verified; ValueError otherwise."""
        ...
