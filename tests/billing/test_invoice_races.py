"""Gapless numbering under concurrent issue, on PostgreSQL with real threads: every number 1..N
once, even with some issuing transactions rolled back."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from billing.domain import money
from billing.models import Invoice, InvoiceCounter
from billing.services.invoices import invoice_issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8
EACH = 5


def test_it_numbers_concurrent_invoices_one_to_n_without_gaps_or_duplicates(priced, reception):
    line = [money.Line("Session", 1, Decimal("120.00"), Decimal("0.20"))]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def till(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                try:
                    with transaction.atomic():
                        invoice_issue(
                            location=priced.location,
                            patient=priced.patient,
                            lines=line,
                            currency="GBP",
                            by=reception,
                            now=timezone.now(),
                        )
                        if (n + i) % 4 == 0:
                            raise RuntimeError("the till's transaction fails: its number must not be lost")
                except RuntimeError:
                    pass
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=till, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Invoice.objects.filter(location=priced.location).values_list("number", flat=True))
    assert len(numbers) == THREADS * EACH - sum((n + i) % 4 == 0 for n in range(THREADS) for i in range(EACH))
    assert numbers == list(range(1, len(numbers) + 1))
    assert InvoiceCounter.objects.get(location=priced.location).last_number == len(numbers)
