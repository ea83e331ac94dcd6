"""The patient's health questionnaire: five server-rendered steps saved as a draft, then sent.

Plain POST/redirect/GET (works without JavaScript). The patient never sees findings or clinical
wording: only whether the answers are with a practitioner, all clear, or need a call. Intake never
imports bookings: the patient's open courses are read through the `courses` reverse relation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.models import Patient
from clinic.roles import Role, role_required
from intake import screening
from intake.forms import (
    HSV_CHOICES,
    AboutForm,
    ConsentForm,
    HealthForm,
    MedicinesForm,
    PhotoConsentForm,
    RecheckForm,
)
from intake.models import Consent, ConsentText, Intake, PhotoConsent
from intake.services import (
    IntakeConflict,
    consent_record,
    health_change_record,
    intake_open,
    intake_questions,
    intake_save_answers,
    intake_submit,
    photo_consent_set,
)
from treatments.models import Area

Status = Intake.Status
STEPS = ("Your health", "Medicines and allergies", "About you", "Consent", "Check and send")
LAST_STEP = len(STEPS)

KIND_MESSAGE = (
    "Thank you for telling us about your health. Based on your answers we need to talk to you before going "
    "ahead; a practitioner will call you. Please do not worry: this is to keep you safe."
)
DONE_MESSAGES = {
    Status.CLEARED: "Thank you: all clear. Your course will be booked and we will email you the dates.",
    Status.NEEDS_REVIEW: (
        "Thank you. A practitioner will look at your answers within two working days; we will email you."
    ),
    Status.NOT_SUITABLE: KIND_MESSAGE,
    Status.DECLINED: KIND_MESSAGE,
}
DONE_MESSAGES[Status.SUBMITTED] = DONE_MESSAGES[Status.NEEDS_REVIEW]
STATUS_WORDS = {
    Status.DRAFT: "Not finished",
    Status.SUBMITTED: "With our practitioner",
    Status.NEEDS_REVIEW: "With our practitioner",
    Status.CLEARED: "All clear",
    Status.NOT_SUITABLE: KIND_MESSAGE,
    Status.DECLINED: KIND_MESSAGE,
}
ALREADY_SENT = "You have already sent this questionnaire to the clinic, so it can no longer be changed."


def _patient(request: HttpRequest) -> Patient:
    patient = Patient.objects.filter(user=request.user).first()
    if patient is None:
        raise Http404
    return patient


def _own_intake(request: HttpRequest, pk: int) -> Intake:
    """The signed-in patient's intake; anyone else's answers 404 (never 403)."""
    return get_object_or_404(
        Intake.objects.select_related("patient", "treatment", "area"), pk=pk, patient=_patient(request)
    )


def _consent_text(intake: Intake) -> ConsentText | None:
    return ConsentText.objects.filter(treatment=intake.treatment).order_by("-version").first()


def _signature(intake: Intake) -> Consent | None:
    """This intake's consent to the latest wording (a new version must be signed again)."""
    text = _consent_text(intake)
    if text is None:
        return None
    return intake.consents.filter(text=text).order_by("-accepted_at").first()


def _first_open_step(intake: Intake, questions: list[screening.Item]) -> int:
    """The first step not answered yet: a later step cannot be reached by typing its address."""
    answers = intake.answers
    done = (
        all(item.code in answers for item in questions),
        "medications" in answers and "allergies" in answers,
        all(name in answers for name in ("height_cm", "weight_kg", "weight_stable", "hsv_frequency")),
        _signature(intake) is not None,
    )
    return next((step for step, finished in enumerate(done, start=1) if not finished), LAST_STEP)


def _bmi(answers: dict[str, Any]) -> float | None:
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if not isinstance(height, int | float) or not isinstance(weight, int | float) or not height:
        return None
    return round(weight / (height / 100) ** 2, 1)


def _live_purposes(patient: Patient) -> list[str]:
    return sorted(PhotoConsent.objects.filter(patient=patient, revoked_at=None).values_list("purpose", flat=True))


# The list ---------------------------------------------------------------------------------------


def _startable(patient: Patient, intakes: list[Intake], today: date) -> list[Area]:
    """(treatment, area) of the patient's courses awaiting an intake that have none in hand.

    An intake that is not suitable or declined stays in the way: the patient is called, and does
    not get to answer again until then. Only an expired clearance lets a new one start.
    """
    pairs = patient.courses.filter(status="awaiting_intake", intake__isnull=True).values("treatment_id", "area_id")
    in_hand = {
        (i.treatment_id, i.area_id)
        for i in intakes
        if not (i.status == Status.CLEARED and i.valid_until is not None and i.valid_until < today)
    }
    wanted = {(p["treatment_id"], p["area_id"]) for p in pairs} - in_hand
    areas = Area.objects.select_related("treatment").filter(pk__in={area for _, area in wanted})
    return sorted((a for a in areas if (a.treatment_id, a.pk) in wanted), key=lambda a: (a.treatment.name, a.name))


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def intake_list(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    intakes = list(patient.intakes.select_related("treatment", "area").order_by("-created_at"))
    startable = _startable(patient, intakes, timezone.localdate())
    if request.method == "POST":
        return _start(request, patient, startable)
    rows = []
    for intake in intakes:
        row: dict[str, Any] = {"intake": intake, "status": STATUS_WORDS.get(intake.status, "")}
        if intake.status == Status.DRAFT:
            row["step"] = _first_open_step(intake, intake_questions(intake))
        rows.append(row)
    return render(request, "intake/list.html", {"rows": rows, "startable": startable})


def _start(request: HttpRequest, patient: Patient, startable: list[Area]) -> HttpResponse:
    try:
        wanted = (int(request.POST.get("treatment", "")), int(request.POST.get("area", "")))
    except ValueError:
        raise Http404 from None
    area = next((a for a in startable if (a.treatment_id, a.pk) == wanted), None)
    if area is None:
        raise Http404
    intake = intake_open(patient=patient, treatment=area.treatment, area=area)
    if intake.area_id != area.pk:
        # intake_open reuses any draft for the treatment: finish that one first.
        messages.info(request, f"Please finish your questionnaire for {intake.area.name.lower()} first.")
    return redirect("intake-step", pk=intake.pk, step=_first_open_step(intake, intake_questions(intake)))


# The steps --------------------------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def intake_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    intake = _own_intake(request, pk)
    if intake.status != Status.DRAFT:
        messages.info(request, ALREADY_SENT)
        return redirect("intake-list")
    if not 1 <= step <= LAST_STEP:
        raise Http404
    questions = intake_questions(intake)
    first_open = _first_open_step(intake, questions)
    if step > first_open:
        messages.info(request, "Please answer these questions first.")
        return redirect("intake-step", pk=intake.pk, step=first_open)
    return _STEP_VIEWS[step](request, intake, questions)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _render_step(request: HttpRequest, intake: Intake, step: int, **context: Any) -> HttpResponse:
    context.update(
        intake=intake, step=step, step_count=LAST_STEP, step_title=STEPS[step - 1],
        steps=[{"number": n, "title": t} for n, t in enumerate(STEPS, start=1)],
    )  # fmt: skip
    return render(request, f"intake/step_{step}.html", context)


def _save(request: HttpRequest, intake: Intake, step: int, form: Any, answers: dict[str, Any]) -> HttpResponse | None:
    """Save the step's answers as the draft and go on (or back to the list); None: show the form's errors."""
    try:
        intake_save_answers(intake=intake, answers=answers, by=request.user, step=step)
    except IntakeConflict:
        messages.info(request, ALREADY_SENT)
        return redirect("intake-list")
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    return _onwards(request, intake, step)


def _onwards(request: HttpRequest, intake: Intake, step: int) -> HttpResponse:
    if request.POST.get("action") == "later":
        messages.success(request, "Your answers are saved. You can finish the questionnaire at any time.")
        return redirect("intake-list")
    return redirect("intake-step", pk=intake.pk, step=min(step + 1, LAST_STEP))


def _answers_step(request: HttpRequest, intake: Intake, step: int, form: Any, **context: Any) -> HttpResponse:
    """Steps 1-3: a valid form is saved as the draft; otherwise the page again, with its errors."""
    if (
        request.method == "POST"
        and form.is_valid()
        and (response := _save(request, intake, step, form, form.answers()))
    ):
        return response
    return _render_step(request, intake, step, form=form, **context)


def _step_health(request: HttpRequest, intake: Intake, questions: list[screening.Item]) -> HttpResponse:
    return _answers_step(request, intake, 1, HealthForm(_data(request), questions=questions, answers=intake.answers))


def _step_medicines(request: HttpRequest, intake: Intake, questions: list[screening.Item]) -> HttpResponse:
    form = MedicinesForm(_data(request), answers=intake.answers)
    return _answers_step(request, intake, 2, form, patient=intake.patient)


def _step_about(request: HttpRequest, intake: Intake, questions: list[screening.Item]) -> HttpResponse:
    return _answers_step(
        request, intake, 3, AboutForm(_data(request), answers=intake.answers), bmi=_bmi(intake.answers)
    )


def _step_consent(request: HttpRequest, intake: Intake, questions: list[screening.Item]) -> HttpResponse:
    text = _consent_text(intake)
    signature = _signature(intake)
    form = ConsentForm(
        _data(request), signed=signature is not None, initial={"purposes": _live_purposes(intake.patient)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                now = timezone.now()
                address = request.META.get("REMOTE_ADDR")
                if signature is None:
                    consent_record(
                        intake=intake, typed_name=form.cleaned_data["typed_name"], agreed=form.cleaned_data["agreed"],
                        address=address, now=now,
                    )  # fmt: skip
                photo_consent_set(
                    patient=intake.patient, purposes=form.cleaned_data["purposes"], by=request.user, address=address,
                    now=now,
                )  # fmt: skip
                intake_save_answers(intake=intake, answers={}, by=request.user, step=4)
        except IntakeConflict:
            messages.info(request, ALREADY_SENT)
            return redirect("intake-list")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _onwards(request, intake, 4)
    return _render_step(request, intake, 4, form=form, text=text, signature=signature)


def _step_check(request: HttpRequest, intake: Intake, questions: list[screening.Item]) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "later":
            return _onwards(request, intake, LAST_STEP)
        try:
            intake_submit(intake=intake, by=request.user)
        except IntakeConflict:
            messages.info(request, ALREADY_SENT)
            return redirect("intake-list")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("intake-step", pk=intake.pk, step=_first_open_step(intake, questions))
        return redirect("intake-done", pk=intake.pk)
    return _render_step(request, intake, LAST_STEP, summary=_summary(intake, questions))


def _summary(intake: Intake, questions: list[screening.Item]) -> dict[str, Any]:
    answers = intake.answers

    def yes_no(value: Any) -> str:
        return {True: "Yes", False: "No"}.get(value, "Not answered")

    return {
        "health": [{"question": item.question, "answer": yes_no(answers.get(item.code))} for item in questions],
        "medications": answers.get("medications") or [],
        "allergies": answers.get("allergies") or [],
        "height_cm": answers.get("height_cm"),
        "weight_kg": answers.get("weight_kg"),
        "bmi": _bmi(answers),
        "weight_stable": yes_no(answers.get("weight_stable")),
        "hsv_frequency": dict(HSV_CHOICES).get(answers.get("hsv_frequency"), "Not answered"),
        "hsv_after_procedure": None
        if answers.get("hsv_after_procedure") is None
        else yes_no(answers["hsv_after_procedure"]),
        "expectations": answers.get("expectations") or "",
        "signature": _signature(intake),
        "photos": [PhotoConsent.Purpose(p).label for p in _live_purposes(intake.patient)],
    }


_STEP_VIEWS: dict[int, Callable[[HttpRequest, Intake, list[screening.Item]], HttpResponse]] = {
    1: _step_health,
    2: _step_medicines,
    3: _step_about,
    4: _step_consent,
    5: _step_check,
}


# After sending ----------------------------------------------------------------------------------


@role_required(Role.PATIENT)
def intake_done(request: HttpRequest, pk: int) -> HttpResponse:
    intake = _own_intake(request, pk)
    if intake.status == Status.DRAFT:
        return redirect("intake-step", pk=intake.pk, step=_first_open_step(intake, intake_questions(intake)))
    return render(
        request, "intake/done.html", {"intake": intake, "message": DONE_MESSAGES.get(intake.status, KIND_MESSAGE)}
    )


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def intake_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    intake = _own_intake(request, pk)
    if intake.status != Status.CLEARED:
        messages.info(request, "There is nothing to check on this questionnaire now.")
        return redirect("intake-list")
    form = RecheckForm(_data(request), answers=intake.answers)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            intake = health_change_record(intake=intake, changed=answers is not None, answers=answers, by=request.user)
        except IntakeConflict:
            messages.info(request, "There is nothing to check on this questionnaire now.")
            return redirect("intake-list")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if intake.status != Status.CLEARED:
                return redirect("intake-done", pk=intake.pk)
            messages.success(request, "Thank you for telling us. Your course goes ahead as planned.")
            return redirect("intake-list")
    return render(request, "intake/recheck.html", {"intake": intake, "form": form})


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def photo_consent(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    form = PhotoConsentForm(_data(request), initial={"purposes": _live_purposes(patient)})
    if request.method == "POST" and form.is_valid():
        try:
            photo_consent_set(
                patient=patient, purposes=form.cleaned_data["purposes"], by=request.user,
                address=request.META.get("REMOTE_ADDR"), now=timezone.now(),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Your choices about photographs are saved.")
            return redirect("photo-consent")
    latest: dict[str, PhotoConsent] = {}
    for consent in PhotoConsent.objects.filter(patient=patient).order_by("granted_at", "pk"):
        latest[consent.purpose] = consent
    rows = [{"label": purpose.label, "consent": latest.get(purpose.value)} for purpose in PhotoConsent.Purpose]
    return render(request, "intake/photo_consent.html", {"form": form, "rows": rows})
