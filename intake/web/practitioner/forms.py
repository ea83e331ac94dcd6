"""The practitioner's review form."""

from __future__ import annotations

from typing import Any

from django import forms

from clinic.forms import ServiceErrorsMixin
from intake.models import FINDING_DECISIONS, Intake, Review


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
