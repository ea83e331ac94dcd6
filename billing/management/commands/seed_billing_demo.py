"""`manage.py seed_billing_demo`: the demo clinic's prices, deposits and invoice details (after
seed_demo, which `make run` runs first). Safe to run again: it adds only what is missing."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from billing.models import ClinicDetails, DepositRule, Price, VatRate
from clinic.models import Location
from treatments.models import Area

PER_MINUTE = Decimal("4.00")  # a 30-minute area costs £120
DEPOSIT = Decimal("30.00")


class Command(BaseCommand):
    help = "Give the demo clinic prices (VAT at 20 %), a £30 online deposit and invoice details."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG=0.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed demo prices with DJANGO_DEBUG=0. Use --force if you mean it.")
        with transaction.atomic():
            standard = VatRate.objects.get_or_create(name="Standard (20 %)", defaults={"rate": Decimal("0.2")})[0]
            for area in Area.objects.select_related("treatment"):
                Price.objects.get_or_create(
                    area=area,
                    location=None,
                    defaults={"treatment": area.treatment, "amount": PER_MINUTE * area.minutes, "vat_rate": standard},
                )
                DepositRule.objects.get_or_create(
                    treatment=area.treatment, defaults={"kind": "fixed", "value": DEPOSIT}
                )
            for location in Location.objects.all():
                ClinicDetails.objects.get_or_create(
                    location=location,
                    defaults={
                        "legal_name": f"{settings.CLINIC_NAME} Ltd",
                        "address": location.address,
                        "vat_number": "GB000000000",
                        "invoice_prefix": f"{location.slug[:3].upper()}-",
                    },
                )
        self.stdout.write(self.style.SUCCESS("Demo prices, deposits and invoice details ready."))
