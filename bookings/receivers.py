"""Bookings' answers to intake's signals (intake never imports bookings).

Intake sends each signal inside the transaction that decided the intake, so what bookings does
about it (linking the course, cancelling held sessions, writing the messages) commits or rolls
back with the decision: nothing is half done if a process dies. The receivers are thin: they load
the course and call a course service.
"""

from __future__ import annotations

from typing import Any

from bookings.appointments import intake_outcomes
from bookings.models import Course


def _courses_waiting(intake_id: int) -> list[Course]:
    return list(
        Course.objects.open()
        .filter(intake_id=intake_id)
        .select_for_update(of=("self",))
        .select_related("patient", "location", "treatment", "intake")
    )


def on_intake_cleared(
    sender: Any, *, intake_id: int, sessions: int | None, interval_days: int | None, **_: Any
) -> None:
    for course in _courses_waiting(intake_id):
        intake_outcomes.course_intake_cleared(course=course, sessions=sessions, interval_days=interval_days)


def on_intake_declined(sender: Any, *, intake_id: int, **_: Any) -> None:
    for course in _courses_waiting(intake_id):
        intake_outcomes.course_intake_declined(course=course)


def on_intake_not_suitable(sender: Any, *, intake_id: int, **_: Any) -> None:
    for course in _courses_waiting(intake_id):
        intake_outcomes.course_intake_not_suitable(course=course)
