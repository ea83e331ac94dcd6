"""What billing shows on the lower apps' pages and API answers, through clinic/extensions.py's
slots (registered from BillingConfig.ready())."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from billing.domain.fees import deposit_amount
from billing.domain.packages import package_price
from billing.models import Deposit, Package, Payment
from billing.providers import payment_provider
from billing.selectors import (
    OPEN_COURSE,
    PriceFact,
    appointment_account,
    billing_settings,
    package_quote_for,
    patient_credit,
    refund_not_sent,
    tariff,
)
from clinic.extensions import block_register, fact_register
from clinic.models import Location
from clinic.roles import Role, has_role


def money_dict(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount}", "currency": currency}


def deposit_quote(*, treatment_id: int, fact: PriceFact | None) -> Decimal:
    rule = tariff().deposits.get(treatment_id)
    if rule is None:
        return Decimal(0)
    currency = fact.currency if fact else "GBP"
    return deposit_amount(kind=rule[0], value=rule[1], price=fact.amount if fact else None, currency=currency)


def treatment_prices(request: HttpRequest, *, treatment: Any) -> str:
    rates = tariff()
    rows = [(area, rates.area_prices(area.pk)) for area in treatment.areas.all()]
    if not any(prices for _, prices in rows):
        return ""
    local_ids = {p.location_id for _, prices in rows for p in prices if p.location_id}
    names = dict(Location.objects.filter(pk__in=local_ids).values_list("pk", "name")) if local_ids else {}
    table = [
        (area, [(names.get(p.location_id, ""), p) for p in sorted(prices, key=lambda p: p.location_id or 0)])
        for area, prices in rows
    ]
    fact = next((p for _, prices in rows for p in prices), None)
    return render_to_string(
        "billing/_treatment_prices.html",
        {
            "rows": table,
            "deposit": deposit_quote(treatment_id=treatment.pk, fact=fact),
            "rule": rates.deposits.get(treatment.pk),
        },
        request=request,
    )


def area_prices_line(request: HttpRequest, *, treatment: Any) -> str:
    """The booking flow's first step: each area's price beside the choice (no query: the tariff)."""
    rates = tariff()
    priced = [(area, rates.price_for(area_id=area.pk, location_id=None)) for area in treatment.areas.all()]
    priced = [(area, fact) for area, fact in priced if fact is not None]
    if not priced:
        return ""
    return render_to_string("billing/_area_prices.html", {"priced": priced}, request=request)


def review_money(request: HttpRequest, *, held: Any, patient: Any = None) -> str:
    fact = tariff().price_for(area_id=held.area.pk, location_id=held.location.pk)
    deposit = Decimal(0) if held.move else deposit_quote(treatment_id=held.treatment.pk, fact=fact)
    context = {
        "fact": fact,
        "currency": fact.currency if fact else "GBP",
        "deposit": deposit,
        "policy": billing_settings().policy(),
        "moving": bool(held.move),
    }
    return render_to_string("billing/_review_money.html", context, request=request)


def confirmed_money(request: HttpRequest, *, appointment: Any) -> str:
    deposit = Deposit.objects.filter(appointment=appointment).first()
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    online = payment_provider().online
    context = {"deposit": deposit, "fact": fact, "policy": billing_settings().policy(), "online": online}
    return render_to_string("billing/_confirmed_money.html", context, request=request)


def confirmation_email(template: str):
    """The deposit and the policy in the booking confirmation email (rendered at send time, so it
    says the deposit's status then); nothing when no deposit is asked."""

    def render(request: HttpRequest | None, *, appointment: Any) -> str:
        deposit = Deposit.objects.filter(appointment=appointment).first()
        if deposit is None:
            return ""
        online = payment_provider().online
        context = {"deposit": deposit, "policy": billing_settings().policy(), "pay_url": pay_url(deposit, online)}
        return render_to_string(template, context)

    return render


def till(request: HttpRequest, *, appointment: Any, user: Any = None) -> str:
    if not has_role(request.user, Role.RECEPTION, Role.MANAGER):
        return ""
    account = appointment_account(appointment, with_credit=True)
    context = {
        "appointment": appointment,
        "account": account,
        "credit": account.credit,
        "methods": [(v, label) for v, label in Payment.Method.choices if v != Payment.Method.ONLINE],
        "package": package_of(appointment),
        "package_quote": package_quote(appointment),
        # Asked only when the visit has an online refund (its payments are in hand): no query
        # on the panels of the other visits, which are nearly all of them.
        "refund_not_sent": any(
            p.kind == Payment.Kind.REFUND and p.method == Payment.Method.ONLINE for p in account.payments
        )
        and refund_not_sent(appointment, now=timezone.now()),
    }
    return render_to_string("billing/_till.html", context, request=request)


def my_money(request: HttpRequest, *, patient: Any) -> str:
    mine = Package.objects.filter(course__patient=patient).select_related("course__treatment", "course__area")
    courses = patient.courses.filter(status__in=OPEN_COURSE, package=None).select_related("treatment", "area")
    offers = [(course, quote) for course in courses if (quote := package_quote_for(course))]
    context = {
        "credit": patient_credit(patient),
        "packages": list(mine.order_by("-bought_at")),
        "offers": offers,
        "online": payment_provider().online,
    }
    return render_to_string("billing/_my_money.html", context, request=request)


def package_of(appointment: Any) -> Package | None:
    if appointment.course_id is None:
        return None
    return Package.objects.filter(course_id=appointment.course_id).first()


def package_quote(appointment: Any) -> dict[str, Any] | None:
    """What selling the rest of the course as a package would cost (no query: the tariff)."""
    course = appointment.course
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    if course is None or fact is None or appointment.status not in ("booked", "arrived"):
        return None
    sessions = course.sessions_planned - (appointment.session_number or 1) + 1
    discount = billing_settings().package_discount_percent
    price = package_price(per_session=fact.amount, sessions=sessions, discount_percent=discount, currency=fact.currency)
    return {"sessions": sessions, "price": price, "currency": fact.currency, "discount": discount}


def api_area_prices(*, treatments: Any = None) -> dict[int, dict[str, Any]]:
    """area id -> {"price": the clinic-wide price or None, "location_prices": [...]} (no query:
    the tariff is memoised)."""
    out: dict[int, dict[str, Any]] = {}
    for (area_id, _), fact in sorted(tariff().prices.items(), key=lambda kv: (kv[0][0], kv[1].location_slug)):
        entry = out.setdefault(area_id, {"price": None, "location_prices": []})
        value = {**money_dict(fact.amount, fact.currency), "vat_rate": f"{fact.vat_rate}"}
        if fact.location_id is None:
            entry["price"] = value
        else:
            entry["location_prices"].append({**value, "location": fact.location_slug})
    return out


def api_deposits(*, appointments: list[Any]) -> dict[int, dict[str, Any]]:
    """Each appointment's deposit (one query for the lot), with a payment link when online
    payment is on and the deposit is due."""
    deposits = Deposit.objects.filter(appointment__in=[a.pk for a in appointments]) if appointments else []
    online = payment_provider().online
    return {
        d.appointment_id: {**money_dict(d.amount, d.currency), "status": d.status, "payment_url": pay_url(d, online)}
        for d in deposits
    }


def pay_url(deposit: Deposit, online: bool) -> str | None:
    """Where the patient pays a due deposit online; None while online payment is off."""
    if not online or deposit.status != Deposit.Status.DUE:
        return None
    return settings.CLINIC_BASE_URL + reverse("deposit-pay", args=[deposit.pk])


def register() -> None:
    block_register("treatments.detail", treatment_prices)
    block_register("bookings.book_area", area_prices_line)
    block_register("bookings.review", review_money)
    block_register("bookings.confirmed", confirmed_money)
    block_register("bookings.confirmation_email_text", confirmation_email("billing/email_deposit.txt"))
    block_register("bookings.confirmation_email_html", confirmation_email("billing/email_deposit.html"))
    block_register("bookings.diary.appointment", till)
    block_register("bookings.my_appointments", my_money)
    fact_register("treatments.area_prices", api_area_prices)
    fact_register("bookings.deposits", api_deposits)
