"""Making a patient clear for treatment, for tests that complete or record sessions: a cleared
questionnaire for the treatment and area, valid for months, and consent naming the area."""

from __future__ import annotations

from datetime import UTC, date, datetime

from intake.models import Consent, ConsentText, Intake

SUBMITTED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def clear_for_treatment(
    patient, treatment, area, *, valid_until: date = date(2027, 6, 1), submitted_at: datetime = SUBMITTED
) -> Intake:
    intake = Intake.objects.create(
        patient=patient,
        treatment=treatment,
        area=area,
        status=Intake.Status.CLEARED,
        submitted_at=submitted_at,
        valid_until=valid_until,
    )
    consent_sign(intake)
    return intake


def consent_sign(intake: Intake) -> Consent:
    text = ConsentText.objects.filter(treatment=intake.treatment).order_by("-version").first()
    consent = Consent.objects.create(
        patient=intake.patient,
        text=text,
        intake=intake,
        typed_name=intake.patient.full_name,
        accepted_at=intake.submitted_at or SUBMITTED,
    )
    consent.areas.set([intake.area])
    return consent


def clear(clinic, patient=None, **kwargs) -> Intake:
    return clear_for_treatment(patient or clinic.patient, clinic.treatment, clinic.area, **kwargs)


def recheck(intake: Intake, at: datetime, by=None) -> Intake:
    """The patient says nothing has changed, at `at` (the audit row's time is the clock's)."""
    import time_machine

    from intake.services import health_change_record

    with time_machine.travel(at, tick=False):
        return health_change_record(intake=intake, changed=False, answers=None, by=by or intake.patient.user, now=at)


def make_clear(appointment) -> None:
    """Whatever the gate asks of this appointment, done before it: for tests about something else
    (session records, course progress) that complete or record sessions."""
    from datetime import timedelta

    from bookings.appointments.clearance import clearance_facts
    from bookings.domain import clearance as rule

    facts = clearance_facts(appointment)
    codes = {problem.code for problem in rule.clearance_problems(facts)} if facts else set()
    if codes - {rule.NO_RECHECK}:
        clear_for_treatment(
            appointment.patient,
            appointment.treatment,
            appointment.area,
            submitted_at=min(SUBMITTED, appointment.start - timedelta(days=1)),
            valid_until=max(date(2027, 6, 1), appointment.start.date()),
        )
        facts = clearance_facts(appointment)
        codes = {problem.code for problem in rule.clearance_problems(facts)}
    if rule.NO_RECHECK in codes:
        intake = Intake.objects.get(pk=facts.intake.pk)
        recheck(intake, max(facts.previous_session, appointment.start - timedelta(hours=1)) + timedelta(minutes=1))
