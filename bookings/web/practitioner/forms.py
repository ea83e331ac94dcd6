"""The practitioner's session record form. Saving goes through bookings.records (audited)."""

from __future__ import annotations

from typing import Any

from django import forms

from bookings.appointments.records import MANY_FIELDS, SCALAR_FIELDS, day_label, session_date, session_record_problems
from bookings.models import SESSION_MAX_VOLUME_ML, Appointment, SessionRecord
from clinic.forms import ServiceErrorsMixin


class SessionRecordForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = SessionRecord
        fields = [
            "ingredients",
            "product_name",
            "batch_number",
            "expiry_date",
            "areas",
            "volume_ml",
            "anaesthetic",
            "anaesthetic_other",
            "technique_notes",
            "adverse_event_occurred",
            "adverse_events",
            "advice_given",
        ]
        labels = {
            "ingredients": "Products used",
            "product_name": "Other product",
            "batch_number": "Batch / lot number",
            "areas": "Areas treated",
            "adverse_event_occurred": "An adverse event occurred",
            "adverse_events": "Adverse events",
        }
        widgets = {
            "ingredients": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "anaesthetic": forms.RadioSelect,
            "expiry_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "technique_notes": forms.Textarea(attrs={"rows": 3}),
            "adverse_events": forms.Textarea(attrs={"rows": 3}),
            "advice_given": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, appointment: Appointment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        treatment = appointment.treatment
        self.fields["ingredients"].queryset = treatment.ingredients.all()
        self.fields["ingredients"].required = False
        self.fields["ingredients"].help_text = "Tick every product used, or name one below."
        self.fields["areas"].queryset = treatment.areas.all()
        self.fields["areas"].label_from_instance = lambda area: area.name  # the treatment is on the page
        if self.instance.pk is None:
            self.initial["areas"] = [appointment.area_id]  # the booked area, as a starting point
        session_day = day_label(session_date(appointment))
        self.fields["expiry_date"].help_text = f"Must not be before the session ({session_day})."
        self.fields["volume_ml"].help_text = f"Total volume injected, up to {SESSION_MAX_VOLUME_ML} ml."
        self.fields["anaesthetic_other"].help_text = "Only when the anaesthetic is “Other”."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in session_record_problems(appointment=self.appointment, data=data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in (*SCALAR_FIELDS, *MANY_FIELDS)}
