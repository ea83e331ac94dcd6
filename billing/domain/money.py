"""Money arithmetic: `Decimal` only, quantized to the currency's minor unit with ROUND_HALF_UP.

Prices are stated once, VAT-inclusive (gross): that is what a patient is quoted in the UK. The
VAT in a gross amount is worked out per line (`vat_of_gross`) and the net is the rest, so a
line's net + VAT is its gross exactly, and an invoice's totals are sums of its lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_CURRENCY = "GBP"
# ISO 4217 minor units of the currencies a clinic is likely to quote; anything else has 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "HUF": 2, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}
ZERO = Decimal("0")


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency.upper(), 2))


def quantize(amount: Decimal, currency: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money is Decimal, not {type(amount).__name__}")
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def vat_of_gross(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The VAT inside a VAT-inclusive amount: gross x rate / (1 + rate), rounded once."""
    if rate <= 0:
        return quantize(ZERO, currency)
    return quantize(gross * rate / (1 + rate), currency)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    return quantize(amount * percent / 100, currency)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_gross: Decimal
    vat_rate: Decimal  # 0.20 for 20 %

    def gross(self, currency: str) -> Decimal:
        return quantize(self.unit_gross * self.quantity, currency)

    def vat(self, currency: str) -> Decimal:
        return vat_of_gross(self.gross(currency), self.vat_rate, currency)

    def net(self, currency: str) -> Decimal:
        return self.gross(currency) - self.vat(currency)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    by_rate: tuple[tuple[Decimal, Decimal, Decimal], ...]  # (rate, net, vat), rates ascending


def totals(lines: Iterable[Line], currency: str) -> Totals:
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        net, vat = by_rate.get(line.vat_rate, (ZERO, ZERO))
        by_rate[line.vat_rate] = (net + line.net(currency), vat + line.vat(currency))
    net = sum((n for n, _ in by_rate.values()), ZERO)
    vat = sum((v for _, v in by_rate.values()), ZERO)
    return Totals(
        net=quantize(net, currency),
        vat=quantize(vat, currency),
        gross=quantize(net + vat, currency),
        by_rate=tuple((rate, n, v) for rate, (n, v) in sorted(by_rate.items())),
    )


def refundable(*, paid: Decimal, refunded: Decimal, asked: Decimal) -> Decimal:
    """What may still be refunded: never more than was paid and not yet refunded, never negative."""
    return max(ZERO, min(asked, paid - refunded))
