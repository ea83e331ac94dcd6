"""The patient's intake questionnaire forms. Plain forms: the services in intake.services do the saving."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from clinic.forms import ServiceErrorsMixin
from intake.domain import screening
from intake.models import PhotoConsent
from intake.selectors import HSV_CHOICES, LIST_LIMIT, TEXT_LIMITS

YES_NO = [("yes", "Yes"), ("no", "No")]
CHOOSE_YES_NO = "Choose yes or no."
LIST_HELP = "Leave empty if there are none."


class ChoiceGroup(forms.RadioSelect):
    """Radio buttons shown as a fieldset (intake/_choice_group.html).

    Django gives a radio group no id for its label; the error summary links to the first button instead.
    """

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class CheckboxGroup(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _yes_no(label: str, *, required: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        widget=ChoiceGroup,
        help_text=help_text,
        error_messages={"required": CHOOSE_YES_NO},
    )


def as_choice(value: Any) -> str | None:
    """A stored True/False as the radio value it was chosen with."""
    return None if value is None else ("yes" if value else "no")


def as_lines(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list | tuple) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _number(value: float) -> int | float:
    value = round(value, 1)
    return int(value) if value == int(value) else value


def _list_fields() -> dict[str, forms.Field]:
    return {
        "medications": forms.CharField(
            label="Medicines you take (one per line, as written on the box)",
            required=False,
            max_length=LIST_LIMIT,
            help_text="Include supplements and anything bought without a prescription. " + LIST_HELP,
            widget=forms.Textarea(attrs={"rows": 4}),
        ),
        "allergies": forms.CharField(
            label="Allergies (one per line)",
            required=False,
            max_length=LIST_LIMIT,
            help_text=LIST_HELP,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    }


class HealthForm(ServiceErrorsMixin, forms.Form):
    """Step 1: one yes/no question per applicable catalogue item; field names are the item codes."""

    def __init__(self, *args: Any, questions: Iterable[screening.Item], answers: Mapping[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for item in questions:
            self.fields[item.code] = _yes_no(item.question)
            self.initial[item.code] = as_choice(answers.get(item.code))

    def answers(self) -> dict[str, bool]:
        return dict(self.cleaned_data)


class MedicinesForm(ServiceErrorsMixin, forms.Form):
    """Step 2 (and the recheck): free-text lists, screened against the medication classes and allergens."""

    def __init__(self, *args: Any, answers: Mapping[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields.update(_list_fields())
        self.initial.update({name: as_lines(answers.get(name)) for name in ("medications", "allergies")})

    def answers(self) -> dict[str, list[str]]:
        return {name: _lines(self.cleaned_data[name]) for name in ("medications", "allergies")}


def _measure(label: str, unit: str, bounds: tuple[int, int], example: int) -> forms.FloatField:
    low, high = bounds
    out_of_range = f"Enter your {label} in {unit} between {low} and {high} (for example {example})."
    return forms.FloatField(
        label=f"{label.capitalize()} ({'cm' if unit == 'centimetres' else 'kg'})",
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter your {label} in {unit}.",
            "invalid": f"Enter your {label} as a number of {unit}, for example {example}.",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class AboutForm(ServiceErrorsMixin, forms.Form):
    """Step 3: measurements (for the BMI), weight stability, cold sores and expectations."""

    height_cm = _measure("height", "centimetres", screening.HEIGHT_CM, 168)
    weight_kg = _measure("weight", "kilograms", screening.WEIGHT_KG, 68)
    weight_stable = _yes_no("Has your weight been stable (within 5%) for the last 6 months?")
    hsv_frequency = forms.ChoiceField(
        label="How often do you get cold sores?",
        choices=HSV_CHOICES,
        widget=ChoiceGroup,
        error_messages={"required": "Choose how often you get cold sores."},
    )
    hsv_after_procedure = _yes_no(
        "Did one follow a previous cosmetic procedure?", required=False, help_text="Answer this if you get cold sores."
    )
    expectations = forms.CharField(
        label="What result do you hope for?",
        required=False,
        max_length=TEXT_LIMITS["expectations"],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMITS["expectations"]}),
        error_messages={
            "max_length": f"Please keep this to {TEXT_LIMITS['expectations']} characters (it has %(show_value)d)."
        },
    )

    FIELDS = ("height_cm", "weight_kg", "weight_stable", "hsv_frequency", "hsv_after_procedure", "expectations")

    def __init__(self, *args: Any, answers: Mapping[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in self.FIELDS:
            value = answers.get(name)
            self.initial[name] = as_choice(value) if name in ("weight_stable", "hsv_after_procedure") else value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("hsv_frequency") not in (None, "never") and data.get("hsv_after_procedure") is None:
            self.add_error("hsv_after_procedure", CHOOSE_YES_NO)
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "height_cm": _number(data["height_cm"]),
            "weight_kg": _number(data["weight_kg"]),
            "weight_stable": data["weight_stable"],
            "hsv_frequency": data["hsv_frequency"],
            "hsv_after_procedure": data["hsv_after_procedure"],
            "expectations": data["expectations"].strip(),
        }


def _purposes_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=PhotoConsent.Purpose.choices,
        required=False,
        widget=CheckboxGroup,
        help_text="Tick each use you agree to. You can change this at any time.",
    )


class ConsentForm(ServiceErrorsMixin, forms.Form):
    """Step 4: sign the treatment's consent (unless already signed) and choose the photo uses."""

    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Type your full name to sign."},
    )
    agreed = forms.BooleanField(label="I agree", error_messages={"required": "Please tick to confirm you agree."})
    purposes = _purposes_field("I allow the clinic to use photographs of my treatment for (optional):")

    def __init__(self, *args: Any, signed: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if signed:
            del self.fields["typed_name"], self.fields["agreed"]


class PhotoConsentForm(ServiceErrorsMixin, forms.Form):
    purposes = _purposes_field("I allow the clinic to use photographs of my treatment for:")


class RecheckForm(ServiceErrorsMixin, forms.Form):
    """Before a later session: has anything changed? The lists are screened again, the note is not."""

    changed = _yes_no(
        "Has anything changed since your last visit?",
        help_text="For example a new medicine, a new allergy or illness, a pregnancy, or a procedure elsewhere.",
    )
    change_note = forms.CharField(
        label="What has changed?",
        required=False,
        max_length=TEXT_LIMITS["health_change"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if anything has changed. A practitioner reads this before your session.",
    )

    def __init__(self, *args: Any, answers: Mapping[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        lists = _list_fields()
        for field in lists.values():
            field.help_text = "Only if anything has changed: correct the list. " + LIST_HELP
        # Keep "What has changed?" last, after the lists.
        self.fields = {"changed": self.fields["changed"], **lists, "change_note": self.fields["change_note"]}
        self.initial.update({name: as_lines(answers.get(name)) for name in ("medications", "allergies")})

    def answers(self) -> dict[str, Any] | None:
        if not self.cleaned_data["changed"]:
            return None
        return {
            "medications": _lines(self.cleaned_data["medications"]),
            "allergies": _lines(self.cleaned_data["allergies"]),
            "health_change": self.cleaned_data["change_note"].strip(),
        }
