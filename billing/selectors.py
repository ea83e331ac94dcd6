"""Reading money facts: the tariff (prices and deposit rules, memoised), an appointment's account,
a patient's credit, a day's takings.

The tariff is read on the booking path and on every treatment page, so it is memoised like the
settings rows (clinic/models.py): cached, and kept per process for SETTINGS_MEMO_SECONDS; any
save or delete of a price, VAT rate, deposit rule or the billing settings drops both copies. A
booking of a treatment that needs no deposit then costs no statement here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Q, Sum

from billing.domain.money import DEFAULT_CURRENCY, ZERO, quantize
from billing.models import BillingSettings, Deposit, DepositRule, Invoice, Package, Payment, Price, RefundRequest
from bookings.models import Appointment, Course
from clinic.models import SETTINGS_MEMO_SECONDS, Location, Patient
from clinic.models import _settings_memo as memo  # the settings rows' memo, cleared with them

TARIFF_KEY = "billing:tariff:v1"


@dataclass(frozen=True)
class PriceFact:
    amount: Decimal
    currency: str
    vat_rate: Decimal
    location_id: int | None
    location_slug: str = ""


@dataclass(frozen=True)
class Tariff:
    prices: dict[tuple[int, int | None], PriceFact] = field(default_factory=dict)
    deposits: dict[int, tuple[str, Decimal]] = field(default_factory=dict)  # treatment id -> (kind, value)

    def price_for(self, *, area_id: int, location_id: int | None) -> PriceFact | None:
        return self.prices.get((area_id, location_id)) or self.prices.get((area_id, None))

    def area_prices(self, area_id: int) -> list[PriceFact]:
        return [p for (a, _), p in self.prices.items() if a == area_id]


def tariff() -> Tariff:
    hit = memo.get(TARIFF_KEY)
    if hit is not None and time.monotonic() - hit[0] < SETTINGS_MEMO_SECONDS:
        return hit[1]
    value = cache.get(TARIFF_KEY)
    if value is None:
        value = Tariff(
            prices={
                (p.area_id, p.location_id): PriceFact(
                    p.amount, p.currency, p.vat_rate.rate, p.location_id, p.location.slug if p.location else ""
                )
                for p in Price.objects.select_related("vat_rate", "location").order_by()
            },
            deposits={r.treatment_id: (r.kind, r.value) for r in DepositRule.objects.exclude(kind="none")},
        )
        cache.set(TARIFF_KEY, value, 300)
    memo[TARIFF_KEY] = (time.monotonic(), value)
    return value


def tariff_forget(**kwargs: Any) -> None:
    cache.delete(TARIFF_KEY)
    memo.pop(TARIFF_KEY, None)


@dataclass(frozen=True)
class Account:
    """What one appointment has cost and been paid, as the till shows it."""

    currency: str
    price: Decimal | None  # the session's price (None: the clinic has set none)
    invoiced: Decimal  # invoices less credit notes
    paid: Decimal  # payments less refunds
    deposit: Deposit | None
    invoices: list[Invoice]
    payments: list[Payment]
    credit: Decimal = ZERO  # the patient's credit with the clinic (when asked for)

    @property
    def charge(self) -> Decimal:
        """What the visit costs so far: what was invoiced, else the deposit still due."""
        if self.invoices:
            return self.invoiced
        if self.deposit is not None and self.deposit.status == Deposit.Status.DUE:
            return self.deposit.amount
        return ZERO

    @property
    def owed(self) -> Decimal:
        return quantize(max(self.charge - self.paid, ZERO), self.currency)


def appointment_account(appointment: Appointment, *, with_credit: bool = False) -> Account:
    """Three queries: the visit's invoices, its payments (with the patient's credit movements
    when asked: the till shows the credit), its deposit."""
    invoices = list(Invoice.objects.filter(appointment=appointment).order_by("issued_at", "pk"))
    rows = Payment.objects.filter(appointment=appointment)
    if with_credit:
        rows = Payment.objects.filter(
            Q(appointment=appointment) | Q(patient_id=appointment.patient_id, method="credit")
        )
    rows = list(rows)
    payments = [p for p in rows if p.appointment_id == appointment.pk]
    deposit = Deposit.objects.filter(appointment=appointment).first()
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    invoiced = sum((i.gross if i.kind == Invoice.Kind.INVOICE else -i.gross for i in invoices), ZERO)
    paid = sum((p.signed for p in payments), ZERO)
    currency = fact.currency if fact else (deposit.currency if deposit else default_currency())
    invoiced, paid = quantize(invoiced, currency), quantize(paid, currency)
    return Account(
        currency=currency,
        price=fact.amount if fact else None,
        invoiced=invoiced,
        paid=paid,
        deposit=deposit,
        invoices=invoices,
        payments=payments,
        credit=_credit(rows) if with_credit else ZERO,
    )


def default_currency() -> str:
    """The currency of an unpriced visit: the clinic's prices', else GBP."""
    first = next(iter(tariff().prices.values()), None)
    return first.currency if first else DEFAULT_CURRENCY


def _credit(rows: list[Payment]) -> Decimal:
    credit = [p for p in rows if p.method == Payment.Method.CREDIT]
    return sum((p.amount if p.kind == Payment.Kind.REFUND else -p.amount for p in credit), ZERO)


def patient_credit(patient: Patient) -> Decimal:
    """Credit kept for a patient (a deposit returned as credit) less the credit used since."""
    rows = Payment.objects.filter(patient=patient, method=Payment.Method.CREDIT).aggregate(
        given=Sum("amount", filter=Q(kind=Payment.Kind.REFUND)), used=Sum("amount", filter=Q(kind=Payment.Kind.PAYMENT))
    )
    return (rows["given"] or ZERO) - (rows["used"] or ZERO)


def billing_settings() -> BillingSettings:
    return BillingSettings.current()


def day_bounds(location: Location, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=location.zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=location.zone)
    return start, end


def takings(*, location: Location, day: date) -> list[Payment]:
    """Every payment and refund taken at a location on its local day (midnight to midnight on its
    own clock: 23 or 25 hours on the days the clocks change)."""
    start, end = day_bounds(location, day)
    return list(
        Payment.objects.filter(location=location, taken_at__gte=start, taken_at__lt=end)
        .select_related("patient", "invoice", "appointment__treatment")
        .order_by("taken_at", "pk")
    )


def takings_summary(rows: list[Payment]) -> list[tuple[str, str, Decimal]]:
    """(method label, currency, net of payments and refunds) per method, in the methods' order."""
    sums: dict[tuple[str, str], Decimal] = {}
    for p in rows:
        sums[(p.method, p.currency)] = sums.get((p.method, p.currency), ZERO) + p.signed
    labels = dict(Payment.Method.choices)
    order = list(labels)
    return [(labels[m], c, v) for (m, c), v in sorted(sums.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))]


def invoice_payments(invoice: Invoice) -> list[Payment]:
    """The payments and refunds of the invoice's visit (a deposit paid before the invoice included)."""
    if invoice.appointment_id is None:
        return list(Payment.objects.filter(invoice=invoice))
    return list(Payment.objects.filter(appointment_id=invoice.appointment_id))


@dataclass(frozen=True)
class PackageQuote:
    sessions: int
    price: Decimal
    currency: str
    discount: Decimal


OPEN_COURSE = ("awaiting_intake", "scheduled", "needs_attention", "in_progress")


def package_quote_for(course: Course, *, from_session: int | None = None) -> PackageQuote | None:
    """What the rest of an open course costs as a package (None: not priced, closed, or a
    package already). From the course's next session unless told."""
    from billing.domain.packages import package_price

    if course.status not in OPEN_COURSE or Package.objects.filter(course=course).exists():
        return None
    fact = tariff().price_for(area_id=course.area_id, location_id=course.location_id)
    if fact is None:
        return None
    if from_session is None:
        done = course.appointments.filter(status=Appointment.Status.COMPLETED).count()
        from_session = done + 1
    sessions = course.sessions_planned - from_session + 1
    if sessions < 1:
        return None
    discount = BillingSettings.current().package_discount_percent
    price = package_price(per_session=fact.amount, sessions=sessions, discount_percent=discount, currency=fact.currency)
    return PackageQuote(sessions=sessions, price=price, currency=fact.currency, discount=discount)


# A refund normally reaches the provider within seconds; one still pending after this long (its
# task lost and the sweep failing too, or online payment switched off) is worth a person's look.
REFUND_OVERDUE_AFTER = timedelta(minutes=10)


def refund_not_sent(appointment: Any, *, now: datetime) -> bool:
    """Has an online refund of this visit been given up, or waited too long, on its way out?"""
    stuck = Q(status=RefundRequest.Status.DEAD) | Q(
        status=RefundRequest.Status.PENDING, created_at__lt=now - REFUND_OVERDUE_AFTER
    )
    return RefundRequest.objects.filter(stuck, refund__appointment_id=appointment.pk).exists()
