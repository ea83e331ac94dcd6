"""Writers of intakes, consent and reviews.

The safety rule every path goes through: an intake with an ABSOLUTE finding is "not suitable"
and nothing here (form, API or admin) turns it into "cleared". Clearing sends `intake_cleared`,
which bookings answers; intake never imports bookings (DESIGN.md's dependency direction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.models import Patient, Practitioner, age_on
from clinic.params import BadValue, to_text
from intake.catalogue import catalogue_load
from intake.domain import screening
from intake.models import (
    CatalogueVersion,
    Intake,
    IntakeSettings,
    Review,
)
from intake.selectors import LIST_LIMIT, STRUCTURED_QUESTIONS, TEXT_LIMITS, intake_questions, treatment_facts
from intake.signals import intake_cleared, intake_declined, intake_not_suitable
from treatments.models import Area, Treatment

Status = Intake.Status
OPEN = (Status.DRAFT,)
STRUCTURED = {question.code for question in STRUCTURED_QUESTIONS}
LISTS = tuple(question.code for question in STRUCTURED_QUESTIONS if question.kind == "list")


# What every questionnaire must contain before it can be sent.
REQUIRED_FIELDS = tuple(question.code for question in STRUCTURED_QUESTIONS if question.required)
# Statuses of an intake that is still "in hand" for its treatment and area: a new course reuses
# it. A not suitable or declined one stays in the way too: the patient is called, and does not
# answer again until then. Only an expired clearance lets a new questionnaire start.
IN_HAND = (Status.DRAFT, Status.SUBMITTED, Status.NEEDS_REVIEW, Status.NOT_SUITABLE, Status.DECLINED)


class IntakeConflict(Conflict):
    code = "intake_conflict"


def intake_open(
    *, patient: Patient, treatment: Treatment, area: Area, needed_by: datetime | None = None, by: Any = None
) -> Intake:
    """The questionnaire a new course needs by its first session: the one in hand for this
    treatment and area (a clearance still valid then included), or a new draft.

    Bookings calls this when a course starts; intake never reads bookings' tables. Inside the
    caller's transaction it adds no savepoint of its own but the draft's insert (two requests can
    race to open the same draft), so a first booking stays within its statement budget."""
    with transaction.atomic(savepoint=False):
        intake = _in_hand(patient, treatment, area, needed_by)
        if intake is None:
            try:
                with transaction.atomic():  # the database allows one draft per treatment and area
                    intake = Intake.objects.create(patient=patient, treatment=treatment, area=area, needed_by=needed_by)
            except IntegrityError:
                # Opened by another request a moment ago (two tabs, a double click): that draft it is.
                intake = _in_hand(patient, treatment, area, needed_by)
                if intake is None:
                    raise
            else:
                audit_record(actor=by or patient.user, action="intake.start", obj=intake, patient=patient)
                return intake
        if needed_by is not None and intake.needed_by != needed_by:
            intake.needed_by = needed_by
            intake.save(update_fields=["needed_by", "updated_at"])
    return intake


def _in_hand(patient: Patient, treatment: Treatment, area: Area, needed_by: datetime | None) -> Intake | None:
    """The newest questionnaire in hand, else the clearance valid longest: one locking query."""
    valid_on = (needed_by or timezone.now()).date()
    candidates = list(
        Intake.objects.select_for_update()
        .filter(patient=patient, treatment=treatment, area=area)
        .filter(Q(status__in=IN_HAND) | Q(status=Status.CLEARED, valid_until__gte=valid_on))
    )
    in_hand = [i for i in candidates if i.status in IN_HAND]
    if in_hand:
        return max(in_hand, key=lambda i: (i.created_at, i.pk))
    return max(candidates, key=lambda i: i.valid_until, default=None)


def intake_needed_by_set(*, intake_id: int, needed_by: datetime | None) -> None:
    """The first session the questionnaire is needed for moved (or went): the review queue follows."""
    Intake.objects.filter(pk=intake_id).exclude(needed_by=needed_by).update(needed_by=needed_by)


def intake_save_answers(*, intake: Intake, answers: Mapping[str, Any], by: Any, step: int | None = None) -> Intake:
    """Merge a step's answers into the draft (saved at every step) after checking their types."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        if intake.status not in OPEN:
            raise IntakeConflict("This questionnaire has been submitted and can no longer be changed.")
        allowed = {item.code for item in intake_questions(intake)} | STRUCTURED
        unknown = sorted(set(answers) - allowed)
        if unknown:
            raise ValidationError({"answers": f"Unknown question(s): {', '.join(unknown)}."})
        merged = {**intake.answers, **answers}
        _check_answers(intake, merged)
        intake.answers = merged
        if step is not None:
            intake.step = max(intake.step, step)
        intake.save(update_fields=["answers", "step", "updated_at"])
        audit_record(
            actor=by, action="intake.save", obj=intake, patient=intake.patient, details={"fields": sorted(answers)}
        )
    return intake


def answers_check_limits(answers: Mapping[str, Any]) -> None:
    """Free text within its box's length and free of the control characters (NUL) the database
    refuses; lists of text within theirs. The screening checks the rest (types, ranges)."""
    for name, limit in TEXT_LIMITS.items():
        if answers.get(name) is not None:
            _check_text(name, answers[name], limit)
    for name in LISTS:
        entries = answers.get(name)
        if isinstance(entries, list | tuple):
            for entry in entries:
                _check_text(name, entry, LIST_LIMIT)
            if len("\n".join(entries)) > LIST_LIMIT:
                raise ValidationError({"answers": f"{name}: keep the list to {LIST_LIMIT} characters in all."})


def _check_text(name: str, value: Any, limit: int) -> None:
    try:
        to_text(value, name, max_length=limit, strip=False)
    except BadValue as exc:
        raise ValidationError({"answers": f"{name}: {exc.message}"}) from None


def _check_answers(intake: Intake, answers: Mapping[str, Any]) -> None:
    answers_check_limits(answers)
    items, classes = catalogue_load()
    try:
        screening.screen(
            answers=answers, age=30, treatment=treatment_facts(intake), catalogue=items, medication_classes=classes
        )
    except ValueError as exc:
        raise ValidationError({"answers": str(exc)}) from exc


def intake_submit(*, intake: Intake, by: Any, now: datetime | None = None) -> Intake:
    """Screen the answers, store the snapshot and decide: cleared, needs review or not suitable."""
    now = now or timezone.now()
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("patient", "treatment", "area").get(pk=intake.pk)
        if intake.status not in OPEN:
            raise IntakeConflict("This questionnaire has already been submitted.")
        missing = [item.code for item in intake_questions(intake) if item.code not in intake.answers]
        missing += [name for name in REQUIRED_FIELDS if intake.answers.get(name) is None]
        if missing:
            raise ValidationError({"answers": f"Please answer every question first (missing: {', '.join(missing)})."})
        if not intake.consents.exists():
            raise ValidationError({"consent": "Please read and sign the consent before submitting."})
        findings = _screen(intake, intake.answers, now)
        settings = IntakeSettings.current()
        result = screening.outcome(findings, require_signoff=settings.require_signoff_for_all)
        intake.findings = [asdict(f) for f in findings]
        intake.snapshot = {
            "questions": [{"code": item.code, "question": item.question} for item in intake_questions(intake)],
            "answers": intake.answers,
            "catalogue_version": getattr(CatalogueVersion.current(), "number", None),
            "findings": intake.findings,
            "age": age_on(intake.patient.date_of_birth, now.date()),
        }
        intake.catalogue_version = CatalogueVersion.current()
        intake.status = result
        intake.submitted_at = now
        intake.valid_until = (now + timedelta(days=settings.validity_days)).date()
        intake.save()
        audit_record(
            actor=by,
            action="intake.submit",
            obj=intake,
            patient=intake.patient,
            details={"outcome": result, "findings": [f.code for f in findings]},
        )
        _announce(intake, sessions=None, interval_days=None)
    return intake


def _screen(intake: Intake, answers: Mapping[str, Any], now: datetime) -> list[screening.Finding]:
    items, classes = catalogue_load()
    try:
        return screening.screen(
            answers=answers,
            age=age_on(intake.patient.date_of_birth, now.date()),
            treatment=treatment_facts(intake),
            catalogue=items,
            medication_classes=classes,
        )
    except ValueError as exc:
        raise ValidationError({"answers": str(exc)}) from exc


def _announce(intake: Intake, *, sessions: int | None, interval_days: int | None) -> None:
    """Tell the rest of the clinic, inside this transaction: what bookings does about the decision
    (link or cancel the course, write its messages) commits or rolls back with it."""
    if intake.status == Status.CLEARED:
        intake_cleared.send(Intake, intake_id=intake.pk, sessions=sessions, interval_days=interval_days)
    elif intake.status == Status.DECLINED:
        intake_declined.send(Intake, intake_id=intake.pk)
    elif intake.status == Status.NOT_SUITABLE:
        intake_not_suitable.send(Intake, intake_id=intake.pk)


def intake_decide(
    *,
    intake: Intake,
    practitioner: Practitioner,
    decision: str,
    by: Any,
    finding_decisions: Mapping[str, Mapping[str, str]] | None = None,
    sessions: int | None = None,
    interval_days: int | None = None,
    notes: str = "",
) -> Review:
    """A practitioner approves or declines an intake that needs review."""
    finding_decisions = dict(finding_decisions or {})
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("treatment").get(pk=intake.pk)
        if decision not in Review.Decision.values:
            raise ValidationError({"decision": "Choose approve or decline."})
        if intake.status == Status.NOT_SUITABLE and decision == Review.Decision.APPROVE:
            raise IntakeConflict("An intake with an absolute contraindication cannot be approved.")
        if intake.status not in (Status.NEEDS_REVIEW, Status.NOT_SUITABLE):
            raise IntakeConflict(f"This intake is {intake.get_status_display().lower()}: there is nothing to decide.")
        if any(f["severity"] == "ABSOLUTE" for f in intake.findings) and decision == Review.Decision.APPROVE:
            raise IntakeConflict("An intake with an absolute contraindication cannot be approved.")
        _check_course_shape(intake.treatment, sessions, interval_days)
        codes = {f["code"] for f in intake.findings}
        if unknown := sorted(set(finding_decisions) - codes):
            raise ValidationError({"finding_decisions": f"Not findings of this intake: {', '.join(unknown)}."})
        if decision == Review.Decision.APPROVE and any(
            d.get("decision") == "decline" for d in finding_decisions.values()
        ):
            raise ValidationError({"decision": "A finding is marked decline: decline the intake instead."})
        review = Review.objects.create(
            intake=intake,
            practitioner=practitioner,
            decision=decision,
            finding_decisions=finding_decisions,
            sessions=sessions,
            interval_days=interval_days,
            notes=notes,
        )
        intake.status = Status.CLEARED if decision == Review.Decision.APPROVE else Status.DECLINED
        intake.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action=f"intake.{decision}",
            obj=intake,
            patient=intake.patient,
            details={"review": review.pk, "sessions": sessions, "interval_days": interval_days},
        )
        _announce(intake, sessions=sessions, interval_days=interval_days)
    return review


def _check_course_shape(treatment: Treatment, sessions: int | None, interval_days: int | None) -> None:
    errors = {}
    if sessions is not None and not treatment.sessions_min <= sessions <= treatment.sessions_max:
        errors["sessions"] = (
            f"{treatment.name} courses have {treatment.sessions_min} to {treatment.sessions_max} sessions."
        )
    if interval_days is not None and not treatment.interval_min_days <= interval_days <= treatment.interval_max_days:
        errors["interval_days"] = (
            f"Sessions of {treatment.name.lower()} are {treatment.interval_min_days} to "
            f"{treatment.interval_max_days} days apart."
        )
    if errors:
        raise ValidationError(errors)


def health_change_record(
    *, intake: Intake, changed: bool, answers: Mapping[str, Any] | None, by: Any, now: datetime | None = None
) -> Intake:
    """ "Has anything changed?" before a later session. A change is re-screened; anything that now
    needs a clinician sends the intake back to review (or marks it not suitable)."""
    now = now or timezone.now()
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("patient", "treatment", "area").get(pk=intake.pk)
        if intake.status != Status.CLEARED:
            raise IntakeConflict("Only a cleared intake is rechecked before a session.")
        if not changed:
            audit_record(
                actor=by, action="intake.recheck", obj=intake, patient=intake.patient, details={"changed": False}
            )
            return intake
        merged = {**intake.answers, **(answers or {})}
        answers_check_limits(merged)
        findings = _screen(intake, merged, now)
        result = screening.outcome(findings)
        intake.answers = merged
        intake.findings = [asdict(f) for f in findings]
        if result != Status.CLEARED:
            intake.status = result
        intake.save(update_fields=["answers", "findings", "status", "updated_at"])
        audit_record(
            actor=by,
            action="intake.recheck",
            obj=intake,
            patient=intake.patient,
            details={"changed": True, "outcome": result},
        )
        if intake.status == Status.NOT_SUITABLE:
            _announce(intake, sessions=None, interval_days=None)
    return intake
