"""Forms of reception's diary actions: find or add a patient, book, move, cancel, change status."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from bookings.appointments.reception import NewPatient
from bookings.models import Appointment
from clinic.forms import BoundedDateField, DateInput, EmailField, ServiceErrorsMixin, local_start
from clinic.models import Location, Patient, Practitioner, Room
from clinic.params import EMAIL_MAX_LENGTH, BadValue, Query, to_id, to_instant
from clinic.patients import patient_search, phone_digits
from clinic.phones import PhoneFormField, region_of
from treatments.models import Area, Treatment

SEARCH_LIMIT = 20


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__({"step": 300, **(attrs or {})}, format=format or "%H:%M")


class PatientSearchForm(forms.Form):
    """Find an existing patient. Always POSTed: names, emails and phones never go in a URL."""

    find_name = forms.CharField(label="Find by name", required=False, max_length=150)
    find_date_of_birth = forms.DateField(label="Find by date of birth", required=False, widget=DateInput())
    find_email = forms.CharField(label="Find by email", required=False, max_length=EMAIL_MAX_LENGTH)
    find_phone = forms.CharField(label="Find by phone", required=False, max_length=40)

    def __init__(self, *args, region: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region = region  # the location's country: how a number typed without +44 is read

    def clean(self):
        data = super().clean()
        name, phone = data.get("find_name", "").strip(), phone_digits(data.get("find_phone", ""))
        if not (name or data.get("find_date_of_birth") or data.get("find_email", "").strip() or phone):
            raise forms.ValidationError("Enter a name, a date of birth, an email address or a phone number.")
        if name and len(name) < 2:
            self.add_error("find_name", "Enter at least two letters of the name.")
        if data.get("find_phone", "").strip() and len(phone) < 4:
            self.add_error("find_phone", "Enter at least four digits of the phone number.")
        return data

    def filter(self, patients: QuerySet[Patient]) -> QuerySet[Patient]:
        data = self.cleaned_data
        return patient_search(
            patients,
            name=data["find_name"],
            date_of_birth=data.get("find_date_of_birth"),
            email=data["find_email"],
            phone=data["find_phone"],
            region=self.region,
        )

    def results(self) -> list[Patient]:
        patients = self.filter(Patient.objects.all())
        return list(
            patients.order_by("last_name", "first_name", "id").only(
                "first_name", "last_name", "date_of_birth", "email", "phone"
            )[:SEARCH_LIMIT]
        )


def masked_contact(patient: Patient) -> str:
    """Enough to tell two patients apart on the phone, not enough to copy a contact detail."""
    parts = []
    digits = re.sub(r"\D", "", str(patient.phone or patient.phone_unchecked))
    if digits:
        parts.append(f"phone ending {digits[-3:]}")
    if "@" in patient.email:
        local, domain = patient.email.split("@", 1)
        parts.append(f"{local[:1]}…@{domain}")
    return ", ".join(parts) or "no contact details"


class _LocalStartMixin:
    """The date and time typed in the location's wall-clock time, as the UTC instant `start`.

    A time the clocks skip is an error on the time; one that happens twice is the first, unless
    `later` (set when a listed free time was the second one) asks for the second. In UTC, so the
    visit's end is its length in real minutes after the start, never on the wall clock."""

    def _clean_start(self, data: dict[str, Any], zone: ZoneInfo) -> None:
        if data.get("date") and data.get("time"):
            start = local_start(self, day=data["date"], at=data["time"], zone=zone, later=bool(data.get("later")))
            if start is not None:
                data["start"] = start

    @property
    def start(self) -> datetime:
        return self.cleaned_data["start"]  # type: ignore[attr-defined]


def _later_field() -> forms.BooleanField:
    return forms.BooleanField(required=False, widget=forms.HiddenInput)


class DiaryBookingForm(_LocalStartMixin, ServiceErrorsMixin, forms.Form):
    """Book a patient (found or new) into a slot. `patient` is a found patient's id or "new"."""

    patient = forms.CharField(required=False)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    phone = PhoneFormField(label="Phone", required=False)
    email = EmailField(label="Email", required=False)
    confirm_new = forms.BooleanField(
        label="This is a different person from the patient(s) with the same name and date of birth", required=False
    )
    treatment = forms.ModelChoiceField(Treatment.objects.none(), label="Treatment")
    area = forms.ModelChoiceField(
        Area.objects.none(), label="Area", error_messages={"invalid_choice": "Choose an area of the chosen treatment."}
    )
    practitioner = forms.ModelChoiceField(
        Practitioner.objects.none(), label="Practitioner", required=False, empty_label="First available"
    )
    room = forms.ModelChoiceField(Room.objects.none(), label="Room", required=False, empty_label="Any free room")
    date = BoundedDateField(label="Date", widget=DateInput())
    time = forms.TimeField(label="Start time", widget=TimeInput())
    later = _later_field()
    numbing_cream = forms.BooleanField(label="Numbing cream (adds its time to the start)", required=False)
    override = forms.BooleanField(label="Overbook: book even though the time is not free", required=False)
    override_reason = forms.CharField(label="Reason for overbooking", max_length=300, required=False)

    def __init__(self, *args, location: Location, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["phone"].region = region_of(location)  # a number typed here is read as this country's
        self.fields["treatment"].queryset = Treatment.objects.active()
        # Only the chosen treatment's areas (chosen in the data posted, or ahead of time): not the
        # twenty areas of every treatment. Changing the treatment refreshes them (action "areas").
        chosen = (self.data.get("treatment") if self.is_bound else None) or self.initial.get("treatment")
        chosen = Query({"treatment": str(chosen or "")}).id("treatment")
        areas = Area.objects.filter(treatment__is_active=True).select_related("treatment")
        self.fields["area"].queryset = areas.filter(treatment_id=chosen) if chosen else areas
        self.fields["area"].label_from_instance = lambda a: f"{a.name} ({a.minutes} minutes)"
        # With htmx, choosing a treatment swaps in its areas at once (the button does it without).
        self.fields["treatment"].widget.attrs.update(
            {
                "hx-post": reverse("diary-book", args=[location.slug]),
                "hx-trigger": "change",
                "hx-vals": '{"action": "areas"}',
                "hx-target": "#area-field",
                "hx-select": "#area-field",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["practitioner"].queryset = Practitioner.objects.filter(locations=location, is_active=True)
        self.fields["room"].queryset = Room.objects.filter(location=location, is_active=True)

    def clean_patient(self) -> Patient | str | None:
        value = self.cleaned_data["patient"].strip()
        if value == "new":
            return value
        try:
            pk = to_id(value, "patient")
        except BadValue:
            raise forms.ValidationError("Find the patient and choose them, or add a new patient.") from None
        patient = Patient.objects.filter(pk=pk).first()
        if patient is None:
            raise forms.ValidationError("That patient no longer exists: search again.")
        return patient

    def clean(self):
        data = super().clean()
        if data.get("patient") == "new":
            for name in ("first_name", "last_name", "date_of_birth"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"Enter the new patient’s {self.fields[name].label.lower()}.")
            if not (data.get("phone") or data.get("email")) and not {"email", "phone"} & set(self.errors):
                self.add_error("phone", "Give a phone number or an email address.")
        treatment, area = data.get("treatment"), data.get("area")
        if treatment and area and area.treatment_id != treatment.pk:
            self.add_error("area", f"“{area.name}” is not an area of {treatment.name.lower()}.")
        if data.get("override"):
            if not data.get("override_reason", "").strip():
                self.add_error("override_reason", "Give the reason for overbooking (it is recorded).")
            if not data.get("practitioner"):
                self.add_error("practitioner", "Choose the practitioner to overbook.")
        self._clean_start(data, self.location.zone)
        return data

    def duplicates(self) -> list[Patient]:
        """Existing patients with the new patient's name and date of birth: likely the same person."""
        data = self.cleaned_data
        return list(
            Patient.objects.filter(
                first_name__iexact=data["first_name"].strip(),
                last_name__iexact=data["last_name"].strip(),
                date_of_birth=data["date_of_birth"],
            ).order_by("id")[:SEARCH_LIMIT]
        )

    def booking(self) -> dict[str, Any]:
        """The booking service's arguments, from a valid form."""
        data = self.cleaned_data
        patient = data["patient"]
        if patient == "new":
            patient = NewPatient(
                **{name: data[name] for name in ("first_name", "last_name", "date_of_birth")},
                phone=data["phone"],
                email=data["email"].strip(),
            )
        return {
            "patient": patient,
            "location": self.location,
            "treatment": data["treatment"],
            "area": data["area"],
            "start": self.start,
            "practitioner": data["practitioner"],
            "room": data["room"],
            "numbing_cream": data["numbing_cream"],
            "override_reason": data["override_reason"] if data["override"] else "",
        }


class MoveForm(_LocalStartMixin, ServiceErrorsMixin, forms.Form):
    date = BoundedDateField(label="New date", widget=DateInput())
    time = forms.TimeField(label="New start time", widget=TimeInput())
    later = _later_field()
    practitioner = forms.ModelChoiceField(Practitioner.objects.none(), label="Practitioner")

    def __init__(self, *args, appointment: Appointment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        self.fields["practitioner"].queryset = Practitioner.objects.filter(
            locations=appointment.location_id, is_active=True, treatments=appointment.treatment_id
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._clean_start(data, self.appointment.location.zone)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling", max_length=300)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for cancelling.")
        return reason


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s, s.label) for s in (Appointment.Status.ARRIVED, Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW)
        ]
    )


def apply_slot_pick(data, zone: ZoneInfo) -> None:
    """A chosen alternative ("<ISO start>|<practitioner id>") fills the date, time and practitioner
    (and `later` when it is the second of a time that happens twice); a garbled one changes nothing."""
    start_text, _, practitioner = data.get("slot", "").partition("|")
    try:
        start = to_instant(start_text, "slot").astimezone(zone)
    except BadValue:
        return
    data["date"], data["time"] = start.date().isoformat(), start.strftime("%H:%M")
    data["later"] = "1" if start.fold else ""
    with contextlib.suppress(BadValue):
        data["practitioner"] = str(to_id(practitioner, "practitioner"))
    data.pop("override", None)


_ID_FIELDS = ("patient", "practitioner", "room", "treatment", "area")


def initial_for_areas(data, location: Location) -> dict:
    """The form as posted, for showing the areas of a newly chosen treatment (nothing is booked):
    an area of another treatment gives way to the treatment's first. Ids are read the way a
    query's are (a garbled one is left out), since nothing here is validated by the form."""
    read = Query(data)
    initial = {
        name: value for name, value in data.items() if name in DiaryBookingForm.base_fields and name not in _ID_FIELDS
    }
    initial.update({name: read.id(name) for name in _ID_FIELDS if read.id(name) is not None})
    if read.raw("patient") == "new":
        initial["patient"] = "new"
    treatment_id = initial.get("treatment")
    treatment = Treatment.objects.active().filter(pk=treatment_id).first() if treatment_id else None
    if treatment is not None and not treatment.areas.filter(pk=initial.get("area") or 0).exists():
        first = treatment.areas.order_by("position", "name").first()
        initial["area"] = first.pk if first else None
    return initial


def initial_from_query(query, location: Location) -> dict:
    """The free cell's practitioner (or room), date and time: ids and times, never patient data.
    A garbled value is left out (the form shows its default)."""
    read = Query(query)
    values = {name: read.id(name) for name in ("practitioner", "room", "treatment", "area")}
    values.update(date=read.date("date"), time=read.time("time"))
    return {name: value for name, value in values.items() if value is not None}
