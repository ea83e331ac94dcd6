"""Billing's test world: the bookings clinic with prices (VAT at 20 %), a fixed deposit for its
treatment, and the location's details for invoices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import ClinicDetails, DepositRule, Price, VatRate
from tests.bookings.conftest import NOW, clinic, frozen_now, make_patient, reception  # noqa: F401

STANDARD = Decimal("0.2000")


@pytest.fixture
def standard(db) -> VatRate:
    return VatRate.objects.get(name="Standard (20 %)")


@pytest.fixture
def priced(clinic, standard):  # noqa: F811 - the fixture imported above
    """The clinic's face sessions cost £120 (VAT included) and the details an invoice prints."""
    Price.objects.create(treatment=clinic.treatment, area=clinic.area, amount=Decimal("120.00"), vat_rate=standard)
    ClinicDetails.objects.create(
        location=clinic.location,
        legal_name="Meso Clinic Ltd",
        address="1 Harley Street\nLondon W1G 9QD",
        vat_number="GB123456789",
        invoice_prefix="MAR-",
    )
    return clinic


@pytest.fixture
def deposit_rule(priced):
    """The priced clinic whose treatment asks for a £30 deposit online."""
    DepositRule.objects.create(treatment=priced.treatment, kind="fixed", value=Decimal("30.00"))
    return priced
