"""Money: revenue by treatment (invoices less credit notes), takings by payment method, what
became of deposits, and course packages sold. Amounts are per currency (a clinic normally has
one); a row's day is its location's local day.

Queries: revenue 1, takings 1, deposits 1, packages 1.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import Deposit, Invoice, Package, Payment
from reports.domain.figures import Column, Figure, Report, Table
from reports.selectors.scope import Scope

ZERO = Decimal("0")


def money_report(*, scope: Scope) -> Report:
    return Report(
        slug="money",
        title="Money",
        intro="Invoiced revenue by treatment, takings by method, deposits and course packages, in the period.",
        figures=[_revenue(scope), _takings(scope), _deposits(scope), _packages(scope)],
    )


def _revenue(scope: Scope) -> Figure:
    signed = Q(kind=Invoice.Kind.INVOICE)
    rows = list(
        Invoice.objects.filter(scope.window("issued_at"))
        .values(name=Coalesce("appointment__treatment__name", Value("Other")), cur=F("currency"))
        .annotate(
            net=Sum("net", filter=signed, default=ZERO) - Sum("net", filter=~signed, default=ZERO),
            vat=Sum("vat", filter=signed, default=ZERO) - Sum("vat", filter=~signed, default=ZERO),
            gross=Sum("gross", filter=signed, default=ZERO) - Sum("gross", filter=~signed, default=ZERO),
        )
        .order_by("name", "cur")
    )
    table = [[r["name"], r["cur"], r["net"], r["vat"], r["gross"]] for r in rows]
    total = sum((r[4] for r in table), ZERO)
    return Figure(
        slug="revenue",
        title="Revenue by treatment",
        summary=f"{total} invoiced (VAT included, less credit notes) at {scope.where}, over {len(table)} treatments.",
        table=Table(
            [
                Column("Treatment", "text"),
                Column("Currency", "text"),
                Column("Net", "money"),
                Column("VAT", "money"),
                Column("Gross", "money"),
            ],
            table,
        ),
        labels=[r[0] for r in table],
        series=[("Gross", [float(r[4]) for r in table])],
        unit="money",
    )


def _takings(scope: Scope) -> Figure:
    labels = dict(Payment.Method.choices)
    rows = list(
        Payment.objects.filter(scope.window("taken_at"))
        .values("method", "currency")
        .annotate(
            taken=Sum("amount", filter=Q(kind="payment"), default=ZERO),
            refunded=Sum("amount", filter=Q(kind="refund"), default=ZERO),
        )
        .order_by("method", "currency")
    )
    table = [
        [labels.get(r["method"], r["method"]), r["currency"], r["taken"], r["refunded"], r["taken"] - r["refunded"]]
        for r in rows
    ]
    return Figure(
        slug="takings",
        title="Takings by payment method",
        summary="Net takings: " + (", ".join(f"{r[0]} {r[4]}" for r in table) or "none") + ".",
        table=Table(
            [
                Column("Method", "text"),
                Column("Currency", "text"),
                Column("Taken", "money"),
                Column("Refunded", "money"),
                Column("Net", "money"),
            ],
            table,
        ),
        labels=[r[0] for r in table],
        series=[("Net", [float(r[4]) for r in table])],
        unit="money",
    )


def _deposits(scope: Scope) -> Figure:
    labels = dict(Deposit.Status.choices)
    rows = list(
        Deposit.objects.filter(scope.window("decided_at", location="appointment__location"))
        .values("status", "currency")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("status", "currency")
    )
    table = [[labels.get(r["status"], r["status"]), r["currency"], r["count"], r["amount"]] for r in rows]
    kept = sum((r[3] for r in table if r[0] == labels["kept"]), ZERO)
    return Figure(
        slug="deposits",
        title="Deposits",
        summary=f"Deposits kept as fees at {scope.where}: {kept}.",
        table=Table(
            [Column("Outcome", "text"), Column("Currency", "text"), Column("Deposits"), Column("Amount", "money")],
            table,
        ),
        chart="none",
    )


def _packages(scope: Scope) -> Figure:
    rows = list(
        Package.objects.filter(scope.window("bought_at", location="course__location"))
        .values(name=F("course__treatment__name"), cur=F("currency"))
        .annotate(count=Count("pk"), sessions=Sum("sessions_paid"), value=Sum("price"))
        .order_by("name", "cur")
    )
    table = [[r["name"], r["cur"], r["count"], r["sessions"], r["value"]] for r in rows]
    return Figure(
        slug="packages",
        title="Course packages sold",
        summary=f"{sum(r[2] for r in table)} packages sold at {scope.where}.",
        table=Table(
            [
                Column("Treatment", "text"),
                Column("Currency", "text"),
                Column("Packages"),
                Column("Sessions"),
                Column("Value", "money"),
            ],
            table,
        ),
        chart="none",
    )
