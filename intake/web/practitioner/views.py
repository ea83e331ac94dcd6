"""The practitioner's review pages: the queue of intakes to review, and one intake's review.

Only practitioners and clinic managers reach them (reception and patients get 404). Every view
of an intake's answers is audited. The decision goes through `intake_decide`, which refuses to
clear an intake with an absolute contraindication whatever the form sends.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.models import Practitioner, age_on
from clinic.roles import Role, has_role, role_required
from intake.access import get_intake_for, review_queue
from intake.models import Intake, Review, Severity
from intake.selectors import answers_text
from intake.services import intake_decide
from intake.web.practitioner.forms import ReviewForm

SEVERITY_ORDER = [Severity.ABSOLUTE, Severity.RELATIVE, Severity.CAUTION]
SEVERITY_SHORT = {Severity.ABSOLUTE: "Absolute", Severity.RELATIVE: "Relative", Severity.CAUTION: "Caution"}
STRUCTURED_LABELS = {
    "height_cm": "Height (cm)",
    "weight_kg": "Weight (kg)",
    "weight_stable": "Weight stable (within 5% for 6 months)",
    "medications": "Medications",
    "allergies": "Allergies",
    "hsv_frequency": "Cold sores",
    "hsv_after_procedure": "Cold sore after a past procedure",
    "expectations": "Expectations",
}


@role_required(Role.PRACTITIONER, Role.MANAGER)
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """Intakes needing review, soonest appointment first; not suitable ones apart (call the patient)."""
    needs_review, not_suitable = [], []
    for intake in review_queue(request.user):
        counts = Counter(f.get("severity") for f in intake.findings)
        intake.severity_counts = [
            {"label": SEVERITY_SHORT[s], "severity": s.value, "count": counts[s]} for s in SEVERITY_ORDER if counts[s]
        ]
        (not_suitable if intake.status == Intake.Status.NOT_SUITABLE else needs_review).append(intake)
    return render(
        request, "intake/staff/review_queue.html", {"needs_review": needs_review, "not_suitable": not_suitable}
    )


def _finding_groups(intake: Intake, form: ReviewForm) -> list[dict[str, Any]]:
    """Each finding beside the question and the answer that raised it, grouped by code."""
    snapshot = intake.snapshot or {}
    questions = {q["code"]: q["question"] for q in snapshot.get("questions", [])}
    answers = snapshot.get("answers", intake.answers)
    groups: dict[str, dict[str, Any]] = {}
    for finding in intake.findings:
        code = finding["code"]
        group = groups.setdefault(
            code,
            {
                "code": code,
                "question": questions.get(code, ""),
                "answer": answers_text(answers.get(code)) if code in questions else "",
                "findings": [],
                "decision_field": form[f"finding_{code}"],
                "notes_field": form[f"finding_{code}_notes"],
            },
        )
        severity = Severity(finding["severity"])
        group["findings"].append(
            {
                **finding,
                "severity_label": severity.label,
                "severity_short": SEVERITY_SHORT[severity],
                "source_answer": _source_answer(finding, answers),
            }
        )
    return list(groups.values())


def _source_answer(finding: dict[str, Any], answers: dict[str, Any]) -> str:
    """The answer the finding came from, in the patient's words."""
    source = finding.get("source")
    if source == "medication":
        return f"Medications: {answers_text(answers.get('medications'))}"
    if source == "allergy":
        return f"Allergies: {answers_text(answers.get('allergies'))}"
    if source == "bmi":
        return f"Height {answers_text(answers.get('height_cm'))} cm, weight {answers_text(answers.get('weight_kg'))} kg"
    if source == "weight":
        return f"Weight stable: {answers_text(answers.get('weight_stable'))}"
    if source == "cold_sores":
        return (
            f"Cold sores: {answers_text(answers.get('hsv_frequency'))}; after a past procedure: "
            f"{answers_text(answers.get('hsv_after_procedure'))}"
        )
    if source == "answer":
        return f"Answered: {answers_text(answers.get(finding['code']))}"
    return ""


def _questionnaire(intake: Intake) -> list[dict[str, str]]:
    snapshot = intake.snapshot or {}
    answers = snapshot.get("answers", intake.answers)
    rows = [
        {"code": q["code"], "question": q["question"], "answer": answers_text(answers.get(q["code"]))}
        for q in snapshot.get("questions", [])
    ]
    rows += [
        {"code": name, "question": label, "answer": answers_text(answers.get(name))}
        for name, label in STRUCTURED_LABELS.items()
    ]
    return rows


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intake = get_intake_for(request.user, pk, clinical=True)
    codes = list(dict.fromkeys(f["code"] for f in intake.findings))
    practitioner = Practitioner.objects.filter(user=request.user, is_active=True).first()
    decidable = intake.status in (Intake.Status.NEEDS_REVIEW, Intake.Status.NOT_SUITABLE)
    can_decide = decidable and practitioner is not None and has_role(request.user, Role.PRACTITIONER)
    initial = {
        f"finding_{code}": "proceed"
        for code in codes
        if all(f["severity"] == Severity.CAUTION for f in intake.findings if f["code"] == code)
    }
    form = ReviewForm(request.POST if request.method == "POST" else None, intake=intake, codes=codes, initial=initial)
    if request.method == "POST":
        if not can_decide:
            messages.error(request, "Only a practitioner decides on an intake that is waiting for review.")
        elif form.is_valid() and (done := _decide(request, intake, form, practitioner)):
            return done
        intake.refresh_from_db()
    audit_record(actor=request.user, action="intake.view", obj=intake, patient=intake.patient)
    return render(request, "intake/staff/review_detail.html", _detail_context(intake, form, can_decide=can_decide))


def _decide(request: HttpRequest, intake: Intake, form: ReviewForm, practitioner: Practitioner) -> HttpResponse | None:
    """The decision through the service; None when it was refused (the errors are on the form)."""
    approving = form.cleaned_data["decision"] == Review.Decision.APPROVE
    try:
        intake_decide(
            intake=intake,
            practitioner=practitioner,
            decision=form.cleaned_data["decision"],
            by=request.user,
            finding_decisions=form.finding_decisions(),
            sessions=form.cleaned_data["sessions"] if approving else None,
            interval_days=form.cleaned_data["interval_days"] if approving else None,
            notes=form.cleaned_data["notes"],
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    except Conflict as exc:
        messages.error(request, exc.message)
        return None
    verb = "approved: the course can be booked" if approving else "declined: the patient is told"
    messages.success(request, f"{intake.patient.full_name}'s intake is {verb}.")
    return redirect("review-queue")


def _detail_context(intake: Intake, form: ReviewForm, *, can_decide: bool) -> dict[str, Any]:
    absolute = any(f["severity"] == Severity.ABSOLUTE for f in intake.findings)
    return {
        "intake": intake,
        "patient": intake.patient,
        "age": age_on(intake.patient.date_of_birth, timezone.localdate()),
        "age_at_submission": (intake.snapshot or {}).get("age"),
        "consent": intake.consents.select_related("text").order_by("-accepted_at").first(),
        "groups": _finding_groups(intake, form),
        "questionnaire": _questionnaire(intake),
        "form": form,
        "can_decide": can_decide,
        "can_approve": can_decide and intake.status != Intake.Status.NOT_SUITABLE and not absolute,
        "reviews": intake.reviews.select_related("practitioner"),
    }
