"""Course packages: sessions bought upfront at a discount, their balance, and the refund rule.

The refund rule when a course is cancelled: the sessions used are charged at the full
per-session price (the discount was for buying the whole course), and the rest of what was paid
is refunded, never less than nothing. So leaving a package is never cheaper than paying as you go.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.money import ZERO, percent_of, quantize


def package_price(*, per_session: Decimal, sessions: int, discount_percent: Decimal, currency: str) -> Decimal:
    full = quantize(per_session * sessions, currency)
    return full - percent_of(full, min(max(discount_percent, ZERO), Decimal(100)), currency)


@dataclass(frozen=True)
class Balance:
    paid: int
    used: int

    @property
    def left(self) -> int:
        return max(self.paid - self.used, 0)


def balance(*, sessions_paid: int, sessions_used: int) -> Balance:
    """Used sessions beyond those paid are paid as you go: the package's balance stops at zero."""
    return Balance(paid=max(sessions_paid, 0), used=min(max(sessions_used, 0), max(sessions_paid, 0)))


def refund_for_unused(*, paid_total: Decimal, sessions_used: int, per_session: Decimal, currency: str) -> Decimal:
    charged = quantize(per_session * max(sessions_used, 0), currency)
    return max(quantize(paid_total - charged, currency), quantize(ZERO, currency))
