"""Billing's answers to bookings' signals (bookings/signals.py), run inside the booking service's
transaction: a deposit, a fee, an invoice commit or roll back with the change that caused them."""

from __future__ import annotations

from typing import Any

from billing.services.deposits import deposit_open, deposit_settle, session_complete
from billing.services.packages import package_close_with_course
from bookings.models import Appointment, Course
from bookings.privacy import ERASE_CANCEL_REASON

Status = Appointment.Status


def on_booked(*, appointment: Appointment, by: Any, now, **kwargs: Any) -> None:
    deposit_open(appointment=appointment, by=by, now=now)


def on_cancelled(*, appointment: Appointment, by: Any, now, **kwargs: Any) -> None:
    # Erasure cancels the patient's future bookings: the clinic's doing, never a late fee.
    deposit_settle(appointment=appointment, by=by, now=now, in_time=appointment.cancel_reason == ERASE_CANCEL_REASON)
    course = appointment.course
    if course is not None and course.status == Course.Status.CANCELLED:
        # The course ended with this cancellation (its last booked session, a declined intake):
        # a package for it refunds its unused sessions by the rule.
        package_close_with_course(course=course, by=by, now=now)


def on_status_changed(*, appointment: Appointment, previous: str, by: Any, now, **kwargs: Any) -> None:
    if appointment.status == Status.COMPLETED:
        session_complete(appointment=appointment, by=by, now=now)
    elif appointment.status == Status.NO_SHOW:
        deposit_settle(appointment=appointment, by=by, now=now, no_show=True)
