"""The patient's "join the waiting list" form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from bookings.models import Appointment
from clinic.forms import BoundedDateField, DateInput, ServiceErrorsMixin
from clinic.models import Location, Patient, Practitioner
from treatments.models import Area

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class JoinForm(ServiceErrorsMixin, forms.Form):
    area = forms.ModelChoiceField(
        label="Treatment",
        queryset=Area.objects.filter(treatment__is_active=True)
        .select_related("treatment")
        .order_by("treatment__name", "name"),
    )
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True), label="Where")
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.filter(is_active=True), required=False, empty_label="Anyone", label="With"
    )
    earliest = BoundedDateField(label="From", widget=DateInput)
    latest = BoundedDateField(label="Until", widget=DateInput)
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Days (none: any)"
    )
    after = forms.TimeField(required=False, label="Not before", widget=forms.TimeInput(attrs={"type": "time"}))
    before = forms.TimeField(required=False, label="Finished by", widget=forms.TimeInput(attrs={"type": "time"}))
    current_appointment = forms.ModelChoiceField(
        queryset=Appointment.objects.none(),
        required=False,
        empty_label="No: a new appointment",
        label="Earlier than an appointment I have",
    )

    def __init__(self, *args: Any, patient: Patient, today: date, **kwargs: Any) -> None:
        kwargs["initial"] = {"earliest": today, "latest": today + timedelta(days=28), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["area"].label_from_instance = lambda a: f"{a.treatment.name}: {a.name}"
        self.fields["current_appointment"].queryset = Appointment.objects.filter(
            patient=patient, status=Appointment.Status.BOOKED, start__date__gte=today
        ).select_related("treatment")
        self.fields["current_appointment"].label_from_instance = lambda a: f"{a.treatment.name}, {a.start:%d %B %H:%M}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("after"), data.get("before")
        if (after is None) != (before is None):
            self.add_error("before", "Give both times, or neither.")
        elif after is not None and before is not None and after >= before:
            self.add_error("before", "This must be after “Not before”.")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        area = data["area"]
        times = [(data["after"], data["before"])] if data.get("after") else []
        return {
            "treatment": area.treatment,
            "area": area,
            "location": data["location"],
            "practitioner": data["practitioner"],
            "earliest": data["earliest"],
            "latest": data["latest"],
            "weekdays": data["weekdays"],
            "times": times,
            "current_appointment": data["current_appointment"],
        }
