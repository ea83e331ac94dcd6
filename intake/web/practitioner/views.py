"""The practitioner's review pages: the queue of intakes to review, and one intake's review.

Only practitioners and clinic managers reach them (reception and patients get 404). Every view
of an intake's answers is audited. The decision goes through `intake_decide`, which refuses to
clear an intake with an absolute contraindication whatever the form sends.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.forms import ServiceErrorsMixin
from clinic.models import Practitioner, age_on
from clinic.roles import Role, has_role, role_required
from intake.access import get_intake_for, review_queue
from intake.models import FINDING_DECISIONS, Intake, Review, Severity
from intake.services import intake_decide

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


def _as_text(value: Any) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "":
        return "Not answered"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "None"
    return str(value)


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


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """A decision per finding (grouped by catalogue code, as the review stores them), the course
    shape within the treatment's protocol, and overall notes. The button pressed is `decision`."""

    top_level_fields = ("decision",)

    decision = forms.ChoiceField(choices=Review.Decision.choices, widget=forms.HiddenInput)
    sessions = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Course length (sessions)")
    interval_days = forms.IntegerField(label="Days between sessions")  # bounds set per treatment
    notes = forms.CharField(
        label="Overall notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, intake: Intake, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        treatment = intake.treatment
        self.codes = codes
        sessions = self.fields["sessions"]
        sessions.choices = [(n, str(n)) for n in range(treatment.sessions_min, treatment.sessions_max + 1)]
        sessions.initial = treatment.sessions_default
        self.fields["interval_days"] = forms.IntegerField(
            label="Days between sessions",
            required=False,
            min_value=treatment.interval_min_days,
            max_value=treatment.interval_max_days,
            initial=treatment.interval_default_days,
            help_text=f"{treatment.interval_min_days} to {treatment.interval_max_days} days.",
            error_messages={
                key: f"Sessions of {treatment.name.lower()} are {treatment.interval_min_days} to "
                f"{treatment.interval_max_days} days apart."
                for key in ("min_value", "max_value")
            },
        )
        for code in codes:
            self.fields[f"finding_{code}"] = forms.ChoiceField(
                label=f"Decision on {code}", required=False, choices=[("", "Choose…"), *FINDING_DECISIONS]
            )
            self.fields[f"finding_{code}_notes"] = forms.CharField(
                label=f"Notes on {code}", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == Review.Decision.APPROVE:
            for name in ("sessions", "interval_days"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Set this before approving.")
            for code in self.codes:
                if not data.get(f"finding_{code}"):
                    self.add_error(f"finding_{code}", "Choose proceed or defer before approving.")
        return data

    def finding_decisions(self) -> dict[str, dict[str, str]]:
        decisions = {}
        for code in self.codes:
            decision = self.cleaned_data.get(f"finding_{code}")
            notes = self.cleaned_data.get(f"finding_{code}_notes", "")
            if decision:
                decisions[code] = {"decision": decision, "notes": notes}
        return decisions


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
                "answer": _as_text(answers.get(code)) if code in questions else "",
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
        return f"Medications: {_as_text(answers.get('medications'))}"
    if source == "allergy":
        return f"Allergies: {_as_text(answers.get('allergies'))}"
    if source == "bmi":
        return f"Height {_as_text(answers.get('height_cm'))} cm, weight {_as_text(answers.get('weight_kg'))} kg"
    if source == "weight":
        return f"Weight stable: {_as_text(answers.get('weight_stable'))}"
    if source == "cold_sores":
        return (
            f"Cold sores: {_as_text(answers.get('hsv_frequency'))}; after a past procedure: "
            f"{_as_text(answers.get('hsv_after_procedure'))}"
        )
    if source == "answer":
        return f"Answered: {_as_text(answers.get(finding['code']))}"
    return ""


def _questionnaire(intake: Intake) -> list[dict[str, str]]:
    snapshot = intake.snapshot or {}
    answers = snapshot.get("answers", intake.answers)
    rows = [
        {"code": q["code"], "question": q["question"], "answer": _as_text(answers.get(q["code"]))}
        for q in snapshot.get("questions", [])
    ]
    rows += [
        {"code": name, "question": label, "answer": _as_text(answers.get(name))}
        for name, label in STRUCTURED_LABELS.items()
    ]
    return rows


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intake = get_intake_for(request.user, pk, clinical=True)
    codes = list(dict.fromkeys(f["code"] for f in intake.findings))
    decidable = intake.status in (Intake.Status.NEEDS_REVIEW, Intake.Status.NOT_SUITABLE)
    practitioner = Practitioner.objects.filter(user=request.user, is_active=True).first()
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
        elif form.is_valid():
            decision = form.cleaned_data["decision"]
            approving = decision == Review.Decision.APPROVE
            try:
                intake_decide(
                    intake=intake,
                    practitioner=practitioner,
                    decision=decision,
                    by=request.user,
                    finding_decisions=form.finding_decisions(),
                    sessions=form.cleaned_data["sessions"] if approving else None,
                    interval_days=form.cleaned_data["interval_days"] if approving else None,
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except Conflict as exc:
                messages.error(request, exc.message)
            else:
                verb = "approved: the course can be booked" if approving else "declined: the patient is told"
                messages.success(request, f"{intake.patient.full_name}'s intake is {verb}.")
                return redirect("review-queue")
        intake.refresh_from_db()
    audit_record(actor=request.user, action="intake.view", obj=intake, patient=intake.patient)
    consent = intake.consents.select_related("text").order_by("-accepted_at").first()
    today = timezone.localdate()
    return render(
        request,
        "intake/staff/review_detail.html",
        {
            "intake": intake,
            "patient": intake.patient,
            "age": age_on(intake.patient.date_of_birth, today),
            "age_at_submission": (intake.snapshot or {}).get("age"),
            "consent": consent,
            "groups": _finding_groups(intake, form),
            "questionnaire": _questionnaire(intake),
            "form": form,
            "can_decide": can_decide,
            "can_approve": can_decide
            and intake.status != Intake.Status.NOT_SUITABLE
            and not any(f["severity"] == Severity.ABSOLUTE for f in intake.findings),
            "reviews": intake.reviews.select_related("practitioner"),
        },
    )
