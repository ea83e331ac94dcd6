"""Course packages: sold on the till for the course of the appointment in hand, used by each
completed session (instead of that session's invoice), cancelled with the unused sessions
refunded by the rule in billing/domain/packages.py (used ones at the full price)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.domain import money, packages
from billing.models import BillingSettings, Invoice, Package
from billing.selectors import tariff
from billing.services.invoices import credit_note_part_issue, invoice_issue
from billing.services.payments import payment_refund, refund_method
from bookings.models import Appointment, Course
from clinic.audit import audit_record


def package_buy(*, appointment: Appointment, by: Any, now: datetime) -> Package:
    """The appointment's course, its remaining sessions bought upfront at the clinic's discount
    (Billing settings), invoiced on this appointment; a deposit paid for it counts towards it."""
    course = appointment.course
    if course is None or appointment.status not in (Appointment.Status.BOOKED, Appointment.Status.ARRIVED):
        raise ValidationError("A package is bought for the course of a booked or arrived appointment.")
    fact = tariff().price_for(area_id=appointment.area_id, location_id=appointment.location_id)
    if fact is None:
        raise ValidationError("This treatment has no price: set one in the admin first.")
    sessions = course.sessions_planned - (appointment.session_number or 1) + 1
    discount = BillingSettings.current().package_discount_percent
    with transaction.atomic():
        if Package.objects.filter(course=course).exists():
            raise ValidationError("This course is already a package.")
        if Invoice.objects.filter(appointment=appointment, kind=Invoice.Kind.INVOICE).exists():
            raise ValidationError("This session is invoiced already: sell the package at the next one.")
        price = packages.package_price(
            per_session=fact.amount, sessions=sessions, discount_percent=discount, currency=fact.currency
        )
        line = money.Line(
            description=f"Course package: {sessions} sessions of {appointment.treatment.name}, "
            f"{appointment.area.name} ({discount.normalize():f} % off)",
            quantity=1,
            unit_gross=price,
            vat_rate=fact.vat_rate,
        )
        invoice = invoice_issue(
            location=appointment.location,
            patient=appointment.patient,
            appointment=appointment,
            lines=[line],
            currency=fact.currency,
            by=by,
            now=now,
        )
        package = Package.objects.create(
            course=course,
            invoice=invoice,
            sessions_paid=sessions,
            per_session=fact.amount,
            discount_percent=discount,
            price=price,
            currency=fact.currency,
            bought_at=now,
        )
        audit_record(
            actor=by,
            action="package.buy",
            obj=package,
            patient=appointment.patient,
            details={"sessions": sessions, "price": str(price)},
        )
    return package


def package_use(*, appointment: Appointment) -> bool:
    """A completed session of a course with sessions left uses one; True when it did."""
    if appointment.course_id is None:
        return False
    package = Package.objects.select_for_update().filter(course_id=appointment.course_id, status="active").first()
    if package is None or package.sessions_left <= 0:
        return False
    package.sessions_used += 1
    if package.sessions_left == 0:
        package.status = Package.Status.USED
    package.save(update_fields=["sessions_used", "status"])
    return True


def package_cancel(*, package: Package, by: Any, now: datetime) -> Package:
    """Refund the unused sessions: what was paid less the used sessions at the full price."""
    with transaction.atomic():
        package = (
            Package.objects.select_for_update(of=("self",)).select_related("invoice__appointment").get(pk=package.pk)
        )
        if package.status != Package.Status.ACTIVE:
            raise ValidationError("Only an active package can be cancelled.")
        refund = packages.refund_for_unused(
            paid_total=package.price,
            sessions_used=package.sessions_used,
            per_session=package.per_session,
            currency=package.currency,
        )
        appointment = package.invoice.appointment
        if refund > 0:
            credit_note_part_issue(
                invoice=package.invoice,
                amount=refund,
                by=by,
                now=now,
                reason="Course package cancelled: unused sessions refunded",
            )
            payment_refund(
                appointment=appointment,
                amount=refund,
                method=refund_method(appointment),
                by=by,
                now=now,
                reason="Unused package sessions",
            )
        package.status, package.cancelled_at = Package.Status.CANCELLED, now
        package.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=by,
            action="package.cancel",
            obj=package,
            patient=appointment.patient,
            details={"refund": str(refund), "sessions_used": package.sessions_used},
        )
    return package


def package_close_with_course(*, course: Course, by: Any, now: datetime) -> Package | None:
    package = Package.objects.filter(course=course, status=Package.Status.ACTIVE).first()
    return package_cancel(package=package, by=by, now=now) if package is not None else None
