"""Forms of the online booking flow (rendered with crispy-bootstrap5)."""

from __future__ import annotations

from django import forms

from bookings.web.public.flow import ANY
from clinic.models import Location, Practitioner
from treatments.models import Area


class AreaStepForm(forms.Form):
    area = forms.ChoiceField(label="Which area would you like treated?", widget=forms.RadioSelect)
    numbing = forms.BooleanField(
        label="I would like numbing cream (we add its time to the start of the visit)", required=False
    )

    def __init__(self, *args, areas: list[Area], numbing_minutes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.slug, f"{a.name} ({a.minutes} minutes)") for a in areas]
        self.fields["numbing"].help_text = f"Adds {numbing_minutes} minutes."


class LocationStepForm(forms.Form):
    location = forms.ChoiceField(label="Where would you like to be treated?", widget=forms.RadioSelect)

    def __init__(self, *args, locations: list[Location], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [(loc.slug, f"{loc.name}: {loc.address}") for loc in locations]


class PractitionerStepForm(forms.Form):
    practitioner = forms.ChoiceField(label="Who would you like to see?", widget=forms.RadioSelect)

    def __init__(self, *args, practitioners: list[Practitioner], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].choices = [(ANY, "First available practitioner")] + [
            (str(p.pk), p.display_name) for p in practitioners
        ]


class ReviewForm(forms.Form):
    """Confirming needs an explicit agreement to the cancellation policy."""

    accept_policy = forms.BooleanField(label="I have read the cancellation policy above", required=True)
