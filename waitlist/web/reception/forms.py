"""Reception's forms: add a phone patient to the list, offer a time by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from clinic.forms import BoundedDateField, DateInput, ServiceErrorsMixin, local_start
from clinic.models import Location, Patient, Practitioner
from treatments.models import Area
from waitlist.models import Entry


class AddForm(ServiceErrorsMixin, forms.Form):
    prefix = "add"
    patient = forms.ModelChoiceField(queryset=Patient.objects.none())
    area = forms.ModelChoiceField(label="Treatment", queryset=Area.objects.none())
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), required=False, empty_label="Anyone", label="With"
    )
    earliest = BoundedDateField(label="From", widget=DateInput)
    latest = BoundedDateField(label="Until", widget=DateInput)

    def __init__(self, *args: Any, location: Location, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["patient"].queryset = Patient.objects.filter(locations=location).order_by("last_name", "first_name")
        self.fields["area"].queryset = (
            Area.objects.filter(treatment__is_active=True)
            .select_related("treatment")
            .order_by("treatment__name", "name")
        )
        self.fields["area"].label_from_instance = lambda a: f"{a.treatment.name}: {a.name}"
        self.fields["practitioner"].queryset = Practitioner.objects.filter(is_active=True, locations=location)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "patient": data["patient"],
            "treatment": data["area"].treatment,
            "area": data["area"],
            "location": self.location,
            "practitioner": data["practitioner"],
            "earliest": data["earliest"],
            "latest": data["latest"],
        }


class OfferForm(ServiceErrorsMixin, forms.Form):
    prefix = "offer"
    entry = forms.ModelChoiceField(queryset=Entry.objects.none(), label="Waiting patient")
    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.none(), label="With")
    day = BoundedDateField(widget=DateInput)
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, location: Location, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["entry"].queryset = Entry.objects.filter(
            location=location, status=Entry.Status.WAITING
        ).select_related("patient", "treatment", "area")
        self.fields["entry"].label_from_instance = lambda e: (
            f"{e.patient.full_name}: {e.treatment.name} ({e.area.name})"
        )
        self.fields["practitioner"].queryset = Practitioner.objects.filter(is_active=True, locations=location)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day: date | None = data.get("day")
        if day is not None and data.get("time") is not None:
            data["start"] = local_start(self, day=day, at=data["time"], zone=self.location.zone)
        return data
