"""The demo clinic's prices: every area priced, a deposit per treatment, each location's invoice
details; a second run adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from billing.models import ClinicDetails, DepositRule, Price
from tests.factories import LocationFactory
from treatments.models import Area

pytestmark = pytest.mark.django_db


def test_it_prices_the_demo_clinic_once(settings):
    settings.DEBUG = True
    LocationFactory(slug="marylebone")
    call_command("seed_billing_demo")
    call_command("seed_billing_demo")
    assert Price.objects.count() == Area.objects.count()
    face = Price.objects.get(area__slug="face", treatment__indication="SKIN")
    assert face.amount == 4 * face.area.minutes and face.vat_rate.rate == Decimal("0.2")
    assert DepositRule.objects.filter(kind="fixed").count() == DepositRule.objects.count() > 0
    assert ClinicDetails.objects.get(location__slug="marylebone").invoice_prefix == "MAR-"


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_billing_demo")
