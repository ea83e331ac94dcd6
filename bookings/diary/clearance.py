"""The clinical gate as the diary and the practitioner's day show it: why a session cannot be
completed yet, in words, and the ways forward this user may take (bookings/domain/clearance.py
decides; bookings/appointments/clearance.py loads the facts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bookings.appointments.clearance import clearance_facts_for
from bookings.appointments.clearance_services import may_override
from bookings.domain import clearance as rule
from bookings.models import Appointment
from clinic.roles import Role, has_role

OPEN = (Appointment.Status.BOOKED, Appointment.Status.ARRIVED, Appointment.Status.COMPLETED)


@dataclass
class ClearanceView:
    problems: list[rule.Problem] = field(default_factory=list)
    blocking: list[rule.Problem] = field(default_factory=list)
    # The practitioner's decision to go ahead, if any: who and when for everyone, the reason
    # (clinical free text) for clinicians only.
    override_by: str = ""
    override_at: datetime | None = None
    override_reason: str = ""
    may_send: bool = False
    may_review: bool = False
    may_confirm: bool = False
    may_override: bool = False
    review_pk: int | None = None
    recheck_pk: int | None = None
    ways: set[str] = field(default_factory=set)

    @property
    def cleared(self) -> bool:
        return not self.blocking


def clearance_views(appointments: Sequence[Appointment], user: Any) -> dict[int, ClearanceView]:
    """What each open treatment session needs before it can be completed, for this user."""
    open_ones = [a for a in appointments if a.status in OPEN]
    facts = clearance_facts_for(open_ones)
    clinician = has_role(user, Role.PRACTITIONER, Role.MANAGER)
    views = {}
    for appointment in open_ones:
        fact = facts.get(appointment.pk)
        if fact is None:
            continue
        problems = rule.clearance_problems(fact)
        if not problems and not appointment.clearance_override_at:
            continue
        view = ClearanceView(problems=problems, blocking=rule.clearance_blocking(fact))
        view.ways = {problem.way for problem in view.blocking}
        view.review_pk = next((p.intake_pk for p in view.blocking if p.way == rule.REVIEW), None)
        view.recheck_pk = next((p.intake_pk for p in view.blocking if p.way == rule.RECHECK), None)
        before_session = appointment.status != Appointment.Status.COMPLETED
        view.may_send = rule.SEND in view.ways and before_session and appointment.course_id is not None
        view.may_review = clinician and view.review_pk is not None
        view.may_confirm = has_role(user, Role.PRACTITIONER) and view.recheck_pk is not None
        view.may_override = bool(view.blocking) and may_override(user, appointment)
        if appointment.clearance_override_at:
            by = appointment.clearance_override_by
            view.override_by = by.get_full_name() if by else "a practitioner"
            view.override_at = appointment.clearance_override_at
            view.override_reason = appointment.clearance_override_reason if clinician else ""
        views[appointment.pk] = view
    return views


def clearance_view(appointment: Appointment, user: Any) -> ClearanceView | None:
    return clearance_views([appointment], user).get(appointment.pk)
