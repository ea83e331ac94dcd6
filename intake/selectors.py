"""Reading intakes: the questions a questionnaire asks, its consent, and the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from clinic.models import Patient
from intake.catalogue import catalogue_load
from intake.domain import screening
from intake.models import Consent, ConsentText, Intake, PhotoConsent

# Computed from the record (age) or asked as structured fields (height and weight, cold sores).
ASKED_ELSEWHERE = frozenset(screening.COMPUTED_CODES) | {"HSV_FACE"}
REVIEW_STATUSES = (Intake.Status.NEEDS_REVIEW, Intake.Status.NOT_SUITABLE)

# How much a patient may write, the same on the pages and over the API (both save through
# intake_save_answers): the questionnaire's own boxes. A list's limit counts its entries one per
# line, as the page's box holds them.
TEXT_LIMITS = {"expectations": 1000, "health_change": 2000}
LIST_LIMIT = 4000
HSV_CHOICES = tuple(zip(screening.HSV_FREQUENCIES, ("Never", "Occasionally", "Often"), strict=True))
KINDS = ("yes/no", "number", "text", "list", "choice")


@dataclass(frozen=True)
class Question:
    """One thing the questionnaire asks, as the pages ask it and an app can: `code` is the key of
    the answer (`{"PREG": false, "height_cm": 168}`)."""

    code: str
    text: str
    kind: str  # one of KINDS; a yes/no answer is JSON true or false, a list is a list of strings
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (value, label), for "choice"
    minimum: float | None = None  # for "number"
    maximum: float | None = None
    max_length: int | None = None  # for "text", and a "list" in all


# The structured part of every questionnaire (after the catalogue's yes/no questions), in the
# order the pages ask it. `required`: what submitting needs (a cold sore after a procedure only
# matters for someone who gets cold sores).
STRUCTURED_QUESTIONS = (
    Question("medications", "Medicines you take (one per line, as written on the box)", "list", max_length=LIST_LIMIT),
    Question("allergies", "Allergies (one per line)", "list", max_length=LIST_LIMIT),
    Question("height_cm", "Height (cm)", "number", minimum=screening.HEIGHT_CM[0], maximum=screening.HEIGHT_CM[1]),
    Question("weight_kg", "Weight (kg)", "number", minimum=screening.WEIGHT_KG[0], maximum=screening.WEIGHT_KG[1]),
    Question("weight_stable", "Has your weight been stable (within 5%) for the last 6 months?", "yes/no"),
    Question("hsv_frequency", "How often do you get cold sores?", "choice", choices=HSV_CHOICES),
    Question("hsv_after_procedure", "Did one follow a previous cosmetic procedure?", "yes/no", required=False),
    Question(
        "expectations",
        "What result do you hope for?",
        "text",
        required=False,
        max_length=TEXT_LIMITS["expectations"],
    ),
)


def treatment_facts(intake: Intake) -> screening.TreatmentFacts:
    return screening.TreatmentFacts(
        indication=intake.treatment.indication,
        area=intake.area.slug,
        ingredients=frozenset(intake.treatment.ingredients.values_list("name", flat=True)),
    )


def intake_questions(intake: Intake) -> list[screening.Item]:
    items, _ = catalogue_load()
    applicable = screening.applicable_items(items, treatment_facts(intake))
    return [item for item in applicable if item.code not in ASKED_ELSEWHERE]


def intake_questionnaire(intake: Intake) -> list[Question]:
    """Every question this intake asks, in the pages' order: the catalogue's yes/no questions that
    apply to its treatment and area, then the structured ones."""
    asked = [Question(item.code, item.question, "yes/no") for item in intake_questions(intake)]
    return [*asked, *STRUCTURED_QUESTIONS]


def consent_text_for(intake: Intake) -> ConsentText | None:
    """The latest wording of the treatment's consent: the one a patient signs now."""
    return ConsentText.objects.filter(treatment=intake.treatment).order_by("-version").first()


# Where a consent wording names the area(s) the patient chose (migration 0007 put it in each text).
AREAS_PLACEHOLDER = "{areas}"


def consent_areas_words(names: list[str]) -> str:
    """ "face", "face and neck", "face, neck and hands": the areas as the wording names them."""
    names = [name.lower() for name in names]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def consent_wording(text: ConsentText, area_names: list[str]) -> str:
    """The consent as the patient reads and signs it: naming only the area(s) they booked."""
    return text.body.replace(AREAS_PLACEHOLDER, consent_areas_words(area_names))


def consent_wording_for(intake: Intake, text: ConsentText) -> str:
    return consent_wording(text, [intake.area.name])


def consent_signature(intake: Intake) -> Consent | None:
    """This intake's consent to the latest wording (a new version must be signed again)."""
    text = consent_text_for(intake)
    if text is None:
        return None
    return intake.consents.filter(text=text).order_by("-accepted_at").first()


def photo_purposes_live(patient: Patient) -> list[str]:
    return sorted(PhotoConsent.objects.filter(patient=patient, revoked_at=None).values_list("purpose", flat=True))


def review_queue_of(intakes: QuerySet[Intake]) -> QuerySet[Intake]:
    """Intakes waiting for a practitioner, the one needed soonest first (none last): `needed_by` is
    the first session of the course the questionnaire is for, as bookings tells intake."""
    return (
        intakes.filter(status__in=REVIEW_STATUSES)
        .select_related("patient", "treatment", "area")
        .order_by(F("needed_by").asc(nulls_last=True), "submitted_at", "pk")
    )


# What a patient reads about their questionnaire, on every page that mentions it (the questionnaire
# list, My appointments, the booking confirmation): plain words, never "awaiting intake".
NOT_STARTED = "Not started: please fill it in"
NOT_FINISHED = "Not finished: please finish and send it"
WITH_PRACTITIONER = "Sent: with our practitioner, who checks it"
ALL_CLEAR = "All clear"
WILL_CALL = "We need to talk to you first: a practitioner will call you"
PATIENT_WORDS = {
    Intake.Status.SUBMITTED: WITH_PRACTITIONER,
    Intake.Status.NEEDS_REVIEW: WITH_PRACTITIONER,
    Intake.Status.CLEARED: ALL_CLEAR,
    Intake.Status.NOT_SUITABLE: WILL_CALL,
    Intake.Status.DECLINED: WILL_CALL,
}


def questionnaire_words(intake: Intake | None) -> str:
    """The questionnaire's status as its patient reads it."""
    if intake is None:
        return NOT_STARTED
    if intake.status == Intake.Status.DRAFT:
        return NOT_FINISHED if intake.answers else NOT_STARTED
    return PATIENT_WORDS.get(intake.status, "")


def answers_text(value: Any) -> str:
    """An answer as the staff pages and the export show it."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "":
        return "Not answered"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "None"
    return str(value)
