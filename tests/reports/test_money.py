"""The manager's money report: revenue by treatment less credit notes, takings by method, what
became of deposits, packages sold; each counted on its location's local day."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from billing.domain.money import Line
from billing.models import Deposit, Package, Payment
from billing.services.invoices import credit_note_issue, invoice_issue
from reports.selectors.money import money_report
from tests.reports.conftest import AUTUMN, local, rows_of, scope_of

pytestmark = pytest.mark.django_db


def invoiced(diary, at, amount: str, *, location=None, treatment=None, course=None):
    practitioner = diary.b if location == diary.paris else diary.a
    appointment = diary.appointment(at, practitioner=practitioner, treatment=treatment, course=course)
    invoice = invoice_issue(
        location=appointment.location,
        patient=appointment.patient,
        appointment=appointment,
        lines=[Line("Session", 1, Decimal(amount), Decimal("0.20"))],
        currency="GBP",
        by=None,
        now=at,
    )
    return appointment, invoice


def paid(appointment, at, amount: str, method: str, kind: str = "payment"):
    return Payment.objects.create(
        patient=appointment.patient,
        location=appointment.location,
        appointment=appointment,
        kind=kind,
        method=method,
        amount=Decimal(amount),
        currency="GBP",
        taken_at=at,
    )


def test_it_counts_revenue_takings_deposits_and_packages_of_the_period(diary):
    day = AUTUMN  # 31 October 2027: the clocks go back in London at 01:00 UTC
    first, invoice = invoiced(diary, local(day, 10), "120.00")
    paid(first, local(day, 11), "100.00", "card")
    paid(first, local(day, 11), "20.00", "cash")
    second, refunded = invoiced(diary, local(day, 14), "60.00", treatment=diary.cell)
    credit_note_issue(invoice=refunded, by=None, now=local(day, 15), reason="Wrong area")
    paid(second, local(day, 14), "60.00", "cash")
    paid(second, local(day, 15), "60.00", "cash", kind="refund")
    # 00:30 London time on the 31st is 23:30 UTC on the 30th (BST): the 31st's, in London.
    early, _ = invoiced(diary, local(day, 0, 30), "30.00")
    invoiced(diary, local(day.replace(day=30), 23, 30), "999.00")  # the 30th on London's clock: left out
    Deposit.objects.create(
        appointment=early,
        amount=Decimal("30.00"),
        currency="GBP",
        status="kept",
        created_at=local(day, 0),
        decided_at=local(day, 9),
    )
    course = diary.course(local(day, 9), status="scheduled")
    package_appointment, package_invoice = invoiced(diary, local(day, 16), "432.00", course=course)
    Package.objects.create(
        course=course,
        invoice=package_invoice,
        sessions_paid=4,
        per_session=Decimal("120.00"),
        discount_percent=Decimal(10),
        price=Decimal("432.00"),
        currency="GBP",
        bought_at=local(day, 16),
    )

    report = money_report(scope=scope_of(diary, day, chosen=diary.london))
    revenue = {r[0]: r[2:] for r in rows_of(report, "revenue")}
    assert revenue[diary.skin.name] == [Decimal("485.00"), Decimal("97.00"), Decimal("582.00")]  # 120 + 30 + 432
    assert revenue[diary.cell.name] == [Decimal("0.00"), Decimal("0.00"), Decimal("0.00")]  # credited in full
    takings = {r[0]: r[2:] for r in rows_of(report, "takings")}
    assert takings == {
        "Card": [Decimal("100.00"), Decimal("0"), Decimal("100.00")],
        "Cash": [Decimal("80.00"), Decimal("60.00"), Decimal("20.00")],
    }
    assert rows_of(report, "deposits") == [["Kept as the cancellation fee", "GBP", 1, Decimal("30.00")]]
    assert rows_of(report, "packages") == [[diary.skin.name, "GBP", 1, 4, Decimal("432.00")]]
    assert "582.00 invoiced" in next(f for f in report.figures if f.slug == "revenue").summary
    paris = money_report(scope=scope_of(diary, day, chosen=diary.paris))
    assert rows_of(paris, "revenue") == [] and rows_of(paris, "takings") == []


def test_its_csv_gives_amounts_as_plain_numbers_per_local_day(diary, client):
    day = AUTUMN
    first, _ = invoiced(diary, local(day, 10), "120.00")
    paid(first, local(day, 11), "120.00", "card")
    client.force_login(diary.manager)
    response = client.get(
        "/staff/reports/money/",
        {"location": "london", "date_from": day.isoformat(), "date_to": day.isoformat(), "format": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[:2] == [["Report", "Money"], ["Locations", "London"]]
    revenue = rows.index(["Revenue by treatment"])
    assert [diary.skin.name, "GBP", "100.00", "20.00", "120.00"] in rows[revenue:]
    takings = next(n for n, row in enumerate(rows) if row and row[0] == "Card")
    assert rows[takings][-1] == "120.00"
