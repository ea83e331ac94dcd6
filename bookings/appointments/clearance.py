"""Reading the clinical gate's facts for appointments, and enforcing it (the rule itself is pure:
bookings/domain/clearance.py).

Bookings reads intake's tables (questionnaires, reviews, consents) and the audit trail for the
health-change checks (`intake.recheck`, written by intake's `health_change_record`); intake never
reads bookings. The facts of any number of appointments load in six queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bookings.domain import clearance as rule
from bookings.models import Appointment
from clinic.errors import Conflict
from clinic.models import AuditEvent
from intake.models import Consent, Intake, Review

# A consultation treats nothing: only treatment and maintenance sessions pass the gate.
GATED_KINDS = (Appointment.Kind.TREATMENT, Appointment.Kind.MAINTENANCE)
RECHECK_ACTION = "intake.recheck"


class NotCleared(Conflict):
    """The session cannot be completed or recorded: what is missing, in words (HTTP 409)."""

    code = "not_cleared"

    def __init__(self, problems: Sequence[rule.Problem]) -> None:
        super().__init__(
            "This session cannot be completed or recorded yet: "
            + " ".join(problem.words for problem in problems)
            + " A practitioner may proceed only with a recorded clinical reason."
        )
        self.problems = list(problems)

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "reasons": [{"code": p.code, "detail": p.words} for p in self.problems]}


def clearance_facts_for(appointments: Sequence[Appointment]) -> dict[int, rule.SessionFacts]:
    """The gate's facts per appointment (treatment and maintenance sessions only), in six queries.

    The appointments need their location, treatment and area loaded."""
    gated = [a for a in appointments if a.kind in GATED_KINDS]
    if not gated:
        return {}
    patients = {a.patient_id for a in gated}
    treatments = {a.treatment_id for a in gated}
    intakes: dict[tuple[int, int, int], list[dict]] = defaultdict(list)
    for row in (
        Intake.objects.filter(patient_id__in=patients, treatment_id__in=treatments)
        .order_by("-created_at", "-pk")
        .values("pk", "patient_id", "treatment_id", "area_id", "status", "valid_until", "submitted_at")
    ):
        intakes[row["patient_id"], row["treatment_id"], row["area_id"]].append(row)
    confirmed = _confirmations([row for rows in intakes.values() for row in rows])
    consents = _consented_areas(patients, treatments)
    sessions: dict[tuple[int, int], list[tuple[int, Any]]] = defaultdict(list)
    for pk, patient_id, treatment_id, start in Appointment.objects.filter(
        patient_id__in=patients, treatment_id__in=treatments, status=Appointment.Status.COMPLETED
    ).values_list("pk", "patient_id", "treatment_id", "start"):
        sessions[patient_id, treatment_id].append((pk, start))
    facts = {}
    for a in gated:
        day = a.start.astimezone(a.location.zone).date()
        intake = _best_intake(intakes.get((a.patient_id, a.treatment_id, a.area_id), []), day)
        others = [start for pk, start in sessions.get((a.patient_id, a.treatment_id), []) if pk != a.pk]
        areas = consents.get((a.patient_id, a.treatment_id), set())
        facts[a.pk] = rule.SessionFacts(
            treatment=a.treatment.name,
            area=a.area.name,
            day=day,
            start=a.start,
            intake=None
            if intake is None
            else rule.IntakeFacts(
                pk=intake["pk"],
                status=intake["status"],
                valid_until=intake["valid_until"],
                confirmed_at=tuple(confirmed.get(intake["pk"], ())),
            ),
            # None in the set: a consent signed before areas were recorded named every area.
            consent_signed=None in areas or a.area_id in areas,
            previous_session=max((s for s in others if s < a.start), default=None),
            next_session=min((s for s in others if s > a.start), default=None),
            overridden=frozenset(a.clearance_override_codes or ()) if a.clearance_override_at else frozenset(),
        )
    return facts


def _best_intake(rows: list[dict], day) -> dict | None:
    """A clearance valid on the day if there is one, else the latest questionnaire (to say why)."""
    valid = [
        row
        for row in rows
        if row["status"] == Intake.Status.CLEARED and row["valid_until"] and row["valid_until"] >= day
    ]
    if valid:
        return max(valid, key=lambda row: row["valid_until"])
    return rows[0] if rows else None


def _confirmations(intakes: list[dict]) -> dict[int, list]:
    """When each questionnaire's answers were last vouched for: sent, approved, or rechecked."""
    moments: dict[int, list] = defaultdict(list)
    for row in intakes:
        if row["submitted_at"]:
            moments[row["pk"]].append(row["submitted_at"])
    ids = [row["pk"] for row in intakes]
    if not ids:
        return moments
    approvals = Review.objects.filter(intake_id__in=ids, decision=Review.Decision.APPROVE)
    for intake_id, at in approvals.values_list("intake_id", "at"):
        moments[intake_id].append(at)
    rechecks = AuditEvent.objects.filter(
        action=RECHECK_ACTION, object_type=Intake._meta.label_lower, object_id__in=[str(pk) for pk in ids]
    )
    for object_id, at in rechecks.values_list("object_id", "at"):
        moments[int(object_id)].append(at)
    return moments


def _consented_areas(patients: set[int], treatments: set[int]) -> dict[tuple[int, int], set[int | None]]:
    """The areas each patient has consented to per treatment (None: a consent naming no area)."""
    areas: dict[tuple[int, int], set[int | None]] = defaultdict(set)
    rows = Consent.objects.filter(patient_id__in=patients, text__treatment_id__in=treatments).values_list(
        "patient_id", "text__treatment_id", "areas"
    )
    for patient_id, treatment_id, area_id in rows:
        areas[patient_id, treatment_id].add(area_id)
    return areas


def clearance_problems_for(appointments: Sequence[Appointment]) -> dict[int, list[rule.Problem]]:
    """Every unmet condition per appointment (empty lists left out), for the diary pages."""
    facts = clearance_facts_for(appointments)
    return {pk: problems for pk, fact in facts.items() if (problems := rule.clearance_problems(fact))}


def clearance_facts(appointment: Appointment) -> rule.SessionFacts | None:
    return clearance_facts_for([appointment]).get(appointment.pk)


def clearance_require(appointment: Appointment) -> None:
    """Refuse (409) to complete or record a session the gate stops and no reason covers."""
    facts = clearance_facts(appointment)
    if facts is not None and (blocking := rule.clearance_blocking(facts)):
        raise NotCleared(blocking)
