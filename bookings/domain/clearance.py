"""The clinical gate: may this session be completed and recorded? Facts in, reasons out (pure).

A treatment session needs, for its patient, treatment and area:

1. a health questionnaire that is cleared (by screening, or approved by a practitioner) and still
   valid on the session's local date;
2. consent signed to that treatment, naming that area;
3. for a later session (the patient has had a completed session of the treatment before this
   one), the patient's word that nothing has changed since that session. "Answered for this
   session" means a confirmation of the questionnaire after the previous completed session (and
   before the next one, if there is one): a health-change check (`intake.recheck`), or the
   questionnaire sent or approved in that window, which are fresh looks at the patient's health.

Each unmet condition is a `Problem`: what is wrong in words, and the way forward. A practitioner
may proceed despite problems with a clinical reason; that covers the problems it was given for,
so a new one (the questionnaire is later marked not suitable) stops the session again.

The caller loads the facts (bookings/appointments/clearance.py); nothing here reads a clock or a
database, and status values are the intake's codes as plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Intake statuses, as intake stores them.
DRAFT, SUBMITTED, CLEARED = "draft", "submitted", "cleared"
NEEDS_REVIEW, NOT_SUITABLE, DECLINED = "needs_review", "not_suitable", "declined"

# Problem codes (kept with an override, so they are stable strings).
NO_QUESTIONNAIRE = "no_questionnaire"
NOT_SENT = "not_sent"
IN_REVIEW = "in_review"
NOT_SUITABLE_CODE = "not_suitable"
DECLINED_CODE = "declined"
EXPIRED = "expired"
NO_CONSENT = "no_consent"
NO_RECHECK = "no_recheck"

# What each problem was, in a few words (a recorded decision to go ahead lists them).
LABELS = {
    NO_QUESTIONNAIRE: "no health questionnaire",
    NOT_SENT: "questionnaire not sent",
    IN_REVIEW: "questionnaire not reviewed",
    NOT_SUITABLE_CODE: "screened as not suitable",
    DECLINED_CODE: "declined by a practitioner",
    EXPIRED: "clearance expired",
    NO_CONSENT: "consent not signed",
    NO_RECHECK: "no health-change check",
}

# Ways forward: what the pages offer next to the words.
SEND = "send"  # email the patient the questionnaire
REVIEW = "review"  # a practitioner reviews the questionnaire now
RECHECK = "recheck"  # the patient confirms nothing has changed (online, or asked at the desk)


@dataclass(frozen=True)
class IntakeFacts:
    pk: int
    status: str
    valid_until: date | None
    # When the patient's health was last looked at: sent, approved, or rechecked.
    confirmed_at: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class SessionFacts:
    treatment: str  # the treatment's name, for the words
    area: str  # the area's name
    day: date  # the session's local date
    start: datetime
    intake: IntakeFacts | None
    consent_signed: bool
    previous_session: datetime | None  # start of the last completed session of the treatment before this one
    next_session: datetime | None = None  # start of the first completed session after this one
    overridden: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Problem:
    code: str
    words: str
    way: str = ""
    intake_pk: int | None = None


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def clearance_problems(facts: SessionFacts) -> list[Problem]:
    """Every unmet condition, in the order a receptionist would deal with them."""
    problems = _intake_problems(facts)
    intake = facts.intake
    if not facts.consent_signed:
        consent = f"Consent to {facts.treatment.lower()} on the {facts.area.lower()} has not been signed"
        # The patient signs in the questionnaire, which is open only until it is sent.
        if intake is None or intake.status == DRAFT:
            problems.append(Problem(NO_CONSENT, f"{consent}: the patient signs it in the health questionnaire.", SEND))
        else:
            problems.append(Problem(NO_CONSENT, f"{consent}.", intake_pk=intake.pk))
    if intake is not None and intake.status == CLEARED and not _rechecked(facts, intake):
        assert facts.previous_session is not None
        problems.append(
            Problem(
                NO_RECHECK,
                "The patient has not confirmed that nothing has changed in their health since the last session, "
                f"on {_day(facts.previous_session.date())}.",
                RECHECK,
                intake.pk,
            )
        )
    return problems


def clearance_blocking(facts: SessionFacts) -> list[Problem]:
    """The problems a practitioner's recorded reason does not already cover."""
    return [problem for problem in clearance_problems(facts) if problem.code not in facts.overridden]


def _intake_problems(facts: SessionFacts) -> list[Problem]:
    intake = facts.intake
    questionnaire = f"health questionnaire for {facts.treatment.lower()} ({facts.area.lower()})"
    if intake is None:
        return [Problem(NO_QUESTIONNAIRE, f"No {questionnaire} has been started.", SEND)]
    if intake.status == DRAFT:
        return [Problem(NOT_SENT, f"The {questionnaire} has not been sent yet.", SEND, intake.pk)]
    if intake.status in (SUBMITTED, NEEDS_REVIEW):
        return [Problem(IN_REVIEW, f"The {questionnaire} is waiting for a practitioner's review.", REVIEW, intake.pk)]
    if intake.status == NOT_SUITABLE:
        return [
            Problem(
                NOT_SUITABLE_CODE,
                f"The {questionnaire} was screened as not suitable: a practitioner reviews it and calls the patient.",
                REVIEW,
                intake.pk,
            )
        ]
    if intake.status == DECLINED:
        words = f"A practitioner declined this treatment after reviewing the {questionnaire}."
        return [Problem(DECLINED_CODE, words, intake_pk=intake.pk)]
    if intake.valid_until is None or intake.valid_until < facts.day:
        until = f"was cleared until {_day(intake.valid_until)}" if intake.valid_until else "has no end date"
        return [
            Problem(
                EXPIRED,
                f"The {questionnaire} {until}, before this session on {_day(facts.day)}: the patient fills in a "
                "new one.",
                SEND,
                intake.pk,
            )
        ]
    return []


def _rechecked(facts: SessionFacts, intake: IntakeFacts) -> bool:
    """A first session needs no check; a later one needs a confirmation since the previous one."""
    if facts.previous_session is None:
        return True
    return any(
        facts.previous_session < moment and (facts.next_session is None or moment < facts.next_session)
        for moment in intake.confirmed_at
    )
