from __future__ import annotations

from typing import Any

from django import forms

from bookings.models import Appointment
from clinic.forms import ServiceErrorsMixin
from photos.models import Photo
from treatments.models import Area


class PhotoUploadForm(ServiceErrorsMixin, forms.Form):
    # `capture`: a phone opens its camera at once (a desktop offers the file chooser).
    image = forms.FileField(
        label="Photo",
        allow_empty_file=True,  # the service says "the file is empty" in its own words
        help_text="Take it with the camera or choose a picture (JPEG, PNG, WebP or HEIC). "
        "Location and camera details are removed before it is stored.",
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": True}),
    )
    area = forms.ModelChoiceField(queryset=Area.objects.none(), empty_label=None)
    view = forms.ChoiceField(choices=Photo.View.choices)

    def __init__(self, *args: Any, appointment: Appointment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(treatment=appointment.treatment).order_by("name")
        self.fields["area"].initial = appointment.area_id
