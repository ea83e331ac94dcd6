"""The patient's health questionnaire: five server-rendered steps saved as a draft, then sent.

Plain POST/redirect/GET (works without JavaScript). The patient never sees findings or clinical
wording: only whether the answers are with a practitioner, all clear, or need a call. A booking opens
the questionnaire its course needs (bookings calls `intake_open`); intake never reads bookings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import patient_of
from clinic.audit import current_address
from clinic.roles import Role, role_required
from intake.consent import intake_consent_give, photo_consent_set
from intake.domain import screening
from intake.models import Intake, PhotoConsent
from intake.selectors import (
    consent_signature,
    consent_text_for,
    consent_wording_for,
    intake_questions,
    photo_purposes_live,
    questionnaire_words,
)
from intake.services import IntakeConflict, health_change_record, intake_save_answers, intake_submit
from intake.web.patient.forms import (
    HSV_CHOICES,
    AboutForm,
    ConsentForm,
    HealthForm,
    MedicinesForm,
    PhotoConsentForm,
    RecheckForm,
)

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
ALREADY_SENT = "You have already sent this questionnaire to the clinic, so it can no longer be changed."


def _own_intake(request: HttpRequest, pk: int) -> Intake:
    """The signed-in patient's intake; anyone else's answers 404 (never 403)."""
    return get_object_or_404(
        Intake.objects.select_related("patient", "treatment", "area"), pk=pk, patient=patient_of(request.user)
    )


def _first_open_step(intake: Intake, questions: list[screening.Item]) -> int:
    """The first step not answered yet: a later step cannot be reached by typing its address."""
    answers = intake.answers
    done = (
        all(item.code in answers for item in questions),
        "medications" in answers and "allergies" in answers,
        all(name in answers for name in ("height_cm", "weight_kg", "weight_stable", "hsv_frequency")),
        consent_signature(intake) is not None,
    )
    return next((step for step, finished in enumerate(done, start=1) if not finished), LAST_STEP)


def _bmi(answers: dict[str, Any]) -> float | None:
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if not isinstance(height, int | float) or not isinstance(weight, int | float) or not height:
        return None
    return round(weight / (height / 100) ** 2, 1)


# The list ---------------------------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def intake_list(request: HttpRequest) -> HttpResponse:
    """Every questionnaire of the patient's: a booking opens the one its course needs."""
    intakes = patient_of(request.user).intakes.select_related("treatment", "area").order_by("-created_at")
    rows = []
    for intake in intakes:
        row: dict[str, Any] = {"intake": intake, "status": questionnaire_words(intake)}
        if intake.status == Status.DRAFT:
            row["step"] = _first_open_step(intake, intake_questions(intake))
            row["started"] = bool(intake.answers)
        rows.append(row)
    return render(request, "intake/list.html", {"rows": rows})


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
        intake=intake,
        step=step,
        step_count=LAST_STEP,
        step_title=STEPS[step - 1],
        steps=[{"number": n, "title": t} for n, t in enumerate(STEPS, start=1)],
    )
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
    signature = consent_signature(intake)
    live = photo_purposes_live(intake.patient)
    form = ConsentForm(_data(request), signed=signature is not None, initial={"purposes": live})
    if request.method == "POST" and form.is_valid():
        try:
            intake_consent_give(
                intake=intake,
                typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"],
                purposes=form.cleaned_data["purposes"],
                by=request.user,
                address=current_address(),
                now=timezone.now(),
            )
        except IntakeConflict:
            messages.info(request, ALREADY_SENT)
            return redirect("intake-list")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _onwards(request, intake, 4)
    text = consent_text_for(intake)
    wording = consent_wording_for(intake, text) if text else ""
    return _render_step(request, intake, 4, form=form, text=text, wording=wording, signature=signature)


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
        "signature": consent_signature(intake),
        "photos": [PhotoConsent.Purpose(p).label for p in photo_purposes_live(intake.patient)],
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
    patient = patient_of(request.user)
    form = PhotoConsentForm(_data(request), initial={"purposes": photo_purposes_live(patient)})
    if request.method == "POST" and form.is_valid():
        try:
            photo_consent_set(
                patient=patient,
                purposes=form.cleaned_data["purposes"],
                by=request.user,
                address=current_address(),
                now=timezone.now(),
            )
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
