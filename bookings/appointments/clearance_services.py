"""The ways past the clinical gate (bookings/domain/clearance.py), each a service:

- reception emails the patient the questionnaire (opened first if there is none to fill in);
- the practitioner records that the patient, asked at the session, says nothing has changed;
- the practitioner proceeds despite the gate with a clinical reason, kept on the appointment,
  shown on the session record and audited (the codes, never the reason's words).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bookings.appointments.clearance import clearance_facts
from bookings.domain import clearance as rule
from bookings.messages import schedule as messages
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.roles import Role, has_role
from intake.models import Intake
from intake.services import health_change_record, intake_open

Status = Appointment.Status
OPEN_STATUSES = (Status.BOOKED, Status.ARRIVED, Status.COMPLETED)
REASON_MIN_LENGTH = 10  # "ok" is not a clinical reason


class NothingToClear(Conflict):
    code = "nothing_to_clear"


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", "location", "treatment", "area", "practitioner", "course")
        .get(pk=appointment.pk)
    )


def _problems(appointment: Appointment) -> list[rule.Problem]:
    facts = clearance_facts(appointment)
    return rule.clearance_problems(facts) if facts is not None else []


def may_override(user: Any, appointment: Appointment) -> bool:
    """Only the appointment's own practitioner takes the clinical decision to go ahead."""
    return has_role(user, Role.PRACTITIONER) and appointment.practitioner.user_id == getattr(user, "pk", None)


def appointment_clearance_override(*, appointment: Appointment, reason: str, by: Any, now: datetime) -> Appointment:
    """The practitioner goes ahead despite what the gate says, for a clinical reason."""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError({"reason": "Write the clinical reason for going ahead (at least a sentence)."})
    with transaction.atomic():
        appointment = _locked(appointment)
        if not may_override(by, appointment):
            raise PermissionDenied("Only the appointment's practitioner can decide to go ahead.")
        if appointment.status not in OPEN_STATUSES:
            raise NothingToClear(f"This appointment is {appointment.get_status_display().lower()}.")
        problems = _problems(appointment)
        if not problems:
            raise NothingToClear("Nothing stops this session: there is no reason to record.")
        codes = sorted({problem.code for problem in problems})
        appointment.clearance_override_reason = reason
        appointment.clearance_override_codes = codes
        appointment.clearance_override_by = by
        appointment.clearance_override_at = now
        appointment.save(
            update_fields=[
                "clearance_override_reason",
                "clearance_override_codes",
                "clearance_override_by",
                "clearance_override_at",
                "updated_at",
            ]
        )
        # The codes only: the reason is clinical free text and stays in the (encrypted) record.
        audit_record(
            actor=by,
            action="appointment.clearance_override",
            obj=appointment,
            patient=appointment.patient,
            details={"codes": codes},
        )
    return appointment


def appointment_questionnaire_send(*, appointment: Appointment, by: Any, now: datetime) -> Intake:
    """Email the patient the health questionnaire this session needs: the one in hand, or a new
    one when there is none or the clearance has run out."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status not in (Status.BOOKED, Status.ARRIVED):
            raise NothingToClear(f"This appointment is {appointment.get_status_display().lower()}.")
        if not appointment.patient.email:
            raise ValidationError({"email": "The patient has no email address: add one to their details first."})
        course = appointment.course
        if course is None:
            raise NothingToClear("This appointment is not part of a course: there is no questionnaire to send.")
        ways = {problem.way for problem in _problems(appointment)}
        if rule.SEND not in ways:
            raise NothingToClear("The patient has nothing to fill in for this session.")
        intake = intake_open(
            patient=appointment.patient,
            treatment=appointment.treatment,
            area=appointment.area,
            needed_by=appointment.start,
            by=by,
        )
        if course.intake_id != intake.pk and course.area_id == appointment.area_id:
            course.intake = intake  # a new questionnaire after an expired clearance: the course waits for it
            course.save(update_fields=["intake", "updated_at"])
        messages.intake_request_resend_schedule(course=course, now=now)
        audit_record(actor=by, action="intake.request_send", obj=intake, patient=appointment.patient)
    return intake


def appointment_health_confirm(*, appointment: Appointment, by: Any, now: datetime) -> Intake:
    """The practitioner asked the patient at the session: nothing has changed since the last one."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if not has_role(by, Role.PRACTITIONER):
            raise PermissionDenied("A practitioner asks the patient about changes in their health.")
        problem = next((p for p in _problems(appointment) if p.code == rule.NO_RECHECK), None)
        if problem is None or problem.intake_pk is None:
            raise NothingToClear("There is no health-change check to answer for this session.")
        intake = Intake.objects.get(pk=problem.intake_pk)
        return health_change_record(intake=intake, changed=False, answers=None, by=by, now=now)
