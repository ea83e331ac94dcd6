"""`{{ amount|money:currency }}`: "£45.00", "€12.50", "CHF 30.00" (the amount already quantized)."""

from decimal import Decimal

from django import template

register = template.Library()

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@register.filter
def money(amount: Decimal | None, currency: str = "GBP") -> str:
    if amount is None:
        return ""
    symbol = SYMBOLS.get(currency)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,}" if symbol else f"{sign}{currency} {abs(amount):,}"


@register.filter
def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"
