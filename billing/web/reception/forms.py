"""The till's forms: take a payment, waive a fee, choose the takings' day."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from billing.models import Payment
from clinic.forms import ServiceErrorsMixin


class PaymentForm(ServiceErrorsMixin, forms.Form):
    amount = forms.DecimalField(
        label="Amount", min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), decimal_places=2, max_digits=10
    )
    method = forms.ChoiceField(
        label="Method",
        choices=[(v, label) for v, label in Payment.Method.choices if v != Payment.Method.ONLINE],
        initial=Payment.Method.CARD,
    )
    reference = forms.CharField(label="Reference (optional)", required=False, max_length=100)


class WaiveForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label="Reason for waiving the fee", max_length=300)
