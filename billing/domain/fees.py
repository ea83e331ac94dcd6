"""The deposit a booking asks for, and what happens to it when the appointment does not go ahead.

The cut-off is an instant: the start minus `cut_off_hours` of elapsed time. Computing it on the
wall clock instead would move it by an hour across a clock change (a 24-hour cut-off before a
10:00 Monday appointment after the clocks go forward would fall at 09:00 Sunday local, not
10:00): the patient is promised so many hours' notice, and hours elapse in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from billing.domain.money import ZERO, percent_of, quantize


class DepositKind(StrEnum):
    NONE = "none"
    FIXED = "fixed"
    PERCENT = "percent"


def deposit_amount(*, kind: str, value: Decimal, price: Decimal | None, currency: str) -> Decimal:
    """The deposit for one booking: never more than the price, never negative."""
    if kind == DepositKind.NONE or value <= 0:
        return quantize(ZERO, currency)
    if kind == DepositKind.PERCENT:
        if price is None:
            return quantize(ZERO, currency)
        return min(percent_of(price, min(value, Decimal(100)), currency), price)
    amount = quantize(value, currency)
    return min(amount, price) if price is not None else amount


@dataclass(frozen=True)
class FeeDecision:
    late: bool  # inside the cut-off (or not attended): the deposit is kept as the fee
    fee: Decimal  # what the clinic keeps
    returned: Decimal  # what goes back to the patient (refund or credit)
    cut_off_at: datetime  # UTC
    cut_off_local: datetime  # the same instant on the location's clock, for the words


def cut_off_instant(*, start: datetime, cut_off_hours: int) -> datetime:
    if start.tzinfo is None:
        raise ValueError("start must be aware")
    # In UTC: Python subtracts a timedelta from a zoned datetime on its wall clock.
    return start.astimezone(UTC) - timedelta(hours=cut_off_hours)


def fee_for_cancellation(
    *,
    start: datetime,
    cancelled_at: datetime,
    cut_off_hours: int,
    zone: ZoneInfo,
    deposit_paid: Decimal,
    fee: Decimal,
    no_show: bool = False,
) -> FeeDecision:
    """A cancellation at or after the cut-off instant, or a no-show, keeps `fee` (at most what
    was paid as deposit); before it, every penny paid goes back."""
    if cancelled_at.tzinfo is None:
        raise ValueError("cancelled_at must be aware")
    cut_off = cut_off_instant(start=start, cut_off_hours=cut_off_hours)
    # Compared in UTC too: two datetimes of one zone compare by wall clock (the repeated autumn hour).
    late = no_show or cancelled_at.astimezone(UTC) >= cut_off
    kept = min(fee, deposit_paid) if late else ZERO
    kept = max(kept, ZERO)
    return FeeDecision(
        late=late,
        fee=kept,
        returned=deposit_paid - kept,
        cut_off_at=cut_off,
        cut_off_local=cut_off.astimezone(zone),
    )
